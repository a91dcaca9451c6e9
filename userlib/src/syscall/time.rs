// SPDX-License-Identifier: MIT OR Apache-2.0
//! Time: clock_gettime, nanosleep and sched_yield.
//!
//! These use the 32-bit `struct timespec` of the original ARM EABI calls
//! (`clock_gettime` 263, not `clock_gettime64`), which is what the kernel
//! implements.

use super::{Sysnum, decode_unit, raw};
use crate::Errno;

/// The wall clock.
pub const CLOCK_REALTIME: u32 = 0;
/// Time since boot, never set back.
pub const CLOCK_MONOTONIC: u32 = 1;

/// Linux's 32-bit `struct timespec`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timespec {
    /// Seconds.
    pub tv_sec: i32,
    /// Nanoseconds, `0..1_000_000_000`.
    pub tv_nsec: i32,
}

impl Timespec {
    /// The time in nanoseconds.
    pub fn as_nanos(self) -> i64 {
        i64::from(self.tv_sec) * 1_000_000_000 + i64::from(self.tv_nsec)
    }
}

/// `clock_gettime(clock, &timespec)`.
pub fn clock_gettime(clock: u32) -> Result<Timespec, Errno> {
    let mut now = Timespec::default();
    // SAFETY: the kernel writes one timespec into our local.
    decode_unit(unsafe {
        raw::syscall2(Sysnum::CLOCK_GETTIME, clock as usize, &raw mut now as usize)
    })?;
    Ok(now)
}

/// `nanosleep(&duration, NULL)`.
pub fn nanosleep(duration: &Timespec) -> Result<(), Errno> {
    // SAFETY: the kernel reads one timespec; the remainder pointer is NULL.
    decode_unit(unsafe {
        raw::syscall2(Sysnum::NANOSLEEP, duration as *const Timespec as usize, 0)
    })
}

/// `sched_yield()`.
pub fn sched_yield() {
    // SAFETY: touches no memory of ours; it cannot fail.
    unsafe { raw::syscall0(Sysnum::SCHED_YIELD) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timespec_converts_to_nanoseconds() {
        let time = Timespec {
            tv_sec: 2,
            tv_nsec: 5,
        };
        assert_eq!(time.as_nanos(), 2_000_000_005);
    }
}
