// SPDX-License-Identifier: MIT OR Apache-2.0
//! Process system calls: exit, fork, execve, wait4, ids, TLS.

use super::Outcome;
use crate::process::exit::{exit_current, exit_thread, wait};
use crate::process::thread::Event;
use crate::process::{
    Pid, ProcessTable, exec, fork as fork_process, shared, with_current, with_table,
};
use crate::trap::UserFrame;
use crate::uaccess;
use abi::errno::Errno;
use abi::wait as wait_status;
use alloc::vec::Vec;

/// Longest path execve accepts.
const PATH_MAX: usize = 4096;
/// Most arguments or environment strings execve accepts.
const ARGUMENTS_MAX: usize = 4096;
/// Longest single argument or environment string.
const ARGUMENT_MAX: usize = 128 * 1024;

/// exit: ends the calling thread (the process with its last thread).
pub fn exit(code: u32) -> Outcome {
    exit_thread(wait_status::exit_status(code))
}

/// exit_group: ends every thread of the process.
pub fn exit_group(code: u32) -> Outcome {
    exit_current(wait_status::exit_status(code))
}

/// fork.
pub fn fork(frame: &dyn UserFrame) -> Result<u32, Errno> {
    fork_process::fork(frame).map(|pid| pid.0)
}

/// vfork: a fork whose parent sleeps until the child execs or exits.
pub fn vfork(frame: &dyn UserFrame) -> Result<u32, Errno> {
    fork_process::vfork(frame).map(|pid| pid.0)
}

/// clone(flags, newsp, parent_tidptr, tls, child_tidptr), ARM's order.
pub fn clone(
    frame: &dyn UserFrame,
    flags: u32,
    new_stack: u32,
    parent_tid: u32,
    tls: u32,
    child_tid: u32,
) -> Result<u32, Errno> {
    let arguments = fork_process::CloneArguments {
        flags,
        new_stack,
        parent_tid,
        tls,
        child_tid,
    };
    fork_process::clone(frame, arguments).map(|pid| pid.0)
}

/// execve(path, argv, envp). In a process with several threads the
/// others end first and the caller becomes the leader (Linux's
/// de_thread), once the new program has loaded: a failed execve leaves
/// every thread running.
pub fn execve(frame: &mut dyn UserFrame, path: u32, argv: u32, envp: u32) -> Outcome {
    match load(path, argv, envp) {
        Ok(program) => {
            let entry = program.entry;
            let stack_pointer = program.stack_pointer;
            let trusted = program.trusted;
            with_table(|table| {
                become_only_thread(table);
                let process = table.current();
                program.memory.space.activate();
                let old = core::mem::replace(&mut process.memory, shared(program.memory));
                old.lock().release_pages();
                process.attributes.on_exec(&program.path);
                process.name = program.path;
                process.files.lock().close_on_exec();
                process.tls = 0;
                process.trusted = program.trusted;
                process.syscalls = crate::syscall::SyscallCounts::default();
                // The new program starts with zeroed VFP registers and the
                // default FPSCR; the old program's, if in the unit, go.
                process.vfp = crate::vfp::VfpState::new();
                crate::vfp::forget(process.pid);
                let actions = process.signal_actions.lock().for_exec();
                process.signal_actions = alloc::sync::Arc::new(spin::Mutex::new(actions));
                process.signals.on_exec();
                if let Some(_parent) = process.vfork_parent.take() {
                    let me = process.pid;
                    table.wake(Event::Vfork(me));
                }
            });
            crate::platform::get().set_thread_pointer(0);
            frame.start_program(entry, stack_pointer, trusted);
            Outcome::FrameReplaced
        }
        Err(error) => Outcome::Return(Err(error)),
    }
}

/// Ends every other thread of the caller's group and, if the caller is
/// not the leader, moves it into the leader's entry (it takes the pid).
fn become_only_thread(table: &mut ProcessTable) {
    let (me, tgid) = (table.current, table.current().tgid);
    let others: Vec<Pid> = table
        .group(tgid)
        .into_iter()
        .filter(|&tid| tid != me)
        .collect();
    for tid in others {
        if let Some(timer) = table.processes.get_mut(&tid).and_then(|t| t.timer.take()) {
            table.timers.cancel(timer);
        }
        table.unqueue(tid);
        crate::futex::forget(tid);
        crate::vfp::forget(tid);
        if tid != tgid {
            table.processes.remove(&tid);
        }
    }
    if me != tgid {
        // The old leader is not running: its entry (and kernel stack) can
        // go; the caller's entry, running on its own stack, takes its key.
        let leader = table.processes.remove(&tgid);
        let mut entry = table.processes.remove(&me).expect("the caller exists");
        // The VFP unit knows the thread by its old tid (execve resets the
        // registers anyway).
        crate::vfp::forget(me);
        entry.pid = tgid;
        if let Some(leader) = leader {
            entry.syscalls.trapped += leader.syscalls.trapped;
            entry.syscalls.direct += leader.syscalls.direct;
        }
        table.processes.insert(tgid, entry);
        table.current = tgid;
    }
}

/// Reads execve's arguments and loads the program (the old one untouched).
fn load(path: u32, argv: u32, envp: u32) -> Result<exec::LoadedProgram, Errno> {
    let (resolved, trusted, arguments, environment) = with_current(|process| {
        let memory = &mut process.memory.lock();
        let path = uaccess::read_c_string(memory, path, PATH_MAX, Errno::ENAMETOOLONG)?;
        let arguments = read_strings(memory, argv)?;
        let environment = read_strings(memory, envp)?;
        let path = core::str::from_utf8(&path).map_err(|_| Errno::ENOENT)?;
        let resolved = crate::path::resolve(&process.root, &process.working_directory, path);
        let trusted = exec::is_trusted(&resolved.visible, !process.root.is_empty());
        Ok::<_, Errno>((resolved, trusted, arguments, environment))
    })?;
    exec::load(&resolved, trusted, &arguments, &environment)
}

/// A NULL-terminated array of strings from the process.
fn read_strings(
    memory: &mut crate::process::memory::ProcessMemory,
    array: u32,
) -> Result<Vec<Vec<u8>>, Errno> {
    let pointers = uaccess::read_pointer_array(memory, array, ARGUMENTS_MAX)?;
    pointers
        .into_iter()
        .map(|pointer| uaccess::read_c_string(memory, pointer, ARGUMENT_MAX, Errno::E2BIG))
        .collect()
}

/// wait4(pid, status, options, rusage); rusage is left untouched.
pub fn wait4(pid: u32, status: u32, options: u32, _rusage: u32) -> Result<u32, Errno> {
    if options & !(wait_status::WNOHANG | wait_status::WUNTRACED) != 0 {
        return Err(Errno::EINVAL);
    }
    match wait(pid as i32, options)? {
        Some((child, value)) => {
            if status != 0 {
                with_current(|process| {
                    uaccess::write_u32(&mut process.memory.lock(), status, value)
                })?;
            }
            Ok(child.0)
        }
        None => Ok(0),
    }
}

/// getpid: the thread group's id.
pub fn getpid() -> Result<u32, Errno> {
    Ok(with_current(|process| process.tgid.0))
}

/// gettid: the calling thread's id.
pub fn gettid() -> Result<u32, Errno> {
    Ok(with_current(|process| process.pid.0))
}

/// getppid.
pub fn getppid() -> Result<u32, Errno> {
    Ok(with_current(|process| process.parent.0))
}

/// The ARM private call set_tls: the user thread register (TPIDRURO).
pub fn set_tls(value: u32) -> Result<u32, Errno> {
    with_current(|process| process.tls = value);
    crate::platform::get().set_thread_pointer(value);
    Ok(0)
}
