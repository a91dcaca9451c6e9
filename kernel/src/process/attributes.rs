// SPDX-License-Identifier: MIT OR Apache-2.0
//! What a process sets about itself: umask, limits, name, thread hooks.
//!
//! These are the small per-process values the C library's start-up code
//! and common programs set and read back: the file-creation mask (umask),
//! the resource limits (prlimit64), the name and dumpable flag (prctl),
//! and the two addresses a thread library registers (set_tid_address,
//! whose word is cleared and futex-woken when the thread ends, and
//! set_robust_list, only stored). These are per thread entry: the thread
//! hooks are each thread's own, the rest is the same in every thread of a
//! process (see the thread model in `process.rs`). Fork copies them, except the thread hooks, which Linux resets
//! for a child; execve keeps the mask and limits and, as Linux does,
//! renames the process after its file, makes it dumpable again and drops
//! the hooks. Plain data and pure rules, tested on the host.

use abi::errno::Errno;
use abi::prctl::{TASK_COMM_LEN, command_name};
use abi::resource::{self, RLIM_NLIMITS, Rlimit64};

/// A process's settable attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attributes {
    /// The file-creation mask (only permission bits, `0o777`).
    pub umask: u32,
    /// Resource limits, by `RLIMIT_*` number.
    pub limits: [Rlimit64; RLIM_NLIMITS as usize],
    /// The name prctl(PR_GET_NAME) reports, NUL-padded.
    pub command: [u8; TASK_COMM_LEN],
    /// Whether the process may be core-dumped or traced (PR_GET_DUMPABLE).
    pub dumpable: bool,
    /// set_tid_address or `CLONE_CHILD_CLEARTID`: where to write 0 (and
    /// wake a futex) when the thread ends.
    pub clear_child_tid: u32,
    /// set_robust_list: the head of the robust futex list, stored (the
    /// list is not walked at exit yet: TODO(#8)).
    pub robust_list: u32,
    /// Its process group (setpgid), inherited at fork. There are no
    /// terminals to control, so groups only answer getpgid and kill(0).
    pub pgid: u32,
    /// Its session (setsid), inherited at fork.
    pub sid: u32,
}

/// The default file-creation mask (Linux's init gets 022).
pub const DEFAULT_UMASK: u32 = 0o022;

/// The limits a new process starts with: Linux's `INIT_RLIMITS`, except
/// where KML-rs has a real, fixed limit, which is then both soft and hard:
/// the stack area's size and the descriptor table's.
pub fn default_limits() -> [Rlimit64; RLIM_NLIMITS as usize] {
    let mut limits = [Rlimit64::INFINITE; RLIM_NLIMITS as usize];
    let stack = u64::from(crate::vm::layout::STACK_MAX);
    limits[resource::RLIMIT_STACK as usize] = Rlimit64::both(stack);
    limits[resource::RLIMIT_NOFILE as usize] = Rlimit64::both(u64::from(crate::fd_table::MAX_FDS));
    // Linux's defaults, never checked here (a uid-0 process is exempt).
    limits[resource::RLIMIT_NICE as usize] = Rlimit64::both(0);
    limits[resource::RLIMIT_RTPRIO as usize] = Rlimit64::both(0);
    limits
}

impl Attributes {
    /// What init starts with, named after its program `path`.
    pub fn new(path: &str) -> Attributes {
        Attributes {
            umask: DEFAULT_UMASK,
            limits: default_limits(),
            command: command_name(base_name(path).as_bytes()),
            dumpable: true,
            clear_child_tid: 0,
            robust_list: 0,
            pgid: crate::process::INIT.0,
            sid: crate::process::INIT.0,
        }
    }

    /// What a forked child starts with.
    pub fn for_child(&self) -> Attributes {
        Attributes {
            clear_child_tid: 0,
            robust_list: 0,
            ..self.clone()
        }
    }

    /// Changes to make when the process executes the program at `path`.
    pub fn on_exec(&mut self, path: &str) {
        self.command = command_name(base_name(path).as_bytes());
        self.dumpable = true;
        self.clear_child_tid = 0;
        self.robust_list = 0;
    }

    /// umask(mask): sets the mask, returns the old one.
    pub fn swap_umask(&mut self, mask: u32) -> u32 {
        core::mem::replace(&mut self.umask, mask & 0o777)
    }

    /// Sets limit `resource` to `new` if allowed; returns the old value.
    pub fn set_limit(&mut self, resource: usize, new: Rlimit64) -> Result<Rlimit64, Errno> {
        let old = self.limits[resource];
        resource::check_change(old, new)?;
        self.limits[resource] = new;
        Ok(old)
    }
}

/// The last component of `path` (the whole of it if there is no `/`).
fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_processes_have_linux_defaults() {
        let attributes = Attributes::new("/bin/echo-args");
        assert_eq!(attributes.umask, 0o022);
        assert_eq!(&attributes.command[..10], b"echo-args\0");
        assert!(attributes.dumpable);
        let stack = attributes.limits[resource::RLIMIT_STACK as usize];
        assert_eq!(stack, Rlimit64::both(8 << 20));
        let files = attributes.limits[resource::RLIMIT_NOFILE as usize];
        assert_eq!(files, Rlimit64::both(256));
        assert_eq!(
            attributes.limits[resource::RLIMIT_AS as usize],
            Rlimit64::INFINITE
        );
    }

    #[test]
    fn umask_keeps_permission_bits_and_returns_the_old_mask() {
        let mut attributes = Attributes::new("init");
        assert_eq!(attributes.swap_umask(0o7777), 0o022);
        assert_eq!(attributes.swap_umask(0), 0o777);
    }

    #[test]
    fn limits_only_go_down() {
        let mut attributes = Attributes::new("init");
        let nofile = resource::RLIMIT_NOFILE as usize;
        let lowered = Rlimit64 {
            current: 64,
            maximum: 128,
        };
        assert_eq!(
            attributes.set_limit(nofile, lowered),
            Ok(Rlimit64::both(256))
        );
        assert_eq!(
            attributes.set_limit(nofile, Rlimit64::both(256)),
            Err(Errno::EPERM)
        );
        assert_eq!(
            attributes.set_limit(nofile, Rlimit64::both(128)),
            Ok(lowered)
        );
        assert_eq!(attributes.limits[nofile], Rlimit64::both(128));
    }

    #[test]
    fn fork_drops_thread_hooks_and_exec_renames() {
        let mut attributes = Attributes::new("/init");
        attributes.clear_child_tid = 0x1000;
        attributes.robust_list = 0x2000;
        attributes.dumpable = false;
        attributes.umask = 0o077;
        let child = attributes.for_child();
        assert_eq!((child.clear_child_tid, child.robust_list), (0, 0));
        assert_eq!((child.umask, child.dumpable), (0o077, false));
        attributes.on_exec("/bin/a-program-with-a-long-name");
        assert_eq!(&attributes.command, b"a-program-with-\0");
        assert!(attributes.dumpable);
        assert_eq!(attributes.robust_list, 0);
        assert_eq!(attributes.umask, 0o077);
    }
}
