// SPDX-License-Identifier: MIT OR Apache-2.0
//! fcntl and fcntl64: duplicating descriptors and their two sets of flags.
//!
//! A descriptor carries one flag of its own (close-on-exec, `F_GETFD` and
//! `F_SETFD`), kept in the descriptor table; the open file it names, which
//! dup and fork share, carries the status flags (`F_GETFL`, `F_SETFL`),
//! kept in [`OpenFile::flags`](crate::file::OpenFile). So `F_SETFL` on one
//! descriptor is seen through every duplicate, and `F_SETFD` is not: the
//! same split as Linux's `struct file` and fdtable bits.
//!
//! On ARM EABI, fcntl (55) and fcntl64 (221) differ only in the lock
//! commands, which take `struct flock` or `struct flock64`. There are no
//! locks here (nor owners, leases, signals or pipe sizes), so every command
//! but the five below is `EINVAL`, which Linux also returns for a command
//! it does not know; a program that asks for a lock learns that none can be
//! had rather than being told, wrongly, that it holds one. As in Linux, the
//! descriptor is checked first: a bad descriptor is `EBADF` whatever the
//! command.

use crate::fd_table::{Fd, MAX_FDS};
use crate::process::with_current;
use abi::errno::Errno;
use abi::fcntl::{
    F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_SETFD, F_SETFL, FD_CLOEXEC, O_APPEND, O_CLOEXEC,
    O_CREAT, O_EXCL, O_NOCTTY, O_NONBLOCK, O_TRUNC,
};
use abi::resource::RLIMIT_NOFILE;

/// The status flags `F_SETFL` may change. Linux's `SETFL_MASK` also holds
/// `O_DIRECT`, `O_NOATIME` and `O_ASYNC`, which mean nothing here; like
/// the access mode and the creation flags, they are ignored.
const SETTABLE: u32 = O_APPEND | O_NONBLOCK;

/// Flags open takes but does not keep in the open file: creation flags
/// act once, and close-on-exec belongs to the descriptor (Linux strips
/// them in `build_open_flags` and `do_dentry_open`).
const NOT_KEPT: u32 = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC;

/// fcntl(fd, command, argument) and fcntl64.
pub fn fcntl(fd: u32, command: u32, argument: u32) -> Result<u32, Errno> {
    let fd = Fd(fd);
    let file = with_current(|process| process.files.lock().get(fd).cloned())?;
    match command {
        F_DUPFD | F_DUPFD_CLOEXEC => duplicate(fd, argument, command == F_DUPFD_CLOEXEC),
        F_GETFD => {
            let close_on_exec = with_current(|process| process.files.lock().is_close_on_exec(fd))?;
            Ok(if close_on_exec { FD_CLOEXEC } else { 0 })
        }
        F_SETFD => {
            let close_on_exec = argument & FD_CLOEXEC != 0;
            with_current(|process| process.files.lock().set_close_on_exec(fd, close_on_exec))?;
            Ok(0)
        }
        F_GETFL => Ok(file.lock().flags & !NOT_KEPT),
        F_SETFL => {
            let mut open = file.lock();
            open.flags = (open.flags & !SETTABLE) | (argument & SETTABLE);
            Ok(0)
        }
        _ => Err(Errno::EINVAL),
    }
}

/// F_DUPFD and F_DUPFD_CLOEXEC: the lowest free descriptor at or above
/// `minimum`, which must be below the soft `RLIMIT_NOFILE` (`EINVAL`
/// otherwise; a negative `int` arrives as a huge number and is refused
/// the same way).
fn duplicate(fd: Fd, minimum: u32, close_on_exec: bool) -> Result<u32, Errno> {
    with_current(|process| {
        let limit = process.attributes.limits[RLIMIT_NOFILE as usize].current;
        let limit = limit.min(u64::from(MAX_FDS));
        if u64::from(minimum) >= limit {
            return Err(Errno::EINVAL);
        }
        let new = process
            .files
            .lock()
            .dup_from(fd, Fd(minimum), close_on_exec)?;
        if u64::from(new.0) >= limit {
            // Free numbers exist only past the soft limit: as Linux, EMFILE.
            drop(process.files.lock().close(new));
            return Err(Errno::EMFILE);
        }
        Ok(new.0)
    })
}
