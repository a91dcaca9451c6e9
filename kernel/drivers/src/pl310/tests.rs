// SPDX-License-Identifier: MIT OR Apache-2.0
//! Tests of the L2C-310 driver: identification, geometry, errata by
//! revision, register values, the invalidation plan, and the register
//! programming of set-up and maintenance on a fake block.
//!
//! The reference values are Linux's on the i.MX6Q: it boots with
//! "L2C-310 erratum 769419 enabled", "CACHE_ID 0x410000c7", 16 ways and
//! 1024 kB, and `imx6qdl.dtsi` asks for `arm,tag-latency = <4 2 3>` and
//! `arm,data-latency = <4 2 3>`.

use super::*;
use crate::fake_registers::FakeRegisters;
use std::vec::Vec;

extern crate std;

/// The i.MX6Q's Cache ID: ARM, L2C-310, r3p1-50rel0.
const IMX6Q_CACHE_ID: u32 = 0x4100_00C7;
/// An i.MX6Q Auxiliary Control value before set-up: 16 ways of 64 KiB
/// (bits 16-18) and bit 25, as the reset value leaves them.
const IMX6Q_AUX_AT_RESET: u32 = 0x0207_0000;

/// The i.MX6 settings of the imx6q board.
fn imx6_settings() -> Settings {
    let latency = Latency {
        read: 4,
        write: 2,
        setup: 3,
    };
    Settings {
        tag_latency: latency,
        data_latency: latency,
        shared_override: true,
        early_bresp: true,
        prefetch_offset: Some(15),
        double_linefill: true,
    }
}

#[test]
fn the_imx6q_cache_id_is_an_l2c310_r3p1_50rel0() {
    let id = CacheId {
        raw: IMX6Q_CACHE_ID,
    };
    assert!(id.is_l2c310());
    assert_eq!(id.rtl_release(), revision::R3P1_50REL0);
    assert_eq!(id.revision_name(), "r3p1-50rel0");
    // Nothing there (QEMU's sabrelite reads 0), and an L2C-220.
    assert!(!CacheId { raw: 0 }.is_l2c310());
    assert!(!CacheId { raw: 0x4100_0086 }.is_l2c310());
    assert_eq!(
        CacheId { raw: 0x4100_00FF }.revision_name(),
        "an unknown revision"
    );
}

#[test]
fn geometry_comes_from_associativity_and_way_size() {
    let imx6q = Geometry::from_auxiliary_control(IMX6Q_AUX_AT_RESET);
    assert_eq!(
        imx6q,
        Geometry {
            ways: 16,
            way_size: 64 * 1024
        }
    );
    assert_eq!((imx6q.size(), imx6q.way_mask()), (1 << 20, 0xFFFF));
    // 8 ways of 16 KiB; the reserved way size 0 reads as 16 KiB too.
    let small = Geometry::from_auxiliary_control(1 << 17);
    assert_eq!(
        (small.ways, small.way_size, small.way_mask()),
        (8, 16 * 1024, 0xFF)
    );
    assert_eq!(Geometry::from_auxiliary_control(0).way_size, 16 * 1024);
    // 0b111 is 512 KiB, like 0b110.
    assert_eq!(
        Geometry::from_auxiliary_control(7 << 17).way_size,
        512 * 1024
    );
}

#[test]
fn errata_follow_the_revision() {
    let numbers = |rtl| Errata::for_rtl_release(rtl).numbers().collect::<Vec<_>>();
    assert_eq!(numbers(revision::R0P0), [588369, 769419]);
    assert_eq!(numbers(revision::R1P0), [588369, 769419]);
    assert_eq!(numbers(revision::R2P0), [727915, 769419]);
    assert_eq!(numbers(revision::R3P0), [727915, 752271, 753970, 769419]);
    assert_eq!(numbers(revision::R3P1), [752271, 769419]);
    // The i.MX6 Dual/Quad.
    assert_eq!(numbers(revision::R3P1_50REL0), [752271, 769419]);
    // The i.MX6 DualLite/Solo, and later.
    assert_eq!(numbers(revision::R3P2), []);
    assert_eq!(numbers(revision::R3P3), []);
}

#[test]
fn latencies_are_cycles_minus_one() {
    let latency = imx6_settings().tag_latency;
    assert_eq!(latency.register_value(), 0x132);
    let extreme = Latency {
        read: 0,
        write: 9,
        setup: 1,
    };
    assert_eq!(extreme.register_value(), 0x700);
}

#[test]
fn auxiliary_control_keeps_the_shape_and_adds_the_settings() {
    let aux = auxiliary_control(IMX6Q_AUX_AT_RESET, &imx6_settings(), revision::R3P1_50REL0);
    // NS lockdown (26), shared override (22), early BRESP (30), both
    // prefetches (28, 29), on top of what was read.
    assert_eq!(aux, 0x7647_0000);
    let geometry = Geometry::from_auxiliary_control(aux);
    assert_eq!(geometry.size(), 1 << 20);
    // No early BRESP before r2p0; prefetch bits cleared when off.
    let plain = Settings {
        early_bresp: true,
        prefetch_offset: None,
        shared_override: false,
        ..imx6_settings()
    };
    assert_eq!(
        auxiliary_control(0x3000_0000 | IMX6Q_AUX_AT_RESET, &plain, revision::R1P0),
        0x0607_0000
    );
}

#[test]
fn prefetch_drops_double_linefill_where_752271_applies() {
    let settings = imx6_settings();
    let imx6q = Errata::for_rtl_release(revision::R3P1_50REL0);
    assert_eq!(prefetch_control(0, &settings, imx6q), 0x3000_000F);
    // A loader's double linefill bits are cleared too.
    assert_eq!(prefetch_control(0x4080_0000, &settings, imx6q), 0x3000_000F);
    let imx6dl = Errata::for_rtl_release(revision::R3P2);
    assert_eq!(prefetch_control(0, &settings, imx6dl), 0x7000_000F);
    let off = Settings {
        prefetch_offset: None,
        double_linefill: false,
        ..settings
    };
    assert_eq!(prefetch_control(0x7000_0007, &off, imx6dl), 0x0000_0007);
}

#[test]
fn invalidation_cleans_the_partial_lines_at_the_edges() {
    let plan = InvalidatePlan::new(0x1000, 0x1040);
    assert_eq!(
        (plan.partial_first, plan.partial_last, plan.whole),
        (None, None, 0x1000..0x1040)
    );
    let plan = InvalidatePlan::new(0x1004, 0x1044);
    assert_eq!(
        (plan.partial_first, plan.partial_last, plan.whole),
        (Some(0x1000), Some(0x1040), 0x1020..0x1040)
    );
    // Inside one line: that line once, cleaned.
    let plan = InvalidatePlan::new(0x1004, 0x1008);
    assert_eq!(
        (plan.partial_first, plan.partial_last, plan.whole.is_empty()),
        (Some(0x1000), None, true)
    );
    // Empty and reversed ranges touch nothing.
    for (start, end) in [(0x1000, 0x1000), (0x2000, 0x1000)] {
        let plan = InvalidatePlan::new(start, end);
        assert_eq!((plan.partial_first, plan.partial_last), (None, None));
        assert!(plan.whole.is_empty());
    }
}

#[test]
fn lines_cover_the_range_from_its_first_line() {
    assert_eq!(
        lines(0x1004, 0x1041).collect::<Vec<_>>(),
        [0x1000, 0x1020, 0x1040]
    );
    assert_eq!(lines(0x1000, 0x1000).count(), 0);
}

/// A fake block that reads as the i.MX6Q's controller.
fn imx6q_block() -> (FakeRegisters, Pl310) {
    let fake = FakeRegisters::with_size(REGISTER_BLOCK_SIZE as usize);
    fake.write(0x000, IMX6Q_CACHE_ID);
    fake.write(0x104, IMX6Q_AUX_AT_RESET);
    // SAFETY: the fake block is leaked (lives for 'static) and covers the
    // whole 4 KiB register block; this is its only handle.
    let pl310 = unsafe { Pl310::new(fake.base()) };
    (fake, pl310)
}

#[test]
fn configure_writes_what_linux_writes_on_the_imx6q() {
    let (fake, pl310) = imx6q_block();
    fake.write(0x900, 0xFF); // a way locked by the loader
    assert!(!pl310.is_enabled());
    let aux = pl310.configure(&imx6_settings());
    assert_eq!(aux, 0x7647_0000);
    assert_eq!(fake.read(0x104), 0x7647_0000, "AUX_CTRL");
    assert_eq!(fake.read(0x108), 0x132, "TAG_RAM_CONTROL");
    assert_eq!(fake.read(0x10C), 0x132, "DATA_RAM_CONTROL");
    assert_eq!(fake.read(0xF60), 0x3000_000F, "PREFETCH_CTRL");
    assert_eq!(fake.read(0xF80), 0x3, "POWER_CTRL");
    assert_eq!(fake.read(0x900), 0, "lockdown cleared");
    assert_eq!(fake.read(0x100), 0, "not enabled by configure");
}

#[test]
fn enable_stays_off_when_invalidation_never_ends() {
    // The fake keeps the way mask written to INV_WAY: a stuck controller.
    let (fake, pl310) = imx6q_block();
    // SAFETY: the fake is off and nothing else uses it.
    assert_eq!(unsafe { pl310.enable(&imx6_settings()) }, Err(Timeout));
    assert_eq!(fake.read(0x77C), 0xFFFF, "all 16 ways asked");
    assert_eq!(fake.read(0x100), 0, "still off");
}

#[test]
fn maintenance_by_address_writes_line_addresses_and_syncs() {
    let (fake, pl310) = imx6q_block();
    pl310.clean_range(PhysAddr(0x1000_0004), PhysAddr(0x1000_0041));
    assert_eq!(fake.read(0x7B0), 0x1000_0040, "last line cleaned");
    pl310.flush_range(PhysAddr(0x1000_0000), PhysAddr(0x1000_0020));
    assert_eq!(fake.read(0x7F0), 0x1000_0000, "clean and invalidate by PA");
    pl310.invalidate_range(PhysAddr(0x1000_0100), PhysAddr(0x1000_0140));
    assert_eq!(fake.read(0x770), 0x1000_0120, "last whole line invalidated");
    assert_eq!(fake.read(0x730), 0, "synced");
}

#[test]
fn old_revisions_clean_then_invalidate_under_the_debug_register() {
    let (fake, pl310) = imx6q_block();
    fake.write(0x000, 0x4100_00C2); // r1p0: erratum 588369
    fake.write(0xF40, 0x4); // SPNIDEN, read-only in hardware
    pl310.flush_range(PhysAddr(0x2000_0000), PhysAddr(0x2000_0020));
    assert_eq!(fake.read(0x7B0), 0x2000_0000, "cleaned");
    assert_eq!(fake.read(0x770), 0x2000_0000, "then invalidated");
    assert_eq!(fake.read(0x7F0), 0, "never the combined operation");
    assert_eq!(fake.read(0xF40), 0, "debug register restored");
}
