// SPDX-License-Identifier: MIT OR Apache-2.0
//! Process system calls: exit, fork, execve, wait4, ids, TLS.

use super::Outcome;
use crate::process::exit::{exit_current, wait};
use crate::process::{exec, fork as fork_process, with_current};
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

/// exit and exit_group (one thread per process for now).
pub fn exit(code: u32) -> Outcome {
    exit_current(wait_status::exit_status(code))
}

/// fork and vfork (vfork as a plain fork: same result for callers that
/// follow its rules).
pub fn fork(frame: &dyn UserFrame) -> Result<u32, Errno> {
    fork_process::fork(frame).map(|pid| pid.0)
}

/// execve(path, argv, envp).
pub fn execve(frame: &mut dyn UserFrame, path: u32, argv: u32, envp: u32) -> Outcome {
    match load(path, argv, envp) {
        Ok(program) => {
            let entry = program.entry;
            let stack_pointer = program.stack_pointer;
            let trusted = program.trusted;
            with_current(|process| {
                program.memory.space.activate();
                let mut old = core::mem::replace(&mut process.memory, program.memory);
                old.release_pages();
                process.attributes.on_exec(&program.path);
                process.name = program.path;
                process.files.close_on_exec();
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
            });
            crate::platform::get().set_thread_pointer(0);
            frame.start_program(entry, stack_pointer, trusted);
            Outcome::FrameReplaced
        }
        Err(error) => Outcome::Return(Err(error)),
    }
}

/// Reads execve's arguments and loads the program (the old one untouched).
fn load(path: u32, argv: u32, envp: u32) -> Result<exec::LoadedProgram, Errno> {
    let (resolved, trusted, arguments, environment) = with_current(|process| {
        let memory = &mut process.memory;
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
                with_current(|process| uaccess::write_u32(&mut process.memory, status, value))?;
            }
            Ok(child.0)
        }
        None => Ok(0),
    }
}

/// getpid (and gettid: one thread per process).
pub fn getpid() -> Result<u32, Errno> {
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
