// SPDX-License-Identifier: MIT OR Apache-2.0
//! fork: a new process that is a copy of the running one.
//!
//! The child gets its own address space whose pages are shared with the
//! parent copy-on-write (see `memory::ProcessMemory::fork_into`), the same
//! open files (shared descriptions, as Linux), the same working directory,
//! and a thread whose first return to user mode is the parent's trap frame
//! with r0 = 0.

use super::thread::{KernelStack, ThreadState};
use super::{Pid, Process, with_table};
use crate::platform;
use crate::trap::UserFrame;
use abi::errno::Errno;

/// Forks the running process; returns the child's pid (the parent's
/// result; the child sees 0).
pub fn fork(frame: &dyn UserFrame) -> Result<Pid, Errno> {
    let space = platform::get().new_address_space().ok_or(Errno::ENOMEM)?;
    let registers = frame.snapshot();
    crate::vfp::flush_current();
    with_table(|table| {
        let parent = table.current();
        let memory = parent.memory.fork_into(space)?;
        let (parent_pid, name) = (parent.pid, parent.name.clone());
        let files = parent.files.clone();
        let tls = parent.tls;
        let vfp = parent.vfp;
        let signals = parent.signals.for_child();
        let signal_actions =
            alloc::sync::Arc::new(spin::Mutex::new(parent.signal_actions.lock().clone()));
        let attributes = parent.attributes.for_child();
        let params = parent.params;
        let working_directory = parent.working_directory.clone();
        let (root, trusted) = (parent.root.clone(), parent.trusted);
        let kernel_stack = KernelStack::new();
        let saved_sp = crate::sched::new_thread(&kernel_stack, &mut |child| {
            child.restore(&registers);
            child.set_result(0);
        });
        let pid = table.allocate_pid();
        let child = Process {
            pid,
            parent: parent_pid,
            name,
            memory,
            files,
            working_directory,
            root,
            trusted,
            state: ThreadState::Runnable,
            kernel_stack,
            saved_sp,
            tls,
            params,
            slice_start: 0,
            timer: None,
            timed_out: false,
            syscalls: crate::syscall::SyscallCounts::default(),
            attributes,
            vfp,
            signals,
            signal_actions,
        };
        table.processes.insert(pid, child);
        table.make_runnable(pid);
        Ok(pid)
    })
}
