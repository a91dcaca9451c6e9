// SPDX-License-Identifier: MIT OR Apache-2.0
//! Time: the monotonic clock and the system calls that read it.
//!
//! A [`Clock`] is a free-running counter the board provides (the ARM
//! generic timer on the Cortex-A15, the Cortex-A9 global timer on the
//! i.MX6Q), converted to nanoseconds since it started. Every POSIX clock
//! reads it for now: there is no wall-clock source, so CLOCK_REALTIME
//! counts from boot as well. Sleeping yields until the deadline has passed
//! (no timer interrupt yet: the preemptive, tickless scheduler is issue 4).

use crate::process::with_current;
use crate::{platform, sched, uaccess};
use abi::clock::Timespec;
use abi::errno::Errno;

/// A free-running clock.
pub trait Clock: Sync {
    /// Nanoseconds since the clock started.
    fn nanoseconds(&self) -> u64;
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

/// The clocks clock_gettime knows (0 to 7, as Linux numbers them).
fn check_clock(clock: u32) -> Result<(), Errno> {
    if clock <= abi::clock::CLOCK_BOOTTIME {
        Ok(())
    } else {
        Err(Errno::EINVAL)
    }
}

/// clock_gettime(clock, timespec).
pub fn clock_gettime(clock: u32, address: u32) -> Result<u32, Errno> {
    check_clock(clock)?;
    let now = Timespec::from_nanoseconds(platform::get().monotonic_nanoseconds());
    with_current(|process| uaccess::copy_to_user(&mut process.memory, address, &now.to_bytes()))?;
    Ok(0)
}

/// nanosleep(request, remainder): sleeps at least the requested time.
pub fn nanosleep(request: u32, _remainder: u32) -> Result<u32, Errno> {
    let mut bytes = [0u8; 8];
    with_current(|process| uaccess::copy_from_user(&mut process.memory, request, &mut bytes))?;
    let duration = Timespec::from_bytes(&bytes).to_nanoseconds()?;
    let deadline = platform::get()
        .monotonic_nanoseconds()
        .saturating_add(duration);
    while platform::get().monotonic_nanoseconds() < deadline {
        sched::yield_now();
    }
    Ok(0)
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
}
