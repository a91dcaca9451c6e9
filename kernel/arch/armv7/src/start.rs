// SPDX-License-Identifier: MIT OR Apache-2.0
//! The common path from a board's entry to the generic kernel.
//!
//! Every board does the same three things once its console driver exists:
//! register the console, finish memory set-up, hand over to the core. They
//! live here so the board crates only choose addresses and drivers.

use crate::memory_setup::finish_memory_setup;
use crate::platform::Armv7Platform;
use kernel::addr::PhysAddr;
use kernel::console::Console;

/// What a board tells the common start path.
pub struct BoardStart {
    /// The board's platform (its name and CPU services).
    pub platform: &'static Armv7Platform,
    /// The console, already able to print.
    pub console: &'static dyn Console,
    /// RAM size when the boot loader passes no device tree.
    pub default_ram_size: u32,
}

/// Registers the console, sets up memory and runs the kernel.
///
/// # Safety
/// Call once, from `kml_board_main`, with the arguments the reset code
/// passed to it.
pub unsafe fn start_kernel(
    board: BoardStart,
    device_tree: PhysAddr,
    virtual_minus_physical: u32,
    entry_psr: u32,
) -> ! {
    kernel::console::register(board.console);
    // SAFETY: the caller runs this once, first thing after reset.
    let mut boot =
        unsafe { finish_memory_setup(device_tree, virtual_minus_physical, board.default_ram_size) };
    boot.entry_mode = crate::mode::mode_name(entry_psr);
    kernel::boot::kernel_main(board.platform, boot)
}
