// SPDX-License-Identifier: MIT OR Apache-2.0
//! poll, ppoll and ppoll_time64 on pipes, the console and ramdisk files.
//!
//! Readiness is Linux's: a ramdisk file is always readable and writable
//! as far as poll is concerned; the console is writable and readable when
//! a byte was typed; a pipe's read end is readable with data and hung up
//! (`POLLHUP`) with no writer left; its write end is writable with room
//! and in error (`POLLERR`) with no reader left. A descriptor that is not
//! open gives `POLLNVAL`; a negative one is skipped. While nothing is
//! ready the caller blocks on [`Event::Poll`], which every pipe and
//! console event wakes, until the timeout (if any) or a signal (EINTR
//! when a handler runs; never restarted after one, as on Linux).

use super::files::file;
use crate::file::FileKind;
use crate::process::thread::Event;
use crate::process::with_current;
use crate::signal::delivery;
use crate::{time, uaccess};
use abi::errno::Errno;
use alloc::vec::Vec;

/// There is data to read.
pub const POLLIN: u16 = 0x001;
/// Writing now will not block.
pub const POLLOUT: u16 = 0x004;
/// An error condition (always reported).
pub const POLLERR: u16 = 0x008;
/// Hung up (always reported).
pub const POLLHUP: u16 = 0x010;
/// Not an open descriptor (always reported).
pub const POLLNVAL: u16 = 0x020;
/// `POLLIN`'s "normal data" twin.
pub const POLLRDNORM: u16 = 0x040;
/// `POLLOUT`'s "normal data" twin.
pub const POLLWRNORM: u16 = 0x100;

/// The most descriptors one call may pass (the fd table's size).
const MAX_FDS: u32 = crate::fd_table::MAX_FDS;

/// One `struct pollfd`: 8 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PollFd {
    fd: i32,
    events: u16,
    revents: u16,
}

/// What a caller asking for `events` hears when `ready` holds: the asked
/// bits, plus the ones poll always reports.
pub fn reported(ready: u16, events: u16) -> u16 {
    ready & (events | POLLERR | POLLHUP | POLLNVAL)
}

/// poll(fds, nfds, timeout_ms): a negative timeout waits for ever.
pub fn poll(fds: u32, count: u32, timeout_ms: u32) -> Result<u32, Errno> {
    let timeout = (timeout_ms as i32 >= 0).then(|| u64::from(timeout_ms) * 1_000_000);
    poll_for(fds, count, timeout)
}

/// ppoll(fds, nfds, timeout, sigmask, sigsetsize) with a 32-bit timespec
/// (or `time64` for ppoll_time64). The signal mask is not applied here:
/// the caller's own mask stays in force while it waits.
pub fn ppoll(fds: u32, count: u32, timeout: u32, time64: bool) -> Result<u32, Errno> {
    let timeout = match timeout {
        0 => None,
        address if time64 => Some(time::read_timespec64(address)?),
        address => Some(time::read_timespec(address)?),
    };
    poll_for(fds, count, timeout)
}

/// The poll loop: check every descriptor, wait for a pipe or console
/// event while none is ready and time is left.
fn poll_for(fds: u32, count: u32, timeout: Option<u64>) -> Result<u32, Errno> {
    if count > MAX_FDS {
        return Err(Errno::EINVAL);
    }
    let mut entries = read_entries(fds, count)?;
    let deadline = timeout.map(|nanoseconds| time::now().saturating_add(nanoseconds));
    loop {
        let mut ready = 0;
        for entry in &mut entries {
            entry.revents = if entry.fd < 0 {
                0
            } else {
                reported(readiness(entry.fd as u32), entry.events)
            };
            if entry.revents != 0 {
                ready += 1;
            }
        }
        if ready > 0 || deadline.is_some_and(|deadline| time::now() >= deadline) {
            write_entries(fds, &entries)?;
            return Ok(ready);
        }
        // A signal ends the wait: EINTR if a handler runs, a transparent
        // restart otherwise (Linux's ERESTARTNOHAND for poll).
        let waited = match deadline {
            Some(deadline) => delivery::wait_until(Event::Poll, deadline).map(drop),
            None => delivery::wait(Event::Poll),
        };
        waited.map_err(|_| delivery::ERESTARTNOHAND)?;
    }
}

/// What descriptor `fd` is ready for now.
fn readiness(fd: u32) -> u16 {
    let Ok(file) = file(fd) else {
        return POLLNVAL;
    };
    let open = file.lock();
    match &open.kind {
        FileKind::Console => {
            let input = if crate::file::console_input_ready() {
                POLLIN | POLLRDNORM
            } else {
                0
            };
            input | POLLOUT | POLLWRNORM
        }
        FileKind::Ramdisk(_) | FileKind::Directory(_) | FileKind::Device(_) => {
            POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM
        }
        FileKind::PipeReader(pipe) => {
            let buffer = pipe.pipe.lock();
            let data = if buffer.is_empty() {
                0
            } else {
                POLLIN | POLLRDNORM
            };
            data | if buffer.writers_gone() { POLLHUP } else { 0 }
        }
        FileKind::PipeWriter(pipe) => {
            let buffer = pipe.pipe.lock();
            if buffer.readers_gone() {
                POLLERR
            } else if buffer.is_full() {
                0
            } else {
                POLLOUT | POLLWRNORM
            }
        }
    }
}

/// Reads the caller's `count` pollfd records at `address`.
fn read_entries(address: u32, count: u32) -> Result<Vec<PollFd>, Errno> {
    let size = count as usize * 8;
    let mut bytes = alloc::vec![0u8; size];
    if size > 0 {
        with_current(|process| {
            uaccess::copy_from_user(&mut process.memory.lock(), address, &mut bytes)
        })?;
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|record| PollFd {
            fd: i32::from_le_bytes([record[0], record[1], record[2], record[3]]),
            events: u16::from_le_bytes([record[4], record[5]]),
            revents: 0,
        })
        .collect())
}

/// Writes the records back with their `revents`.
fn write_entries(address: u32, entries: &[PollFd]) -> Result<(), Errno> {
    let mut bytes = Vec::with_capacity(entries.len() * 8);
    for entry in entries {
        bytes.extend_from_slice(&entry.fd.to_le_bytes());
        bytes.extend_from_slice(&entry.events.to_le_bytes());
        bytes.extend_from_slice(&entry.revents.to_le_bytes());
    }
    if bytes.is_empty() {
        return Ok(());
    }
    with_current(|process| uaccess::copy_to_user(&mut process.memory.lock(), address, &bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_asked_bits_are_reported_but_errors_always_are() {
        assert_eq!(reported(POLLIN | POLLOUT, POLLIN), POLLIN);
        assert_eq!(reported(POLLIN | POLLOUT, 0), 0);
        assert_eq!(reported(POLLHUP, POLLIN), POLLHUP);
        assert_eq!(reported(POLLERR, 0), POLLERR);
        assert_eq!(reported(POLLNVAL, POLLOUT), POLLNVAL);
        assert_eq!(reported(POLLOUT | POLLWRNORM, POLLOUT), POLLOUT);
    }
}
