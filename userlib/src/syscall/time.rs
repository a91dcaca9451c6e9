// SPDX-License-Identifier: MIT OR Apache-2.0
//! Time: clock_gettime, nanosleep and sched_yield.
//!
//! These use the 32-bit `struct timespec` of the original ARM EABI calls
//! (`clock_gettime` 263, not `clock_gettime64`), which is what the kernel
//! implements. The struct is `abi`'s [`Timespec`]; it crosses to and from
//! the kernel as bytes (`to_bytes`, `from_bytes`), never by its Rust layout.

use super::{Sysnum, decode_unit, raw};
use crate::Errno;

pub use abi::clock::{CLOCK_MONOTONIC, CLOCK_REALTIME, Timespec};

/// `clock_gettime(clock, &timespec)`.
pub fn clock_gettime(clock: u32) -> Result<Timespec, Errno> {
    let mut bytes = [0u8; Timespec::SIZE];
    // SAFETY: the kernel writes one timespec, Timespec::SIZE bytes, into our
    // buffer of exactly that size.
    decode_unit(unsafe {
        raw::syscall2(
            Sysnum::ClockGettime,
            clock as usize,
            bytes.as_mut_ptr() as usize,
        )
    })?;
    Ok(Timespec::from_bytes(&bytes))
}

/// `nanosleep(&duration, NULL)`.
pub fn nanosleep(duration: &Timespec) -> Result<(), Errno> {
    let bytes = duration.to_bytes();
    // SAFETY: the kernel reads one timespec from our buffer; the remainder
    // pointer is NULL.
    decode_unit(unsafe { raw::syscall2(Sysnum::Nanosleep, bytes.as_ptr() as usize, 0) })
}

/// `sched_yield()`.
pub fn sched_yield() {
    // SAFETY: touches no memory of ours; it cannot fail.
    unsafe { raw::syscall0(Sysnum::SchedYield) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_report_the_host_stub_error() {
        assert_eq!(clock_gettime(CLOCK_MONOTONIC), Err(Errno::ENOSYS));
        let second = Timespec::from_nanoseconds(1_000_000_000);
        assert_eq!(nanosleep(&second), Err(Errno::ENOSYS));
    }
}
