// SPDX-License-Identifier: MIT OR Apache-2.0
//! clone's flags, sorted into the three shapes KML-rs implements.
//!
//! Linux's clone can build anything between a process and a thread; C
//! libraries ask for three shapes, and those are what [`decode`] accepts:
//! a fork (no shared address space: glibc's `fork()` is clone with
//! `SIGCHLD | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID`), a vfork (the
//! parent waits until the child execs or exits: `vfork()`, and
//! `posix_spawn`'s `CLONE_VM | CLONE_VFORK | SIGCHLD`), and a thread
//! (`pthread_create`: VM, FS, FILES, SIGHAND, THREAD, SYSVSEM, SETTLS,
//! PARENT_SETTID, CHILD_CLEARTID). A vfork with `CLONE_VM` gets a copy of
//! the address space (copy-on-write), not the parent's own: the parent is
//! asleep until the child execs, so a program that follows vfork's rules
//! cannot tell, except that what the child writes before exec is not seen
//! by the parent (posix_spawn's exec-failure report is lost: the caller
//! sees the child exit with 127 instead of an error from posix_spawn).
//! Everything else is `EINVAL` with a reason for the log. Pure logic,
//! tested on the host.

use abi::clone::*;

/// What a clone call creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A new process with a copy of the address space.
    Fork,
    /// A fork whose parent waits for the child's exec or exit.
    Vfork,
    /// A new thread in the caller's thread group.
    Thread,
}

/// A decoded, accepted clone request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CloneRequest {
    /// Process, vfork or thread.
    pub shape: Shape,
    /// The child shares the caller's open-file table (`CLONE_FILES`).
    pub share_files: bool,
    /// Set the child's TLS register (`CLONE_SETTLS`).
    pub set_tls: bool,
    /// Store the tid in the parent's memory (`CLONE_PARENT_SETTID`).
    pub parent_set_tid: bool,
    /// Store the tid in the child's memory (`CLONE_CHILD_SETTID`).
    pub child_set_tid: bool,
    /// Clear and wake at the child's end (`CLONE_CHILD_CLEARTID`).
    pub child_clear_tid: bool,
}

/// Flags accepted (and honoured or harmlessly ignored) in some shape.
const KNOWN: u32 = CSIGNAL
    | CLONE_VM
    | CLONE_FS
    | CLONE_FILES
    | CLONE_SIGHAND
    | CLONE_VFORK
    | CLONE_THREAD
    | CLONE_SYSVSEM
    | CLONE_SETTLS
    | CLONE_PARENT_SETTID
    | CLONE_CHILD_CLEARTID
    | CLONE_DETACHED
    | CLONE_UNTRACED
    | CLONE_CHILD_SETTID;

/// What a thread must share: everything a thread library relies on.
const THREAD_NEEDS: u32 = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;

/// Sorts `flags` into a shape, or says why not (for a one-line log; the
/// caller answers `EINVAL`).
pub fn decode(flags: u32) -> Result<CloneRequest, &'static str> {
    if flags & !KNOWN != 0 {
        return Err("unsupported clone flags (namespaces, ptrace, pidfd, CLONE_PARENT)");
    }
    let shape = if flags & CLONE_THREAD != 0 {
        if flags & THREAD_NEEDS != THREAD_NEEDS {
            return Err("a thread must share VM, FS, FILES and SIGHAND");
        }
        if flags & (CLONE_VFORK | CSIGNAL) != 0 {
            return Err("a thread has no exit signal and no vfork");
        }
        Shape::Thread
    } else if flags & (CLONE_FS | CLONE_SIGHAND) != 0 {
        // Separate processes sharing a directory or handler table: Linux
        // can, KML-rs keeps those per thread group.
        return Err("CLONE_FS or CLONE_SIGHAND without CLONE_THREAD");
    } else if flags & CLONE_VFORK != 0 {
        Shape::Vfork
    } else if flags & CLONE_VM != 0 {
        return Err("CLONE_VM without CLONE_THREAD or CLONE_VFORK");
    } else {
        Shape::Fork
    };
    Ok(CloneRequest {
        shape,
        share_files: flags & CLONE_FILES != 0,
        set_tls: flags & CLONE_SETTLS != 0,
        parent_set_tid: flags & CLONE_PARENT_SETTID != 0,
        child_set_tid: flags & CLONE_CHILD_SETTID != 0,
        child_clear_tid: flags & CLONE_CHILD_CLEARTID != 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGCHLD: u32 = 17;

    #[test]
    fn glibc_fork_is_a_fork_with_tid_hooks() {
        let request = decode(SIGCHLD | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID).unwrap();
        assert_eq!(request.shape, Shape::Fork);
        assert!(request.child_set_tid && request.child_clear_tid);
        assert!(!request.share_files && !request.set_tls && !request.parent_set_tid);
        assert_eq!(decode(SIGCHLD).unwrap().shape, Shape::Fork);
    }

    #[test]
    fn vfork_and_posix_spawn_are_vforks() {
        assert_eq!(decode(CLONE_VFORK | SIGCHLD).unwrap().shape, Shape::Vfork);
        let spawn = CLONE_VM | CLONE_VFORK | SIGCHLD;
        assert_eq!(decode(spawn).unwrap().shape, Shape::Vfork);
    }

    #[test]
    fn pthread_create_is_a_thread() {
        let flags = CLONE_VM
            | CLONE_FS
            | CLONE_FILES
            | CLONE_SIGHAND
            | CLONE_THREAD
            | CLONE_SYSVSEM
            | CLONE_SETTLS
            | CLONE_PARENT_SETTID
            | CLONE_CHILD_CLEARTID;
        let request = decode(flags).unwrap();
        assert_eq!(request.shape, Shape::Thread);
        assert!(request.share_files && request.set_tls && request.parent_set_tid);
        assert!(request.child_clear_tid && !request.child_set_tid);
    }

    #[test]
    fn half_threads_and_unknown_flags_are_refused() {
        assert!(decode(CLONE_VM | SIGCHLD).is_err());
        assert!(decode(CLONE_THREAD | CLONE_VM | CLONE_SIGHAND).is_err());
        assert!(decode(CLONE_FS | SIGCHLD).is_err());
        assert!(decode(CLONE_SIGHAND | CLONE_VM).is_err());
        assert!(decode(THREAD_NEEDS | SIGCHLD).is_err());
        assert!(decode(THREAD_NEEDS | CLONE_VFORK).is_err());
        assert!(decode(CLONE_PTRACE | SIGCHLD).is_err());
        assert!(decode(CLONE_PARENT | SIGCHLD).is_err());
        assert!(decode(0x2000_0000 | SIGCHLD).is_err());
    }

    #[test]
    fn sharing_files_between_processes_is_allowed() {
        let request = decode(CLONE_FILES | SIGCHLD).unwrap();
        assert_eq!(request.shape, Shape::Fork);
        assert!(request.share_files);
    }
}
