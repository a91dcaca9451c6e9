// SPDX-License-Identifier: MIT OR Apache-2.0
//! The end of a process: exit, kill, and its parent's wait.
//!
//! A terminated process gives back its pages and files at once and stays
//! in the table as a zombie holding its wait status (and its kernel stack,
//! which it is still running on until it switches away). Its children go
//! to init. The parent collects it with wait4, which frees the rest. When
//! init itself ends, the kernel reports its status and powers off.

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

/// Terminates process `pid` with wait status `status` (not the caller:
/// use [`exit_current`] for that). Returns false if it had already ended.
pub fn terminate(table: &mut ProcessTable, pid: Pid, status: u32) -> bool {
    let Some(process) = table.processes.get_mut(&pid) else {
        return false;
    };
    if matches!(process.state, ThreadState::Zombie(_)) {
        return false;
    }
    if let Some(timer) = process.timer.take() {
        table.timers.cancel(timer);
    }
    table.unqueue(pid);
    let process = table.processes.get_mut(&pid).expect("checked above");
    if REPORT.load(Ordering::Relaxed) {
        report(process, status);
    }
    process.memory.release_pages();
    process.files = FdTable::new();
    // Its registers in the VFP unit, if any, must never be saved over a
    // dead entry; the unit is free for the next user.
    crate::vfp::forget(pid);
    process.state = ThreadState::Zombie(status);
    let parent = process.parent;
    let mut orphans_dead = false;
    for other in table.processes.values_mut() {
        if other.parent == pid {
            other.parent = INIT;
            orphans_dead |= matches!(other.state, ThreadState::Zombie(_));
        }
    }
    table.wake(Event::ChildOf(parent));
    if parent != Pid(0) {
        crate::signal::delivery::notify_parent(table, parent, pid, status);
    }
    if orphans_dead {
        table.wake(Event::ChildOf(INIT));
    }
    true
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

/// Ends the running process with wait status `status`; never returns.
pub fn exit_current(status: u32) -> ! {
    let pid = with_table(|table| {
        let pid = table.current;
        terminate(table, pid, status);
        pid
    });
    if pid == INIT {
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
            let me = table.current;
            let matches = |pid: Pid| selector <= 0 || pid.0 == selector as u32;
            let children: alloc::vec::Vec<(Pid, ThreadState)> = table
                .processes
                .values()
                .filter(|process| process.parent == me && matches(process.pid))
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
                let me = with_table(|table| table.current);
                crate::signal::delivery::wait(Event::ChildOf(me))?;
            }
        }
    }
}
