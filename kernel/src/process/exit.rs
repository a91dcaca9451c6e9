// SPDX-License-Identifier: MIT OR Apache-2.0
//! The end of a process: exit, kill, and its parent's wait.
//!
//! A thread that calls exit ends alone (its entry is reaped by the
//! scheduler, or stays for wait4 if it is the leader); exit_group, a fatal
//! signal, or the last thread's exit end the whole process. A terminated
//! process gives back its pages and files at once and its leader's entry
//! stays in the table as a zombie holding its wait status (and its kernel
//! stack, which may still be running until it switches away). Its
//! children go to init. The parent collects it with wait4, which frees
//! the rest (page tables and ASID go with the last reference to the
//! memory). When init itself ends, the kernel reports its status and
//! powers off.

use super::thread::{Event, ThreadState};
use super::{INIT, Pid, ProcessTable, with_table};
use crate::fd_table::FdTable;
use crate::platform::ExitStatus;
use crate::{fatal, println, sched};
use abi::errno::Errno;
use abi::{signal, wait};
use core::sync::atomic::{AtomicBool, Ordering};

/// Whether every process's end is reported (`kml.exit_report`).
static REPORT: AtomicBool = AtomicBool::new(false);

/// Turns the exit report on or off (from the kernel command line).
pub fn set_report(on: bool) {
    REPORT.store(on, Ordering::Relaxed);
}

/// Terminates the process (thread group) of thread `pid` with wait
/// status `status`: every thread of it ends. If the caller is one of them
/// it must leave afterwards ([`exit_current`] does). Returns false if the
/// group had already ended.
pub fn terminate(table: &mut ProcessTable, pid: Pid, status: u32) -> bool {
    let Some(tgid) = table.processes.get(&pid).map(|process| process.tgid) else {
        return false;
    };
    let live = table.live_threads(tgid);
    if live.is_empty() {
        return false;
    }
    for tid in live {
        end_thread(table, tid, status);
    }
    finish_group(table, tgid, status);
    true
}

/// Takes thread `tid` off the scheduler (timer, run queue, futex queue),
/// lets a vfork parent go, and marks it ended with `status`. Its system
/// call counts go to its leader, for the exit report.
fn end_thread(table: &mut ProcessTable, tid: Pid, status: u32) {
    let Some(process) = table.processes.get_mut(&tid) else {
        return;
    };
    let timer = process.timer.take();
    let vforked = process.vfork_parent.take().is_some();
    let (tgid, counts) = (process.tgid, process.syscalls);
    process.state = ThreadState::Exited(status);
    if let Some(timer) = timer {
        table.timers.cancel(timer);
    }
    table.unqueue(tid);
    crate::futex::forget(tid);
    // Its registers in the VFP unit, if any, must never be saved over a
    // dead entry; the unit is free for the next user.
    crate::vfp::forget(tid);
    if vforked {
        table.wake(Event::Vfork(tid));
    }
    if tid != tgid {
        table.mark_for_reaping();
    }
    if tid != tgid
        && let Some(leader) = table.processes.get_mut(&tgid)
    {
        leader.syscalls.trapped += counts.trapped;
        leader.syscalls.direct += counts.direct;
    }
}

/// The last thread of group `tgid` ended: the process gives back its
/// pages and files and becomes a zombie with `status`; its children go to
/// init and its parent learns.
fn finish_group(table: &mut ProcessTable, tgid: Pid, status: u32) {
    let Some(leader) = table.processes.get_mut(&tgid) else {
        return;
    };
    if REPORT.load(Ordering::Relaxed) {
        report(leader, status);
    }
    // The page tables and the ASID go with the last reference (the leader,
    // collected by wait4); the pages and files go now.
    leader.memory.lock().release_pages();
    leader.state = ThreadState::Zombie(status);
    let parent = leader.parent;
    for tid in table.group(tgid) {
        if let Some(thread) = table.processes.get_mut(&tid) {
            // Another process may share the table (CLONE_FILES): drop
            // ours, the last reference closes the files.
            thread.files = super::shared(FdTable::new());
        }
    }
    let mut orphans_dead = false;
    for other in table.processes.values_mut() {
        if other.parent == tgid {
            other.parent = INIT;
            orphans_dead |= matches!(other.state, ThreadState::Zombie(_));
        }
    }
    table.wake(Event::ChildOf(parent));
    if parent != Pid(0) {
        crate::signal::delivery::notify_parent(table, parent, tgid, status);
    }
    if orphans_dead {
        table.wake(Event::ChildOf(INIT));
    }
}

/// The exit report line: how the program ended and its system calls by
/// way in, e.g. `exit: pid 7 (/trusted/x) status 0, SYSTEM mode, system
/// calls: 0 by svc, 12 direct`.
fn report(process: &super::Process, status: u32) {
    let how = if wait::exited(status) {
        alloc::format!("status {}", wait::exit_code(status))
    } else {
        alloc::format!(
            "killed by {}",
            signal::name(wait::terminating_signal(status))
        )
    };
    let mode = if process.trusted { "SYSTEM" } else { "USR" };
    println!(
        "exit: pid {} ({}) {how}, {mode} mode, system calls: {} by svc, {} direct",
        process.pid.0, process.name, process.syscalls.trapped, process.syscalls.direct
    );
}

/// Ends the running process, every thread of it, with wait status
/// `status` (exit_group, a fatal signal); never returns.
pub fn exit_current(status: u32) -> ! {
    let tgid = with_table(|table| {
        let pid = table.current;
        terminate(table, pid, status);
        table.current().tgid
    });
    leave(tgid, status)
}

/// Ends the running thread alone (exit): its `CLONE_CHILD_CLEARTID` word
/// is cleared and its futex woken, as a thread library's join expects;
/// the process ends with it if it was the last thread. Never returns.
pub fn exit_thread(status: u32) -> ! {
    let (tgid, group_status) = with_table(|table| {
        let tid = table.current;
        let tgid = table.current().tgid;
        clear_child_tid(table);
        if table.live_threads(tgid).len() <= 1 {
            // Linux reports the leader's own status if it ended first.
            let status = match table.processes.get(&tgid).map(|leader| leader.state) {
                Some(ThreadState::Exited(own)) if tid != tgid => own,
                _ => status,
            };
            terminate(table, tid, status);
            (tgid, Some(status))
        } else {
            end_thread(table, tid, status);
            (tgid, None)
        }
    });
    if let Some(status) = group_status {
        leave(tgid, status)
    }
    sched::leave();
    unreachable!("an ended thread is never scheduled");
}

/// Writes 0 at the running thread's clear-child-tid address, if it has
/// one and it is mapped, and wakes one futex waiter there (Linux's
/// `mm_release`).
fn clear_child_tid(table: &mut ProcessTable) {
    let process = table.current();
    let address = core::mem::take(&mut process.attributes.clear_child_tid);
    if address == 0 {
        return;
    }
    let memory = process.memory.clone();
    if crate::uaccess::write_u32(&mut memory.lock(), address, 0).is_ok() {
        for tid in crate::futex::wake_address(&memory, address, 1) {
            table.make_runnable(tid);
        }
    }
}

/// After the running process ended: init's end stops the kernel, any
/// other switches away for good.
fn leave(tgid: Pid, status: u32) -> ! {
    if tgid == INIT {
        let code = if wait::exited(status) {
            wait::exit_code(status)
        } else {
            128 + wait::terminating_signal(status)
        };
        println!("init exited with status {code}");
        fatal::stop(ExitStatus::InitExited(code as u8));
    }
    sched::leave();
    unreachable!("a zombie is never scheduled");
}

/// wait4 without rusage: waits for a child matching `selector` (-1 or 0
/// for any, a pid for that one) to end; returns its pid and wait status,
/// or `None` with WNOHANG when none has ended yet.
pub fn wait(selector: i32, options: u32) -> Result<Option<(Pid, u32)>, Errno> {
    loop {
        let outcome = with_table(|table| {
            // Any thread waits for the children of its whole group; a
            // child is its leader's entry.
            let me = table.current().tgid;
            let matches = |pid: Pid| selector <= 0 || pid.0 == selector as u32;
            let children: alloc::vec::Vec<(Pid, ThreadState)> = table
                .processes
                .values()
                .filter(|process| process.parent == me && process.is_leader())
                .filter(|process| matches(process.pid))
                .map(|process| (process.pid, process.state))
                .collect();
            if children.is_empty() {
                return Err(Errno::ECHILD);
            }
            for (pid, state) in children {
                if let ThreadState::Zombie(status) = state {
                    table.processes.remove(&pid);
                    return Ok(Some(Some((pid, status))));
                }
            }
            Ok(if options & wait::WNOHANG != 0 {
                Some(None)
            } else {
                None
            })
        })?;
        match outcome {
            Some(result) => return Ok(result),
            None => {
                let me = with_table(|table| table.current().tgid);
                crate::signal::delivery::wait(Event::ChildOf(me))?;
            }
        }
    }
}
