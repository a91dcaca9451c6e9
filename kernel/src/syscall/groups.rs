// SPDX-License-Identifier: MIT OR Apache-2.0
//! Process groups and sessions: getpgid, setpgid, getpgrp, getsid, setsid.
//!
//! Shells put jobs in groups; KML-rs has no terminal to control, so a
//! group is a number kept per process (in its attributes) with Linux's
//! rules for who may change it: a process may move itself or a child, into
//! a group of the same session, and a group leader may not start a new
//! session (`EPERM`). Threads of one process share the process's values.

use crate::process::{Pid, with_table};
use abi::errno::Errno;

/// getpgid(pid): the group of `pid` (0: the caller).
pub fn getpgid(pid: u32) -> Result<u32, Errno> {
    with_table(|table| {
        let pid = if pid == 0 { table.current } else { Pid(pid) };
        let process = table.processes.get(&pid).ok_or(Errno::ESRCH)?;
        Ok(process.attributes.pgid)
    })
}

/// getsid(pid): the session of `pid` (0: the caller).
pub fn getsid(pid: u32) -> Result<u32, Errno> {
    with_table(|table| {
        let pid = if pid == 0 { table.current } else { Pid(pid) };
        let process = table.processes.get(&pid).ok_or(Errno::ESRCH)?;
        Ok(process.attributes.sid)
    })
}

/// setpgid(pid, pgid): moves the caller or one of its children (0: the
/// caller) to group `pgid` (0: its own pid).
pub fn setpgid(pid: u32, pgid: u32) -> Result<u32, Errno> {
    if pgid as i32 <= -1 {
        return Err(Errno::EINVAL);
    }
    with_table(|table| {
        let caller = table.current;
        let target = if pid == 0 { caller } else { Pid(pid) };
        let caller_sid = table.current().attributes.sid;
        let process = table.processes.get(&target).ok_or(Errno::ESRCH)?;
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
        if let Some(process) = table.processes.get_mut(&target) {
            process.attributes.pgid = pgid;
        }
        Ok(0)
    })
}

/// setsid(): a new session and group led by the caller; `EPERM` if it
/// already leads a group.
pub fn setsid() -> Result<u32, Errno> {
    with_table(|table| {
        let pid = table.current.0;
        let process = table.current();
        if process.attributes.pgid == pid {
            return Err(Errno::EPERM);
        }
        process.attributes.pgid = pid;
        process.attributes.sid = pid;
        Ok(pid)
    })
}
