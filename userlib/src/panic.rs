// SPDX-License-Identifier: MIT OR Apache-2.0
//! The panic handler: `panic: <message> at <file>:<line>` on fd 2, exit 101.
//!
//! Status 101 is what a Rust program on Linux exits with after a panic, so
//! test harnesses read it the same way on both. Programs are built with
//! `panic = "abort"`: there is no unwinding, the handler is the end.

use core::panic::PanicInfo;

use crate::syscall::exit_group;

/// The exit status of a panicked program.
pub const PANIC_EXIT_STATUS: i32 = 101;

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    match info.location() {
        Some(location) => crate::eprintln!(
            "panic: {} at {}:{}",
            info.message(),
            location.file(),
            location.line()
        ),
        None => crate::eprintln!("panic: {} at <unknown>", info.message()),
    }
    exit_group(PANIC_EXIT_STATUS)
}
