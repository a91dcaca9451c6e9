// SPDX-License-Identifier: MIT OR Apache-2.0
//! KML-rs for QEMU virt with a Cortex-A15 (stands in for the AM572x): addresses and driver choice.
//!
//! The reset code in `armv7::boot` calls [`kml_board_main`] with the MMU
//! on. The board's only decisions are which UART is the console and where
//! it lives (the PL011 at 0x0900_0000), and how much RAM to assume when no device tree is
//! passed; everything else is common ARMv7-A code.
#![no_std]
#![no_main]

use armv7::platform::Armv7Platform;
use armv7::start::{BoardStart, start_kernel};
use drivers::pl011::Pl011;
use kernel::addr::PhysAddr;
use spin::Once;

/// Physical address of the console UART's registers.
const CONSOLE_UART: PhysAddr = PhysAddr(0x0900_0000);
/// Size of the console UART's register block.
const CONSOLE_UART_SIZE: u32 = 0x1000;
/// RAM assumed when the boot loader passes no device tree.
const DEFAULT_RAM_SIZE: u32 = 128 << 20;

static PLATFORM: Armv7Platform = Armv7Platform::new("qemu-virt");
static CONSOLE: Once<Pl011> = Once::new();

/// The board's entry, called once by the reset code on the boot core.
#[unsafe(no_mangle)]
pub extern "C" fn kml_board_main(
    device_tree: u32,
    virtual_minus_physical: u32,
    entry_psr: u32,
) -> ! {
    // SAFETY: CONSOLE_UART is this board's console UART, a device.
    let Ok(registers) = (unsafe { armv7::mmu::map_device(CONSOLE_UART, CONSOLE_UART_SIZE) }) else {
        // No console to complain on: stop where a debugger can see it.
        loop {
            armv7::cpu::wait_for_interrupt();
        }
    };
    // SAFETY: the UART was just mapped at `registers`, for good, and this
    // is its only handle.
    let console = CONSOLE.call_once(|| unsafe { Pl011::new(registers.as_usize()) });
    let board = BoardStart {
        platform: &PLATFORM,
        console,
        default_ram_size: DEFAULT_RAM_SIZE,
    };
    // SAFETY: called once, with the reset code's arguments.
    unsafe {
        start_kernel(
            board,
            PhysAddr(device_tree),
            virtual_minus_physical,
            entry_psr,
        )
    }
}
