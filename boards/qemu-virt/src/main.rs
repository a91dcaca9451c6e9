// SPDX-License-Identifier: MIT OR Apache-2.0
//! KML-rs for QEMU virt with a Cortex-A15 (stands in for the AM572x): addresses and driver choice.
//!
//! The reset code in `armv7::boot` calls [`kml_board_main`] with the MMU
//! on. The board's only decisions are which UART is the console and where
//! it lives (the PL011 at 0x0900_0000), and how much RAM to assume when no device tree is
//! passed; everything else is common ARMv7-A code in `armv7::start`.
#![no_std]
#![no_main]

use armv7::interrupts::{EventTimer, GicAddresses, InterruptWiring};
use armv7::platform::Armv7Platform;
use armv7::start::{Board, ClockSource, ResetArguments, start_kernel};
use drivers::pl011::Pl011;
use kernel::addr::PhysAddr;
use kernel::console_selection::{ConsoleSelection, ConsoleUart};
use spin::Once;

static BOARD: Board = Board {
    platform: Armv7Platform::new("qemu-virt"),
    console: ConsoleSelection::Fixed(ConsoleUart {
        name: "PL011",
        physical: PhysAddr(0x0900_0000),
        size: 0x1000,
        // The PL011 is SPI 1 on QEMU virt.
        interrupt: 32 + 1,
    }),
    default_ram_size: 128 << 20,
    clock: ClockSource::GenericTimer,
    interrupts: InterruptWiring {
        gic: GicAddresses {
            distributor: PhysAddr(0x0800_0000),
            cpu_interface: PhysAddr(0x0801_0000),
        },
        timer: EventTimer::GenericVirtual,
        // PPI 27: the virtual timer.
        timer_interrupt: 27,
    },
    route_interrupts: None,
    // The Cortex-A15's L2 is part of the core: nothing to bring up.
    mpcore: None,
};
static CONSOLE: Once<Pl011> = Once::new();

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
    // address is this board's Pl011 UART.
    unsafe { start_kernel(&BOARD, &CONSOLE, Pl011::new, reset) }
}
