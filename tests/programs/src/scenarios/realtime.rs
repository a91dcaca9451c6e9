// SPDX-License-Identifier: MIT OR Apache-2.0
//! What the timing scenarios share: the clock, real-time policy, runaways.
//!
//! Three things every scheduling scenario needs and must not get wrong on
//! a failure path:
//!
//! - [`now`]: `CLOCK_MONOTONIC` in nanoseconds, an error message if not;
//! - [`RealTime`]: the caller at a real-time policy, back at `SCHED_OTHER`
//!   when it is left or dropped, so a failing scenario cannot leave init
//!   outranking everything that runs after it;
//! - [`Runaway`]: a forked child that never stops by itself, killed with
//!   `SIGKILL` and reaped when it is stopped or dropped;
//! - [`await_byte`]: the one-byte pipe handshake that says a child is
//!   running, or lets children go.
//!
//! [`realtime_refused`] asks first whether we may use the real-time
//! policies at all. KML-rs has no users or capabilities and always lets
//! us; a Linux host (the programs under `qemu-arm`) needs root or
//! `CAP_SYS_NICE`, and without it the scenarios are skipped, not failed.

use alloc::format;
use alloc::string::String;
use core::convert::Infallible;

use userlib::Errno;
use userlib::syscall::{self, Fd, Pid, Policy, SCHED_FIFO, SCHED_OTHER, Signal};

use super::{Passed, failed};
use crate::{in_child, wait_for};

/// `CLOCK_MONOTONIC` in nanoseconds.
pub(super) fn now() -> Result<u64, String> {
    syscall::monotonic_nanoseconds().map_err(failed("clock_gettime(CLOCK_MONOTONIC)"))
}

/// The caller (pid 0) in the real-time policy it entered; `SCHED_OTHER`
/// again once [`RealTime::leave`] is called or the value is dropped.
#[must_use = "dropping it returns the caller to SCHED_OTHER at once"]
pub(super) struct RealTime(());

impl RealTime {
    /// Puts the caller in `policy` at `priority`.
    pub(super) fn enter(policy: Policy, priority: u32) -> Result<RealTime, String> {
        syscall::sched_setscheduler(Pid(0), policy, priority).map_err(|error| {
            format!(
                "sched_setscheduler(0, {}, {priority}): {}",
                policy.name(),
                crate::errno_name(error)
            )
        })?;
        Ok(RealTime(()))
    }

    /// Returns the caller to `SCHED_OTHER`, reporting a refusal.
    pub(super) fn leave(self) -> Result<(), String> {
        core::mem::forget(self);
        back_to_other()
    }
}

impl Drop for RealTime {
    /// The failure path: nobody is left to tell, so the error is dropped;
    /// the next scenario that checks its policy would see it.
    fn drop(&mut self) {
        let _ = back_to_other();
    }
}

/// `sched_setscheduler(0, SCHED_OTHER, 0)`.
fn back_to_other() -> Result<(), String> {
    syscall::sched_setscheduler(Pid(0), SCHED_OTHER, 0)
        .map_err(failed("sched_setscheduler(0, SCHED_OTHER, 0)"))
}

/// `Some(skip)` when this system will not give us a real-time policy (a
/// Linux host without `CAP_SYS_NICE`); KML-rs always will. Leaves the
/// caller at `SCHED_OTHER`.
pub(super) fn realtime_refused() -> Result<Option<Passed>, String> {
    match syscall::sched_setscheduler(Pid(0), SCHED_FIFO, 1) {
        Ok(()) => back_to_other().map(|()| None),
        Err(Errno::EPERM) => Ok(Some(Passed::Skipped(
            "sched_setscheduler(SCHED_FIFO): EPERM (a Linux host without CAP_SYS_NICE)".into(),
        ))),
        Err(error) => Err(failed("sched_setscheduler(0, SCHED_FIFO, 1)")(error)),
    }
}

/// A forked child that runs until we kill it.
#[must_use = "dropping it kills the child at once"]
pub(super) struct Runaway(Option<Pid>);

impl Runaway {
    /// Forks; the child runs `body`, which never returns (`Infallible`
    /// says so on stable Rust, where `!` is not yet a type).
    pub(super) fn start(body: impl FnOnce() -> Infallible) -> Result<Runaway, String> {
        in_child(|| match body() {}).map(|pid| Runaway(Some(pid)))
    }

    /// Kills the child with `SIGKILL`, reaps it and checks that the signal
    /// is what ended it (not an exit or a fault of its own on the way).
    pub(super) fn stop(mut self) -> Result<(), String> {
        let Some(pid) = self.0.take() else {
            return Ok(());
        };
        syscall::kill(pid, Signal::SIGKILL).map_err(failed("kill(SIGKILL)"))?;
        let status = wait_for(pid)?;
        match status.term_signal() {
            Some(Signal::SIGKILL) => Ok(()),
            _ => Err(format!("child {}: {status}, expected SIGKILL", pid.0)),
        }
    }
}

impl Drop for Runaway {
    /// The failure path: kill and reap, errors dropped (the scenario is
    /// failing already and says why).
    fn drop(&mut self) {
        if let Some(pid) = self.0.take() {
            let _ = syscall::kill(pid, Signal::SIGKILL);
            let _ = wait_for(pid);
        }
    }
}

/// Reads one byte from `fd` (blocking); end of file is `EPIPE`.
pub(super) fn await_byte(fd: Fd) -> Result<(), Errno> {
    let mut byte = [0u8; 1];
    match syscall::read(fd, &mut byte)? {
        1 => Ok(()),
        _ => Err(Errno::EPIPE),
    }
}
