// SPDX-License-Identifier: MIT OR Apache-2.0
//! glibc-calls' checks of fcntl and statx, on a ramdisk file and a pipe.
//!
//! fcntl: the descriptor flag (close-on-exec, set by open and F_SETFD,
//! not shared by a duplicate) against the status flags (shared through
//! F_DUPFD's duplicate, only O_APPEND and O_NONBLOCK settable, and
//! O_NONBLOCK really making a pipe read EAGAIN). statx: agreement with
//! stat64 and lstat64, AT_EMPTY_PATH on a descriptor and on the working
//! directory, and the errors. They run after `limits`, which lowered the
//! soft RLIMIT_NOFILE to 64, so F_DUPFD at 64 must be EINVAL as on Linux.

use alloc::string::String;
use core::ffi::CStr;

use userlib::Errno;
use userlib::syscall::{self, Fd, Sysnum, raw};

use super::{KERNEL_ADDRESS, expect_error, same};
use crate::c_string;
use crate::scenarios::failed;

/// A descriptor number no process here has open.
const CLOSED: Fd = Fd(99);

/// The fcntl and statx checks; `link` is the test root's symlink to
/// `echo-args`.
pub fn checks(link: &str) -> Result<(), String> {
    let link = c_string(link).ok_or("the link path holds a NUL")?;
    let file =
        c_string(&link.to_string_lossy().replace("echo-link", "echo-args")).ok_or("NUL in path")?;
    descriptor_flags(&file)?;
    pipe_flags()?;
    extended_status(&link, &file)?;
    status_errors(&file)
}

/// F_GETFD/F_SETFD, F_GETFL/F_SETFL and F_DUPFD(_CLOEXEC) on a file.
fn descriptor_flags(file: &CStr) -> Result<(), String> {
    use syscall::{
        F_GETFD, F_GETFL, F_GETLK, F_SETFD, F_SETFL, FD_CLOEXEC, O_APPEND, O_CLOEXEC, O_NONBLOCK,
        O_RDONLY, O_RDWR, fcntl,
    };
    let fd = syscall::open(file, O_RDONLY | O_CLOEXEC, 0).map_err(failed("open"))?;
    same("F_GETFD after O_CLOEXEC", fcntl(fd, F_GETFD, 0), Ok(1))?;
    same("F_GETFL after open", fcntl(fd, F_GETFL, 0), Ok(0))?;
    same("F_SETFD(0)", fcntl(fd, F_SETFD, 0), Ok(0))?;
    same("F_GETFD after F_SETFD(0)", fcntl(fd, F_GETFD, 0), Ok(0))?;
    // The access mode and anything but O_APPEND and O_NONBLOCK stay.
    let asked = O_APPEND | O_RDWR | 0o200_000;
    same(
        "F_SETFL(APPEND|RDWR|DIRECT)",
        fcntl(fd, F_SETFL, asked),
        Ok(0),
    )?;
    let appending = O_APPEND as usize;
    same(
        "F_GETFL after F_SETFL",
        fcntl(fd, F_GETFL, 0),
        Ok(appending),
    )?;
    let low = syscall::dup_from(fd, Fd(40), false).map_err(failed("F_DUPFD(40)"))?;
    same("F_DUPFD(40)", low, Fd(40))?;
    let high = syscall::dup_from(fd, Fd(40), true).map_err(failed("F_DUPFD_CLOEXEC(40)"))?;
    same("F_DUPFD_CLOEXEC(40)", high, Fd(41))?;
    same("F_GETFD of F_DUPFD's", fcntl(low, F_GETFD, 0), Ok(0))?;
    same(
        "F_GETFD of F_DUPFD_CLOEXEC's",
        fcntl(high, F_GETFD, 0),
        Ok(1),
    )?;
    same(
        "F_GETFL through a dup",
        fcntl(low, F_GETFL, 0),
        Ok(appending),
    )?;
    same(
        "F_SETFL(NONBLOCK) on the dup",
        fcntl(low, F_SETFL, O_NONBLOCK),
        Ok(0),
    )?;
    let nonblocking = Ok(O_NONBLOCK as usize);
    same(
        "F_GETFL seen through the original",
        fcntl(fd, F_GETFL, 0),
        nonblocking,
    )?;
    // SAFETY: F_GETFD through the old fcntl number takes no pointer.
    let old = unsafe { raw::syscall3(Sysnum::Fcntl, high.0 as usize, F_GETFD as usize, 0) };
    same(
        "fcntl (55) F_GETFD",
        syscall::decode(old),
        Ok(FD_CLOEXEC as usize),
    )?;
    same(
        "F_SETFD(FD_CLOEXEC)",
        fcntl(low, F_SETFD, FD_CLOEXEC),
        Ok(0),
    )?;
    same("F_GETFD after FD_CLOEXEC", fcntl(low, F_GETFD, 0), Ok(1))?;
    let limit = syscall::dup_from(fd, Fd(64), false);
    same("F_DUPFD(64) past the soft limit", limit, Err(Errno::EINVAL))?;
    let negative = syscall::dup_from(fd, Fd(-1), false);
    same("F_DUPFD(-1)", negative, Err(Errno::EINVAL))?;
    same(
        "F_GETFD(closed)",
        fcntl(CLOSED, F_GETFD, 0),
        Err(Errno::EBADF),
    )?;
    same(
        "fcntl(closed, 999)",
        fcntl(CLOSED, 999, 0),
        Err(Errno::EBADF),
    )?;
    let dup = syscall::dup_from(CLOSED, Fd(0), false);
    same("F_DUPFD(closed)", dup, Err(Errno::EBADF))?;
    same("fcntl(F_GETLK)", fcntl(fd, F_GETLK, 0), Err(Errno::EINVAL))?;
    same("fcntl(999)", fcntl(fd, 999, 0), Err(Errno::EINVAL))?;
    same("F_GETFD(-1)", fcntl(Fd(-1), F_GETFD, 0), Err(Errno::EBADF))?;
    for open in [fd, low, high] {
        syscall::close(open).map_err(failed("close"))?;
    }
    Ok(())
}

/// A pipe's ends have their access modes; F_SETFL(O_NONBLOCK) makes a
/// read of the empty pipe EAGAIN instead of waiting.
fn pipe_flags() -> Result<(), String> {
    use syscall::{F_GETFL, F_SETFL, O_ACCMODE, O_NONBLOCK, O_WRONLY, fcntl};
    let pipe = syscall::pipe().map_err(failed("pipe"))?;
    let mode = |fd| fcntl(fd, F_GETFL, 0).map(|flags| flags as u32 & O_ACCMODE);
    same("F_GETFL of the read end", mode(pipe.read), Ok(0))?;
    same("F_GETFL of the write end", mode(pipe.write), Ok(O_WRONLY))?;
    fcntl(pipe.read, F_SETFL, O_NONBLOCK).map_err(failed("F_SETFL(NONBLOCK)"))?;
    let mut byte = [0u8];
    let empty = syscall::read(pipe.read, &mut byte);
    same(
        "read of an empty O_NONBLOCK pipe",
        empty,
        Err(Errno::EAGAIN),
    )?;
    syscall::write_all(pipe.write, b"x").map_err(failed("write"))?;
    same(
        "read after a write",
        syscall::read(pipe.read, &mut byte),
        Ok(1),
    )?;
    syscall::close(pipe.read).map_err(failed("close"))?;
    syscall::close(pipe.write).map_err(failed("close"))
}

/// statx agrees with stat64 and lstat64, by path and by descriptor.
fn extended_status(link: &CStr, file: &CStr) -> Result<(), String> {
    use syscall::{AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, S_IFDIR, S_IFMT, S_IFREG};
    use syscall::{STATX_BASIC_STATS, statx};
    let basic = STATX_BASIC_STATS;
    let old = syscall::stat64(file).map_err(failed("stat64(file)"))?;
    let new = statx(AT_FDCWD, file, 0, basic).map_err(failed("statx(file)"))?;
    same("statx stx_mask", new.stx_mask & basic, basic)?;
    same("statx stx_ino", new.stx_ino, old.st_ino)?;
    same("statx stx_size", new.stx_size as i64, old.st_size)?;
    same("statx stx_mode", u32::from(new.stx_mode), old.st_mode)?;
    same("statx stx_nlink", new.stx_nlink, old.st_nlink)?;
    same("statx stx_blocks", new.stx_blocks, old.st_blocks)?;
    same(
        "statx stx_mtime",
        new.stx_mtime.tv_sec,
        i64::from(old.st_mtime),
    )?;
    let unasked = statx(AT_FDCWD, file, 0, 0).map_err(failed("statx(mask 0)"))?;
    same("statx(mask 0) stx_mask", unasked.stx_mask & basic, basic)?;
    let followed = statx(AT_FDCWD, link, 0, basic).map_err(failed("statx(link)"))?;
    same(
        "statx(link) type",
        u32::from(followed.stx_mode) & S_IFMT,
        S_IFREG,
    )?;
    same("statx(link) inode", followed.stx_ino, old.st_ino)?;
    let itself = statx(AT_FDCWD, link, AT_SYMLINK_NOFOLLOW, basic)
        .map_err(failed("statx(link, NOFOLLOW)"))?;
    same(
        "statx(link, NOFOLLOW) type",
        u32::from(itself.stx_mode) & S_IFMT,
        0o120_000,
    )?;
    same("statx(link, NOFOLLOW) size", itself.stx_size, 9)?;
    let fd = syscall::open(file, syscall::O_RDONLY, 0).map_err(failed("open"))?;
    let by_fd = statx(fd, c"", AT_EMPTY_PATH, basic).map_err(failed("statx(fd, EMPTY_PATH)"))?;
    syscall::close(fd).map_err(failed("close"))?;
    same(
        "statx(fd, \"\", EMPTY_PATH) inode",
        by_fd.stx_ino,
        old.st_ino,
    )?;
    let console = syscall::fstat64(Fd::STDOUT).map_err(failed("fstat64(1)"))?;
    let out = statx(Fd::STDOUT, c"", AT_EMPTY_PATH, basic).map_err(failed("statx(1)"))?;
    same("statx(1) mode", u32::from(out.stx_mode), console.st_mode)?;
    let rdev = (out.stx_rdev_major << 8) | out.stx_rdev_minor;
    same("statx(1) rdev", u64::from(rdev), console.st_rdev)?;
    let here = statx(AT_FDCWD, c"", AT_EMPTY_PATH, basic).map_err(failed("statx(cwd)"))?;
    same(
        "statx(AT_FDCWD, \"\", EMPTY_PATH) type",
        u32::from(here.stx_mode) & S_IFMT,
        S_IFDIR,
    )
}

/// statx's errors, in Linux's order: flags, mask, lookup, copy.
fn status_errors(file: &CStr) -> Result<(), String> {
    use syscall::{AT_EMPTY_PATH, AT_FDCWD, STATX_BASIC_STATS, statx};
    let ino = |result: Result<syscall::Statx, Errno>| result.map(|status| status.stx_ino);
    let basic = STATX_BASIC_STATS;
    let missing = statx(AT_FDCWD, c"/no/such/file", 0, basic);
    same("statx(missing)", ino(missing), Err(Errno::ENOENT))?;
    let empty = statx(AT_FDCWD, c"", 0, basic);
    same("statx(\"\")", ino(empty), Err(Errno::ENOENT))?;
    let closed = statx(CLOSED, c"", AT_EMPTY_PATH, basic);
    same(
        "statx(closed, \"\", EMPTY_PATH)",
        ino(closed),
        Err(Errno::EBADF),
    )?;
    let flags = statx(AT_FDCWD, file, 0x8000, basic);
    same("statx(flags 0x8000)", ino(flags), Err(Errno::EINVAL))?;
    let both_syncs = statx(AT_FDCWD, file, 0x6000, basic);
    same(
        "statx(FORCE_SYNC|DONT_SYNC)",
        ino(both_syncs),
        Err(Errno::EINVAL),
    )?;
    let reserved = statx(AT_FDCWD, file, 0, 0x8000_0000);
    same(
        "statx(mask STATX__RESERVED)",
        ino(reserved),
        Err(Errno::EINVAL),
    )?;
    let relative = statx(Fd::STDOUT, c"echo-args", 0, basic);
    same(
        "statx(fd, relative path)",
        ino(relative),
        Err(Errno::ENOSYS),
    )?;
    let path = file.as_ptr() as usize;
    let cwd = syscall::AT_FDCWD.0 as usize;
    expect_error(
        "statx(file, kernel address)",
        Sysnum::Statx,
        [cwd, path, 0, basic as usize, KERNEL_ADDRESS, 0],
        Errno::EFAULT,
    )?;
    expect_error(
        "statx(kernel address path)",
        Sysnum::Statx,
        [cwd, KERNEL_ADDRESS, 0, basic as usize, KERNEL_ADDRESS, 0],
        Errno::EFAULT,
    )?;
    Ok(())
}
