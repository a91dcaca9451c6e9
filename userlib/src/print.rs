// SPDX-License-Identifier: MIT OR Apache-2.0
//! `print!` and friends: formatted output to fd 1 or 2 through a stack buffer.
//!
//! Output is formatted into a 256-byte buffer on the stack and written when
//! the buffer fills and at the end, so a line shorter than the buffer
//! reaches the kernel as one `write`: lines from different processes
//! sharing the console do not interleave mid-line. Nothing allocates, so
//! printing works before (and without) the heap. Write errors are dropped,
//! as there is nowhere left to report them.

use core::fmt::{self, Write};

use crate::syscall::{Fd, write_all};

/// Bytes formatted before a `write`.
const BUFFER_SIZE: usize = 256;

/// A `fmt::Write` that collects output and writes it to `fd` in chunks.
pub struct FdWriter {
    fd: Fd,
    buffer: [u8; BUFFER_SIZE],
    used: usize,
}

impl FdWriter {
    /// A writer for `fd` with an empty buffer.
    pub fn new(fd: Fd) -> Self {
        FdWriter {
            fd,
            buffer: [0; BUFFER_SIZE],
            used: 0,
        }
    }

    /// Writes out what the buffer holds.
    pub fn flush(&mut self) {
        // Errors are dropped: see the module doc.
        let _ = write_all(self.fd, &self.buffer[..self.used]);
        self.used = 0;
    }
}

impl Write for FdWriter {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut bytes = text.as_bytes();
        while !bytes.is_empty() {
            if self.used == BUFFER_SIZE {
                self.flush();
            }
            let room = BUFFER_SIZE - self.used;
            let take = room.min(bytes.len());
            self.buffer[self.used..self.used + take].copy_from_slice(&bytes[..take]);
            self.used += take;
            bytes = &bytes[take..];
        }
        Ok(())
    }
}

impl Drop for FdWriter {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Formats `args` to `fd`; what the print macros expand to.
pub fn print_to(fd: Fd, args: fmt::Arguments<'_>) {
    let mut writer = FdWriter::new(fd);
    // FdWriter::write_str never fails; a Display impl that does just ends
    // the output early.
    let _ = writer.write_fmt(args);
}

/// Prints to standard output (fd 1).
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::print::print_to($crate::syscall::Fd::STDOUT, format_args!($($arg)*))
    };
}

/// Prints to standard output (fd 1), with a newline, in one `write` when
/// the line fits the buffer.
#[macro_export]
macro_rules! println {
    () => {
        $crate::print!("\n")
    };
    ($($arg:tt)*) => {
        $crate::print!("{}\n", format_args!($($arg)*))
    };
}

/// Prints to standard error (fd 2).
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::print::print_to($crate::syscall::Fd::STDERR, format_args!($($arg)*))
    };
}

/// Prints to standard error (fd 2), with a newline.
#[macro_export]
macro_rules! eprintln {
    () => {
        $crate::eprint!("\n")
    };
    ($($arg:tt)*) => {
        $crate::eprint!("{}\n", format_args!($($arg)*))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_output_fills_and_wraps_the_buffer() {
        // On the host every write fails with ENOSYS and is dropped; what we
        // check is that chunking never indexes out of bounds.
        let mut writer = FdWriter::new(Fd::STDOUT);
        let text = "0123456789abcdef";
        for _ in 0..40 {
            writer.write_str(text).unwrap();
        }
        assert_eq!(writer.used, 40 * text.len() % BUFFER_SIZE);
    }
}
