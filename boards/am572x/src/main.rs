// SPDX-License-Identifier: MIT OR Apache-2.0
//! KML-rs for the TI AM572x (BeagleBoard-X15, AM572x EVM/IDK): addresses and driver choice.
//!
//! The reset code in `armv7::boot` calls [`kml_board_main`] with the MMU
//! on. The board's only decisions are which UART is the console and where
//! it lives (UART3 at 0x4802_0000, a 16550 with 4-byte stride), and how much RAM to assume when no device tree is
//! passed; everything else is common ARMv7-A code in `armv7::start`.
#![no_std]
#![no_main]

use armv7::platform::Armv7Platform;
use armv7::interrupts::{EventTimer, GicAddresses, InterruptWiring};
use armv7::start::{Board, ClockSource, ResetArguments, start_kernel};
use drivers::ns16550::Ns16550;
use kernel::addr::PhysAddr;
use spin::Once;

static BOARD: Board = Board {
    platform: Armv7Platform::new("am572x"),
    console_uart: PhysAddr(0x4802_0000),
    console_uart_size: 0x1000,
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
        // UART3 is MPU_IRQ_69 once the crossbar routes it (issue 6 sets
        // the crossbar; until then console input is polled only).
        console_interrupt: 32 + 69,
    },
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
