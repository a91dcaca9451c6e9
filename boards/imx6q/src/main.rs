// SPDX-License-Identifier: MIT OR Apache-2.0
//! KML-rs for the NXP i.MX6Q (SABRE Lite; QEMU sabrelite): addresses and driver choice.
//!
//! The reset code in `armv7::boot` calls [`kml_board_main`] with the MMU
//! on. The board's only decisions are which UART is the console and where
//! it lives (UART2 at 0x021E_8000), and how much RAM to assume when no device tree is
//! passed; everything else is common ARMv7-A code in `armv7::start`.
#![no_std]
#![no_main]

use armv7::interrupts::{EventTimer, GicAddresses, InterruptWiring};
use armv7::platform::Armv7Platform;
use armv7::start::{Board, ClockSource, ResetArguments, start_kernel};
use drivers::imx_uart::ImxUart;
use kernel::addr::PhysAddr;
use spin::Once;

static BOARD: Board = Board {
    platform: Armv7Platform::new("imx6q"),
    console_uart: PhysAddr(0x021E_8000),
    console_uart_size: 0x4000,
    default_ram_size: 1 << 30,
    clock: ClockSource::A9GlobalTimer {
        physical: PhysAddr(0x00A0_0200),
        // PERIPHCLK: half the 792 MHz ARM clock the i.MX6Q boots at.
        frequency_hz: 396_000_000,
    },
    interrupts: InterruptWiring {
        gic: GicAddresses {
            distributor: PhysAddr(0x00A0_1000),
            cpu_interface: PhysAddr(0x00A0_0100),
        },
        timer: EventTimer::A9Private {
            physical: PhysAddr(0x00A0_0600),
        },
        // PPI 29: the private timer.
        timer_interrupt: 29,
        // UART2 is SPI 27 (i.MX6Q reference manual, table 3-1).
        console_interrupt: 32 + 27,
    },
    route_interrupts: None,
};
static CONSOLE: Once<ImxUart> = Once::new();

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
    // address is this board's ImxUart UART.
    unsafe { start_kernel(&BOARD, &CONSOLE, ImxUart::new, reset) }
}
