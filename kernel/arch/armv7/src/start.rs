// SPDX-License-Identifier: MIT OR Apache-2.0
//! The common path from a board's entry to the generic kernel.
//!
//! Every board does the same things after reset: read the device tree,
//! pick its console UART (the tree's `stdout-path` may choose), map it,
//! build the driver, register it, finish memory set-up, bring up what the
//! SoC needs before interrupts (the i.MX6Q's SCU and L2 cache) and hand
//! over to the core. They live here so a board crate only states facts
//! ([`Board`]) and picks a driver type.

use crate::a9_mpcore::{self, A9MpCore};
use crate::generic_timer::GenericTimer;
use crate::interrupts::InterruptWiring;
use crate::memory_setup::{finish_memory_setup, read_boot_device_tree};
use crate::platform::Armv7Platform;
use crate::{cpu, mmu};
use drivers::a9_global_timer::A9GlobalTimer;
use kernel::addr::PhysAddr;
use kernel::console::Console;
use kernel::console_selection::ConsoleSelection;
use spin::Once;

/// The facts a board crate supplies.
pub struct Board {
    /// The board's platform (its name and CPU services).
    pub platform: Armv7Platform,
    /// Which UART is the console: one, or the device tree's choice among
    /// several (all driven by the board's one console driver type).
    pub console: ConsoleSelection,
    /// RAM size when the boot loader passes no device tree.
    pub default_ram_size: u32,
    /// The free-running counter behind `clock_gettime`.
    pub clock: ClockSource,
    /// The GIC, event timer and interrupt lines.
    pub interrupts: InterruptWiring,
    /// Board-specific interrupt routing to do before the GIC is enabled
    /// (the AM572x's IRQ crossbar and wakeup generator), if any.
    pub route_interrupts: Option<fn()>,
    /// The Cortex-A9 MPCore's SCU and L2C-310 (i.MX6Q), brought up before
    /// interrupts; `None` where the core has neither to set up (the
    /// Cortex-A15's L2 is integrated and needs no driver).
    pub mpcore: Option<A9MpCore>,
}

/// Where a board's monotonic clock comes from.
pub enum ClockSource {
    /// The ARM generic timer (Cortex-A15).
    GenericTimer,
    /// The Cortex-A9 MPCore global timer at `physical`, counting PERIPHCLK
    /// at `frequency_hz`.
    A9GlobalTimer {
        /// Physical address of its registers (PERIPHBASE + 0x200).
        physical: PhysAddr,
        /// PERIPHCLK in Hz.
        frequency_hz: u32,
    },
}

static GENERIC_TIMER: GenericTimer = GenericTimer;
static GLOBAL_TIMER: Once<A9GlobalTimer> = Once::new();

/// Brings up the board's clock and gives it to the platform.
/// `device_tree_hz` is PERIPHCLK as the device tree gives it, if it does.
fn start_clock(board: &'static Board, device_tree_hz: Option<u32>) {
    match board.clock {
        ClockSource::GenericTimer => {
            board.platform.set_clock(&GENERIC_TIMER);
            let frequency = GenericTimer::frequency();
            if frequency != 0 {
                // The vDSO reads the counter itself, in USR mode too.
                GenericTimer::allow_user_counter_reads();
                board.platform.set_user_counter(frequency);
            }
        }
        ClockSource::A9GlobalTimer {
            physical,
            frequency_hz,
        } => {
            let frequency_hz = device_tree_hz.unwrap_or(frequency_hz);
            // SAFETY: the board names its global timer block, a device.
            let Ok(registers) = (unsafe { mmu::map_device(physical, 0x20) }) else {
                kernel::println!("clock: cannot map the global timer at {physical}");
                return;
            };
            // SAFETY: just mapped, for good; this is its only handle.
            let timer = GLOBAL_TIMER
                .call_once(|| unsafe { A9GlobalTimer::new(registers.as_usize(), frequency_hz) });
            timer.start();
            board.platform.set_clock(timer);
        }
    }
}

/// Opens the VFP/NEON unit to user threads (off until one uses it: the
/// core switches it lazily) and records the capabilities programs see.
fn start_vfp(board: &'static Board) {
    let vfp = crate::vfp::init();
    let ids = cpu::ids(vfp);
    let hwcap = crate::hwcap::hwcap(&ids);
    board.platform.set_hwcaps(kernel::platform::Hwcaps { hwcap, hwcap2: 0 });
    match vfp {
        Some(unit) => kernel::println!(
            "VFP: {} registers{} (MVFR0 {:#010x}, MVFR1 {:#010x}), switched lazily; AT_HWCAP {hwcap:#x}",
            if unit.has_d32() { 32 } else { 16 },
            if hwcap & crate::hwcap::HWCAP_NEON != 0 { ", NEON" } else { "" },
            unit.mvfr0,
            unit.mvfr1
        ),
        None => kernel::println!("VFP: none; AT_HWCAP {hwcap:#x}"),
    }
}

/// What the reset code passes to `kml_board_main`, unchanged.
pub struct ResetArguments {
    /// Physical address of the device tree (r2 at reset; 0 if none).
    pub device_tree: u32,
    /// Virtual minus physical address of the kernel image.
    pub virtual_minus_physical: u32,
    /// CPSR at reset, to report the mode the loader left us in.
    pub entry_psr: u32,
}

/// Brings up the console with driver `C` and runs the kernel.
///
/// # Safety
/// Call once, from `kml_board_main`, with the reset code's arguments;
/// `new_console` must build a `C` driver for a device of `C`'s kind at the
/// virtual address it is given, and every UART `board.console` can pick
/// must be one.
pub unsafe fn start_kernel<C: Console + 'static>(
    board: &'static Board,
    console: &'static Once<C>,
    new_console: unsafe fn(usize) -> C,
    reset: ResetArguments,
) -> ! {
    // SAFETY: the caller runs this once, first thing after reset.
    let early =
        unsafe { read_boot_device_tree(PhysAddr(reset.device_tree), reset.virtual_minus_physical) };
    let (uart, reason) = board.console.choose(early.tree.as_ref());
    // SAFETY: the caller vouches every console choice is such a UART, a
    // device.
    let mapped = unsafe { mmu::map_device(uart.physical, uart.size) };
    let Ok(registers) = mapped else {
        // No console to complain on: stop where a debugger can see it.
        loop {
            cpu::wait_for_interrupt();
        }
    };
    // SAFETY: the UART was just mapped at `registers` for good, and this is
    // its only handle (called once).
    let console = console.call_once(|| unsafe { new_console(registers.as_usize()) });
    kernel::console::register(console);
    kernel::boot::print_greeting(&board.platform, crate::mode::mode_name(reset.entry_psr));
    kernel::println!(
        "Console: {} at {} (interrupt {}): {reason}",
        uart.name,
        uart.physical,
        uart.interrupt
    );
    // SAFETY: once, right after `read_boot_device_tree`, with its result.
    let boot =
        unsafe { finish_memory_setup(early, reset.virtual_minus_physical, board.default_ram_size) };
    if let Some(mpcore) = &board.mpcore {
        a9_mpcore::bring_up(mpcore);
    }
    let device_tree_hz = boot
        .device_tree
        .as_ref()
        .and_then(|tree| tree.global_timer_frequency);
    if let Some(frequency) = boot
        .device_tree
        .as_ref()
        .and_then(|tree| tree.arch_timer_frequency)
    {
        GenericTimer::set_fallback_frequency(frequency);
    }
    start_clock(board, device_tree_hz);
    start_vfp(board);
    let periphclk_hz = match board.clock {
        ClockSource::A9GlobalTimer { frequency_hz, .. } => device_tree_hz.unwrap_or(frequency_hz),
        ClockSource::GenericTimer => 0,
    };
    if let Some(route) = board.route_interrupts {
        route();
    }
    match crate::interrupts::init(&board.interrupts, uart.interrupt, periphclk_hz) {
        Ok(()) => console.enable_input_interrupt(),
        Err(error) => kernel::println!("interrupts: cannot map the GIC or timer: {error:?}"),
    }
    kernel::boot::kernel_main(&board.platform, boot)
}
