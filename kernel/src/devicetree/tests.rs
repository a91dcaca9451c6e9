// SPDX-License-Identifier: MIT OR Apache-2.0
//! Tests of device-tree reading. Fixtures in `devicetree/testdata/`:
//! - `qemu-virt.dtb`: QEMU 7.2's own tree, dumped with
//!   `qemu-system-arm -M virt,dumpdtb=virt.dtb -cpu cortex-a15 -m 256M
//!   -display none -kernel <4 KiB of zeros> -append "console=ttyAMA0
//!   init=/bin/sh" -initrd <13-byte file>` (QEMU insists on `-kernel`
//!   with `-append`), then shrunk from its 1 MiB padding with
//!   `dtc -I dtb -O dtb -o qemu-virt.dtb virt.dtb`;
//! - `sabrelite.dtb`: built from `sabrelite.dts` beside it (command in
//!   its header): 32-bit cells and 64-bit initrd properties;
//! - `imx6q-sabrelite-stock.dtb`: built from the `.dts` beside it, the
//!   console's place in Linux's stock tree (UARTs under AIPS buses).

use alloc::vec::Vec;

use super::structure::{FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_NOP, FDT_PROP, MAX_DEPTH};
use super::*;

pub(super) static QEMU_VIRT: &[u8] = include_bytes!("testdata/qemu-virt.dtb");
pub(super) static SABRELITE: &[u8] = include_bytes!("testdata/sabrelite.dtb");

/// A range from raw numbers, for brevity.
fn range(start: u32, end: u32) -> PhysRange {
    PhysRange {
        start: PhysAddr(start),
        end: PhysAddr(end),
    }
}

/// Builds small blobs by hand, including ones `dtc` would never write.
#[derive(Default)]
pub(super) struct Builder {
    structure: Vec<u8>,
    strings: Vec<u8>,
}

impl Builder {
    pub(super) fn token(&mut self, token: u32) -> &mut Self {
        self.structure.extend_from_slice(&token.to_be_bytes());
        self
    }
    pub(super) fn pad(&mut self) {
        self.structure
            .resize(self.structure.len().next_multiple_of(4), 0);
    }
    pub(super) fn begin(&mut self, name: &str) -> &mut Self {
        self.token(FDT_BEGIN_NODE);
        self.structure.extend_from_slice(name.as_bytes());
        self.structure.push(0);
        self.pad();
        self
    }
    pub(super) fn end(&mut self) -> &mut Self {
        self.token(FDT_END_NODE)
    }
    pub(super) fn property(&mut self, name: &str, value: &[u8]) -> &mut Self {
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
    pub(super) fn cells(&mut self, name: &str, cells: &[u32]) -> &mut Self {
        let value: Vec<u8> = cells.iter().flat_map(|cell| cell.to_be_bytes()).collect();
        self.property(name, &value)
    }
    /// The blob: header, an empty reservation map, then the blocks.
    pub(super) fn finish(&mut self) -> Vec<u8> {
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
pub(super) fn minimal() -> Builder {
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
fn refuses_malformed_structures() {
    let malformed = |blob: Vec<u8>| match parse(&blob) {
        Err(DeviceTreeError::Malformed { what, .. }) => what,
        other => panic!("expected Malformed, got {other:?}"),
    };
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
fn nops_anywhere_are_skipped() {
    // QEMU's -dtb loader turns the /memory it replaces into NOPs and adds a
    // new node after them: a node after a NOP must be read.
    let mut tree = Builder::default();
    tree.begin("")
        .cells("#address-cells", &[1])
        .cells("#size-cells", &[1]);
    tree.token(FDT_NOP).token(FDT_NOP);
    tree.begin("chosen")
        .token(FDT_NOP)
        .property("bootargs", b"quiet\0")
        .token(FDT_NOP)
        .end();
    tree.token(FDT_NOP);
    tree.begin("memory@10000000")
        .cells("reg", &[0x1000_0000, 0x4000_0000])
        .end();
    let blob = tree.end().token(FDT_NOP).finish();
    let info = parse(&blob).unwrap();
    assert_eq!(info.bootargs, Some("quiet"));
    assert_eq!(info.memory, Some(range(0x1000_0000, 0x5000_0000)));
}

#[test]
fn properties_after_children_are_read() {
    // The specification puts properties first; we do not depend on it.
    let mut tree = minimal();
    tree.property("model", b"late\0");
    let blob = tree.end().finish();
    assert_eq!(parse(&blob).unwrap().model, Some("late"));
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

#[test]
fn timer_frequencies_come_from_their_nodes() {
    let mut tree = minimal();
    tree.begin("timer")
        .property("compatible", b"arm,armv7-timer\0")
        .cells("clock-frequency", &[24_000_000])
        .end();
    tree.begin("timer@a00200")
        .property("compatible", b"vendor,thing\0arm,cortex-a9-global-timer\0")
        .cells("clock-frequency", &[100_000_000])
        .end();
    tree.begin("other").cells("clock-frequency", &[5]).end();
    let blob = tree.end().finish();
    let info = parse(&blob).unwrap();
    assert_eq!(info.arch_timer_frequency, Some(24_000_000));
    assert_eq!(info.global_timer_frequency, Some(100_000_000));
    let plain_blob = minimal().end().finish();
    let plain = parse(&plain_blob).unwrap();
    assert_eq!(
        (plain.arch_timer_frequency, plain.global_timer_frequency),
        (None, None)
    );
}
