// SPDX-License-Identifier: MIT OR Apache-2.0
//! The ARM generic timer's counter, as a clock (Cortex-A15).
//!
//! CNTVCT counts at CNTFRQ (ARM ARM B8.1). Firmware is meant to set
//! CNTFRQ; where it left 0, the `clock-frequency` of the device tree's
//! `arm,armv7-timer` node is used. The virtual timer (CNTV_*) is the
//! one-shot event timer; the reset code zeroes CNTVOFF when entered in HYP,
//! so virtual and physical counts agree.

use abi::counter::CounterScale;
use core::arch::asm;
use core::sync::atomic::{AtomicU32, Ordering};
use kernel::time::Clock;
use spin::Once;

/// The virtual counter of the generic timer.
pub struct GenericTimer;

/// CNTKCTL.PL0VCTEN: USR mode may read CNTVCT.
const CNTKCTL_PL0VCTEN: u32 = 1 << 1;

/// The frequency the device tree gives, used when CNTFRQ reads 0.
static FALLBACK_FREQUENCY: AtomicU32 = AtomicU32::new(0);

impl GenericTimer {
    /// Records the device tree's `clock-frequency`, for firmware that left
    /// CNTFRQ unset (CNTFRQ is writable only at the highest privilege, so
    /// the kernel cannot fix it itself when entered in SVC).
    pub fn set_fallback_frequency(frequency: u32) {
        FALLBACK_FREQUENCY.store(frequency, Ordering::Relaxed);
    }

    /// The counter's frequency in Hz: CNTFRQ, or the device tree's value
    /// where firmware left CNTFRQ at 0.
    pub fn frequency() -> u32 {
        match Self::cntfrq() {
            0 => FALLBACK_FREQUENCY.load(Ordering::Relaxed),
            frequency => frequency,
        }
    }

    /// The counter's scale, worked out once the frequency is known (the
    /// reciprocal takes a division; each conversion then none).
    pub fn scale() -> Option<CounterScale> {
        static SCALE: Once<CounterScale> = Once::new();
        if let Some(scale) = SCALE.get() {
            return Some(*scale);
        }
        let scale = CounterScale::new(Self::frequency())?;
        Some(*SCALE.call_once(|| scale))
    }

    /// CNTFRQ as firmware left it.
    fn cntfrq() -> u32 {
        let frequency: u32;
        // SAFETY: reading CNTFRQ has no side effects.
        unsafe {
            asm!("mrc p15, 0, {}, c14, c0, 0", out(reg) frequency, options(nomem, nostack, preserves_flags))
        };
        frequency
    }

    /// CNTVCT: the counter's value.
    pub fn count() -> u64 {
        let (low, high): (u32, u32);
        // SAFETY: ISB then MRRC of CNTVCT only reads the counter.
        unsafe {
            asm!(
                "isb",
                "mrrc p15, 1, {low}, {high}, c14",
                low = out(reg) low,
                high = out(reg) high,
                options(nomem, nostack, preserves_flags),
            )
        };
        (u64::from(high) << 32) | u64::from(low)
    }

    /// Lets USR mode read CNTVCT (CNTKCTL.PL0VCTEN), so the vDSO can
    /// answer `clock_gettime` without entering the kernel. The physical
    /// counter and the timers stay privileged.
    pub fn allow_user_counter_reads() {
        // SAFETY: CNTKCTL only controls USR-mode access to the counters
        // and timers; setting PL0VCTEN exposes the virtual count, which
        // holds no secret (Linux sets it too).
        unsafe {
            asm!(
                "mrc p15, 0, {value}, c14, c1, 0",  // CNTKCTL
                "orr {value}, {value}, #{pl0vcten}",
                "mcr p15, 0, {value}, c14, c1, 0",
                "isb",
                value = out(reg) _,
                pl0vcten = const CNTKCTL_PL0VCTEN,
                options(nomem, nostack, preserves_flags),
            )
        };
    }

    /// Whether this core has the generic timer (ID_PFR1.GenTimer).
    pub fn present() -> bool {
        let pfr1: u32;
        // SAFETY: reading ID_PFR1 has no side effects.
        unsafe {
            asm!("mrc p15, 0, {}, c0, c1, 1", out(reg) pfr1, options(nomem, nostack, preserves_flags))
        };
        (pfr1 >> 16) & 0xF != 0
    }
}

impl Clock for GenericTimer {
    fn nanoseconds(&self) -> u64 {
        // The same result as `kernel::time::ticks_to_nanoseconds`, by
        // multiplication: the clock is read on every way back to a process.
        Self::scale().map_or(0, |scale| scale.nanoseconds(Self::count()))
    }
}

/// The generic timer's virtual timer (CNTV_*) as the one-shot event timer.
/// Its interrupt is PPI 27 (GIC INTID 27).
pub struct VirtualTimer;

/// CNTV_CTL.ENABLE.
const CNTV_CTL_ENABLE: u32 = 1;

impl VirtualTimer {
    /// Fires when the virtual count reaches `deadline` (nanoseconds on the
    /// monotonic clock, which is the same counter).
    pub fn arm(deadline: u64) {
        let ticks = GenericTimer::scale().map_or(0, |scale| scale.ticks_at(deadline));
        // SAFETY: writing CNTV_CVAL and CNTV_CTL only programs this core's
        // virtual timer, which the kernel owns.
        unsafe {
            asm!(
                "mcrr p15, 3, {low}, {high}, c14",  // CNTV_CVAL
                "mcr p15, 0, {enable}, c14, c3, 1", // CNTV_CTL: enabled, unmasked
                "isb",
                low = in(reg) ticks as u32,
                high = in(reg) (ticks >> 32) as u32,
                enable = in(reg) CNTV_CTL_ENABLE,
                options(nomem, nostack, preserves_flags),
            )
        };
    }

    /// Stops the timer (and so drops its interrupt).
    pub fn disarm() {
        // SAFETY: as in `arm`.
        unsafe {
            asm!("mcr p15, 0, {}, c14, c3, 1", "isb", in(reg) 0, options(nomem, nostack, preserves_flags))
        };
    }
}
