// SPDX-License-Identifier: MIT OR Apache-2.0
//! Resource limits: getrlimit, setrlimit, ugetrlimit and prlimit64.
//!
//! Values from include/uapi/asm-generic/resource.h, which ARM uses
//! unchanged. Two structs cross the boundary: ugetrlimit and setrlimit
//! take `struct rlimit`, two `unsigned long`s (32 bits on ARM EABI, so
//! [`RLIM_INFINITY`] is `0xffff_ffff`); prlimit64 takes `struct rlimit64`,
//! two `u64`s ([`RLIM64_INFINITY`]). The kernel keeps 64-bit limits and
//! converts at the edge as Linux's `rlim_to_rlim64`/`rlim64_to_rlim` do:
//! anything a `u32` cannot hold reads as infinity. [`check_change`] is the
//! rule every setting call applies.

use crate::bytes::{get_u32, get_u64, put_u32, put_u64};
use crate::errno::Errno;

/// CPU time in seconds.
pub const RLIMIT_CPU: u32 = 0;
/// Largest file size.
pub const RLIMIT_FSIZE: u32 = 1;
/// Data segment (brk and anonymous mappings).
pub const RLIMIT_DATA: u32 = 2;
/// Main thread's stack.
pub const RLIMIT_STACK: u32 = 3;
/// Core file size.
pub const RLIMIT_CORE: u32 = 4;
/// Resident set size.
pub const RLIMIT_RSS: u32 = 5;
/// Processes of the user.
pub const RLIMIT_NPROC: u32 = 6;
/// Open file descriptors (one more than the highest descriptor).
pub const RLIMIT_NOFILE: u32 = 7;
/// Locked memory.
pub const RLIMIT_MEMLOCK: u32 = 8;
/// Address space.
pub const RLIMIT_AS: u32 = 9;
/// File locks.
pub const RLIMIT_LOCKS: u32 = 10;
/// Pending signals.
pub const RLIMIT_SIGPENDING: u32 = 11;
/// Bytes in POSIX message queues.
pub const RLIMIT_MSGQUEUE: u32 = 12;
/// Ceiling of the nice value (20 - limit).
pub const RLIMIT_NICE: u32 = 13;
/// Ceiling of the real-time priority.
pub const RLIMIT_RTPRIO: u32 = 14;
/// Real-time CPU time without a blocking call, in microseconds.
pub const RLIMIT_RTTIME: u32 = 15;
/// How many resources there are; higher numbers are `EINVAL`.
pub const RLIM_NLIMITS: u32 = 16;

/// No limit, in `struct rlimit` (32-bit `unsigned long`).
pub const RLIM_INFINITY: u32 = u32::MAX;
/// No limit, in `struct rlimit64`.
pub const RLIM64_INFINITY: u64 = u64::MAX;

/// One resource's limits, as the kernel keeps them (`struct rlimit64`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rlimit64 {
    /// The soft limit: what is enforced.
    pub current: u64,
    /// The hard limit: the ceiling for the soft one.
    pub maximum: u64,
}

/// `struct rlimit` with ARM EABI's 32-bit `unsigned long`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rlimit {
    /// The soft limit.
    pub current: u32,
    /// The hard limit.
    pub maximum: u32,
}

const _: () = assert!(core::mem::size_of::<Rlimit>() == Rlimit::SIZE);
const _: () = assert!(core::mem::size_of::<Rlimit64>() == Rlimit64::SIZE);
const _: () = assert!(core::mem::offset_of!(Rlimit64, maximum) == 8);

impl Rlimit64 {
    /// Size of the struct.
    pub const SIZE: usize = 16;
    /// No limit at all.
    pub const INFINITE: Rlimit64 = Rlimit64::both(RLIM64_INFINITY);

    /// Soft and hard limit both `value`.
    pub const fn both(value: u64) -> Rlimit64 {
        Rlimit64 {
            current: value,
            maximum: value,
        }
    }

    /// The bytes a program sees.
    pub fn to_bytes(&self) -> [u8; Self::SIZE] {
        let mut bytes = [0; Self::SIZE];
        put_u64(&mut bytes, 0, self.current);
        put_u64(&mut bytes, 8, self.maximum);
        bytes
    }

    /// The struct a program passed.
    pub fn from_bytes(bytes: &[u8; Self::SIZE]) -> Rlimit64 {
        Rlimit64 {
            current: get_u64(bytes, 0),
            maximum: get_u64(bytes, 8),
        }
    }

    /// As a 32-bit `struct rlimit`: values past `u32` read as infinity
    /// (Linux's `rlim64_to_rlim` for a 32-bit `unsigned long`).
    pub const fn narrow(self) -> Rlimit {
        const fn one(value: u64) -> u32 {
            if value >= RLIM_INFINITY as u64 {
                RLIM_INFINITY
            } else {
                value as u32
            }
        }
        Rlimit {
            current: one(self.current),
            maximum: one(self.maximum),
        }
    }
}

impl Rlimit {
    /// Size of the struct.
    pub const SIZE: usize = 8;

    /// The bytes a program sees.
    pub fn to_bytes(&self) -> [u8; Self::SIZE] {
        let mut bytes = [0; Self::SIZE];
        put_u32(&mut bytes, 0, self.current);
        put_u32(&mut bytes, 4, self.maximum);
        bytes
    }

    /// The struct a program passed.
    pub fn from_bytes(bytes: &[u8; Self::SIZE]) -> Rlimit {
        Rlimit {
            current: get_u32(bytes, 0),
            maximum: get_u32(bytes, 4),
        }
    }

    /// As the kernel's 64-bit limits: [`RLIM_INFINITY`] widens to
    /// [`RLIM64_INFINITY`] (Linux's `rlim_to_rlim64`).
    pub const fn widen(self) -> Rlimit64 {
        const fn one(value: u32) -> u64 {
            if value == RLIM_INFINITY {
                RLIM64_INFINITY
            } else {
                value as u64
            }
        }
        Rlimit64 {
            current: one(self.current),
            maximum: one(self.maximum),
        }
    }
}

/// Whether `resource` is a resource number (`EINVAL` otherwise).
pub const fn check_resource(resource: u32) -> Result<usize, Errno> {
    if resource < RLIM_NLIMITS {
        Ok(resource as usize)
    } else {
        Err(Errno::EINVAL)
    }
}

/// Whether a process may change limits `old` to `new`: `EINVAL` for a
/// soft limit above the hard one, `EPERM` for raising the hard limit
/// (Linux lets a process with `CAP_SYS_RESOURCE` do that; KML-rs grants
/// no capabilities, because its hard limits are the real sizes of kernel
/// structures, which no setting can grow).
pub const fn check_change(old: Rlimit64, new: Rlimit64) -> Result<(), Errno> {
    if new.current > new.maximum {
        Err(Errno::EINVAL)
    } else if new.maximum > old.maximum {
        Err(Errno::EPERM)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_linux_values() {
        assert_eq!(
            (RLIMIT_STACK, RLIMIT_NOFILE, RLIMIT_AS, RLIMIT_RTTIME),
            (3, 7, 9, 15)
        );
        assert_eq!(RLIM_NLIMITS, 16);
        assert_eq!(check_resource(15), Ok(15));
        assert_eq!(check_resource(16), Err(Errno::EINVAL));
    }

    #[test]
    fn structs_round_trip() {
        let wide = Rlimit64 {
            current: 8 << 20,
            maximum: RLIM64_INFINITY,
        };
        let bytes = wide.to_bytes();
        assert_eq!(bytes[..8], (8u64 << 20).to_le_bytes());
        assert_eq!(bytes[8..], [0xff; 8]);
        assert_eq!(Rlimit64::from_bytes(&bytes), wide);
        let narrow = Rlimit {
            current: 256,
            maximum: 1024,
        };
        assert_eq!(narrow.to_bytes(), [0, 1, 0, 0, 0, 4, 0, 0]);
        assert_eq!(Rlimit::from_bytes(&narrow.to_bytes()), narrow);
    }

    #[test]
    fn infinity_converts_both_ways() {
        let wide = Rlimit64 {
            current: 1 << 40,
            maximum: RLIM64_INFINITY,
        };
        assert_eq!(wide.narrow(), Rlimit::from_bytes(&[0xff; 8]));
        assert_eq!(Rlimit64::both(7).narrow().widen(), Rlimit64::both(7));
        assert_eq!(Rlimit::from_bytes(&[0xff; 8]).widen(), Rlimit64::INFINITE);
    }

    #[test]
    fn changes_lower_only() {
        let old = Rlimit64 {
            current: 100,
            maximum: 200,
        };
        assert_eq!(check_change(old, Rlimit64::both(50)), Ok(()));
        assert_eq!(check_change(old, Rlimit64::both(200)), Ok(()));
        let inverted = Rlimit64 {
            current: 150,
            maximum: 120,
        };
        assert_eq!(check_change(old, inverted), Err(Errno::EINVAL));
        assert_eq!(check_change(old, Rlimit64::both(201)), Err(Errno::EPERM));
        assert_eq!(check_change(Rlimit64::INFINITE, Rlimit64::INFINITE), Ok(()));
    }
}
