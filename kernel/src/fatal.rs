// SPDX-License-Identifier: MIT OR Apache-2.0
//! How the kernel stops: clean exit, panic, or kernel fault.
//!
//! The boot sequence records the platform and whether semihosting may be
//! used; from then on any path that ends the kernel (the end of boot, the
//! panic handler, the arch crate's fault report) comes here, so the exit
//! status QEMU returns always says how the kernel ended.

use crate::platform::{ExitStatus, Platform};
use spin::Once;

/// What the stop path needs: the platform and the semihosting permission.
struct Stopper {
    platform: &'static dyn Platform,
    semihosting: bool,
}

static STOPPER: Once<Stopper> = Once::new();

/// Records how to stop the machine. Called once, early in boot.
pub fn register(platform: &'static dyn Platform, semihosting: bool) {
    STOPPER.call_once(|| Stopper {
        platform,
        semihosting,
    });
}

/// Stops the kernel with `status`. Before [`register`] ran, nothing knows
/// how to stop the board, so the CPU spins (a debugger can still attach).
pub fn stop(status: ExitStatus) -> ! {
    match STOPPER.get() {
        Some(stopper) => stopper.platform.halt(status, stopper.semihosting),
        None => loop {
            core::hint::spin_loop();
        },
    }
}

/// The kernel's panic handler: message and location, then exit 101.
#[cfg(target_os = "none")]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    match info.location() {
        Some(location) => crate::console::write_emergency(format_args!(
            "\nKERNEL PANIC at {}:{}:{}: {}\n",
            location.file(),
            location.line(),
            location.column(),
            info.message()
        )),
        None => {
            crate::console::write_emergency(format_args!("\nKERNEL PANIC: {}\n", info.message()))
        }
    }
    stop(ExitStatus::Panic)
}
