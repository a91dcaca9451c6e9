// SPDX-License-Identifier: MIT OR Apache-2.0
//! Boot facts from the flattened device tree the boot loader passes in r2.
//!
//! This module owns turning the device tree blob (DTB) into the handful of
//! facts the kernel boots with: the RAM range, the command line, the console
//! (its path, and the address that path leads to: `stdout.rs`) and where
//! the initrd lies. The board entry reads the 40-byte header
//! through r2, asks [`blob_size`] how long the blob is, builds a slice of
//! exactly that and calls [`parse`]; everything after that is safe code over
//! a byte slice, which is why this is a host-tested module of the core.
//!
//! The blob is read by hand, in one checked walk (`structure.rs`), and
//! not with the `fdt` crate: `fdt` 0.1.5 panics on valid trees (an
//! `FDT_NOP` between nodes, which QEMU writes when it replaces `/memory`)
//! and on corrupt ones (unchecked slicing, `expect`s, unbounded alias
//! recursion), and a panic this early is a silent hang on a board. The
//! walk needs no allocation and returns an error for any malformation.

use crate::addr::{PhysAddr, PhysRange};
use core::fmt;
use structure::{Property, VERSION, read_u32};

pub mod stdout;
#[cfg(test)]
mod stdout_tests;
mod structure;
#[cfg(test)]
mod tests;

pub use stdout::{StdoutDevice, StdoutError};

/// Size of the DTB header (version 17): the least [`blob_size`] must see.
pub const HEADER_SIZE: usize = 40;

/// Largest blob we accept. Real trees are tens of KiB; QEMU pads to 1 MiB.
pub const MAX_BLOB_SIZE: usize = 2 * 1024 * 1024;

/// `magic` field of every DTB header.
const MAGIC: u32 = 0xD00D_FEED;

/// Why a device tree blob was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DeviceTreeError {
    /// The first word is not `0xD00DFEED`: r2 does not point to a DTB.
    BadMagic(u32),
    /// The slice is shorter than the header or than `totalsize`.
    Truncated {
        /// Bytes the header or blob needs.
        needed: usize,
        /// Bytes the caller supplied.
        available: usize,
    },
    /// `totalsize` is below [`HEADER_SIZE`] or above [`MAX_BLOB_SIZE`].
    SizeOutOfRange(usize),
    /// The header is older than version 17 or newer than it can read.
    UnsupportedVersion {
        /// The `version` field.
        version: u32,
        /// The `last_comp_version` field.
        last_compatible: u32,
    },
    /// The blob's structure is inconsistent.
    Malformed {
        /// Byte offset in the blob where the problem was found.
        offset: usize,
        /// What is wrong there.
        what: &'static str,
    },
}

impl fmt::Display for DeviceTreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadMagic(magic) => {
                write!(
                    f,
                    "device tree magic is {magic:#010x}, expected {MAGIC:#010x}"
                )
            }
            Self::Truncated { needed, available } => {
                write!(
                    f,
                    "device tree truncated: needs {needed} bytes, has {available}"
                )
            }
            Self::SizeOutOfRange(size) => write!(
                f,
                "device tree totalsize {size} is outside {HEADER_SIZE}..={MAX_BLOB_SIZE} bytes"
            ),
            Self::UnsupportedVersion {
                version,
                last_compatible,
            } => write!(
                f,
                "device tree version {version} (compatible with {last_compatible}) \
                 cannot be read as version {VERSION}"
            ),
            Self::Malformed { offset, what } => {
                write!(f, "malformed device tree at byte {offset}: {what}")
            }
        }
    }
}

/// What the kernel needs from the device tree, borrowed from the blob.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DeviceTreeInfo<'a> {
    /// The root `model` property, e.g. `"linux,dummy-virt"`.
    pub model: Option<&'a str>,
    /// The first non-empty `reg` region of the first `/memory` node that
    /// starts below 4 GiB, cut off at 4 GiB - 1 (the top byte cannot be the
    /// exclusive end of a 32-bit range). `None` when there is no such node
    /// or the root's `#address-cells`/`#size-cells` are not 1 or 2.
    pub memory: Option<PhysRange>,
    /// `/chosen` `bootargs`, trailing NULs removed; `Some("")` if empty.
    pub bootargs: Option<&'a str>,
    /// `/chosen` `stdout-path` as written, so it may be an alias and may
    /// carry `:options` after the path.
    pub stdout_path: Option<&'a str>,
    /// Where `stdout_path` leads: the console's node and physical address
    /// (alias expanded, `reg` mapped through every bus's `ranges`), or why
    /// it leads nowhere. `None` when there is no `stdout-path`.
    pub stdout_device: Option<Result<StdoutDevice<'a>, StdoutError<'a>>>,
    /// `/chosen` `linux,initrd-start` to `linux,initrd-end`, each 32 or
    /// 64 bits; `None` when absent, empty, reversed or above 4 GiB.
    pub initrd: Option<PhysRange>,
    /// `clock-frequency` of a top-level `arm,cortex-a9-global-timer` node:
    /// PERIPHCLK, which the global and private timers count.
    pub global_timer_frequency: Option<u32>,
    /// `clock-frequency` of a top-level `arm,armv7-timer` node: what the
    /// generic timer counts at when firmware left CNTFRQ unset.
    pub arch_timer_frequency: Option<u32>,
    /// `totalsize` from the header: how many bytes the blob occupies, so
    /// the frame allocator can reserve them.
    pub total_size: usize,
}

/// Checks the header at the start of `header` (at least [`HEADER_SIZE`]
/// bytes) and returns the blob's `totalsize`, so the caller can build a
/// slice of exactly the blob before calling [`parse`].
pub fn blob_size(header: &[u8]) -> Result<usize, DeviceTreeError> {
    let truncated = DeviceTreeError::Truncated {
        needed: HEADER_SIZE,
        available: header.len(),
    };
    let magic = read_u32(header, 0).ok_or(truncated)?;
    if header.len() < HEADER_SIZE {
        return Err(truncated);
    }
    if magic != MAGIC {
        return Err(DeviceTreeError::BadMagic(magic));
    }
    let total_size = read_u32(header, 4).ok_or(truncated)? as usize;
    if !(HEADER_SIZE..=MAX_BLOB_SIZE).contains(&total_size) {
        return Err(DeviceTreeError::SizeOutOfRange(total_size));
    }
    Ok(total_size)
}

/// Checks `blob` and reads the boot facts from it.
///
/// `blob` may be longer than `totalsize`; the excess is ignored. Never
/// panics, whatever the bytes.
pub fn parse(blob: &[u8]) -> Result<DeviceTreeInfo<'_>, DeviceTreeError> {
    let total_size = blob_size(blob)?;
    let blob = blob.get(..total_size).ok_or(DeviceTreeError::Truncated {
        needed: total_size,
        available: blob.len(),
    })?;
    let mut found = Found::default();
    structure::walk(blob, |property| found.take(property))?;
    let stdout_path = found.stdout_path.and_then(text);
    Ok(DeviceTreeInfo {
        model: found.model.and_then(text),
        memory: found.memory(),
        bootargs: found.bootargs.and_then(text),
        stdout_path,
        stdout_device: stdout_path.map(|path| stdout::resolve(blob, path)),
        initrd: found.initrd(),
        global_timer_frequency: found.global_timer_frequency(),
        arch_timer_frequency: found.arch_timer_frequency(),
        total_size,
    })
}

/// How many `/memory` `reg` values we keep while walking.
const MEMORY_NODES: usize = 4;

/// The raw values of the properties we want, gathered during the walk and
/// decoded after it (cell sizes may in principle come after the nodes).
#[derive(Default)]
struct Found<'a> {
    model: Option<&'a [u8]>,
    address_cells: Option<&'a [u8]>,
    size_cells: Option<&'a [u8]>,
    memory_regs: [Option<&'a [u8]>; MEMORY_NODES],
    bootargs: Option<&'a [u8]>,
    stdout_path: Option<&'a [u8]>,
    initrd_start: Option<&'a [u8]>,
    initrd_end: Option<&'a [u8]>,
    /// The top-level node that is the Cortex-A9 global timer, if any.
    global_timer_node: Option<&'a str>,
    /// The top-level node that is the ARM generic timer, if any.
    arch_timer_node: Option<&'a str>,
    /// `clock-frequency` of top-level nodes, by node name.
    clock_frequencies: [Option<(&'a str, &'a [u8])>; CLOCK_NODES],
}

/// How many top-level `clock-frequency` properties we keep while walking.
const CLOCK_NODES: usize = 8;

/// The compatible string of the Cortex-A9 MPCore global timer.
const GLOBAL_TIMER_COMPATIBLE: &[u8] = b"arm,cortex-a9-global-timer";
/// The compatible strings of the ARM generic timer (ARMv7 and v8).
const ARCH_TIMER_COMPATIBLES: [&[u8]; 2] = [b"arm,armv7-timer", b"arm,armv8-timer"];

impl<'a> Found<'a> {
    /// Keeps `property` if it is one we want (the first of each wins).
    fn take(&mut self, property: Property<'a>) {
        let slot = match (property.depth, property.top_node, property.name) {
            (1, _, "model") => &mut self.model,
            (1, _, "#address-cells") => &mut self.address_cells,
            (1, _, "#size-cells") => &mut self.size_cells,
            (2, "chosen", "bootargs") => &mut self.bootargs,
            (2, "chosen", "stdout-path") => &mut self.stdout_path,
            (2, "chosen", "linux,initrd-start") => &mut self.initrd_start,
            (2, "chosen", "linux,initrd-end") => &mut self.initrd_end,
            (2, node, "compatible") => {
                for string in property.value.split(|&byte| byte == 0) {
                    if string == GLOBAL_TIMER_COMPATIBLE {
                        self.global_timer_node.get_or_insert(node);
                    }
                    if ARCH_TIMER_COMPATIBLES.contains(&string) {
                        self.arch_timer_node.get_or_insert(node);
                    }
                }
                return;
            }
            (2, node, "clock-frequency") => {
                if let Some(slot) = self
                    .clock_frequencies
                    .iter_mut()
                    .find(|slot| slot.is_none())
                {
                    *slot = Some((node, property.value));
                }
                return;
            }
            (2, node, "reg") if node.split('@').next() == Some("memory") => {
                match self.memory_regs.iter_mut().find(|slot| slot.is_none()) {
                    Some(slot) => slot,
                    None => return,
                }
            }
            _ => return,
        };
        slot.get_or_insert(property.value);
    }

    /// The first usable RAM region of the `memory` nodes.
    fn memory(&self) -> Option<PhysRange> {
        let address_bytes = cell_count(self.address_cells, 2)? * 4;
        let size_bytes = cell_count(self.size_cells, 1)? * 4;
        self.memory_regs
            .iter()
            .flatten()
            .flat_map(|reg| reg.chunks_exact(address_bytes + size_bytes))
            .find_map(|entry| {
                let (start, size) = entry.split_at(address_bytes);
                clip_to_32_bits(number(start)?, number(size)?)
            })
    }

    /// `clock-frequency` of the Cortex-A9 global timer node.
    fn global_timer_frequency(&self) -> Option<u32> {
        self.frequency_of(self.global_timer_node?)
    }

    /// `clock-frequency` of the generic timer node (for firmware that
    /// leaves CNTFRQ unset).
    fn arch_timer_frequency(&self) -> Option<u32> {
        self.frequency_of(self.arch_timer_node?)
    }

    /// `clock-frequency` of the top-level node `node`.
    fn frequency_of(&self, node: &str) -> Option<u32> {
        let (_, value) = self
            .clock_frequencies
            .iter()
            .flatten()
            .find(|(name, _)| *name == node)?;
        u32::try_from(number(value)?).ok()
    }

    /// The initrd range Linux boot loaders record in `/chosen`.
    fn initrd(&self) -> Option<PhysRange> {
        let start = u32::try_from(number(self.initrd_start?)?).ok()?;
        let end = u32::try_from(number(self.initrd_end?)?).ok()?;
        (start < end).then_some(PhysRange {
            start: PhysAddr(start),
            end: PhysAddr(end),
        })
    }
}

/// A string value, trailing NULs removed; `None` if not UTF-8.
fn text(value: &[u8]) -> Option<&str> {
    let end = value
        .iter()
        .rposition(|&byte| byte != 0)
        .map_or(0, |last| last + 1);
    core::str::from_utf8(&value[..end]).ok()
}

/// A one- or two-cell big-endian number, as `reg` entries and the initrd
/// properties hold.
fn number(bytes: &[u8]) -> Option<u64> {
    match *bytes {
        [a, b, c, d] => Some(u32::from_be_bytes([a, b, c, d]).into()),
        [a, b, c, d, e, f, g, h] => Some(u64::from_be_bytes([a, b, c, d, e, f, g, h])),
        _ => None,
    }
}

/// `#address-cells` or `#size-cells` (the spec's default when absent), if
/// it is a width we decode.
fn cell_count(value: Option<&[u8]>, default: usize) -> Option<usize> {
    let count = match value {
        Some(value) => number(value).filter(|_| value.len() == 4)? as usize,
        None => default,
    };
    matches!(count, 1 | 2).then_some(count)
}

/// `[start, start + size)` cut off at the top of the 32-bit address space,
/// or `None` if nothing of it lies below.
fn clip_to_32_bits(start: u64, size: u64) -> Option<PhysRange> {
    let limit = u64::from(u32::MAX);
    let end = start.saturating_add(size).min(limit);
    let start = u32::try_from(start).ok()?;
    let end = u32::try_from(end).ok()?;
    (start < end).then_some(PhysRange {
        start: PhysAddr(start),
        end: PhysAddr(end),
    })
}
