// SPDX-License-Identifier: MIT OR Apache-2.0
//! Time: clocks, sleeps, gettimeofday and sched_yield.
//!
//! Most use the 32-bit `struct timespec` of the original ARM EABI calls
//! (`clock_gettime` 263); the `_time64` ones (`clock_gettime64` 403 and
//! friends) take the 16-byte [`Timespec64`] and never wrap in 2038. The structs are `abi`'s [`Timespec`] and [`Timeval`]; they
//! cross to and from the kernel as bytes (`to_bytes`, `from_bytes`), never
//! by their Rust layout. Sleeps pass a NULL remainder: a caller that cares
//! about being interrupted sleeps until an absolute time with
//! [`clock_nanosleep`] and [`TIMER_ABSTIME`] and simply sleeps again.

use super::{Sysnum, decode_unit, raw};
use crate::Errno;

pub use abi::clock::{
    CLOCK_BOOTTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE, CLOCK_MONOTONIC_RAW,
    CLOCK_PROCESS_CPUTIME_ID, CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_THREAD_CPUTIME_ID,
    NSEC_PER_SEC, TIMER_ABSTIME, Timespec, Timespec64, Timeval,
};

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

/// `clock_gettime64(clock, &timespec64)`: no 2038 wrap.
pub fn clock_gettime64(clock: u32) -> Result<Timespec64, Errno> {
    let mut bytes = [0u8; Timespec64::SIZE];
    // SAFETY: the kernel writes one __kernel_timespec into our buffer of
    // exactly that size.
    decode_unit(unsafe {
        raw::syscall2(
            Sysnum::ClockGettime64,
            clock as usize,
            bytes.as_mut_ptr() as usize,
        )
    })?;
    Ok(Timespec64::from_bytes(&bytes))
}

/// `clock_getres_time64(clock, &timespec64)`.
pub fn clock_getres64(clock: u32) -> Result<Timespec64, Errno> {
    let mut bytes = [0u8; Timespec64::SIZE];
    // SAFETY: as clock_gettime64.
    decode_unit(unsafe {
        raw::syscall2(
            Sysnum::ClockGetresTime64,
            clock as usize,
            bytes.as_mut_ptr() as usize,
        )
    })?;
    Ok(Timespec64::from_bytes(&bytes))
}

/// `clock_nanosleep_time64(clock, flags, &request, NULL)`.
pub fn clock_nanosleep64(clock: u32, flags: u32, request: &Timespec64) -> Result<(), Errno> {
    let bytes = request.to_bytes();
    // SAFETY: the kernel reads one __kernel_timespec from our buffer; the
    // remainder pointer is NULL.
    decode_unit(unsafe {
        raw::syscall4(
            Sysnum::ClockNanosleepTime64,
            clock as usize,
            flags as usize,
            bytes.as_ptr() as usize,
            0,
        )
    })
}

/// `nanosleep(&duration, NULL)`.
pub fn nanosleep(duration: &Timespec) -> Result<(), Errno> {
    let bytes = duration.to_bytes();
    // SAFETY: the kernel reads one timespec from our buffer; the remainder
    // pointer is NULL.
    decode_unit(unsafe { raw::syscall2(Sysnum::Nanosleep, bytes.as_ptr() as usize, 0) })
}

/// `nanosleep` for `nanoseconds`: the same call, given a plain count.
pub fn sleep_nanoseconds(nanoseconds: u64) -> Result<(), Errno> {
    nanosleep(&Timespec::from_nanoseconds(nanoseconds))
}

/// `clock_nanosleep(clock, flags, &request, NULL)`: sleeps for `request`
/// on `clock`, or until `request` if `flags` holds [`TIMER_ABSTIME`].
pub fn clock_nanosleep(clock: u32, flags: u32, request: &Timespec) -> Result<(), Errno> {
    let bytes = request.to_bytes();
    // SAFETY: the kernel reads one timespec from our buffer; the remainder
    // pointer is NULL.
    decode_unit(unsafe {
        raw::syscall4(
            Sysnum::ClockNanosleep,
            clock as usize,
            flags as usize,
            bytes.as_ptr() as usize,
            0,
        )
    })
}

/// `clock_getres(clock, &timespec)`: the resolution of `clock`.
pub fn clock_getres(clock: u32) -> Result<Timespec, Errno> {
    let mut bytes = [0u8; Timespec::SIZE];
    // SAFETY: the kernel writes one timespec, Timespec::SIZE bytes, into our
    // buffer of exactly that size.
    decode_unit(unsafe {
        raw::syscall2(
            Sysnum::ClockGetres,
            clock as usize,
            bytes.as_mut_ptr() as usize,
        )
    })?;
    Ok(Timespec::from_bytes(&bytes))
}

/// `gettimeofday(&timeval, NULL)`: the wall clock in microseconds.
pub fn gettimeofday() -> Result<Timeval, Errno> {
    let mut bytes = [0u8; Timeval::SIZE];
    // SAFETY: the kernel writes one timeval, Timeval::SIZE bytes, into our
    // buffer of exactly that size; the timezone pointer is NULL.
    decode_unit(unsafe { raw::syscall2(Sysnum::Gettimeofday, bytes.as_mut_ptr() as usize, 0) })?;
    Ok(Timeval::from_bytes(&bytes))
}

/// `CLOCK_MONOTONIC` in nanoseconds: the clock deadlines and durations
/// are measured with. `EINVAL` if the kernel's timespec is malformed.
pub fn monotonic_nanoseconds() -> Result<u64, Errno> {
    clock_gettime(CLOCK_MONOTONIC)?.to_nanoseconds()
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
        assert_eq!(sleep_nanoseconds(1), Err(Errno::ENOSYS));
        assert_eq!(
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &second),
            Err(Errno::ENOSYS)
        );
        assert_eq!(clock_getres(CLOCK_MONOTONIC), Err(Errno::ENOSYS));
        assert_eq!(gettimeofday(), Err(Errno::ENOSYS));
        assert_eq!(monotonic_nanoseconds(), Err(Errno::ENOSYS));
    }
}
