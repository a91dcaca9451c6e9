// SPDX-License-Identifier: MIT OR Apache-2.0
//! Sleeping: `nanosleep-durations` and `idle-wfi`.
//!
//! A sleep may last longer than asked (the wake-up has to be noticed and
//! scheduled) but never shorter; and while the only process sleeps, the
//! CPU has nothing to run and should be in WFI, which KML-rs counts in
//! `sysinfo` (`userlib::syscall::idle_entries`).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use userlib::println;
use userlib::syscall;

use super::realtime::now;
use super::{Outcome, Passed, failed};
use crate::Launcher;

/// The sleeps `nanosleep-durations` measures, in milliseconds.
const SLEEPS_MS: [u64; 3] = [1, 10, 100];
/// The sleep `idle-wfi` counts idle entries over.
const IDLE_SLEEP_MS: u64 = 50;
/// Nanoseconds in a millisecond.
const NS_PER_MS: u64 = 1_000_000;

/// nanosleep 1, 10 and 100 ms, each timed on `CLOCK_MONOTONIC`; none may
/// be shorter than asked.
pub fn nanosleep_durations(_launcher: &Launcher) -> Outcome {
    let mut measured = Vec::new();
    for milliseconds in SLEEPS_MS {
        let start = now()?;
        syscall::sleep_nanoseconds(milliseconds * NS_PER_MS).map_err(failed("nanosleep"))?;
        measured.push((milliseconds, now()?.saturating_sub(start)));
    }
    let report: Vec<String> = measured
        .iter()
        .map(|(milliseconds, took)| format!("{milliseconds} ms took {took} ns"))
        .collect();
    println!("nanosleep-durations: {}", report.join(", "));
    let short: Vec<String> = measured
        .iter()
        .filter(|&&(milliseconds, took)| took < milliseconds * NS_PER_MS)
        .map(|(milliseconds, took)| format!("{milliseconds} ms lasted {took} ns"))
        .collect();
    if short.is_empty() {
        Ok(Passed::Yes)
    } else {
        Err(format!("sleeps cut short: {}", short.join(", ")))
    }
}

/// Reads the idle count, sleeps 50 ms, reads it again: it must have grown.
pub fn idle_wfi(launcher: &Launcher) -> Outcome {
    if launcher.has_wrapper() {
        // Linux's loads[0] is the load average, not a count.
        return Ok(Passed::Skipped(
            "sysinfo loads[0] is the host's load average here (KML_EXEC_WRAPPER is set)".into(),
        ));
    }
    let before = syscall::idle_entries().map_err(failed("sysinfo"))?;
    syscall::sleep_nanoseconds(IDLE_SLEEP_MS * NS_PER_MS).map_err(failed("nanosleep"))?;
    let after = syscall::idle_entries().map_err(failed("sysinfo"))?;
    // The count is a u32 that may wrap between the two reads.
    let entries = after.wrapping_sub(before);
    println!("idle-wfi: {entries} idle entries during a {IDLE_SLEEP_MS} ms sleep");
    if entries == 0 {
        return Err("the CPU never went idle while the only process slept".into());
    }
    Ok(Passed::Yes)
}
