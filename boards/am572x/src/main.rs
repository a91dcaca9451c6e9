// SPDX-License-Identifier: MIT OR Apache-2.0
//! KML-rs for the TI AM572x (BeagleBoard-X15, AM572x EVM/IDK): addresses and driver choice.
//!
//! The reset code in `armv7::boot` calls [`kml_board_main`] with the MMU
//! on. The board's only decisions are which UART is the console and where
//! it lives (UART3 at 0x4802_0000, a 16550 with 4-byte stride), and how much RAM to assume when no device tree is
//! passed; everything else is common ARMv7-A code in `armv7::start`.
#![no_std]
#![no_main]

use armv7::interrupts::{EventTimer, GicAddresses, InterruptWiring};
use armv7::platform::Armv7Platform;
use armv7::start::{Board, ClockSource, ResetArguments, start_kernel};
use drivers::am572x_crossbar::{Crossbar, UART3_INPUT};
use drivers::ns16550::Ns16550;
use drivers::wugen::WakeupGen;
use kernel::addr::PhysAddr;
use kernel::console_selection::{ConsoleSelection, ConsoleUart};
use spin::Once;

static BOARD: Board = Board {
    platform: Armv7Platform::new("am572x"),
    console: ConsoleSelection::Fixed(ConsoleUart {
        name: "UART3",
        physical: PhysAddr(0x4802_0000),
        size: 0x1000,
        // UART3 on MPU_IRQ_69 (GIC SPI 69), routed by `route_interrupts`.
        interrupt: 32 + UART3_MPU_IRQ,
    }),
    default_ram_size: 1 << 30,
    clock: ClockSource::GenericTimer,
    interrupts: InterruptWiring {
        gic: GicAddresses {
            distributor: PhysAddr(0x4821_1000),
            cpu_interface: PhysAddr(0x4821_2000),
        },
        timer: EventTimer::GenericVirtual,
        // PPI 27: the virtual timer.
        timer_interrupt: 27,
    },
    route_interrupts: Some(route_interrupts),
    // The Cortex-A15's L2 is integrated: CP15 maintains it, and its
    // controls (L2CTLR, L2ACTLR) are written from the Secure state or HYP,
    // which U-Boot does through the ROM's monitor (README.md).
    mpcore: None,
};
static CONSOLE: Once<Ns16550> = Once::new();

/// The board's entry, called once by the reset code on the boot core.
#[unsafe(no_mangle)]
pub extern "C" fn kml_board_main(
    device_tree: u32,
    virtual_minus_physical: u32,
    entry_psr: u32,
) -> ! {
    let reset = ResetArguments {
        device_tree,
        virtual_minus_physical,
        entry_psr,
    };
    // SAFETY: called once by the reset code with its arguments; the console
    // address is this board's Ns16550 UART.
    unsafe { start_kernel(&BOARD, &CONSOLE, Ns16550::new, reset) }
}

/// The control module (CTRL_CORE), home of the IRQ crossbar registers.
const CTRL_CORE: PhysAddr = PhysAddr(0x4A00_2000);
/// The MPU wakeup generator (WUGEN).
const MPU_WUGEN: PhysAddr = PhysAddr(0x4828_1000);
/// The MPU interrupt line the console UART is routed to, as Linux's
/// am57xx device trees route it.
const UART3_MPU_IRQ: u32 = 69;

/// Routes UART3 through the IRQ crossbar and lets WUGEN pass every line
/// (AM572x TRM, "Interrupt Controllers": the GIC sees crossbar outputs, and
/// WUGEN masks them unless enabled). The timer is a PPI and needs neither.
fn route_interrupts() {
    // SAFETY: CTRL_CORE and MPU_WUGEN are this SoC's devices.
    let mapped = unsafe {
        (
            armv7::mmu::map_device(CTRL_CORE, 0x1000),
            armv7::mmu::map_device(MPU_WUGEN, 0x1000),
        )
    };
    let (Ok(control), Ok(wakeup)) = mapped else {
        kernel::println!("am572x: cannot map the crossbar or WUGEN; console input is polled");
        return;
    };
    // SAFETY: just mapped; used here once, at boot, by the only core.
    let crossbar = unsafe { Crossbar::new(control.as_usize()) };
    if let Err(error) = crossbar.route(UART3_MPU_IRQ, UART3_INPUT) {
        kernel::println!("am572x: cannot route UART3 through the crossbar: {error:?}");
    }
    // SAFETY: as above.
    unsafe { WakeupGen::new(wakeup.as_usize()) }.enable_all();
}
