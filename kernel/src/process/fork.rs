// SPDX-License-Identifier: MIT OR Apache-2.0
//! fork, vfork and clone: a new process or thread that continues the
//! running one.
//!
//! A new process gets its own address space whose pages are shared with
//! the parent copy-on-write (see `memory::ProcessMemory::fork_into`), the
//! same open files (shared descriptions, as Linux; the very table with
//! `CLONE_FILES`), the same working directory, and a thread whose first
//! return to user mode is the parent's trap frame with r0 = 0. A new
//! thread (`CLONE_THREAD`) is a new table entry in the caller's group
//! that shares its memory and files and copies the rest (see the thread
//! model in `process.rs`). Which flag combinations are accepted, and why
//! vfork copies the address space, is `clone_flags`'s business.
//!
//! vfork: the parent sleeps until the child execs or ends
//! ([`Process::vfork_parent`], cleared by both), as POSIX asks; the child
//! runs on a copy-on-write copy of the memory, so nothing it does before
//! exec can hurt the parent.

use super::clone_flags::{self, CloneRequest, Shape};
use super::thread::{Event, KernelStack, ThreadState};
use super::{Pid, Process, shared, with_table};
use crate::trap::UserFrame;
use crate::{platform, println, sched, uaccess};
use abi::errno::Errno;

/// clone's arguments, in ARM's order (flags, newsp, parent_tidptr, tls,
/// child_tidptr).
#[derive(Clone, Copy, Debug, Default)]
pub struct CloneArguments {
    /// `CLONE_*` flags and the exit signal.
    pub flags: u32,
    /// The child's stack pointer (0: the parent's).
    pub new_stack: u32,
    /// Where `CLONE_PARENT_SETTID` stores the child's tid.
    pub parent_tid: u32,
    /// The child's TLS register with `CLONE_SETTLS`.
    pub tls: u32,
    /// Where `CLONE_CHILD_SETTID` stores, and `CLONE_CHILD_CLEARTID`
    /// clears, the child's tid.
    pub child_tid: u32,
}

/// fork(): a plain copy of the running process; returns the child's pid.
pub fn fork(frame: &dyn UserFrame) -> Result<Pid, Errno> {
    clone(frame, CloneArguments::default())
}

/// vfork(): fork, then sleep until the child execs or ends.
pub fn vfork(frame: &dyn UserFrame) -> Result<Pid, Errno> {
    let flags = abi::clone::CLONE_VFORK | abi::clone::CLONE_VM;
    clone(
        frame,
        CloneArguments {
            flags,
            ..CloneArguments::default()
        },
    )
}

/// clone(flags, newsp, parent_tidptr, tls, child_tidptr): a process, a
/// vforked process or a thread; returns the child's pid or tid (the
/// child sees 0). Unsupported combinations are `EINVAL`, logged once
/// per call.
pub fn clone(frame: &dyn UserFrame, arguments: CloneArguments) -> Result<Pid, Errno> {
    let request = clone_flags::decode(arguments.flags).map_err(|reason| {
        let me = with_table(|table| table.current);
        println!(
            "pid {}: clone({:#x}): {reason}: EINVAL",
            me.0, arguments.flags
        );
        Errno::EINVAL
    })?;
    let space = match request.shape {
        Shape::Thread => None,
        Shape::Fork | Shape::Vfork => {
            Some(platform::get().new_address_space().ok_or(Errno::ENOMEM)?)
        }
    };
    // Before anything is shared with the child: a full heap fails the call
    // and changes nothing.
    let kernel_stack = KernelStack::new().ok_or(Errno::ENOMEM)?;
    crate::vfp::flush_current();
    let child = with_table(|table| {
        let parent = table.current();
        let memory = match space {
            Some(space) => shared(parent.memory.lock().fork_into(space)?),
            None => parent.memory.clone(),
        };
        let pid = table.allocate_pid();
        let child = new_entry(
            table.current(),
            pid,
            memory,
            kernel_stack,
            &request,
            &arguments,
            frame,
        );
        table.processes.insert(pid, child);
        store_tids(table, pid, &request, &arguments);
        table.make_runnable(pid);
        Ok::<Pid, Errno>(pid)
    })?;
    if request.shape == Shape::Vfork {
        wait_for_exec(child);
    }
    Ok(child)
}

/// The child's entry: a copy of `parent`'s with a fresh kernel stack whose
/// first return to user mode is the parent's frame with r0 = 0 (and the
/// new stack and TLS, if asked).
fn new_entry(
    parent: &Process,
    pid: Pid,
    memory: super::Shared<super::memory::ProcessMemory>,
    kernel_stack: KernelStack,
    request: &CloneRequest,
    arguments: &CloneArguments,
    frame: &dyn UserFrame,
) -> Process {
    let registers = frame.snapshot();
    let new_stack = arguments.new_stack;
    let saved_sp = sched::new_thread(&kernel_stack, &mut |child| {
        child.restore(&registers);
        child.set_result(0);
        if new_stack != 0 {
            child.set_stack_pointer(new_stack);
        }
    });
    let thread = request.shape == Shape::Thread;
    let files = if request.share_files {
        parent.files.clone()
    } else {
        shared(parent.files.lock().clone())
    };
    let mut attributes = parent.attributes.for_child();
    if request.child_clear_tid {
        attributes.clear_child_tid = arguments.child_tid;
    }
    Process {
        pid,
        tgid: if thread { parent.tgid } else { pid },
        parent: if thread { parent.parent } else { parent.tgid },
        name: parent.name.clone(),
        memory,
        files,
        working_directory: parent.working_directory.clone(),
        root: parent.root.clone(),
        trusted: parent.trusted,
        state: ThreadState::Runnable,
        kernel_stack,
        saved_sp,
        tls: if request.set_tls {
            arguments.tls
        } else {
            parent.tls
        },
        params: parent.params,
        slice_start: 0,
        timer: None,
        timed_out: false,
        syscalls: crate::syscall::SyscallCounts::default(),
        attributes,
        vfp: parent.vfp,
        signals: parent.signals.for_child(),
        // CLONE_SIGHAND (every thread has it): the very table; a new
        // process gets a copy.
        signal_actions: if thread {
            parent.signal_actions.clone()
        } else {
            shared(parent.signal_actions.lock().clone())
        },
        vfork_parent: (request.shape == Shape::Vfork).then_some(parent.pid),
    }
}

/// CLONE_PARENT_SETTID and CLONE_CHILD_SETTID: the child's tid in the
/// parent's and in the child's memory (the same memory for a thread).
/// Like Linux, a bad address is ignored.
fn store_tids(
    table: &mut super::ProcessTable,
    child: Pid,
    request: &CloneRequest,
    arguments: &CloneArguments,
) {
    if request.parent_set_tid {
        let memory = table.current().memory.clone();
        let _ = uaccess::write_u32(&mut memory.lock(), arguments.parent_tid, child.0);
    }
    if request.child_set_tid
        && let Some(entry) = table.processes.get(&child)
    {
        let memory = entry.memory.clone();
        let _ = uaccess::write_u32(&mut memory.lock(), arguments.child_tid, child.0);
    }
}

/// vfork's parent side: sleeps until `child` execs or ends.
fn wait_for_exec(child: Pid) {
    loop {
        let waiting = with_table(|table| {
            table
                .processes
                .get(&child)
                .is_some_and(|process| process.vfork_parent.is_some())
        });
        if !waiting {
            return;
        }
        sched::block_on(Event::Vfork(child));
    }
}
