// SPDX-License-Identifier: MIT OR Apache-2.0
//! Scheduling policy calls: sched_setscheduler and the rest of sched(7).
//!
//! Linux's `struct sched_param` is a single `int`, the priority, so every
//! call here passes or receives one word through a local. The policy is a
//! [`Policy`] newtype rather than an enum: tests hand the kernel numbers it
//! must refuse (`Policy(7)`), and an enum could not carry them. Yielding
//! (`sched_yield`) is in `time`, next to the sleeps.
//!
//! Linux semantics, which KML-rs follows: `SCHED_FIFO` and `SCHED_RR` take
//! priorities 1-99 and always outrank `SCHED_OTHER` (priority 0); pid 0
//! means the caller; a child inherits its parent's policy across `fork`.

use super::{Pid, Sysnum, Timespec, decode, decode_unit, raw};
use crate::Errno;

/// A scheduling policy as Linux numbers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy(pub u32);

/// The default time-sharing policy; priority 0 only.
pub const SCHED_OTHER: Policy = Policy(0);
/// Real-time, first in first out: runs until it blocks, yields or is
/// outranked; priorities 1-99.
pub const SCHED_FIFO: Policy = Policy(1);
/// Real-time round robin: `SCHED_FIFO` with a time slice among equals.
pub const SCHED_RR: Policy = Policy(2);

impl Policy {
    /// The C name (`"SCHED_FIFO"`), or `"SCHED_?"` for another number.
    pub fn name(self) -> &'static str {
        match self {
            SCHED_OTHER => "SCHED_OTHER",
            SCHED_FIFO => "SCHED_FIFO",
            SCHED_RR => "SCHED_RR",
            _ => "SCHED_?",
        }
    }

    /// The policy as the register value the kernel expects.
    fn word(self) -> usize {
        self.0 as usize
    }
}

/// Process `pid` as a register value (0 is the caller).
fn pid_word(pid: Pid) -> usize {
    pid.0 as usize
}

/// `sched_setscheduler(pid, policy, &param)`: sets the policy and the
/// priority of `pid` (`Pid(0)`: the caller).
pub fn sched_setscheduler(pid: Pid, policy: Policy, priority: u32) -> Result<(), Errno> {
    let param = priority;
    // SAFETY: the kernel reads one int, our local `param`, through the
    // pointer, which is valid for the whole call.
    decode_unit(unsafe {
        raw::syscall3(
            Sysnum::SchedSetscheduler,
            pid_word(pid),
            policy.word(),
            &raw const param as usize,
        )
    })
}

/// `sched_getscheduler(pid)`: the policy of `pid`.
pub fn sched_getscheduler(pid: Pid) -> Result<Policy, Errno> {
    // SAFETY: touches no memory of ours.
    decode(unsafe { raw::syscall1(Sysnum::SchedGetscheduler, pid_word(pid)) })
        .map(|policy| Policy(policy as u32))
}

/// `sched_setparam(pid, &param)`: sets the priority, keeping the policy.
pub fn sched_setparam(pid: Pid, priority: u32) -> Result<(), Errno> {
    let param = priority;
    // SAFETY: the kernel reads one int, our local `param`.
    decode_unit(unsafe {
        raw::syscall2(
            Sysnum::SchedSetparam,
            pid_word(pid),
            &raw const param as usize,
        )
    })
}

/// `sched_getparam(pid, &param)`: the priority of `pid`.
pub fn sched_getparam(pid: Pid) -> Result<u32, Errno> {
    let mut param = 0u32;
    // SAFETY: the kernel writes one int into our local `param`.
    decode_unit(unsafe {
        raw::syscall2(
            Sysnum::SchedGetparam,
            pid_word(pid),
            &raw mut param as usize,
        )
    })?;
    Ok(param)
}

/// `sched_get_priority_max(policy)`: 99 for the real-time policies, 0
/// for `SCHED_OTHER`.
pub fn sched_get_priority_max(policy: Policy) -> Result<u32, Errno> {
    // SAFETY: touches no memory of ours.
    decode(unsafe { raw::syscall1(Sysnum::SchedGetPriorityMax, policy.word()) })
        .map(|priority| priority as u32)
}

/// `sched_get_priority_min(policy)`: 1 for the real-time policies, 0 for
/// `SCHED_OTHER`.
pub fn sched_get_priority_min(policy: Policy) -> Result<u32, Errno> {
    // SAFETY: touches no memory of ours.
    decode(unsafe { raw::syscall1(Sysnum::SchedGetPriorityMin, policy.word()) })
        .map(|priority| priority as u32)
}

/// `sched_rr_get_interval(pid, &timespec)`: the round-robin time slice of
/// `pid` (zero for `SCHED_FIFO`).
pub fn sched_rr_get_interval(pid: Pid) -> Result<Timespec, Errno> {
    let mut bytes = [0u8; Timespec::SIZE];
    // SAFETY: the kernel writes one timespec, Timespec::SIZE bytes, into
    // our buffer of exactly that size.
    decode_unit(unsafe {
        raw::syscall2(
            Sysnum::SchedRrGetInterval,
            pid_word(pid),
            bytes.as_mut_ptr() as usize,
        )
    })?;
    Ok(Timespec::from_bytes(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_linux_numbers() {
        assert_eq!((SCHED_OTHER.0, SCHED_FIFO.0, SCHED_RR.0), (0, 1, 2));
        assert_eq!(SCHED_RR.name(), "SCHED_RR");
        assert_eq!(Policy(7).name(), "SCHED_?");
    }

    #[test]
    fn calls_report_the_host_stub_error() {
        let me = Pid(0);
        assert_eq!(sched_setscheduler(me, SCHED_FIFO, 80), Err(Errno::ENOSYS));
        assert_eq!(sched_getscheduler(me), Err(Errno::ENOSYS));
        assert_eq!(sched_setparam(me, 1), Err(Errno::ENOSYS));
        assert_eq!(sched_getparam(me), Err(Errno::ENOSYS));
        assert_eq!(sched_get_priority_max(SCHED_RR), Err(Errno::ENOSYS));
        assert_eq!(sched_get_priority_min(SCHED_RR), Err(Errno::ENOSYS));
        assert_eq!(sched_rr_get_interval(me), Err(Errno::ENOSYS));
    }
}
