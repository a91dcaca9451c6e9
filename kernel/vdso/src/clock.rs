// SPDX-License-Identifier: MIT OR Apache-2.0
//! `clock_gettime` answered in the vDSO, from the generic timer's counter.
//!
//! On a Cortex-A15 the kernel's monotonic clock is the virtual counter
//! CNTVCT, which programs may read too (the kernel sets CNTKCTL.PL0VCTEN),
//! so the time needs no kernel entry in either mode. The data page gives
//! the counter's frequency and reciprocal (`abi::vdso::VdsoData`), and
//! `abi::counter::CounterScale::split` turns the count into exactly the
//! seconds and nanoseconds the kernel's own `clock_gettime` reports.
//!
//! `entry.rs`'s `kml_vdso_clock_from_counter` tail-calls this function only
//! when the page names a counter and the clock id is one the kernel reads
//! from it; this function never fails. As with Linux's vDSO, a bad `ts`
//! faults in the caller (SIGSEGV) instead of returning EFAULT.

use abi::counter::CounterScale;
use abi::vdso::VdsoData;

/// Writes the counter's time to `ts` (`struct timespec`, two 32-bit
/// words) and returns 0. Called from assembly with r2 = the data page.
///
/// # Safety
/// `data` must point at the mapped data page with a non-zero
/// `counter_frequency`; `ts` must be writable for 8 bytes, or the store
/// faults in the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kml_vdso_clock_gettime_counter(
    _clock: u32,
    ts: *mut u32,
    data: *const u8,
) -> i32 {
    // SAFETY: the assembly passes the data page, which holds both fields
    // at these offsets (abi::vdso checks the layout) and never changes.
    let scale = unsafe {
        CounterScale {
            frequency: data
                .add(VdsoData::COUNTER_FREQUENCY_OFFSET)
                .cast::<u32>()
                .read(),
            reciprocal: data
                .add(VdsoData::COUNTER_RECIPROCAL_OFFSET)
                .cast::<u64>()
                .read(),
        }
    };
    let (seconds, nanoseconds) = scale.split(virtual_count());
    // SAFETY: the caller's pointer to a `struct timespec` (word-aligned,
    // as C lays it out); a bad one faults in the caller's process, as a
    // store of its own would. A 32-bit time_t wraps in 2038.
    unsafe {
        ts.write(seconds as u32);
        ts.add(1).write(nanoseconds);
    }
    0
}

/// CNTVCT, after an ISB so that the read is not taken early.
fn virtual_count() -> u64 {
    let (low, high): (u32, u32);
    // SAFETY: reading CNTVCT has no side effects; the kernel allows it in
    // USR mode (CNTKCTL.PL0VCTEN) on the boards whose data page names the
    // counter.
    unsafe {
        core::arch::asm!(
            "isb",
            "mrrc p15, 1, {low}, {high}, c14",
            low = out(reg) low,
            high = out(reg) high,
            options(nomem, nostack, preserves_flags),
        )
    };
    (u64::from(high) << 32) | u64::from(low)
}
