// SPDX-License-Identifier: MIT OR Apache-2.0
//! Tests of `stdout-path` resolution: aliases, options, buses, `ranges`.
//!
//! The fixtures are those of `tests.rs` plus `imx6q-sabrelite-stock.dtb`
//! (the console's place in Linux's stock tree); odd shapes are built by
//! hand with `tests.rs`'s `Builder`.

use super::tests::{Builder, QEMU_VIRT, SABRELITE, minimal};
use super::*;
use alloc::string::String;
use alloc::vec::Vec;

static STOCK_SABRELITE: &[u8] = include_bytes!("testdata/imx6q-sabrelite-stock.dtb");

/// The resolved address, or the error, of `stdout_path` in `blob`.
fn resolve(blob: &[u8], stdout_path: &'static str) -> Result<u32, String> {
    stdout::resolve(blob, stdout_path)
        .map(|device| device.address.as_u32())
        .map_err(|error| alloc::format!("{error}"))
}

#[test]
fn stock_sabrelite_leads_through_two_buses_to_uart2() {
    let info = parse(STOCK_SABRELITE).unwrap();
    assert_eq!(info.stdout_path, Some("/soc/bus@2100000/serial@21e8000"));
    let device = info.stdout_device.unwrap().unwrap();
    assert_eq!(device.address, PhysAddr(0x021E_8000));
    assert_eq!((device.alias_value, device.options), (None, None));
    // UART1 sits a bus deeper, in the SPBA.
    assert_eq!(resolve(STOCK_SABRELITE, "serial0"), Ok(0x0202_0000));
    assert_eq!(
        resolve(STOCK_SABRELITE, "serial1:115200n8"),
        Ok(0x021E_8000)
    );
}

#[test]
fn fixtures_resolve_their_own_stdout_paths() {
    let virt = parse(QEMU_VIRT).unwrap().stdout_device.unwrap().unwrap();
    assert_eq!(virt.address, PhysAddr(0x0900_0000), "two-cell root");
    let sabrelite = parse(SABRELITE).unwrap().stdout_device.unwrap().unwrap();
    assert_eq!(sabrelite.address, PhysAddr(0x021E_8000));
}

#[test]
fn an_alias_with_options_is_expanded_and_the_options_kept() {
    let device = stdout::resolve(STOCK_SABRELITE, "serial1:115200n8").unwrap();
    assert_eq!(device.path, "serial1");
    assert_eq!(device.alias_value, Some("/soc/bus@2100000/serial@21e8000"));
    assert_eq!(device.options, Some("115200n8"));
    assert_eq!(stdout::split_options("/a/b:x:y"), ("/a/b", Some("x:y")));
    assert_eq!(stdout::split_options("serial0"), ("serial0", None));
}

#[test]
fn a_component_without_unit_address_takes_the_first_of_that_name() {
    assert_eq!(
        resolve(STOCK_SABRELITE, "/soc/bus/spba-bus/serial"),
        Ok(0x0202_0000)
    );
    // The first `bus` is AIPS1, and there is no going back to AIPS2.
    assert_eq!(
        resolve(STOCK_SABRELITE, "/soc/bus/serial@21e8000"),
        Err("no node /soc/bus/serial@21e8000".into())
    );
    assert_eq!(
        resolve(STOCK_SABRELITE, "/soc/bus@2100000/serial"),
        Ok(0x021E_8000)
    );
}

/// A root with 32-bit cells, `bus@40000000` with the given `ranges`
/// (none if `None`) holding `uart@10` with `reg = <0x10 0x100>`.
fn one_bus(ranges: Option<&[u32]>) -> Vec<u8> {
    let mut tree = minimal();
    tree.begin("aliases")
        .property("serial0", b"/bus@40000000/uart@10\0")
        .property("loop", b"serial0\0")
        .end();
    tree.begin("bus@40000000")
        .cells("#address-cells", &[1])
        .cells("#size-cells", &[1]);
    if let Some(ranges) = ranges {
        tree.cells("ranges", ranges);
    }
    tree.begin("uart@10").cells("reg", &[0x10, 0x100]).end();
    tree.end().end().finish()
}

#[test]
fn ranges_map_a_child_address_into_the_parent_space() {
    let blob = one_bus(Some(&[0x0, 0x4000_0000, 0x1000]));
    assert_eq!(resolve(&blob, "serial0"), Ok(0x4000_0010));
    // The second entry is the one that covers it.
    let blob = one_bus(Some(&[0x1000, 0x5000_0000, 0x1000, 0x0, 0x6000_0000, 0x20]));
    assert_eq!(resolve(&blob, "/bus@40000000/uart@10"), Ok(0x6000_0010));
    // Empty: identity.
    assert_eq!(resolve(&one_bus(Some(&[])), "serial0"), Ok(0x10));
}

#[test]
fn a_bus_without_a_covering_range_does_not_map() {
    let expected = Err("serial0 is not mapped to the CPU (a bus lacks ranges)".into());
    assert_eq!(resolve(&one_bus(None), "serial0"), expected);
    assert_eq!(
        resolve(&one_bus(Some(&[0x20, 0x4000_0000, 0x10])), "serial0"),
        expected
    );
}

#[test]
fn aliases_must_name_full_paths() {
    let blob = one_bus(Some(&[]));
    assert_eq!(
        resolve(&blob, "loop"),
        Err("no alias loop in /aliases".into())
    );
    assert_eq!(
        resolve(&blob, "serial9:115200"),
        Err("no alias serial9 in /aliases".into())
    );
    assert_eq!(
        resolve(&blob, "/bus@40000000/uart@20"),
        Err("no node /bus@40000000/uart@20".into())
    );
    assert_eq!(resolve(&blob, "/"), Err("no node /".into()));
}

#[test]
fn an_alias_may_be_followed_by_a_child_path() {
    let mut tree = minimal();
    tree.begin("aliases").property("bus", b"/bus\0").end();
    tree.begin("bus")
        .cells("#address-cells", &[1])
        .cells("#size-cells", &[1])
        .property("ranges", b"");
    tree.begin("uart@30").cells("reg", &[0x30, 0x10]).end();
    let blob = tree.end().end().finish();
    assert_eq!(resolve(&blob, "bus/uart@30"), Ok(0x30));
}

#[test]
fn two_cell_addresses_and_the_4_gib_limit() {
    let mut tree = Builder::default();
    tree.begin("")
        .cells("#address-cells", &[2])
        .cells("#size-cells", &[2]);
    tree.begin("low")
        .cells("reg", &[0, 0x0900_0000, 0, 0x1000])
        .end();
    tree.begin("high").cells("reg", &[1, 0, 0, 0x1000]).end();
    tree.begin("short").cells("reg", &[0, 0x0900_0000]).end();
    tree.begin("none").end();
    let blob = tree.end().finish();
    assert_eq!(resolve(&blob, "/low"), Ok(0x0900_0000));
    assert_eq!(
        resolve(&blob, "/high"),
        Err("/high has an address above 4 GiB or cells other than 1 or 2".into())
    );
    assert_eq!(
        resolve(&blob, "/short"),
        Err("/short has no usable reg".into())
    );
    assert_eq!(
        resolve(&blob, "/none"),
        Err("/none has no usable reg".into())
    );
}

#[test]
fn cells_given_after_the_children_still_count() {
    let mut tree = Builder::default();
    tree.begin("");
    tree.begin("bus").property("ranges", b"");
    tree.begin("uart").cells("reg", &[0x2000, 0x100]).end();
    tree.cells("#address-cells", &[1])
        .cells("#size-cells", &[1])
        .end();
    tree.cells("#address-cells", &[1])
        .cells("#size-cells", &[1]);
    let blob = tree.end().finish();
    assert_eq!(resolve(&blob, "/bus/uart"), Ok(0x2000));
}

#[test]
fn missing_stdout_path_resolves_to_nothing() {
    let blob = minimal().end().finish();
    assert_eq!(parse(&blob).unwrap().stdout_device, None);
}

#[test]
fn corrupt_stock_trees_never_panic() {
    let mut copy = STOCK_SABRELITE.to_vec();
    for index in HEADER_SIZE..STOCK_SABRELITE.len() {
        let original = STOCK_SABRELITE[index];
        for value in [0, 1, 2, 3, 0x2F, 0x3A, 0xFF, original ^ 1] {
            copy[index] = value;
            let _ = parse(&copy);
        }
        copy[index] = original;
    }
}
