// SPDX-License-Identifier: MIT OR Apache-2.0
//! Scheduling system calls: policies, priorities, yielding.
//!
//! Linux semantics (sched(7)): pid 0 means the caller; `struct
//! sched_param` is one int, the priority; SCHED_FIFO and SCHED_RR take
//! 1-99, SCHED_OTHER 0. Any process may set any policy here: there are no
//! users or capabilities to check (everything runs as root).

use crate::process::{Pid, with_table};
use crate::sched::policy::{self, Policy, SchedParams};
use crate::{sched, uaccess};
use abi::errno::Errno;

/// The process `pid` names (0: the caller), or ESRCH.
fn target(pid: u32) -> Result<Pid, Errno> {
    if (pid as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    with_table(|table| {
        let pid = if pid == 0 { table.current } else { Pid(pid) };
        match table.processes.get(&pid) {
            Some(process) if !process.is_zombie() => Ok(pid),
            _ => Err(Errno::ESRCH),
        }
    })
}

/// Reads `struct sched_param` (one int).
fn read_priority(address: u32) -> Result<u8, Errno> {
    if address == 0 {
        return Err(Errno::EINVAL);
    }
    let value = with_table(|table| uaccess::read_u32(&mut table.current().memory.lock(), address))?;
    u8::try_from(value as i32).map_err(|_| Errno::EINVAL)
}

/// Applies new parameters to `pid`, requeueing it at its new level.
fn apply(pid: Pid, params: SchedParams) -> Result<u32, Errno> {
    params.validate()?;
    with_table(|table| {
        let queued = table.current != pid
            && table
                .processes
                .get(&pid)
                .is_some_and(|p| p.state == crate::process::thread::ThreadState::Runnable);
        if queued {
            table.unqueue(pid);
        }
        table.processes.get_mut(&pid).ok_or(Errno::ESRCH)?.params = params;
        if queued {
            table.make_runnable(pid);
        }
        // The caller may now be outranked by a waiting thread, or a raised
        // thread may outrank the caller: decide at the preemption point.
        table.need_reschedule = true;
        Ok(0)
    })
}

/// sched_setscheduler(pid, policy, param).
pub fn sched_setscheduler(pid: u32, policy_number: u32, param: u32) -> Result<u32, Errno> {
    let policy = Policy::from_linux(policy_number).ok_or(Errno::EINVAL)?;
    let priority = read_priority(param)?;
    apply(target(pid)?, SchedParams { policy, priority })
}

/// sched_getscheduler(pid).
pub fn sched_getscheduler(pid: u32) -> Result<u32, Errno> {
    let pid = target(pid)?;
    with_table(|table| Ok(table.processes[&pid].params.policy.to_linux()))
}

/// sched_setparam(pid, param): the priority, keeping the policy.
pub fn sched_setparam(pid: u32, param: u32) -> Result<u32, Errno> {
    let pid = target(pid)?;
    let priority = read_priority(param)?;
    let policy = with_table(|table| table.processes[&pid].params.policy);
    apply(pid, SchedParams { policy, priority })
}

/// sched_getparam(pid, param).
pub fn sched_getparam(pid: u32, param: u32) -> Result<u32, Errno> {
    let pid = target(pid)?;
    with_table(|table| {
        let priority = u32::from(table.processes[&pid].params.priority);
        uaccess::write_u32(&mut table.current().memory.lock(), param, priority)
    })?;
    Ok(0)
}

/// sched_get_priority_max(policy).
pub fn sched_get_priority_max(policy_number: u32) -> Result<u32, Errno> {
    let policy = Policy::from_linux(policy_number).ok_or(Errno::EINVAL)?;
    Ok(u32::from(policy::priority_max(policy)))
}

/// sched_get_priority_min(policy).
pub fn sched_get_priority_min(policy_number: u32) -> Result<u32, Errno> {
    let policy = Policy::from_linux(policy_number).ok_or(Errno::EINVAL)?;
    Ok(u32::from(policy::priority_min(policy)))
}

/// sched_rr_get_interval(pid, timespec): the RR slice (0 for FIFO).
pub fn sched_rr_get_interval(pid: u32, address: u32) -> Result<u32, Errno> {
    let pid = target(pid)?;
    let policy = with_table(|table| table.processes[&pid].params.policy);
    let interval = policy::rr_interval_ns(policy);
    let bytes = abi::clock::Timespec::from_nanoseconds(interval).to_bytes();
    with_table(|table| uaccess::copy_to_user(&mut table.current().memory.lock(), address, &bytes))?;
    Ok(0)
}

/// sched_yield.
pub fn sched_yield() -> Result<u32, Errno> {
    sched::yield_now();
    Ok(0)
}
