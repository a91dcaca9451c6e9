// SPDX-License-Identifier: MIT OR Apache-2.0
//! One checked walk over a device tree's structure block.
//!
//! The walk reads every token once, bounds-checks every offset and name,
//! bounds the nesting depth, and hands each property to a visitor together
//! with the path of node names above it (root = depth 1). `FDT_NOP` is
//! skipped wherever it appears, as the Devicetree Specification (v0.4,
//! 5.4.1) says: QEMU turns the nodes it replaces into NOPs, so a tree from
//! `qemu-system-arm -dtb` has them in the middle. Never panics.

use super::{DeviceTreeError, HEADER_SIZE};
use core::ops::Range;

/// The header layout we read; `size_dt_struct` first appeared in it.
pub(super) const VERSION: u32 = 17;
/// Deepest node nesting we accept, root = 1; real trees stay under 8.
pub(super) const MAX_DEPTH: usize = 16;

/// Structure block tokens (Devicetree Specification v0.4, 5.4.1).
pub(super) const FDT_BEGIN_NODE: u32 = 1;
pub(super) const FDT_END_NODE: u32 = 2;
pub(super) const FDT_PROP: u32 = 3;
pub(super) const FDT_NOP: u32 = 4;
pub(super) const FDT_END: u32 = 9;

/// A property met during the walk.
pub(super) struct Property<'a> {
    /// Depth of the node holding it (root = 1).
    pub depth: usize,
    /// Name of the node at depth 2 on the way here (`""` at the root).
    pub top_node: &'a str,
    /// The property's name.
    pub name: &'a str,
    /// Its raw value.
    pub value: &'a [u8],
}

/// A big-endian word at `offset`, if `bytes` holds all of it.
pub(super) fn read_u32(bytes: &[u8], offset: usize) -> Option<u32> {
    let word = bytes.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_be_bytes(word.try_into().ok()?))
}

/// Where the two blocks lie inside the blob.
struct Header {
    /// Byte range of the structure block.
    structure: Range<usize>,
    /// Byte range of the strings block.
    strings: Range<usize>,
}

/// Reads and checks the header of `blob`, which is exactly `totalsize`
/// bytes long (so at least [`HEADER_SIZE`]).
fn read_header(blob: &[u8]) -> Result<Header, DeviceTreeError> {
    // Field `index` of the header; the caller has checked the length.
    let field = |index: usize| read_u32(blob, index * 4).unwrap_or(0);
    let (version, last_compatible) = (field(5), field(6));
    if version < VERSION || last_compatible > VERSION {
        return Err(DeviceTreeError::UnsupportedVersion {
            version,
            last_compatible,
        });
    }
    let structure = block(
        blob.len(),
        field(2),
        field(9),
        8,
        "structure block outside blob",
    )?;
    let strings = block(
        blob.len(),
        field(3),
        field(8),
        12,
        "strings block outside blob",
    )?;
    if !structure.start.is_multiple_of(4) {
        return Err(DeviceTreeError::Malformed {
            offset: 8,
            what: "structure block misaligned",
        });
    }
    Ok(Header { structure, strings })
}

/// `offset..offset + size` if it lies between the header and `total_size`;
/// `field_offset` names the header field blamed otherwise.
fn block(
    total_size: usize,
    offset: u32,
    size: u32,
    field_offset: usize,
    what: &'static str,
) -> Result<Range<usize>, DeviceTreeError> {
    let start = offset as usize;
    match start.checked_add(size as usize) {
        Some(end) if start >= HEADER_SIZE && end <= total_size => Ok(start..end),
        _ => Err(DeviceTreeError::Malformed {
            offset: field_offset,
            what,
        }),
    }
}

/// One step of the walk over the structure block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// A node opens; `depth` is its own depth (root = 1).
    BeginNode {
        /// Its depth.
        depth: usize,
        /// Its name, with the unit address (`serial@21e8000`).
        name: &'a str,
    },
    /// The node at `depth` closes.
    EndNode {
        /// Its depth.
        depth: usize,
    },
    /// A property of the node at `depth`.
    Property {
        /// Depth of the node holding it.
        depth: usize,
        /// The property's name.
        name: &'a str,
        /// Its raw value.
        value: &'a [u8],
    },
}

/// Walks the structure block of `blob` (exactly `totalsize` long), calling
/// `visit` for every property; any malformation is an error.
pub(super) fn walk<'a>(
    blob: &'a [u8],
    mut visit: impl FnMut(Property<'a>),
) -> Result<(), DeviceTreeError> {
    let mut top_node = "";
    walk_tokens(blob, |token| match token {
        Token::BeginNode { depth: 2, name } => top_node = name,
        Token::BeginNode { .. } | Token::EndNode { .. } => {}
        Token::Property { depth, name, value } => visit(Property {
            depth,
            top_node: if depth == 1 { "" } else { top_node },
            name,
            value,
        }),
    })
}

/// Walks the structure block of `blob` (exactly `totalsize` long), calling
/// `visit` for every node boundary and property in order; any malformation
/// is an error (tokens before it have been visited).
pub(super) fn walk_tokens<'a>(
    blob: &'a [u8],
    mut visit: impl FnMut(Token<'a>),
) -> Result<(), DeviceTreeError> {
    let header = read_header(blob)?;
    let mut walker = Walker {
        structure: &blob[header.structure.clone()],
        strings: &blob[header.strings.clone()],
        offset: 0,
        base: header.structure.start,
    };
    if walker.next_token()? != FDT_BEGIN_NODE || !walker.node_name()?.is_empty() {
        return Err(walker.error("structure block does not start with the root node"));
    }
    visit(Token::BeginNode { depth: 1, name: "" });
    let mut depth = 1;
    while depth > 0 {
        match walker.next_token()? {
            FDT_PROP => {
                let (name, value) = walker.property()?;
                visit(Token::Property { depth, name, value });
            }
            FDT_BEGIN_NODE if depth == MAX_DEPTH => {
                return Err(walker.error("nodes nested too deeply"));
            }
            FDT_BEGIN_NODE => {
                let name = walker.node_name()?;
                depth += 1;
                visit(Token::BeginNode { depth, name });
            }
            FDT_END_NODE => {
                visit(Token::EndNode { depth });
                depth -= 1;
            }
            FDT_NOP => {}
            FDT_END => return Err(walker.error("FDT_END inside a node")),
            _ => return Err(walker.error("unknown structure token")),
        }
    }
    while walker.next_token()? == FDT_NOP {}
    walker.offset -= 4;
    if walker.next_token()? != FDT_END {
        return Err(walker.error("root node not followed by FDT_END"));
    }
    Ok(())
}

/// A cursor over the structure block, checking as it reads.
struct Walker<'a> {
    /// The structure block.
    structure: &'a [u8],
    /// The strings block, where property names live.
    strings: &'a [u8],
    /// Next byte to read, relative to `structure`.
    offset: usize,
    /// Offset of `structure` in the blob, for error reports.
    base: usize,
}

impl<'a> Walker<'a> {
    /// An error at the current position.
    fn error(&self, what: &'static str) -> DeviceTreeError {
        DeviceTreeError::Malformed {
            offset: self.base + self.offset,
            what,
        }
    }

    /// The next word: a token, or a property's length or name offset.
    fn next_token(&mut self) -> Result<u32, DeviceTreeError> {
        let word = read_u32(self.structure, self.offset)
            .ok_or_else(|| self.error("structure block ends early"))?;
        self.offset += 4;
        Ok(word)
    }

    /// Moves past `length` bytes and the padding to the next word; returns
    /// the bytes skipped.
    fn skip_padded(&mut self, length: usize) -> Result<&'a [u8], DeviceTreeError> {
        let start = self.offset;
        let end = start
            .checked_add(length)
            .filter(|&end| end <= self.structure.len());
        let end = end.ok_or_else(|| self.error("value runs past the structure block"))?;
        self.offset = end.next_multiple_of(4);
        Ok(&self.structure[start..end])
    }

    /// A node's name: NUL-terminated inside the block, and UTF-8.
    fn node_name(&mut self) -> Result<&'a str, DeviceTreeError> {
        let name = nul_terminated(self.structure, self.offset)
            .ok_or_else(|| self.error("node name not a terminated UTF-8 string"))?;
        self.skip_padded(name.len() + 1)?;
        Ok(name)
    }

    /// A property after its token: its value must fit in the block and its
    /// name must be a string inside the strings block.
    fn property(&mut self) -> Result<(&'a str, &'a [u8]), DeviceTreeError> {
        let length = self.next_token()? as usize;
        let name_offset = self.next_token()? as usize;
        let name = nul_terminated(self.strings, name_offset)
            .ok_or_else(|| self.error("property name not a string in the strings block"))?;
        Ok((name, self.skip_padded(length)?))
    }
}

/// The UTF-8 string starting at `offset` in `bytes` and ending before a NUL
/// that is also inside `bytes`.
fn nul_terminated(bytes: &[u8], offset: usize) -> Option<&str> {
    let rest = bytes.get(offset..)?;
    let length = rest.iter().position(|&byte| byte == 0)?;
    core::str::from_utf8(&rest[..length]).ok()
}
