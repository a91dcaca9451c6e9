// SPDX-License-Identifier: MIT OR Apache-2.0
//! The `rr-alternate` scenario: two `SCHED_RR` processes at one priority share.
//!
//! Each child runs 400 ms by the clock and writes its letter into a shared
//! pipe for every millisecond of its own running time, so the letters in
//! the pipe are a trace of who ran when: with 100 ms slices they come in
//! runs of about a hundred (`A99 B100 A98 ...`). A child tells its own time
//! from the others' by the gaps between its clock reads: a long gap was
//! someone else's turn. init, at a higher `SCHED_FIFO` priority, starts
//! both and lets them go together, then reads the trace after they exit.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use userlib::syscall::{self, Fd, Pid, Pipe, SCHED_FIFO, SCHED_RR};
use userlib::{Errno, println};

use super::realtime::{RealTime, await_byte, realtime_refused};
use super::{Outcome, Passed, failed};
use crate::{Launcher, expect_exit, in_child, wait_for};

/// The priority both `rr-alternate` children share.
const RR_PRIORITY: u32 = 10;
/// Init's priority while it starts them: above theirs, so neither runs
/// before both are ready.
const STARTER_PRIORITY: u32 = 20;
/// How long each child runs, by the clock, from its first turn.
const RR_RUN_NS: u64 = 400_000_000;
/// A child writes its letter once per this much of its own running time.
const LETTER_EVERY_NS: u64 = 1_000_000;
/// A gap between two clock reads longer than this was someone else's turn,
/// not our running time.
const OWN_GAP_NS: u64 = 500_000;
/// Runs (of one letter) `rr-alternate` needs: A, B, A at least.
const MIN_RUNS: usize = 3;
/// Runs printed at most; a host with several CPUs interleaves finely.
const RUNS_SHOWN: usize = 16;

/// A child's exit status when no go byte came (init gave up).
const NO_GO: i32 = 2;
/// A child's exit status when it was not `SCHED_RR` once let go.
const NOT_RR: i32 = 3;
/// A child's exit status when `clock_gettime` failed.
const NO_CLOCK: i32 = 4;
/// A child's exit status when writing its letter failed.
const NO_WRITE: i32 = 5;

/// What a child's exit status says went wrong, for the failure message.
fn child_failure(status: i32) -> &'static str {
    match status {
        NO_GO => "no go byte came",
        NOT_RR => "sched_getscheduler did not say SCHED_RR",
        NO_CLOCK => "clock_gettime failed",
        NO_WRITE => "writing to the pipe failed",
        _ => "unexpected exit status",
    }
}

/// Two `SCHED_RR` 10 children each run 400 ms by the clock, writing a
/// letter into a shared pipe for each millisecond they run; with 100 ms
/// slices the letters come in at least three runs (`A+B+A+`).
pub fn rr_alternate(_launcher: &Launcher) -> Outcome {
    if let Some(skip) = realtime_refused()? {
        return Ok(skip);
    }
    let letters = syscall::pipe().map_err(failed("pipe"))?;
    let go = syscall::pipe().map_err(failed("pipe"))?;
    let starter = RealTime::enter(SCHED_FIFO, STARTER_PRIORITY)?;
    let mut children = Vec::new();
    for letter in [b'A', b'B'] {
        match in_child(|| write_letters(letter, go, letters)) {
            Ok(pid) => children.push(pid),
            Err(why) => {
                // Those forked see end of file on the go pipe and exit;
                // the fork error is the one to report.
                let _ = syscall::close(go.write);
                let _ = reap(&children);
                return Err(why);
            }
        }
    }
    let _ = syscall::close(letters.write);
    let _ = syscall::close(go.read);
    let ready = children.iter().try_for_each(|&child| {
        syscall::sched_setscheduler(child, SCHED_RR, RR_PRIORITY)
            .map_err(failed("sched_setscheduler(child, SCHED_RR, 10)"))
    });
    // Both are RR 10 now; the bytes let them go once we block in wait4.
    let sent = ready.and_then(|()| syscall::write_all(go.write, b"go").map_err(failed("write")));
    let _ = syscall::close(go.write);
    let statuses = reap(&children);
    starter.leave()?;
    let sequence = read_all(letters.read);
    let _ = syscall::close(letters.read);
    sent?;
    for (status, name) in statuses?.into_iter().zip(["child A", "child B"]) {
        if let Some(code @ 1..) = status.exit_status() {
            return Err(format!("{name}: {} ({status})", child_failure(code)));
        }
        expect_exit(name, status, 0)?;
    }
    judge_runs(&runs_of(&sequence.map_err(failed("read"))?))
}

/// The body of an `rr-alternate` child: waits for the go byte, checks it
/// is `SCHED_RR`, then runs [`RR_RUN_NS`] writing `letter` every
/// [`LETTER_EVERY_NS`] of its own time. Exit status 0, or what failed.
fn write_letters(letter: u8, go: Pipe, letters: Pipe) -> i32 {
    // Only init may hold the go pipe's write end: if it closes it without
    // writing, we must see end of file rather than wait forever.
    let _ = syscall::close(go.write);
    let _ = syscall::close(letters.read);
    let out = letters.write;
    if await_byte(go.read).is_err() {
        return NO_GO;
    }
    if syscall::sched_getscheduler(Pid(0)) != Ok(SCHED_RR) {
        return NOT_RR;
    }
    let Ok(start) = syscall::monotonic_nanoseconds() else {
        return NO_CLOCK;
    };
    let mut last = start;
    let mut own = 0;
    let mut next_letter = LETTER_EVERY_NS;
    while last.saturating_sub(start) < RR_RUN_NS {
        let Ok(time) = syscall::monotonic_nanoseconds() else {
            return NO_CLOCK;
        };
        let gap = time.saturating_sub(last);
        if gap < OWN_GAP_NS {
            own += gap;
        }
        last = time;
        if own >= next_letter {
            if syscall::write_all(out, &[letter]).is_err() {
                return NO_WRITE;
            }
            next_letter += LETTER_EVERY_NS;
        }
    }
    0
}

/// Waits for each of `children`; the statuses in order.
fn reap(children: &[Pid]) -> Result<Vec<syscall::WaitStatus>, String> {
    let mut statuses = Vec::new();
    let mut first_error = None;
    for &child in children {
        match wait_for(child) {
            Ok(status) => statuses.push(status),
            Err(why) => first_error = first_error.or(Some(why)),
        }
    }
    first_error.map_or(Ok(statuses), Err)
}

/// Reads `fd` to end of file.
fn read_all(fd: Fd) -> Result<Vec<u8>, Errno> {
    let mut all = Vec::new();
    let mut buffer = [0u8; 512];
    loop {
        match syscall::read(fd, &mut buffer) {
            Ok(0) => return Ok(all),
            Ok(length) => all.extend_from_slice(&buffer[..length]),
            Err(Errno::EINTR) => {}
            Err(error) => return Err(error),
        }
    }
}

/// `sequence` as runs of one letter: (letter, length).
fn runs_of(sequence: &[u8]) -> Vec<(u8, usize)> {
    let mut runs: Vec<(u8, usize)> = Vec::new();
    for &letter in sequence {
        match runs.last_mut() {
            Some((last, length)) if *last == letter => *length += 1,
            _ => runs.push((letter, 1)),
        }
    }
    runs
}

/// Prints the runs and passes with at least [`MIN_RUNS`] of them.
fn judge_runs(runs: &[(u8, usize)]) -> Outcome {
    let mut shown = String::new();
    for &(letter, length) in runs.iter().take(RUNS_SHOWN) {
        shown.push_str(&format!(" {}{length}", char::from(letter)));
    }
    if runs.len() > RUNS_SHOWN {
        shown.push_str(&format!(" ... ({} more)", runs.len() - RUNS_SHOWN));
    }
    println!("rr-alternate: {} runs:{shown}", runs.len());
    if runs.len() < MIN_RUNS {
        return Err(format!(
            "{} runs, expected at least {MIN_RUNS}: the two did not take turns",
            runs.len()
        ));
    }
    Ok(Passed::Yes)
}
