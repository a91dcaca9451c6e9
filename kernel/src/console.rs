// SPDX-License-Identifier: MIT OR Apache-2.0
//! The kernel console: where `print!` and `println!` go.
//!
//! The board registers one UART driver as the console early in boot; until it
//! does, output is dropped. Writers take a spin lock so lines from different
//! contexts do not interleave; fault and panic reports use
//! [`write_emergency`], which skips the lock because the lock's holder may be
//! the code that just faulted.

use core::fmt::{self, Write};
use spin::{Mutex, Once};

/// A byte sink for kernel messages (a UART, or a test buffer on the host).
pub trait Console: Sync {
    /// Writes all of `bytes`, blocking until the device has taken them.
    /// A `\n` is sent as `\r\n` by the caller, not by the driver.
    fn write_bytes(&self, bytes: &[u8]);

    /// A received byte, if one is waiting. Consoles without input say none.
    fn read_byte(&self) -> Option<u8> {
        None
    }

    /// Lets received bytes raise the console's interrupt.
    fn enable_input_interrupt(&self) {}

    /// Clears a latched receive interrupt (before the FIFO is drained, so
    /// a byte arriving meanwhile raises it again).
    fn acknowledge_input_interrupt(&self) {}
}

static CONSOLE: Once<&'static dyn Console> = Once::new();
static WRITER_LOCK: Mutex<()> = Mutex::new(());

/// Makes `console` the destination of all later kernel output. Only the first
/// call has an effect: the console does not change once the kernel talks.
pub fn register(console: &'static dyn Console) {
    CONSOLE.call_once(|| console);
}

/// Writes raw bytes (a process's output) under the console lock,
/// turning `\n` into `\r\n` like the kernel's own messages.
pub fn write_bytes(bytes: &[u8]) {
    if let Some(console) = CONSOLE.get() {
        let _guard = WRITER_LOCK.lock();
        for line in bytes.split_inclusive(|&byte| byte == b'\n') {
            match line.strip_suffix(b"\n") {
                Some(text) => {
                    console.write_bytes(text);
                    console.write_bytes(b"\r\n");
                }
                None => console.write_bytes(line),
            }
        }
    }
}

/// Clears the console's receive interrupt before its FIFO is drained.
pub fn acknowledge_input_interrupt() {
    if let Some(console) = CONSOLE.get() {
        console.acknowledge_input_interrupt();
    }
}

/// A byte typed on the console, if any.
pub fn read_byte() -> Option<u8> {
    CONSOLE.get().and_then(|console| console.read_byte())
}

/// Formats into the console, turning `\n` into `\r\n` for serial terminals.
struct LineWriter(&'static dyn Console);

impl Write for LineWriter {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for (index, line) in text.split('\n').enumerate() {
            if index > 0 {
                self.0.write_bytes(b"\r\n");
            }
            self.0.write_bytes(line.as_bytes());
        }
        Ok(())
    }
}

/// Writes formatted text under the console lock. Used by `print!`.
pub fn write_fmt(arguments: fmt::Arguments<'_>) {
    if let Some(console) = CONSOLE.get() {
        let _guard = WRITER_LOCK.lock();
        let _ = LineWriter(*console).write_fmt(arguments);
    }
}

/// Writes formatted text without taking the lock, for fault and panic
/// reports that must get out even if the faulting code held it.
pub fn write_emergency(arguments: fmt::Arguments<'_>) {
    if let Some(console) = CONSOLE.get() {
        let _ = LineWriter(*console).write_fmt(arguments);
    }
}

/// Prints to the kernel console.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => ($crate::console::write_fmt(format_args!($($arg)*)));
}

/// Prints a line to the kernel console.
#[macro_export]
macro_rules! println {
    () => ($crate::print!("\n"));
    ($($arg:tt)*) => ($crate::console::write_fmt(format_args!("{}\n", format_args!($($arg)*))));
}
