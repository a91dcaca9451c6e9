// SPDX-License-Identifier: MIT OR Apache-2.0
//! KML-rs for the NXP i.MX6Q (SABRE Lite; QEMU sabrelite): facts and drivers.
//!
//! The reset code in `armv7::boot` calls [`kml_board_main`] with the MMU
//! on. The board's decisions: which UART is the console (UART2 at
//! 0x021E_8000, the SABRE Lite's serial port, when the device tree's
//! `stdout-path` leads there; UART1 at 0x0202_0000 otherwise, and with no
//! device tree), where the Cortex-A9 MPCore's SCU and the L2C-310 are and
//! how the L2 is set up, and how much RAM to assume when no device tree is
//! passed; everything else is common ARMv7-A code in `armv7::start`.
#![no_std]
#![no_main]

use armv7::a9_mpcore::{A9MpCore, L2Cache};
use armv7::interrupts::{EventTimer, GicAddresses, InterruptWiring};
use armv7::platform::Armv7Platform;
use armv7::start::{Board, ClockSource, ResetArguments, start_kernel};
use drivers::imx_uart::ImxUart;
use drivers::pl310::{Latency, Settings};
use kernel::addr::PhysAddr;
use kernel::console_selection::{ConsoleSelection, ConsoleUart};
use spin::Once;

/// UART1: QEMU's first `-serial`; the default console.
const UART1: ConsoleUart = ConsoleUart {
    name: "UART1",
    physical: PhysAddr(0x0202_0000),
    size: 0x4000,
    // SPI 26 (i.MX6Q reference manual, table 3-1).
    interrupt: 32 + 26,
};

/// UART2: the SABRE Lite's serial port; QEMU's second `-serial`.
const UART2: ConsoleUart = ConsoleUart {
    name: "UART2",
    physical: PhysAddr(0x021E_8000),
    size: 0x4000,
    // SPI 27 (table 3-1).
    interrupt: 32 + 27,
};

/// The L2C-310's RAM latencies in `imx6qdl.dtsi`: `arm,tag-latency` and
/// `arm,data-latency` are both `<4 2 3>` (read, write, setup cycles).
const IMX6_L2_LATENCY: Latency = Latency {
    read: 4,
    write: 2,
    setup: 3,
};

static BOARD: Board = Board {
    platform: Armv7Platform::new("imx6q"),
    console: ConsoleSelection::StdoutPath {
        candidates: &[UART2, UART1],
        default: UART1,
    },
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
    },
    route_interrupts: None,
    mpcore: Some(A9MpCore {
        // PERIPHBASE + 0x00.
        scu: PhysAddr(0x00A0_0000),
        l2_cache: Some(L2Cache {
            physical: PhysAddr(0x00A0_2000),
            // Linux on the i.MX6: the device tree's latencies and
            // `arm,shared-override`, `l2c310_enable`'s early BRESP, and
            // `imx_init_l2cache`'s prefetch (offset 15) with double
            // linefill, which erratum 752271 turns off again on the
            // Dual/Quad's r3p1-50rel0.
            settings: Settings {
                tag_latency: IMX6_L2_LATENCY,
                data_latency: IMX6_L2_LATENCY,
                shared_override: true,
                early_bresp: true,
                prefetch_offset: Some(15),
                double_linefill: true,
            },
        }),
    }),
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
    // SAFETY: called once by the reset code with its arguments; both
    // console choices, UART1 and UART2, are i.MX UARTs, ImxUart's kind.
    unsafe { start_kernel(&BOARD, &CONSOLE, ImxUart::new, reset) }
}
