// SPDX-License-Identifier: MIT OR Apache-2.0
//! From `/chosen/stdout-path` to the physical address of the console.
//!
//! The Devicetree Specification (v0.4, 3.6) lets `stdout-path` be a full
//! node path or an alias from `/aliases`, optionally followed by `:` and
//! options (`serial1:115200n8`). The node's first `reg` entry is in the
//! address space of its parent bus; every bus above it maps that space
//! into its own parent's through `ranges` (2.3.8: empty means identity,
//! absent means no mapping), up to the root, whose space is the CPU's.
//! Linux's stock `imx6q-sabrelite.dtb` puts the console at
//! `/soc/bus@2100000/serial@21e8000`, two identity buses down.
//!
//! This file owns that resolution, as one more checked walk over the
//! blob: the path's nodes are matched as the walk meets them (a component
//! without a unit address matches the first node of that name, as Linux's
//! `of_find_node_by_path` does), their `reg`, `ranges` and cell counts are
//! kept, and the arithmetic runs once the walk is over, so properties that
//! come after child nodes are seen too. Nothing here can panic or loop.

use super::structure::{MAX_DEPTH, Token, walk_tokens};
use super::{DeviceTreeError, cell_count, number};
use crate::addr::PhysAddr;
use core::fmt;

/// The console device `stdout-path` leads to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct StdoutDevice<'a> {
    /// The path as written, options removed: a full path, or an alias
    /// (`serial1`) possibly followed by `/child`.
    pub path: &'a str,
    /// What the alias stands for, when `path` starts with one.
    pub alias_value: Option<&'a str>,
    /// The options after `:` (`115200n8`), if any.
    pub options: Option<&'a str>,
    /// The first `reg` region's start, as the CPU sees it.
    pub address: PhysAddr,
}

/// Why `stdout-path` leads to no address. Each names the path as written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StdoutError<'a> {
    /// The path starts with an alias that `/aliases` does not define (or
    /// defines as something other than a full path).
    UnknownAlias(&'a str),
    /// No node has this path.
    NoSuchNode(&'a str),
    /// The node has no usable `reg` (absent, or shorter than its cells).
    NoRegister(&'a str),
    /// A bus above the node has no `ranges`, or none that covers it.
    NotMapped(&'a str),
    /// Cell counts other than one or two, or an address at or above 4 GiB.
    Unsupported(&'a str),
    /// The blob itself is malformed.
    Malformed(DeviceTreeError),
}

impl fmt::Display for StdoutError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownAlias(alias) => write!(f, "no alias {alias} in /aliases"),
            Self::NoSuchNode(path) => write!(f, "no node {path}"),
            Self::NoRegister(path) => write!(f, "{path} has no usable reg"),
            Self::NotMapped(path) => {
                write!(f, "{path} is not mapped to the CPU (a bus lacks ranges)")
            }
            Self::Unsupported(path) => {
                write!(
                    f,
                    "{path} has an address above 4 GiB or cells other than 1 or 2"
                )
            }
            Self::Malformed(error) => write!(f, "{error}"),
        }
    }
}

/// Splits a `stdout-path` value into the path (or alias) and the options
/// after the first `:`.
pub fn split_options(value: &str) -> (&str, Option<&str>) {
    match value.split_once(':') {
        Some((path, options)) => (path, Some(options)),
        None => (value, None),
    }
}

/// Resolves `stdout_path` (the property's text) in `blob` to the device's
/// address. `blob` must be a whole device tree blob (as [`super::parse`]
/// takes it); malformations are errors, never panics.
pub fn resolve<'a>(
    blob: &'a [u8],
    stdout_path: &'a str,
) -> Result<StdoutDevice<'a>, StdoutError<'a>> {
    let (path, options) = split_options(stdout_path);
    let target = expand_alias(blob, path)?;
    let chain = find_chain(blob, &target)
        .map_err(StdoutError::Malformed)?
        .ok_or(StdoutError::NoSuchNode(path))?;
    let address = chain.translate().map_err(|failure| match failure {
        Failure::NoRegister => StdoutError::NoRegister(path),
        Failure::NotMapped => StdoutError::NotMapped(path),
        Failure::Unsupported => StdoutError::Unsupported(path),
    })?;
    Ok(StdoutDevice {
        path,
        alias_value: target.alias_value,
        options,
        address,
    })
}

/// A path as two pieces: the alias's full path (or the path itself) and
/// what followed the alias (`""` or `/child/...`).
struct Target<'a> {
    base: &'a str,
    rest: &'a str,
    /// `base` when it came from `/aliases`.
    alias_value: Option<&'a str>,
}

impl<'a> Target<'a> {
    /// The path's components, root excluded, in order.
    fn components(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let (base, rest) = (self.base, self.rest);
        base.split('/')
            .chain(rest.split('/'))
            .filter(|component| !component.is_empty())
    }
}

/// `path` itself if it starts with `/`, else its first component looked
/// up in `/aliases`, the remainder kept apart.
fn expand_alias<'a>(blob: &'a [u8], path: &'a str) -> Result<Target<'a>, StdoutError<'a>> {
    if path.starts_with('/') {
        return Ok(Target {
            base: path,
            rest: "",
            alias_value: None,
        });
    }
    let (alias, rest) = match path.find('/') {
        Some(slash) => path.split_at(slash),
        None => (path, ""),
    };
    let mut value = None;
    super::structure::walk(blob, |property| {
        if property.depth == 2 && property.top_node == "aliases" && property.name == alias {
            value.get_or_insert(property.value);
        }
    })
    .map_err(StdoutError::Malformed)?;
    // An alias names a full path; anything else (another alias, garbage)
    // is refused rather than followed, so resolution cannot loop.
    let base = value
        .and_then(super::text)
        .filter(|full| full.starts_with('/'))
        .ok_or(StdoutError::UnknownAlias(alias))?;
    Ok(Target {
        base,
        rest,
        alias_value: Some(base),
    })
}

/// What the walk keeps of one node on the path (index = depth - 1).
#[derive(Clone, Copy, Default)]
struct Level<'a> {
    address_cells: Option<&'a [u8]>,
    size_cells: Option<&'a [u8]>,
    ranges: Option<&'a [u8]>,
    reg: Option<&'a [u8]>,
}

/// The nodes from the root down to the target, with their properties.
struct Chain<'a> {
    levels: [Level<'a>; MAX_DEPTH],
    /// How many levels: the target is `levels[length - 1]`.
    length: usize,
}

/// Why a found node does not translate.
enum Failure {
    NoRegister,
    NotMapped,
    Unsupported,
}

/// Walks `blob` and keeps the properties of the root and of each node on
/// `target`'s path; `None` if the path names no node.
fn find_chain<'a>(
    blob: &'a [u8],
    target: &Target<'a>,
) -> Result<Option<Chain<'a>>, DeviceTreeError> {
    let mut components: [&str; MAX_DEPTH] = [""; MAX_DEPTH];
    let mut wanted = 0;
    for component in target.components() {
        // The root takes one level; deeper paths cannot exist.
        if wanted == MAX_DEPTH - 1 {
            return Ok(None);
        }
        components[wanted] = component;
        wanted += 1;
    }
    let mut chain = Chain {
        levels: [Level::default(); MAX_DEPTH],
        length: 1,
    };
    // `matched` = depth of the deepest node on the path we are inside of;
    // `taken[d]` = a node at depth d + 1 already matched component d - 1,
    // so later siblings of the same name are ignored.
    let (mut matched, mut taken) = (1, [false; MAX_DEPTH]);
    walk_tokens(blob, |token| match token {
        Token::BeginNode { depth, name } => {
            if depth == matched + 1
                && depth - 1 <= wanted
                && !taken[depth - 1]
                && name_matches(name, components[depth - 2])
            {
                taken[depth - 1] = true;
                matched = depth;
                chain.length = chain.length.max(depth);
            }
        }
        Token::EndNode { depth } => {
            if depth == matched && matched > 1 {
                matched -= 1;
            }
        }
        Token::Property { depth, name, value } if depth == matched => {
            let level = &mut chain.levels[depth - 1];
            let slot = match name {
                "#address-cells" => &mut level.address_cells,
                "#size-cells" => &mut level.size_cells,
                "ranges" => &mut level.ranges,
                "reg" => &mut level.reg,
                _ => return,
            };
            slot.get_or_insert(value);
        }
        Token::Property { .. } => {}
    })?;
    Ok((wanted > 0 && chain.length == wanted + 1).then_some(chain))
}

/// Whether node `name` is the path component `component`: equal, or equal
/// up to the unit address when the component gives none.
fn name_matches(name: &str, component: &str) -> bool {
    name == component || (!component.contains('@') && name.split('@').next() == Some(component))
}

impl Chain<'_> {
    /// The target's first `reg` address, mapped up through every bus.
    fn translate(&self) -> Result<PhysAddr, Failure> {
        let target = self.length - 1;
        let (address_cells, size_cells) = self.cells(target - 1)?;
        let reg = self.levels[target].reg.ok_or(Failure::NoRegister)?;
        let first = reg
            .get(..(address_cells + size_cells) * 4)
            .ok_or(Failure::NoRegister)?;
        let mut address = number(&first[..address_cells * 4]).ok_or(Failure::Unsupported)?;
        // The bus at `bus` maps its children's space into its parent's.
        for bus in (1..target).rev() {
            address = self.map_through(bus, address)?;
        }
        u32::try_from(address)
            .map(PhysAddr)
            .map_err(|_| Failure::Unsupported)
    }

    /// `#address-cells` and `#size-cells` of the node at `index`, with the
    /// specification's defaults (2 and 1), if we decode them.
    fn cells(&self, index: usize) -> Result<(usize, usize), Failure> {
        let level = &self.levels[index];
        match (
            cell_count(level.address_cells, 2),
            cell_count(level.size_cells, 1),
        ) {
            (Some(address), Some(size)) => Ok((address, size)),
            _ => Err(Failure::Unsupported),
        }
    }

    /// `address`, in the child space of the bus at `bus`, in its parent's.
    fn map_through(&self, bus: usize, address: u64) -> Result<u64, Failure> {
        let ranges = self.levels[bus].ranges.ok_or(Failure::NotMapped)?;
        if ranges.is_empty() {
            return Ok(address);
        }
        let (child_cells, size_cells) = self.cells(bus)?;
        let (parent_cells, _) = self.cells(bus - 1)?;
        let entry_bytes = (child_cells + parent_cells + size_cells) * 4;
        for entry in ranges.chunks_exact(entry_bytes) {
            let (child, rest) = entry.split_at(child_cells * 4);
            let (parent, size) = rest.split_at(parent_cells * 4);
            let child = number(child).ok_or(Failure::Unsupported)?;
            let parent = number(parent).ok_or(Failure::Unsupported)?;
            let size = number(size).ok_or(Failure::Unsupported)?;
            if address >= child && address - child < size {
                return parent
                    .checked_add(address - child)
                    .ok_or(Failure::Unsupported);
            }
        }
        Err(Failure::NotMapped)
    }
}
