// SPDX-License-Identifier: MIT OR Apache-2.0
//! Process groups and sessions: getpgid, setpgid, getpgrp, getsid, setsid.
//!
//! Shells put jobs in groups; KML-rs has no terminal to control, so a
//! group is a number kept per process (in its attributes) with Linux's
//! rules for who may change it: a process may move itself or a child, into
//! a group of the same session, and a group leader may not start a new
//! session (`EPERM`). A process's threads each hold a copy, changed for
//! all of them at once; a thread id names its whole process.

use crate::process::{Pid, ProcessTable, with_table};
use abi::errno::Errno;

/// The process (thread group) `pid` names, 0 being the caller's.
fn process_of(table: &ProcessTable, pid: u32) -> Result<Pid, Errno> {
    if pid == 0 {
        return table
            .processes
            .get(&table.current)
            .map(|thread| thread.tgid)
            .ok_or(Errno::ESRCH);
    }
    table
        .processes
        .get(&Pid(pid))
        .map(|thread| thread.tgid)
        .ok_or(Errno::ESRCH)
}

/// The entry of process `tgid`'s leader (it outlives the other threads).
fn leader(table: &ProcessTable, tgid: Pid) -> Result<&crate::process::Process, Errno> {
    table.processes.get(&tgid).ok_or(Errno::ESRCH)
}

/// Sets the group and session of every thread of process `tgid`.
fn set_for_process(table: &mut ProcessTable, tgid: Pid, pgid: u32, sid: Option<u32>) {
    for thread in table.processes.values_mut() {
        if thread.tgid == tgid {
            thread.attributes.pgid = pgid;
            if let Some(sid) = sid {
                thread.attributes.sid = sid;
            }
        }
    }
}

/// getpgid(pid): the group of `pid` (0: the caller).
pub fn getpgid(pid: u32) -> Result<u32, Errno> {
    with_table(|table| {
        let tgid = process_of(table, pid)?;
        Ok(leader(table, tgid)?.attributes.pgid)
    })
}

/// getsid(pid): the session of `pid` (0: the caller).
pub fn getsid(pid: u32) -> Result<u32, Errno> {
    with_table(|table| {
        let tgid = process_of(table, pid)?;
        Ok(leader(table, tgid)?.attributes.sid)
    })
}

/// setpgid(pid, pgid): moves the caller or one of its children (0: the
/// caller) to group `pgid` (0: its own pid).
pub fn setpgid(pid: u32, pgid: u32) -> Result<u32, Errno> {
    if pgid as i32 <= -1 {
        return Err(Errno::EINVAL);
    }
    with_table(|table| {
        let caller = process_of(table, 0)?;
        let target = process_of(table, pid)?;
        let caller_sid = leader(table, caller)?.attributes.sid;
        let process = leader(table, target)?;
        if target != caller && process.parent != caller {
            return Err(Errno::ESRCH);
        }
        if process.attributes.sid != caller_sid || process.attributes.sid == target.0 {
            return Err(Errno::EPERM);
        }
        let pgid = if pgid == 0 { target.0 } else { pgid };
        let group_exists = pgid == target.0
            || table
                .processes
                .values()
                .any(|other| other.attributes.pgid == pgid && other.attributes.sid == caller_sid);
        if !group_exists {
            return Err(Errno::EPERM);
        }
        set_for_process(table, target, pgid, None);
        Ok(0)
    })
}

/// setsid(): a new session and group led by the caller; `EPERM` if it
/// already leads a group.
pub fn setsid() -> Result<u32, Errno> {
    with_table(|table| {
        let tgid = process_of(table, 0)?;
        if leader(table, tgid)?.attributes.pgid == tgid.0 {
            return Err(Errno::EPERM);
        }
        set_for_process(table, tgid, tgid.0, Some(tgid.0));
        Ok(tgid.0)
    })
}
