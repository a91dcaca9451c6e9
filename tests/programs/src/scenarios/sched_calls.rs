// SPDX-License-Identifier: MIT OR Apache-2.0
//! The `sched-calls` scenario: the scheduling and clock calls answer as Linux.
//!
//! No timing here, only answers: priority ranges, the errors for bad
//! policies, priorities and pids, what `sched_get*` reports back after a
//! `sched_set*`, the RR interval, and which clock ids exist. Every wrong
//! answer is collected, so one run names them all.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Debug;

use userlib::syscall::{
    self, CLOCK_BOOTTIME, CLOCK_MONOTONIC, CLOCK_REALTIME, NSEC_PER_SEC, Pid, Policy, SCHED_FIFO,
    SCHED_OTHER, SCHED_RR, TIMER_ABSTIME, Timespec,
};
use userlib::{Errno, println};

use super::realtime::{RealTime, realtime_refused};
use super::{Outcome, Passed};
use crate::{Launcher, errno_name};

/// A pid no process has (KML-rs and Linux hosts count far lower).
const NO_SUCH_PID: Pid = Pid(99_999);
/// A policy number no kernel implements: 4 was set aside for `SCHED_ISO`,
/// which Linux never merged. (7, the obvious "next unused" number, is
/// `SCHED_EXT` since Linux 6.12: a host answers `sched_get_priority_max(7)`
/// with 0, and one with sched_ext built in accepts it.)
const NO_SUCH_POLICY: Policy = Policy(4);
/// The first clock id past `CLOCK_BOOTTIME`, which KML-rs does not have.
const NO_SUCH_CLOCK: u32 = CLOCK_BOOTTIME + 1;
/// `sched_rr_get_interval` for `SCHED_RR`: Linux's default slice, 100 ms.
const RR_INTERVAL_NS: u64 = 100_000_000;

/// The wrong answers found so far.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    /// Notes `what` unless `actual` is `expected`.
    fn expect<T: PartialEq + Debug>(
        &mut self,
        what: &str,
        actual: Result<T, Errno>,
        expected: Result<T, Errno>,
    ) {
        if actual != expected {
            self.0.push(format!(
                "{what}: {}, expected {}",
                describe(&actual),
                describe(&expected)
            ));
        }
    }

    /// Notes `what` unless `holds`.
    fn check(&mut self, what: &str, holds: bool) {
        if !holds {
            self.note(String::from(what));
        }
    }

    /// Notes `problem`.
    fn note(&mut self, problem: String) {
        self.0.push(problem);
    }
}

/// A result as a test line shows it: the value, or the errno's name.
fn describe<T: Debug>(result: &Result<T, Errno>) -> String {
    match result {
        Ok(value) => format!("{value:?}"),
        Err(error) => errno_name(*error),
    }
}

/// Checks the answers of every sched_* call and the clock calls.
pub fn sched_calls(_launcher: &Launcher) -> Outcome {
    if let Some(skip) = realtime_refused()? {
        return Ok(skip);
    }
    let mut problems = Problems::default();
    priority_ranges(&mut problems);
    refusals(&mut problems);
    let interval = round_trip(&mut problems)?;
    let resolution = clocks(&mut problems);
    sleeps(&mut problems);
    println!(
        "sched-calls: SCHED_RR interval {} ns, CLOCK_MONOTONIC resolution {} ns",
        describe(&interval),
        describe(&resolution)
    );
    if problems.0.is_empty() {
        Ok(Passed::Yes)
    } else {
        Err(problems.0.join("; "))
    }
}

/// `sched_get_priority_max/min`: 0/0, 99/1, 99/1; an unknown policy is
/// `EINVAL`.
fn priority_ranges(problems: &mut Problems) {
    for (policy, max, min) in [(SCHED_OTHER, 0, 0), (SCHED_FIFO, 99, 1), (SCHED_RR, 99, 1)] {
        let name = policy.name();
        let what = format!("sched_get_priority_max({name})");
        problems.expect(&what, syscall::sched_get_priority_max(policy), Ok(max));
        let what = format!("sched_get_priority_min({name})");
        problems.expect(&what, syscall::sched_get_priority_min(policy), Ok(min));
    }
    problems.expect(
        "sched_get_priority_max(4)",
        syscall::sched_get_priority_max(NO_SUCH_POLICY),
        Err(Errno::EINVAL),
    );
}

/// `sched_setscheduler` refuses a priority outside the policy's range, an
/// unknown policy and a pid nobody has, and changes nothing.
fn refusals(problems: &mut Problems) {
    let cases = [
        (Pid(0), SCHED_FIFO, 0, Errno::EINVAL),
        (Pid(0), SCHED_RR, 100, Errno::EINVAL),
        (Pid(0), SCHED_OTHER, 5, Errno::EINVAL),
        (Pid(0), NO_SUCH_POLICY, 0, Errno::EINVAL),
        (NO_SUCH_PID, SCHED_OTHER, 0, Errno::ESRCH),
    ];
    for (pid, policy, priority, error) in cases {
        let what = format!("sched_setscheduler({}, {}, {priority})", pid.0, policy.0);
        problems.expect(
            &what,
            syscall::sched_setscheduler(pid, policy, priority),
            Err(error),
        );
    }
    let policy = syscall::sched_getscheduler(Pid(0));
    problems.expect(
        "sched_getscheduler(0) after the refusals",
        policy,
        Ok(SCHED_OTHER),
    );
    if policy != Ok(SCHED_OTHER) {
        // A refusal that was not one changed our policy: undo it, so the
        // rest of init does not run real-time.
        let _ = syscall::sched_setscheduler(Pid(0), SCHED_OTHER, 0);
    }
    problems.expect(
        "sched_getscheduler(99999)",
        syscall::sched_getscheduler(NO_SUCH_PID),
        Err(Errno::ESRCH),
    );
    problems.expect(
        "sched_getparam(99999)",
        syscall::sched_getparam(NO_SUCH_PID),
        Err(Errno::ESRCH),
    );
}

/// Sets RR 30, then priority 40, then FIFO, then back to OTHER, reading
/// each back by pid 0 and by our own pid. Returns the RR interval seen.
fn round_trip(problems: &mut Problems) -> Result<Result<u64, Errno>, String> {
    let me = syscall::getpid();
    let realtime = RealTime::enter(SCHED_RR, 30)?;
    problems.expect(
        "sched_getscheduler(0)",
        syscall::sched_getscheduler(Pid(0)),
        Ok(SCHED_RR),
    );
    problems.expect(
        "sched_getscheduler(pid)",
        syscall::sched_getscheduler(me),
        Ok(SCHED_RR),
    );
    problems.expect(
        "sched_getparam(0) at RR 30",
        syscall::sched_getparam(Pid(0)),
        Ok(30),
    );
    problems.expect(
        "sched_setparam(0, 40)",
        syscall::sched_setparam(Pid(0), 40),
        Ok(()),
    );
    problems.expect(
        "sched_getparam(pid) after setparam",
        syscall::sched_getparam(me),
        Ok(40),
    );
    problems.expect(
        "sched_getscheduler(0) after setparam",
        syscall::sched_getscheduler(Pid(0)),
        Ok(SCHED_RR),
    );
    let interval = nanoseconds(syscall::sched_rr_get_interval(Pid(0)));
    problems.expect("sched_rr_get_interval(RR)", interval, Ok(RR_INTERVAL_NS));
    problems.expect(
        "sched_setparam(0, 0) under RR",
        syscall::sched_setparam(Pid(0), 0),
        Err(Errno::EINVAL),
    );
    problems.expect(
        "sched_setscheduler(0, SCHED_FIFO, 99)",
        syscall::sched_setscheduler(Pid(0), SCHED_FIFO, 99),
        Ok(()),
    );
    problems.expect(
        "sched_rr_get_interval(FIFO)",
        nanoseconds(syscall::sched_rr_get_interval(Pid(0))),
        Ok(0),
    );
    realtime.leave()?;
    problems.expect(
        "sched_getscheduler(0) at the end",
        syscall::sched_getscheduler(Pid(0)),
        Ok(SCHED_OTHER),
    );
    problems.expect(
        "sched_getparam(0) at the end",
        syscall::sched_getparam(Pid(0)),
        Ok(0),
    );
    syscall::sched_yield();
    Ok(interval)
}

/// A timespec result as nanoseconds.
fn nanoseconds(time: Result<Timespec, Errno>) -> Result<u64, Errno> {
    time.and_then(Timespec::to_nanoseconds)
}

/// Clocks 0 to 7 read and have a resolution above zero; clock 8 is
/// `EINVAL`; the monotonic clock does not go back; gettimeofday agrees
/// with `CLOCK_REALTIME`. Returns `CLOCK_MONOTONIC`'s resolution.
fn clocks(problems: &mut Problems) -> Result<u64, Errno> {
    for clock in CLOCK_REALTIME..=CLOCK_BOOTTIME {
        if let Err(error) = syscall::clock_gettime(clock) {
            problems.note(format!("clock_gettime({clock}): {}", errno_name(error)));
        }
        match nanoseconds(syscall::clock_getres(clock)) {
            Ok(0) => problems.note(format!("clock_getres({clock}) is 0")),
            Ok(_) => {}
            Err(error) => {
                problems.note(format!("clock_getres({clock}): {}", errno_name(error)));
            }
        }
    }
    problems.expect(
        "clock_gettime(8)",
        syscall::clock_gettime(NO_SUCH_CLOCK).map(|_| ()),
        Err(Errno::EINVAL),
    );
    problems.expect(
        "clock_getres(8)",
        syscall::clock_getres(NO_SUCH_CLOCK).map(|_| ()),
        Err(Errno::EINVAL),
    );
    let earlier = syscall::monotonic_nanoseconds();
    let later = syscall::monotonic_nanoseconds();
    problems.check(
        "CLOCK_MONOTONIC went back",
        matches!((earlier, later), (Ok(a), Ok(b)) if b >= a),
    );
    let realtime = nanoseconds(syscall::clock_gettime(CLOCK_REALTIME));
    let timeval = syscall::gettimeofday();
    match (realtime, timeval) {
        (Ok(realtime), Ok(timeval)) => {
            let seconds = realtime / NSEC_PER_SEC;
            let agree = (timeval.sec as u64).abs_diff(seconds) <= 1
                && (0..1_000_000).contains(&timeval.usec);
            problems.check(
                &format!("gettimeofday {timeval:?} is not CLOCK_REALTIME {realtime} ns"),
                agree,
            );
        }
        (realtime, timeval) => {
            problems.note(format!(
                "CLOCK_REALTIME {realtime:?}, gettimeofday {timeval:?}"
            ));
        }
    }
    nanoseconds(syscall::clock_getres(CLOCK_MONOTONIC))
}

/// A deadline in the past returns at once; a malformed timespec is
/// `EINVAL` for both sleeps.
fn sleeps(problems: &mut Problems) {
    let past = Timespec::from_nanoseconds(1);
    problems.expect(
        "clock_nanosleep(MONOTONIC, TIMER_ABSTIME, 1 ns after boot)",
        syscall::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past),
        Ok(()),
    );
    let malformed = Timespec {
        sec: 0,
        nsec: NSEC_PER_SEC as i32,
    };
    problems.expect(
        "nanosleep(0 s 1000000000 ns)",
        syscall::nanosleep(&malformed),
        Err(Errno::EINVAL),
    );
    problems.expect(
        "clock_nanosleep(MONOTONIC, 0, 0 s 1000000000 ns)",
        syscall::clock_nanosleep(CLOCK_MONOTONIC, 0, &malformed),
        Err(Errno::EINVAL),
    );
}
