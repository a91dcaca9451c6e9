// SPDX-License-Identifier: MIT OR Apache-2.0
//! clone(2) flags, as Linux's include/uapi/linux/sched.h defines them.
//!
//! On ARM the call takes (flags, newsp, parent_tidptr, tls, child_tidptr):
//! the `CLONE_BACKWARDS` argument order. The low byte of `flags` is the
//! signal the parent gets when the child ends (`CSIGNAL`).

/// The exit signal's bits.
pub const CSIGNAL: u32 = 0x0000_00ff;
/// Share the address space.
pub const CLONE_VM: u32 = 0x0000_0100;
/// Share the working and root directories and the umask.
pub const CLONE_FS: u32 = 0x0000_0200;
/// Share the open-file table.
pub const CLONE_FILES: u32 = 0x0000_0400;
/// Share the signal handlers.
pub const CLONE_SIGHAND: u32 = 0x0000_0800;
/// Return a pidfd (not supported).
pub const CLONE_PIDFD: u32 = 0x0000_1000;
/// Continue tracing the child (not supported).
pub const CLONE_PTRACE: u32 = 0x0000_2000;
/// The parent sleeps until the child execs or exits.
pub const CLONE_VFORK: u32 = 0x0000_4000;
/// The child's parent is the caller's parent (not supported).
pub const CLONE_PARENT: u32 = 0x0000_8000;
/// Same thread group: a thread, not a process.
pub const CLONE_THREAD: u32 = 0x0001_0000;
/// Share System V semaphore undo lists (none exist here: accepted).
pub const CLONE_SYSVSEM: u32 = 0x0004_0000;
/// Set the child's TLS register to the `tls` argument.
pub const CLONE_SETTLS: u32 = 0x0008_0000;
/// Write the child's tid at `parent_tidptr` in the parent's memory.
pub const CLONE_PARENT_SETTID: u32 = 0x0010_0000;
/// At the child's exit, write 0 at `child_tidptr` and wake a futex there.
pub const CLONE_CHILD_CLEARTID: u32 = 0x0020_0000;
/// Ignored by Linux since 2.6.2 (accepted).
pub const CLONE_DETACHED: u32 = 0x0040_0000;
/// Ignored without tracing (accepted).
pub const CLONE_UNTRACED: u32 = 0x0080_0000;
/// Write the child's tid at `child_tidptr` in the child's memory.
pub const CLONE_CHILD_SETTID: u32 = 0x0100_0000;
