// SPDX-License-Identifier: MIT OR Apache-2.0
//! Boot facts from the flattened device tree the boot loader passes in r2.
//!
//! This module owns turning the device tree blob (DTB) into the handful of
//! facts the kernel boots with: the RAM range, the command line, the console
//! path and where the initrd lies. The board entry reads the 40-byte header
//! through r2, asks [`blob_size`] how long the blob is, builds a slice of
//! exactly that and calls [`parse`]; everything after that is safe code over
//! a byte slice, which is why this is a host-tested module of the core.
//!
//! Lookups go through the `fdt` crate, but `fdt` 0.1.5 trusts its input: it
//! slices without bounds checks and `expect`s well-formed tokens, so a
//! corrupt blob would panic (and a panic this early is a silent hang on a
//! board). So [`parse`] first walks the whole structure block once, checking
//! every offset, name and token order that `fdt` later relies on, and only a
//! blob that passes reaches `fdt`. We then use only `fdt` calls that cannot
//! fail on a checked blob (node and property lookup), and decode the values
//! ourselves instead of using helpers such as `Chosen::bootargs`, which
//! panics on an empty property. Nothing here allocates.

use core::fmt;
use core::ops::Range;

use fdt::Fdt;
use fdt::node::FdtNode;

use crate::addr::{PhysAddr, PhysRange};

/// Size of the DTB header (version 17): the least [`blob_size`] must see.
pub const HEADER_SIZE: usize = 40;

/// Largest blob we accept. Real trees are tens of KiB; QEMU pads to 1 MiB.
pub const MAX_BLOB_SIZE: usize = 2 * 1024 * 1024;

/// `magic` field of every DTB header.
const MAGIC: u32 = 0xD00D_FEED;

/// The header layout we read; `size_dt_struct` first appeared in it.
const VERSION: u32 = 17;

/// Deepest node nesting we accept, root = 1. `fdt` recurses once per level
/// and real trees stay under 8, so this bounds the stack on a hostile blob.
const MAX_DEPTH: usize = 16;

/// Structure block tokens (Devicetree Specification v0.4, section 5.4.1).
const FDT_BEGIN_NODE: u32 = 1;
const FDT_END_NODE: u32 = 2;
const FDT_PROP: u32 = 3;
const FDT_NOP: u32 = 4;
const FDT_END: u32 = 9;

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
    /// `/chosen` `linux,initrd-start` to `linux,initrd-end`, each 32 or
    /// 64 bits; `None` when absent, empty, reversed or above 4 GiB.
    pub initrd: Option<PhysRange>,
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
    check_structure(blob, &read_header(blob)?)?;

    let tree = Fdt::new(blob).map_err(|error| DeviceTreeError::Malformed {
        offset: 0,
        what: match error {
            fdt::FdtError::BadMagic => "fdt crate: bad magic",
            fdt::FdtError::BadPtr => "fdt crate: bad pointer",
            fdt::FdtError::BufferTooSmall => "fdt crate: buffer too small",
        },
    })?;
    // The check above proved the root node exists and is named "".
    let root = tree.find_node("/").ok_or(DeviceTreeError::Malformed {
        offset: 0,
        what: "no root node",
    })?;
    let chosen = root.children().find(|node| node.name == "chosen");

    Ok(DeviceTreeInfo {
        model: text(root, "model"),
        memory: first_memory(root),
        bootargs: chosen.and_then(|node| text(node, "bootargs")),
        stdout_path: chosen.and_then(|node| text(node, "stdout-path")),
        initrd: chosen.and_then(initrd),
        total_size,
    })
}

/// A string property, trailing NULs removed; `None` if absent or not UTF-8.
fn text<'a>(node: FdtNode<'_, 'a>, name: &str) -> Option<&'a str> {
    node.property(name)?.as_str()
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

/// `#address-cells` or `#size-cells` of `node` (the spec's defaults when
/// absent), if it is a width we decode.
fn cell_count(node: FdtNode<'_, '_>, name: &str, default: usize) -> Option<usize> {
    let count = match node.property(name) {
        Some(property) => number(property.value).filter(|_| property.value.len() == 4)? as usize,
        None => default,
    };
    matches!(count, 1 | 2).then_some(count)
}

/// The first usable RAM region of the first `memory` node under `root`.
fn first_memory(root: FdtNode<'_, '_>) -> Option<PhysRange> {
    let address_bytes = cell_count(root, "#address-cells", 2)? * 4;
    let size_bytes = cell_count(root, "#size-cells", 1)? * 4;
    root.children()
        .filter(|node| node.name.split('@').next() == Some("memory"))
        .filter_map(|node| node.property("reg"))
        .flat_map(|reg| reg.value.chunks_exact(address_bytes + size_bytes))
        .find_map(|entry| {
            let (start, size) = entry.split_at(address_bytes);
            clip_to_32_bits(number(start)?, number(size)?)
        })
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

/// The initrd range Linux boot loaders record in `/chosen`.
fn initrd(chosen: FdtNode<'_, '_>) -> Option<PhysRange> {
    let start = number(chosen.property("linux,initrd-start")?.value)?;
    let end = number(chosen.property("linux,initrd-end")?.value)?;
    let start = PhysAddr(u32::try_from(start).ok()?);
    let end = PhysAddr(u32::try_from(end).ok()?);
    (start < end).then_some(PhysRange { start, end })
}

/// A big-endian word at `offset`, if `bytes` holds all of it.
fn read_u32(bytes: &[u8], offset: usize) -> Option<u32> {
    let word = bytes.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_be_bytes(word.try_into().ok()?))
}

/// Where the two blocks `fdt` reads lie inside the blob.
struct Header {
    /// Byte range of the structure block.
    structure: Range<usize>,
    /// Byte range of the strings block.
    strings: Range<usize>,
}

/// Reads and checks the header of `blob`, which is exactly `totalsize`
/// bytes long (so at least [`HEADER_SIZE`]).
fn read_header(blob: &[u8]) -> Result<Header, DeviceTreeError> {
    // Field `index` of the header; every caller has checked the length.
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
    if structure.start % 4 != 0 {
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

/// Where the walk is inside the node it is currently in. `fdt` 0.1.5 reads
/// a node as properties, then children, then `FDT_NOP`s, then the end; any
/// other order trips one of its `assert`s, so we refuse it here.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the first child: properties may follow.
    Properties,
    /// After a child: only children, `FDT_NOP` or the end may follow.
    Children,
    /// After an `FDT_NOP`: only more of them or the end may follow.
    Closing,
}

/// Walks the structure block of a blob whose header has been checked, and
/// returns an error for anything that would make `fdt` panic or recurse
/// without bound.
fn check_structure(blob: &[u8], header: &Header) -> Result<(), DeviceTreeError> {
    let mut walker = Walker {
        structure: &blob[header.structure.clone()],
        strings: &blob[header.strings.clone()],
        offset: 0,
        base: header.structure.start,
    };
    if walker.token()? != FDT_BEGIN_NODE || !walker.node_name()?.is_empty() {
        return Err(walker.error("structure block does not start with the root node"));
    }
    let (mut depth, mut phase) = (1, Phase::Properties);
    while depth > 0 {
        match (walker.token()?, phase) {
            (FDT_PROP, Phase::Properties) => walker.property()?,
            (FDT_PROP, _) => return Err(walker.error("property after a child node or FDT_NOP")),
            (FDT_BEGIN_NODE, Phase::Closing) => return Err(walker.error("node after FDT_NOP")),
            (FDT_BEGIN_NODE, _) if depth == MAX_DEPTH => {
                return Err(walker.error("nodes nested too deeply"));
            }
            (FDT_BEGIN_NODE, _) => {
                walker.node_name()?;
                (depth, phase) = (depth + 1, Phase::Properties);
            }
            (FDT_NOP, _) => phase = Phase::Closing,
            (FDT_END_NODE, _) => (depth, phase) = (depth - 1, Phase::Children),
            (FDT_END, _) => return Err(walker.error("FDT_END inside a node")),
            _ => return Err(walker.error("unknown structure token")),
        }
    }
    if walker.token()? != FDT_END {
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
    fn token(&mut self) -> Result<u32, DeviceTreeError> {
        let word = read_u32(self.structure, self.offset)
            .ok_or_else(|| self.error("structure block ends early"))?;
        self.offset += 4;
        Ok(word)
    }

    /// Moves past `length` bytes and the padding to the next word.
    fn skip_padded(&mut self, length: usize) -> Result<(), DeviceTreeError> {
        let end = self
            .offset
            .checked_add(length)
            .filter(|&end| end <= self.structure.len());
        let end = end.ok_or_else(|| self.error("value runs past the structure block"))?;
        self.offset = end.next_multiple_of(4);
        Ok(())
    }

    /// A node's name, which `fdt` needs NUL-terminated inside the block and
    /// UTF-8.
    fn node_name(&mut self) -> Result<&'a str, DeviceTreeError> {
        let name = nul_terminated(self.structure, self.offset)
            .ok_or_else(|| self.error("node name not a terminated UTF-8 string"))?;
        self.skip_padded(name.len() + 1)?;
        Ok(name)
    }

    /// A property after its token: its value must fit in the block and its
    /// name must be a string inside the strings block.
    fn property(&mut self) -> Result<(), DeviceTreeError> {
        let length = self.token()? as usize;
        let name_offset = self.token()? as usize;
        if nul_terminated(self.strings, name_offset).is_none() {
            return Err(self.error("property name not a string in the strings block"));
        }
        self.skip_padded(length)
    }
}

/// The UTF-8 string starting at `offset` in `bytes` and ending before a NUL
/// that is also inside `bytes`.
fn nul_terminated(bytes: &[u8], offset: usize) -> Option<&str> {
    let rest = bytes.get(offset..)?;
    let length = rest.iter().position(|&byte| byte == 0)?;
    core::str::from_utf8(&rest[..length]).ok()
}

#[cfg(test)]
mod tests {
    //! Fixtures in `devicetree/testdata/`:
    //! - `qemu-virt.dtb`: QEMU 7.2's own tree, dumped with
    //!   `qemu-system-arm -M virt,dumpdtb=virt.dtb -cpu cortex-a15 -m 256M
    //!   -display none -kernel <4 KiB of zeros> -append "console=ttyAMA0
    //!   init=/bin/sh" -initrd <13-byte file>` (QEMU insists on `-kernel`
    //!   with `-append`), then shrunk from its 1 MiB padding with
    //!   `dtc -I dtb -O dtb -o qemu-virt.dtb virt.dtb`;
    //! - `sabrelite.dtb`: built from `sabrelite.dts` beside it (command in
    //!   its header): 32-bit cells and 64-bit initrd properties.

    use alloc::vec::Vec;

    use super::*;

    static QEMU_VIRT: &[u8] = include_bytes!("devicetree/testdata/qemu-virt.dtb");
    static SABRELITE: &[u8] = include_bytes!("devicetree/testdata/sabrelite.dtb");

    /// A range from raw numbers, for brevity.
    fn range(start: u32, end: u32) -> PhysRange {
        PhysRange {
            start: PhysAddr(start),
            end: PhysAddr(end),
        }
    }

    /// Builds small blobs by hand, including ones `dtc` would never write.
    #[derive(Default)]
    struct Builder {
        structure: Vec<u8>,
        strings: Vec<u8>,
    }

    impl Builder {
        fn token(&mut self, token: u32) -> &mut Self {
            self.structure.extend_from_slice(&token.to_be_bytes());
            self
        }
        fn pad(&mut self) {
            self.structure
                .resize(self.structure.len().next_multiple_of(4), 0);
        }
        fn begin(&mut self, name: &str) -> &mut Self {
            self.token(FDT_BEGIN_NODE);
            self.structure.extend_from_slice(name.as_bytes());
            self.structure.push(0);
            self.pad();
            self
        }
        fn end(&mut self) -> &mut Self {
            self.token(FDT_END_NODE)
        }
        fn property(&mut self, name: &str, value: &[u8]) -> &mut Self {
            let name_offset = self.strings.len() as u32;
            self.strings.extend_from_slice(name.as_bytes());
            self.strings.push(0);
            self.token(FDT_PROP)
                .token(value.len() as u32)
                .token(name_offset);
            self.structure.extend_from_slice(value);
            self.pad();
            self
        }
        fn cells(&mut self, name: &str, cells: &[u32]) -> &mut Self {
            let value: Vec<u8> = cells.iter().flat_map(|cell| cell.to_be_bytes()).collect();
            self.property(name, &value)
        }
        /// The blob: header, an empty reservation map, then the blocks.
        fn finish(&mut self) -> Vec<u8> {
            self.token(FDT_END);
            let structure_offset = HEADER_SIZE + 16;
            let strings_offset = structure_offset + self.structure.len();
            let total = strings_offset + self.strings.len();
            let header = [
                MAGIC,
                total as u32,
                structure_offset as u32,
                strings_offset as u32,
                HEADER_SIZE as u32,
                17,
                16,
                0,
                self.strings.len() as u32,
                self.structure.len() as u32,
            ];
            let mut blob: Vec<u8> = header.iter().flat_map(|word| word.to_be_bytes()).collect();
            blob.resize(structure_offset, 0);
            blob.extend_from_slice(&self.structure);
            blob.extend_from_slice(&self.strings);
            blob
        }
    }

    /// A root with 32-bit cells and one memory node, no `/chosen`.
    fn minimal() -> Builder {
        let mut tree = Builder::default();
        tree.begin("")
            .cells("#address-cells", &[1])
            .cells("#size-cells", &[1]);
        tree.begin("memory@80000000")
            .cells("reg", &[0x8000_0000, 0x2000_0000])
            .end();
        tree
    }

    #[test]
    fn reads_qemu_virt() {
        assert_eq!(blob_size(QEMU_VIRT), Ok(QEMU_VIRT.len()));
        let info = parse(QEMU_VIRT).unwrap();
        assert_eq!(info.model, Some("linux,dummy-virt"));
        // Two-cell addresses and sizes: <0x00 0x40000000 0x00 0x10000000>.
        assert_eq!(info.memory, Some(range(0x4000_0000, 0x5000_0000)));
        assert_eq!(info.bootargs, Some("console=ttyAMA0 init=/bin/sh"));
        assert_eq!(info.stdout_path, Some("/pl011@9000000"));
        assert_eq!(info.initrd, Some(range(0x4800_0000, 0x4800_000D)));
        assert_eq!(info.total_size, 7555);
    }

    #[test]
    fn reads_sabrelite_with_32_bit_cells() {
        let info = parse(SABRELITE).unwrap();
        assert_eq!(info.model, Some("Freescale i.MX6 Quad SABRE Lite Board"));
        assert_eq!(info.memory, Some(range(0x1000_0000, 0x5000_0000)));
        assert_eq!(
            info.bootargs,
            Some("console=ttymxc1,115200 init=/trusted/init")
        );
        assert_eq!(info.stdout_path, Some("/soc/serial@21e8000"));
        assert_eq!(info.initrd, Some(range(0x1200_0000, 0x1240_0000)));
        assert_eq!(info.total_size, SABRELITE.len());
    }

    #[test]
    fn ignores_bytes_past_totalsize() {
        let mut padded = SABRELITE.to_vec();
        padded.resize(SABRELITE.len() + 4096, 0xA5);
        assert_eq!(parse(&padded), parse(SABRELITE));
    }

    #[test]
    fn refuses_short_and_truncated_blobs() {
        let short = DeviceTreeError::Truncated {
            needed: HEADER_SIZE,
            available: 39,
        };
        assert_eq!(blob_size(&SABRELITE[..39]), Err(short));
        assert_eq!(
            blob_size(&[]),
            Err(DeviceTreeError::Truncated {
                needed: 40,
                available: 0
            })
        );
        let cut = SABRELITE.len() - 1;
        let truncated = DeviceTreeError::Truncated {
            needed: SABRELITE.len(),
            available: cut,
        };
        assert_eq!(parse(&SABRELITE[..cut]), Err(truncated));
    }

    #[test]
    fn refuses_bad_magic_and_absurd_sizes() {
        let mut blob = SABRELITE.to_vec();
        blob[0] = 0xD1;
        assert_eq!(parse(&blob), Err(DeviceTreeError::BadMagic(0xD10D_FEED)));
        for size in [0_u32, 39, MAX_BLOB_SIZE as u32 + 1, u32::MAX] {
            let mut blob = SABRELITE.to_vec();
            blob[4..8].copy_from_slice(&size.to_be_bytes());
            let refused = DeviceTreeError::SizeOutOfRange(size as usize);
            assert_eq!(blob_size(&blob), Err(refused));
            assert_eq!(parse(&blob), Err(refused));
        }
    }

    #[test]
    fn refuses_old_versions_and_stray_blocks() {
        let mut blob = SABRELITE.to_vec();
        blob[20..24].copy_from_slice(&16_u32.to_be_bytes());
        let old = DeviceTreeError::UnsupportedVersion {
            version: 16,
            last_compatible: 16,
        };
        assert_eq!(parse(&blob), Err(old));
        let mut blob = SABRELITE.to_vec();
        blob[36..40].copy_from_slice(&u32::MAX.to_be_bytes());
        let outside = DeviceTreeError::Malformed {
            offset: 8,
            what: "structure block outside blob",
        };
        assert_eq!(parse(&blob), Err(outside));
    }

    #[test]
    fn missing_chosen_leaves_options_empty() {
        let blob = minimal().end().finish();
        let info = parse(&blob).unwrap();
        assert_eq!(info.model, None);
        assert_eq!(info.bootargs, None);
        assert_eq!(info.stdout_path, None);
        assert_eq!(info.initrd, None);
        assert_eq!(info.memory, Some(range(0x8000_0000, 0xA000_0000)));
        assert_eq!(info.total_size, blob.len());
    }

    #[test]
    fn odd_chosen_values_do_not_panic() {
        // `fdt`'s own `bootargs()` panics on an empty property.
        let mut tree = minimal();
        tree.begin("chosen")
            .property("bootargs", b"")
            .property("stdout-path", b"\xFF\0");
        tree.cells("linux,initrd-start", &[0x9000_0000])
            .cells("linux,initrd-end", &[1, 0]);
        let blob = tree.end().end().finish();
        let info = parse(&blob).unwrap();
        assert_eq!(info.bootargs, Some(""));
        assert_eq!(info.stdout_path, None);
        assert_eq!(info.initrd, None);
    }

    #[test]
    fn memory_is_clipped_to_32_bits() {
        let mut tree = Builder::default();
        tree.begin("")
            .cells("#address-cells", &[2])
            .cells("#size-cells", &[2]);
        // First entry wholly above 4 GiB, second straddles it.
        let reg = [1, 0, 0, 0x1000, 0, 0x8000_0000, 0, 0x9000_0000];
        tree.begin("memory@100000000").cells("reg", &reg).end();
        let blob = tree.end().finish();
        assert_eq!(
            parse(&blob).unwrap().memory,
            Some(range(0x8000_0000, 0xFFFF_FFFF))
        );

        let mut tree = Builder::default();
        tree.begin("").cells("#address-cells", &[3]);
        tree.begin("memory")
            .cells("reg", &[0, 0, 0x1000, 0x1000])
            .end();
        assert_eq!(parse(&tree.end().finish()).unwrap().memory, None);
    }

    #[test]
    fn refuses_structures_fdt_would_panic_on() {
        let malformed = |blob: Vec<u8>| match parse(&blob) {
            Err(DeviceTreeError::Malformed { what, .. }) => what,
            other => panic!("expected Malformed, got {other:?}"),
        };
        let mut tree = minimal();
        tree.token(FDT_NOP).property("late", b"x");
        assert_eq!(
            malformed(tree.end().finish()),
            "property after a child node or FDT_NOP"
        );

        let mut tree = minimal();
        tree.property("after-child", b"x");
        assert_eq!(
            malformed(tree.end().finish()),
            "property after a child node or FDT_NOP"
        );

        let mut tree = Builder::default();
        tree.begin("");
        for _ in 0..MAX_DEPTH {
            tree.begin("deeper");
        }
        assert_eq!(malformed(tree.finish()), "nodes nested too deeply");

        let mut tree = Builder::default();
        tree.begin("").token(FDT_PROP).token(0).token(0x7FFF_FFFF);
        assert_eq!(
            malformed(tree.end().finish()),
            "property name not a string in the strings block"
        );

        let mut tree = Builder::default();
        tree.begin("")
            .property("a", b"")
            .token(FDT_PROP)
            .token(0x10_0000)
            .token(0);
        assert_eq!(
            malformed(tree.end().finish()),
            "value runs past the structure block"
        );

        let mut tree = minimal();
        tree.token(FDT_BEGIN_NODE).token(0xFFFF_FF00).end();
        assert_eq!(
            malformed(tree.end().finish()),
            "node name not a terminated UTF-8 string"
        );

        let mut tree = Builder::default();
        tree.begin("not-root").end();
        assert_eq!(
            malformed(tree.finish()),
            "structure block does not start with the root node"
        );

        // An extra FDT_END_NODE would underflow `fdt`'s parent index.
        let mut tree = minimal();
        tree.end().end();
        assert_eq!(
            malformed(tree.finish()),
            "root node not followed by FDT_END"
        );
    }

    #[test]
    fn nops_before_a_node_end_are_accepted() {
        let mut tree = minimal();
        tree.begin("chosen")
            .property("bootargs", b"quiet\0")
            .token(FDT_NOP)
            .token(FDT_NOP);
        let blob = tree.end().token(FDT_NOP).end().finish();
        assert_eq!(parse(&blob).unwrap().bootargs, Some("quiet"));
    }

    #[test]
    fn self_referring_alias_does_not_recurse() {
        // `Fdt::find_node("/chosen")` would resolve this alias forever.
        let mut tree = minimal();
        tree.begin("aliases")
            .property("/chosen", b"/chosen\0")
            .end();
        assert_eq!(parse(&tree.end().finish()).unwrap().bootargs, None);
    }

    #[test]
    fn every_prefix_is_refused() {
        for blob in [QEMU_VIRT, SABRELITE] {
            for length in 0..blob.len() {
                assert!(
                    parse(&blob[..length]).is_err(),
                    "prefix of {length} bytes accepted"
                );
            }
        }
    }

    #[test]
    fn header_corruption_never_panics() {
        // Every value for the small blob; a sample for the big one keeps
        // the test well under a second in a debug build.
        for (blob, step) in [(SABRELITE, 1), (QEMU_VIRT, 15)] {
            let mut copy = blob.to_vec();
            for index in 0..HEADER_SIZE {
                for value in (0..=u8::MAX).step_by(step) {
                    copy[index] = value;
                    let _ = parse(&copy);
                }
                copy[index] = blob[index];
            }
        }
    }

    #[test]
    fn body_corruption_never_panics() {
        let mut copy = SABRELITE.to_vec();
        for index in HEADER_SIZE..SABRELITE.len() {
            let original = SABRELITE[index];
            for value in [0, 1, 2, 3, 4, 9, 0x7F, 0x80, 0xFF, original ^ 1] {
                copy[index] = value;
                let _ = parse(&copy);
            }
            copy[index] = original;
        }
    }

    #[test]
    fn errors_read_clearly() {
        let text = alloc::format!("{}", DeviceTreeError::BadMagic(0));
        assert_eq!(text, "device tree magic is 0x00000000, expected 0xd00dfeed");
        let error = DeviceTreeError::Malformed {
            offset: 72,
            what: "FDT_END inside a node",
        };
        assert_eq!(
            alloc::format!("{error}"),
            "malformed device tree at byte 72: FDT_END inside a node"
        );
    }
}
