// SPDX-License-Identifier: MIT OR Apache-2.0
//! The `console-read` scenario: a read on fd 0 blocks until a line is typed.
//!
//! The QEMU test (`tests/scheduling/console-read.test`) types
//! `hello console` on the serial console after boot. We read until the
//! end of the line, however the kernel splits it, and compare. The time
//! the reads took is printed too: a read that returned at once means the
//! text had arrived before we asked, which does not show a blocked read
//! resuming. This scenario is not in the default list (`ON_REQUEST`):
//! without input it waits forever.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use userlib::syscall::{self, Fd};
use userlib::{Errno, println};

use super::realtime::now;
use super::{Outcome, Passed, failed};
use crate::Launcher;

/// The line the test types.
const EXPECTED: &str = "hello console";
/// The most we read, as the test's `read(0, buf, 64)`.
const LINE_MAX: usize = 64;

/// Reads a line from fd 0 and expects [`EXPECTED`].
pub fn console_read(_launcher: &Launcher) -> Outcome {
    let start = now()?;
    let line = read_line(Fd::STDIN).map_err(failed("read(0)"))?;
    let waited = now()?.saturating_sub(start);
    let text = String::from_utf8_lossy(&line);
    let text = text.trim_end_matches(['\n', '\r']);
    println!("console-read: waited {} ms for input", waited / 1_000_000);
    println!("console-read: got {text:?}");
    if text == EXPECTED {
        Ok(Passed::Yes)
    } else {
        Err(format!("read {text:?}, expected {EXPECTED:?}"))
    }
}

/// Reads `fd` until a line ends (`\n` or `\r`), [`LINE_MAX`] bytes have
/// come or end of file.
fn read_line(fd: Fd) -> Result<Vec<u8>, Errno> {
    let mut line = Vec::new();
    let mut buffer = [0u8; LINE_MAX];
    while line.len() < LINE_MAX {
        let wanted = LINE_MAX - line.len();
        match syscall::read(fd, &mut buffer[..wanted]) {
            Ok(0) => break,
            Ok(length) => line.extend_from_slice(&buffer[..length]),
            Err(Errno::EINTR) => continue,
            Err(error) => return Err(error),
        }
        if line.ends_with(b"\n") || line.ends_with(b"\r") {
            break;
        }
    }
    Ok(line)
}
