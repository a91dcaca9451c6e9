// SPDX-License-Identifier: MIT OR Apache-2.0
//! Calls on a process's own settings: umask, limits, prctl, thread hooks.
//!
//! The values live in [`crate::process::attributes`]; these functions
//! decode arguments, copy structs in and out, and apply Linux's errors:
//! `EINVAL` for an unknown resource or option or a bad length, `EFAULT`
//! for a bad pointer, `EPERM` for raising a hard limit, `ESRCH` for a pid
//! that is not there.

use crate::process::{Pid, with_current, with_group, with_table};
use crate::uaccess;
use abi::errno::Errno;
use abi::prctl::{self, TASK_COMM_LEN};
use abi::resource::{self, Rlimit, Rlimit64};

/// `sizeof(struct robust_list_head)` on 32-bit ARM: two pointers and a
/// `long`.
const ROBUST_LIST_HEAD_SIZE: u32 = 12;

/// umask(mask): the old mask.
pub fn umask(mask: u32) -> Result<u32, Errno> {
    let old = with_current(|process| process.attributes.umask);
    with_group(|process| {
        process.attributes.swap_umask(mask);
    });
    Ok(old)
}

/// set_tid_address(address): stores it and returns the caller's tid.
pub fn set_tid_address(address: u32) -> Result<u32, Errno> {
    Ok(with_current(|process| {
        process.attributes.clear_child_tid = address;
        process.pid.0
    }))
}

/// set_robust_list(head, length): stores the head; `EINVAL` unless the
/// length is the ARM `struct robust_list_head`'s.
pub fn set_robust_list(head: u32, length: u32) -> Result<u32, Errno> {
    if length != ROBUST_LIST_HEAD_SIZE {
        return Err(Errno::EINVAL);
    }
    with_current(|process| process.attributes.robust_list = head);
    Ok(0)
}

/// ugetrlimit(resource, rlimit): the 32-bit struct, values past 32 bits
/// as `RLIM_INFINITY`.
pub fn ugetrlimit(resource: u32, address: u32) -> Result<u32, Errno> {
    let index = resource::check_resource(resource)?;
    with_current(|process| {
        let limit = process.attributes.limits[index].narrow();
        uaccess::copy_to_user(&mut process.memory.lock(), address, &limit.to_bytes())
    })?;
    Ok(0)
}

/// setrlimit(resource, rlimit) with the 32-bit struct.
pub fn setrlimit(resource: u32, address: u32) -> Result<u32, Errno> {
    let mut bytes = [0u8; Rlimit::SIZE];
    with_current(|process| {
        uaccess::copy_from_user(&mut process.memory.lock(), address, &mut bytes)
    })?;
    let index = resource::check_resource(resource)?;
    let new = Rlimit::from_bytes(&bytes).widen();
    with_current(|process| process.attributes.set_limit(index, new))?;
    with_group(|process| process.attributes.limits[index] = new);
    Ok(0)
}

/// prlimit64(pid, resource, new, old): pid 0 or the caller's own; either
/// pointer may be NULL. Another live process is `EPERM` (KML-rs does not
/// change other processes' limits), a pid with no process `ESRCH`.
pub fn prlimit64(pid: u32, resource: u32, new: u32, old: u32) -> Result<u32, Errno> {
    let wanted = if new == 0 {
        None
    } else {
        let mut bytes = [0u8; Rlimit64::SIZE];
        with_current(|process| {
            uaccess::copy_from_user(&mut process.memory.lock(), new, &mut bytes)
        })?;
        Some(Rlimit64::from_bytes(&bytes))
    };
    check_target(pid)?;
    let index = resource::check_resource(resource)?;
    let previous = with_current(|process| match wanted {
        Some(limit) => process.attributes.set_limit(index, limit),
        None => Ok(process.attributes.limits[index]),
    })?;
    if let Some(limit) = wanted {
        with_group(|process| process.attributes.limits[index] = limit);
    }
    if old != 0 {
        with_current(|process| {
            uaccess::copy_to_user(&mut process.memory.lock(), old, &previous.to_bytes())
        })?;
    }
    Ok(0)
}

/// Whether prlimit64 may act on `pid` for the caller.
fn check_target(pid: u32) -> Result<(), Errno> {
    with_table(|table| {
        let tgid = table.current().tgid;
        let own = table
            .processes
            .get(&Pid(pid))
            .is_some_and(|process| process.tgid == tgid);
        if pid == 0 || own {
            Ok(())
        } else if table
            .processes
            .get(&Pid(pid))
            .is_some_and(|process| !process.is_zombie())
        {
            Err(Errno::EPERM)
        } else {
            Err(Errno::ESRCH)
        }
    })
}

/// prctl(option, arg2, ...): the name and dumpable options; any other
/// option is `EINVAL`, as Linux answers an option it does not know.
pub fn prctl(option: u32, argument: u32) -> Result<u32, Errno> {
    match option {
        prctl::PR_SET_NAME => {
            let name = read_name(argument)?;
            // Linux names the calling thread only; one name per process
            // here (see the thread model in `process.rs`).
            with_group(|process| process.attributes.command = prctl::command_name(&name));
            Ok(0)
        }
        prctl::PR_GET_NAME => {
            with_current(|process| {
                let name = process.attributes.command;
                uaccess::copy_to_user(&mut process.memory.lock(), argument, &name)
            })?;
            Ok(0)
        }
        prctl::PR_GET_DUMPABLE => Ok(with_current(|process| {
            u32::from(process.attributes.dumpable)
        })),
        prctl::PR_SET_DUMPABLE => {
            // SUID_DUMP_DISABLE or SUID_DUMP_USER; 2 (root-only dumps)
            // cannot be set this way, on Linux either.
            if argument > 1 {
                return Err(Errno::EINVAL);
            }
            with_group(|process| process.attributes.dumpable = argument == 1);
            Ok(0)
        }
        _ => Err(Errno::EINVAL),
    }
}

/// Up to 15 bytes of the string at `address`, stopping at its NUL (which
/// need not be there: Linux's `strncpy_from_user` with a limit).
fn read_name(address: u32) -> Result<[u8; TASK_COMM_LEN], Errno> {
    let mut name = [0u8; TASK_COMM_LEN];
    with_current(|process| {
        for (index, slot) in name.iter_mut().enumerate().take(TASK_COMM_LEN - 1) {
            let at = address.checked_add(index as u32).ok_or(Errno::EFAULT)?;
            let mut byte = [0u8];
            uaccess::copy_from_user(&mut process.memory.lock(), at, &mut byte)?;
            if byte[0] == 0 {
                break;
            }
            *slot = byte[0];
        }
        Ok(name)
    })
}
