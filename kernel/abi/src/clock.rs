// SPDX-License-Identifier: MIT OR Apache-2.0
//! Clock ids and the time structs of clock_gettime, nanosleep and friends.
//!
//! ARM EABI's `time_t` and `long` are 32 bits, so the classic calls
//! (clock_gettime 263, nanosleep 162, gettimeofday 78) take 8-byte
//! [`Timespec`] and [`Timeval`] structs; the `*_time64` calls (403 and up)
//! take the 16-byte [`Timespec64`] (`struct __kernel_timespec`). Clock ids
//! are from include/uapi/linux/time.h.

use crate::bytes::{get_u32, get_u64, put_u32, put_u64};
use crate::errno::Errno;

/// Wall-clock time (settable).
pub const CLOCK_REALTIME: u32 = 0;
/// Time since boot, never set back; stops while suspended.
pub const CLOCK_MONOTONIC: u32 = 1;
/// CPU time of the process.
pub const CLOCK_PROCESS_CPUTIME_ID: u32 = 2;
/// CPU time of the thread.
pub const CLOCK_THREAD_CPUTIME_ID: u32 = 3;
/// Monotonic, without frequency adjustment.
pub const CLOCK_MONOTONIC_RAW: u32 = 4;
/// `CLOCK_REALTIME` at tick resolution.
pub const CLOCK_REALTIME_COARSE: u32 = 5;
/// `CLOCK_MONOTONIC` at tick resolution.
pub const CLOCK_MONOTONIC_COARSE: u32 = 6;
/// Monotonic, counting time suspended.
pub const CLOCK_BOOTTIME: u32 = 7;
/// International Atomic Time.
pub const CLOCK_TAI: u32 = 11;

/// clock_nanosleep: the time is absolute, not a duration.
pub const TIMER_ABSTIME: u32 = 1;
/// Nanoseconds in a second.
pub const NSEC_PER_SEC: u64 = 1_000_000_000;

/// `struct timespec` with ARM EABI's 32-bit `time_t` and `long`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timespec {
    /// Seconds.
    pub sec: i32,
    /// Nanoseconds, 0 to 999 999 999 when valid.
    pub nsec: i32,
}

/// `struct __kernel_timespec`, for the `*_time64` calls.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timespec64 {
    /// Seconds.
    pub sec: i64,
    /// Nanoseconds, 0 to 999 999 999 when valid.
    pub nsec: i64,
}

/// `struct timeval` (gettimeofday), 32-bit fields on ARM EABI.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timeval {
    /// Seconds.
    pub sec: i32,
    /// Microseconds.
    pub usec: i32,
}

const _: () = assert!(core::mem::size_of::<Timespec>() == Timespec::SIZE);
const _: () = assert!(core::mem::size_of::<Timespec64>() == Timespec64::SIZE);
const _: () = assert!(core::mem::size_of::<Timeval>() == Timeval::SIZE);

impl Timespec {
    /// Size of the struct.
    pub const SIZE: usize = 8;

    /// The time `nanoseconds` after the epoch of its clock; seconds wrap
    /// past 2038 as a 32-bit `time_t` does.
    pub const fn from_nanoseconds(nanoseconds: u64) -> Timespec {
        Timespec {
            sec: (nanoseconds / NSEC_PER_SEC) as i32,
            nsec: (nanoseconds % NSEC_PER_SEC) as i32,
        }
    }

    /// As nanoseconds, if valid (nanosleep's check: EINVAL for a negative
    /// time or nanoseconds out of range).
    pub const fn to_nanoseconds(self) -> Result<u64, Errno> {
        if self.sec < 0 || self.nsec < 0 || self.nsec as u64 >= NSEC_PER_SEC {
            return Err(Errno::EINVAL);
        }
        Ok(self.sec as u64 * NSEC_PER_SEC + self.nsec as u64)
    }

    /// The bytes a program sees.
    pub fn to_bytes(&self) -> [u8; Self::SIZE] {
        let mut bytes = [0; Self::SIZE];
        put_u32(&mut bytes, 0, self.sec as u32);
        put_u32(&mut bytes, 4, self.nsec as u32);
        bytes
    }

    /// The struct a program passed.
    pub fn from_bytes(bytes: &[u8; Self::SIZE]) -> Timespec {
        Timespec {
            sec: get_u32(bytes, 0) as i32,
            nsec: get_u32(bytes, 4) as i32,
        }
    }
}

impl Timespec64 {
    /// Size of the struct.
    pub const SIZE: usize = 16;

    /// The time `nanoseconds` after the epoch of its clock.
    pub const fn from_nanoseconds(nanoseconds: u64) -> Timespec64 {
        Timespec64 {
            sec: (nanoseconds / NSEC_PER_SEC) as i64,
            nsec: (nanoseconds % NSEC_PER_SEC) as i64,
        }
    }

    /// As nanoseconds, if valid (EINVAL otherwise, or past `u64`).
    pub const fn to_nanoseconds(self) -> Result<u64, Errno> {
        if self.sec < 0 || self.nsec < 0 || self.nsec as u64 >= NSEC_PER_SEC {
            return Err(Errno::EINVAL);
        }
        match (self.sec as u64).checked_mul(NSEC_PER_SEC) {
            Some(whole) => match whole.checked_add(self.nsec as u64) {
                Some(total) => Ok(total),
                None => Err(Errno::EINVAL),
            },
            None => Err(Errno::EINVAL),
        }
    }

    /// The bytes a program sees.
    pub fn to_bytes(&self) -> [u8; Self::SIZE] {
        let mut bytes = [0; Self::SIZE];
        put_u64(&mut bytes, 0, self.sec as u64);
        put_u64(&mut bytes, 8, self.nsec as u64);
        bytes
    }

    /// The struct a program passed.
    pub fn from_bytes(bytes: &[u8; Self::SIZE]) -> Timespec64 {
        Timespec64 {
            sec: get_u64(bytes, 0) as i64,
            nsec: get_u64(bytes, 8) as i64,
        }
    }
}

impl Timeval {
    /// Size of the struct.
    pub const SIZE: usize = 8;

    /// The time `nanoseconds` after the epoch, cut to microseconds.
    pub const fn from_nanoseconds(nanoseconds: u64) -> Timeval {
        Timeval {
            sec: (nanoseconds / NSEC_PER_SEC) as i32,
            usec: ((nanoseconds % NSEC_PER_SEC) / 1000) as i32,
        }
    }

    /// The bytes a program sees.
    pub fn to_bytes(&self) -> [u8; Self::SIZE] {
        let mut bytes = [0; Self::SIZE];
        put_u32(&mut bytes, 0, self.sec as u32);
        put_u32(&mut bytes, 4, self.usec as u32);
        bytes
    }

    /// The struct a program passed.
    pub fn from_bytes(bytes: &[u8; Self::SIZE]) -> Timeval {
        Timeval {
            sec: get_u32(bytes, 0) as i32,
            usec: get_u32(bytes, 4) as i32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_ids_are_linux_values() {
        assert_eq!(
            (CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI),
            (0, 1, 7, 11)
        );
    }

    #[test]
    fn timespecs_round_trip() {
        let time = Timespec::from_nanoseconds(3 * NSEC_PER_SEC + 42);
        assert_eq!(time, Timespec { sec: 3, nsec: 42 });
        assert_eq!(time.to_bytes(), [3, 0, 0, 0, 42, 0, 0, 0]);
        assert_eq!(Timespec::from_bytes(&time.to_bytes()), time);
        assert_eq!(time.to_nanoseconds(), Ok(3_000_000_042));
        let wide = Timespec64::from_nanoseconds(u64::MAX);
        assert_eq!(Timespec64::from_bytes(&wide.to_bytes()), wide);
        assert_eq!(wide.to_nanoseconds(), Ok(u64::MAX));
        let tv = Timeval::from_nanoseconds(1_500_000_999);
        assert_eq!(
            tv,
            Timeval {
                sec: 1,
                usec: 500_000
            }
        );
        assert_eq!(Timeval::from_bytes(&tv.to_bytes()), tv);
    }

    #[test]
    fn invalid_timespecs_are_einval() {
        assert_eq!(
            Timespec { sec: -1, nsec: 0 }.to_nanoseconds(),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            Timespec { sec: 0, nsec: -1 }.to_nanoseconds(),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            Timespec {
                sec: 0,
                nsec: 1_000_000_000
            }
            .to_nanoseconds(),
            Err(Errno::EINVAL)
        );
        assert!(
            Timespec {
                sec: i32::MAX,
                nsec: 999_999_999
            }
            .to_nanoseconds()
            .is_ok()
        );
        assert_eq!(
            Timespec64 {
                sec: i64::MAX,
                nsec: 0
            }
            .to_nanoseconds(),
            Err(Errno::EINVAL)
        );
    }
}
