// SPDX-License-Identifier: MIT OR Apache-2.0
//! The device tree QEMU's `sabrelite` machine is booted with.
//!
//! QEMU builds a device tree itself for `virt`, but for `sabrelite` it expects
//! one from `-dtb`, and we do not want to depend on a Linux tree. The kernel
//! reads only a few things from the blob: the memory node, `/chosen` (command
//! line, console, initrd) and the UART aliases. So this tree has exactly those
//! and nothing the kernel does not read; the board crate knows the rest of the
//! SoC. QEMU rewrites `/memory/reg`, `/chosen/bootargs` and
//! `/chosen/linux,initrd-*` from `-m`, `-append` and `-initrd` when it loads
//! the blob, so the values here are only defaults.

use vm_fdt::FdtWriter;

use crate::error::{Context, Result};

/// Physical base of the i.MX6Q MMDC DDR window.
const RAM_BASE: u32 = 0x1000_0000;
/// 1 GiB, matching `-m 1G` (QEMU overwrites it anyway).
const RAM_SIZE: u32 = 0x4000_0000;
/// UART1 (QEMU's first `-serial`).
const UART1_BASE: u32 = 0x0202_0000;
/// UART2, the SABRE Lite's console (QEMU's second `-serial`).
const UART2_BASE: u32 = 0x021E_8000;
/// The Cortex-A9 global timer (PERIPHBASE + 0x200).
const GLOBAL_TIMER_BASE: u32 = 0x00A0_0200;
/// PERIPHCLK as QEMU's A9 timer models count it.
const QEMU_PERIPHCLK_HZ: u32 = 100_000_000;
/// Register window of one i.MX UART.
const UART_SIZE: u32 = 0x4000;

/// Builds the `qemu-sabrelite.dtb` blob.
pub fn sabrelite_dtb() -> Result<Vec<u8>> {
    build().context("building the sabrelite device tree")
}

fn build() -> vm_fdt::FdtWriterResult<Vec<u8>> {
    let mut fdt = FdtWriter::new()?;
    let root = fdt.begin_node("")?;
    fdt.property_u32("#address-cells", 1)?;
    fdt.property_u32("#size-cells", 1)?;
    fdt.property_string_list(
        "compatible",
        vec!["fsl,imx6q-sabrelite".into(), "fsl,imx6q".into()],
    )?;
    fdt.property_string(
        "model",
        "Freescale i.MX6 Quad SABRE Lite Board (KML-rs QEMU tree)",
    )?;

    let memory = fdt.begin_node(&format!("memory@{RAM_BASE:x}"))?;
    fdt.property_string("device_type", "memory")?;
    fdt.property_array_u32("reg", &[RAM_BASE, RAM_SIZE])?;
    fdt.end_node(memory)?;

    let chosen = fdt.begin_node("chosen")?;
    fdt.property_string("bootargs", "")?;
    fdt.property_string("stdout-path", "serial1:115200n8")?;
    fdt.end_node(chosen)?;

    let aliases = fdt.begin_node("aliases")?;
    fdt.property_string("serial0", &format!("/soc/serial@{UART1_BASE:x}"))?;
    fdt.property_string("serial1", &format!("/soc/serial@{UART2_BASE:x}"))?;
    fdt.end_node(aliases)?;

    // QEMU's Cortex-A9 timer models count 10 ns per tick at prescaler 0:
    // PERIPHCLK is 100 MHz in the emulator (the real i.MX6Q runs it at
    // 396 MHz, which the kernel assumes when no tree says otherwise).
    let global_timer = fdt.begin_node(&format!("timer@{GLOBAL_TIMER_BASE:x}"))?;
    fdt.property_string("compatible", "arm,cortex-a9-global-timer")?;
    fdt.property_array_u32("reg", &[GLOBAL_TIMER_BASE, 0x20])?;
    fdt.property_u32("clock-frequency", QEMU_PERIPHCLK_HZ)?;
    fdt.end_node(global_timer)?;

    let soc = fdt.begin_node("soc")?;
    fdt.property_string("compatible", "simple-bus")?;
    fdt.property_u32("#address-cells", 1)?;
    fdt.property_u32("#size-cells", 1)?;
    fdt.property_null("ranges")?;
    for base in [UART1_BASE, UART2_BASE] {
        let uart = fdt.begin_node(&format!("serial@{base:x}"))?;
        fdt.property_string_list(
            "compatible",
            vec!["fsl,imx6q-uart".into(), "fsl,imx21-uart".into()],
        )?;
        fdt.property_array_u32("reg", &[base, UART_SIZE])?;
        fdt.end_node(uart)?;
    }
    fdt.end_node(soc)?;

    fdt.end_node(root)?;
    fdt.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob() -> Vec<u8> {
        sabrelite_dtb().expect("the tree builds")
    }

    #[test]
    fn blob_has_the_fdt_magic() {
        assert_eq!(blob()[..4], [0xd0, 0x0d, 0xfe, 0xed]);
    }

    /// The kernel's own reader (the one that runs at boot) accepts the blob
    /// and finds what the kernel needs in it.
    #[test]
    fn the_kernel_reads_memory_and_chosen_back() {
        let bytes = blob();
        let tree = kernel::devicetree::parse(&bytes).expect("parses");
        assert!(tree.model.expect("model").contains("SABRE Lite"));
        let memory = tree.memory.expect("memory node");
        assert_eq!(
            (memory.start.as_u32(), memory.size()),
            (0x1000_0000, 0x4000_0000)
        );
        assert_eq!(tree.bootargs, Some(""));
        assert_eq!(tree.stdout_path, Some("serial1:115200n8"));
        assert_eq!(tree.total_size, bytes.len());
        assert_eq!(tree.global_timer_frequency, Some(100_000_000));
    }

    /// The kernel follows stdout-path through the alias to UART2, the
    /// second `-serial`, where `run` and `test` put the terminal.
    #[test]
    fn the_kernel_resolves_the_console_to_uart2() {
        let bytes = blob();
        let tree = kernel::devicetree::parse(&bytes).expect("parses");
        let device = tree.stdout_device.expect("stdout-path").expect("resolves");
        assert_eq!(device.address.as_u32(), UART2_BASE);
        assert_eq!(device.alias_value, Some("/soc/serial@21e8000"));
    }

    #[test]
    fn console_alias_names_uart2() {
        let bytes = blob();
        let contains = |text: &str| {
            bytes
                .windows(text.len())
                .any(|window| window == text.as_bytes())
        };
        assert!(contains("/soc/serial@21e8000\0"), "serial1 alias");
        assert!(contains("serial@2020000\0"), "UART1 node");
        assert!(
            contains("fsl,imx6q-uart\0fsl,imx21-uart\0"),
            "UART compatible"
        );
    }
}
