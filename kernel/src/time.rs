// SPDX-License-Identifier: MIT OR Apache-2.0
//! Time: the monotonic clock, the one-shot timer, and the calls on them.
//!
//! A [`Clock`] is a free-running counter the board provides (the ARM
//! generic timer on the Cortex-A15, the Cortex-A9 global timer on the
//! i.MX6Q), in nanoseconds since it started. Every POSIX clock reads it:
//! there is no battery-backed wall clock, so CLOCK_REALTIME counts from boot
//! too, and the _COARSE clocks are the same clock (their resolution is
//! reported as the counter's). The timer is one-shot, programmed by the
//! scheduler for the nearest deadline (tickless: no periodic interrupt when
//! nothing needs one); sleeps block until their deadline and so last at
//! least the time asked, with the counter's precision, not a tick's.

use crate::process::thread::Event;
use crate::process::with_current;
use crate::signal::delivery;
use crate::{platform, sched, uaccess};
use abi::clock::{self, Timespec, Timespec64, Timeval};
use abi::errno::Errno;

/// A free-running clock.
pub trait Clock: Sync {
    /// Nanoseconds since the clock started.
    fn nanoseconds(&self) -> u64;
    /// The length of one count, in nanoseconds (at least 1).
    fn resolution(&self) -> u64 {
        1
    }
}

/// Converts `ticks` of a `frequency_hz` counter to nanoseconds without
/// overflowing for centuries of uptime.
pub fn ticks_to_nanoseconds(ticks: u64, frequency_hz: u32) -> u64 {
    if frequency_hz == 0 {
        return 0;
    }
    let frequency = u64::from(frequency_hz);
    let seconds = ticks / frequency;
    let rest = ticks % frequency;
    seconds * 1_000_000_000 + rest * 1_000_000_000 / frequency
}

/// Converts nanoseconds to ticks of a `frequency_hz` counter, rounding up
/// so that a deadline is never early.
pub fn nanoseconds_to_ticks(nanoseconds: u64, frequency_hz: u32) -> u64 {
    let frequency = u64::from(frequency_hz);
    let seconds = nanoseconds / 1_000_000_000;
    let rest = nanoseconds % 1_000_000_000;
    seconds * frequency + (rest * frequency).div_ceil(1_000_000_000)
}

/// The timer interrupt: wake sleepers and end time slices.
pub fn timer_interrupt() {
    sched::timer_expired();
}

/// Now, on the monotonic clock.
pub fn now() -> u64 {
    platform::get().monotonic_nanoseconds()
}

/// The clocks clock_gettime knows: every Linux clock id 0 to 7 (CPU-time
/// clocks 2 and 3 read the same clock: per-thread CPU accounting is not
/// kept yet).
fn check_clock(clock: u32) -> Result<(), Errno> {
    if clock <= clock::CLOCK_BOOTTIME {
        Ok(())
    } else {
        Err(Errno::EINVAL)
    }
}

/// clock_gettime(clock, timespec).
pub fn clock_gettime(clock: u32, address: u32) -> Result<u32, Errno> {
    check_clock(clock)?;
    let now = Timespec::from_nanoseconds(now());
    with_current(|process| {
        uaccess::copy_to_user(&mut process.memory.lock(), address, &now.to_bytes())
    })?;
    Ok(0)
}

/// clock_getres(clock, timespec): the counter's tick (NULL is allowed).
pub fn clock_getres(clock: u32, address: u32) -> Result<u32, Errno> {
    check_clock(clock)?;
    if address != 0 {
        let resolution = Timespec::from_nanoseconds(platform::get().clock_resolution());
        with_current(|process| {
            uaccess::copy_to_user(&mut process.memory.lock(), address, &resolution.to_bytes())
        })?;
    }
    Ok(0)
}

/// gettimeofday(timeval, timezone): the timezone is left alone.
pub fn gettimeofday(address: u32, _timezone: u32) -> Result<u32, Errno> {
    if address != 0 {
        let now = Timeval::from_nanoseconds(now());
        with_current(|process| {
            uaccess::copy_to_user(&mut process.memory.lock(), address, &now.to_bytes())
        })?;
    }
    Ok(0)
}

/// Reads a timespec argument.
pub fn read_timespec(address: u32) -> Result<u64, Errno> {
    let mut bytes = [0u8; Timespec::SIZE];
    with_current(|process| {
        uaccess::copy_from_user(&mut process.memory.lock(), address, &mut bytes)
    })?;
    Timespec::from_bytes(&bytes).to_nanoseconds()
}

/// Sleeps until the monotonic clock reads `deadline`, unless a signal
/// comes first: then `Err` with the time left. A sleep a signal ends
/// returns EINTR once a handler has run, and is restarted (from the
/// start, for a relative sleep: Linux would restart with the time left)
/// if none ran (`ERESTARTNOHAND`, see `signal::delivery`).
fn sleep_until(deadline: u64) -> Result<(), u64> {
    while now() < deadline {
        if delivery::wait_until(Event::Sleep, deadline).is_err() {
            return Err(deadline.saturating_sub(now()));
        }
    }
    Ok(())
}

/// Writes the time left of an interrupted sleep to `remainder` (if not
/// NULL), and gives the error the call returns.
fn interrupted(remainder: u32, bytes: &[u8]) -> Errno {
    if remainder != 0 {
        let written = with_current(|process| {
            uaccess::copy_to_user(&mut process.memory.lock(), remainder, bytes)
        });
        if let Err(error) = written {
            return error;
        }
    }
    delivery::ERESTARTNOHAND
}

/// nanosleep(request, remainder).
pub fn nanosleep(request: u32, remainder: u32) -> Result<u32, Errno> {
    let duration = read_timespec(request)?;
    sleep_until(now().saturating_add(duration))
        .map_err(|left| interrupted(remainder, &Timespec::from_nanoseconds(left).to_bytes()))?;
    Ok(0)
}

/// clock_nanosleep(clock, flags, request, remainder), relative or with
/// TIMER_ABSTIME an absolute deadline on the clock.
pub fn clock_nanosleep(clock: u32, flags: u32, request: u32, remainder: u32) -> Result<u32, Errno> {
    check_clock(clock)?;
    sleep_for_request(flags, read_timespec(request)?).map_err(|left| {
        let remainder = relative_only(flags, remainder);
        interrupted(remainder, &Timespec::from_nanoseconds(left).to_bytes())
    })
}

/// The sleep of clock_nanosleep and clock_nanosleep_time64: until `time`
/// with TIMER_ABSTIME, for `time` otherwise.
fn sleep_for_request(flags: u32, time: u64) -> Result<u32, u64> {
    let deadline = if flags & clock::TIMER_ABSTIME != 0 {
        time
    } else {
        now().saturating_add(time)
    };
    sleep_until(deadline)?;
    Ok(0)
}

/// Where an interrupted clock_nanosleep writes the time left: nowhere
/// for an absolute deadline (Linux leaves `remainder` alone then).
fn relative_only(flags: u32, remainder: u32) -> u32 {
    if flags & clock::TIMER_ABSTIME != 0 {
        0
    } else {
        remainder
    }
}

/// clock_gettime64(clock, timespec64): clock_gettime with the 16-byte
/// `struct __kernel_timespec` (no 2038 wrap).
pub fn clock_gettime64(clock: u32, address: u32) -> Result<u32, Errno> {
    check_clock(clock)?;
    let now = Timespec64::from_nanoseconds(now());
    with_current(|process| {
        uaccess::copy_to_user(&mut process.memory.lock(), address, &now.to_bytes())
    })?;
    Ok(0)
}

/// clock_getres_time64(clock, timespec64) (NULL is allowed).
pub fn clock_getres64(clock: u32, address: u32) -> Result<u32, Errno> {
    check_clock(clock)?;
    if address != 0 {
        let resolution = Timespec64::from_nanoseconds(platform::get().clock_resolution());
        with_current(|process| {
            uaccess::copy_to_user(&mut process.memory.lock(), address, &resolution.to_bytes())
        })?;
    }
    Ok(0)
}

/// Reads a `struct __kernel_timespec` argument.
pub fn read_timespec64(address: u32) -> Result<u64, Errno> {
    let mut bytes = [0u8; Timespec64::SIZE];
    with_current(|process| {
        uaccess::copy_from_user(&mut process.memory.lock(), address, &mut bytes)
    })?;
    Timespec64::from_bytes(&bytes).to_nanoseconds()
}

/// clock_nanosleep_time64(clock, flags, request, remainder).
pub fn clock_nanosleep64(
    clock: u32,
    flags: u32,
    request: u32,
    remainder: u32,
) -> Result<u32, Errno> {
    check_clock(clock)?;
    sleep_for_request(flags, read_timespec64(request)?).map_err(|left| {
        let remainder = relative_only(flags, remainder);
        interrupted(remainder, &Timespec64::from_nanoseconds(left).to_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_convert_exactly_and_without_overflow() {
        assert_eq!(ticks_to_nanoseconds(62_500_000, 62_500_000), 1_000_000_000);
        assert_eq!(ticks_to_nanoseconds(1, 24_000_000), 41);
        assert_eq!(
            ticks_to_nanoseconds(u64::MAX / 2, 1_000_000_000),
            u64::MAX / 2
        );
        assert_eq!(ticks_to_nanoseconds(5, 0), 0);
    }

    #[test]
    fn deadlines_round_up_to_the_next_tick() {
        assert_eq!(nanoseconds_to_ticks(1_000_000_000, 62_500_000), 62_500_000);
        assert_eq!(nanoseconds_to_ticks(1, 62_500_000), 1);
        assert_eq!(nanoseconds_to_ticks(16, 62_500_000), 1);
        assert_eq!(nanoseconds_to_ticks(17, 62_500_000), 2);
        assert_eq!(nanoseconds_to_ticks(0, 100_000_000), 0);
    }
}
