// SPDX-License-Identifier: MIT OR Apache-2.0
//! File descriptors: read, write, close, pipes, dup, fcntl and the terminal ioctl.
//!
//! Everything here works on an [`Fd`], whatever it names: the console
//! (fds 0-2 at start), a pipe end or a ramdisk file. Opening by path is in
//! `fs`. The terminal's `struct termios` is `abi`'s, decoded from the
//! bytes the kernel writes.

use super::{Sysnum, decode, decode_unit, raw};
use crate::Errno;

/// An open file descriptor, as the kernel numbers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fd(pub i32);

impl Fd {
    /// Standard input.
    pub const STDIN: Fd = Fd(0);
    /// Standard output.
    pub const STDOUT: Fd = Fd(1);
    /// Standard error.
    pub const STDERR: Fd = Fd(2);

    /// The descriptor as the register value the kernel expects.
    fn word(self) -> usize {
        self.0 as usize
    }

    /// A descriptor returned in r0 (always `0..=i32::MAX`).
    fn from_result(value: usize) -> Fd {
        Fd(value as i32)
    }
}

/// `read(fd, buf, len)`: reads up to `buf.len()` bytes; `Ok(0)` is end of file.
pub fn read(fd: Fd, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`, which
    // we borrow mutably for the call.
    decode(unsafe {
        raw::syscall3(
            Sysnum::Read,
            fd.word(),
            buf.as_mut_ptr() as usize,
            buf.len(),
        )
    })
}

/// `write(fd, buf, len)`: writes some prefix of `buf`, returning its length.
pub fn write(fd: Fd, buf: &[u8]) -> Result<usize, Errno> {
    // SAFETY: the kernel only reads `buf.len()` bytes of `buf`.
    decode(unsafe { raw::syscall3(Sysnum::Write, fd.word(), buf.as_ptr() as usize, buf.len()) })
}

/// Writes all of `buf`, retrying short writes and `EINTR`.
pub fn write_all(fd: Fd, mut buf: &[u8]) -> Result<(), Errno> {
    while !buf.is_empty() {
        match write(fd, buf) {
            // A zero-length write of a non-empty buffer would loop forever.
            Ok(0) => return Err(Errno::EINVAL),
            Ok(written) => buf = &buf[written.min(buf.len())..],
            Err(Errno::EINTR) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// One buffer of a gathered write, laid out as Linux's `struct iovec`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IoVec<'a> {
    base: *const u8,
    len: usize,
    _buffer: core::marker::PhantomData<&'a [u8]>,
}

impl<'a> IoVec<'a> {
    /// An iovec naming all of `buffer`.
    pub fn new(buffer: &'a [u8]) -> Self {
        IoVec {
            base: buffer.as_ptr(),
            len: buffer.len(),
            _buffer: core::marker::PhantomData,
        }
    }
}

/// `writev(fd, iov, count)`: writes the buffers in order as one write.
pub fn writev(fd: Fd, buffers: &[IoVec<'_>]) -> Result<usize, Errno> {
    // SAFETY: each IoVec borrows a live slice of its stated length for 'a,
    // and the array itself is borrowed for the call; the kernel only reads.
    decode(unsafe {
        raw::syscall3(
            Sysnum::Writev,
            fd.word(),
            buffers.as_ptr() as usize,
            buffers.len(),
        )
    })
}

/// `close(fd)`.
pub fn close(fd: Fd) -> Result<(), Errno> {
    // SAFETY: closing a descriptor touches no memory of ours.
    decode_unit(unsafe { raw::syscall1(Sysnum::Close, fd.word()) })
}

/// The two ends of a pipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pipe {
    /// The end to read from.
    pub read: Fd,
    /// The end to write to.
    pub write: Fd,
}

/// `pipe(fds)`.
pub fn pipe() -> Result<Pipe, Errno> {
    pipe_call(Sysnum::Pipe, 0)
}

/// `pipe2(fds, flags)`, with flags such as [`O_CLOEXEC`](super::O_CLOEXEC).
pub fn pipe2(flags: u32) -> Result<Pipe, Errno> {
    pipe_call(Sysnum::Pipe2, flags)
}

/// `pipe` and `pipe2` share their out-parameter: two `int`s.
fn pipe_call(number: Sysnum, flags: u32) -> Result<Pipe, Errno> {
    let mut fds = [-1i32; 2];
    // SAFETY: the kernel writes two ints into `fds`, which we own; `pipe`
    // ignores the second argument.
    decode_unit(unsafe { raw::syscall2(number, fds.as_mut_ptr() as usize, flags as usize) })?;
    Ok(Pipe {
        read: Fd(fds[0]),
        write: Fd(fds[1]),
    })
}

/// `dup(fd)`: a new descriptor for the same open file, the lowest free.
pub fn dup(fd: Fd) -> Result<Fd, Errno> {
    // SAFETY: touches no memory of ours.
    decode(unsafe { raw::syscall1(Sysnum::Dup, fd.word()) }).map(Fd::from_result)
}

/// `dup2(old, new)`: makes `new` name what `old` names, closing it first.
pub fn dup2(old: Fd, new: Fd) -> Result<Fd, Errno> {
    // SAFETY: touches no memory of ours.
    decode(unsafe { raw::syscall2(Sysnum::Dup2, old.word(), new.word()) }).map(Fd::from_result)
}

/// `dup3(old, new, flags)`: [`dup2`] with flags (`O_CLOEXEC`); `old == new`
/// is `EINVAL`.
pub fn dup3(old: Fd, new: Fd, flags: u32) -> Result<Fd, Errno> {
    // SAFETY: touches no memory of ours.
    decode(unsafe { raw::syscall3(Sysnum::Dup3, old.word(), new.word(), flags as usize) })
        .map(Fd::from_result)
}

pub use abi::fcntl::{
    F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_GETLK, F_SETFD, F_SETFL, FD_CLOEXEC, O_ACCMODE,
    O_APPEND,
};

/// `fcntl64(fd, command, argument)` for the commands whose argument is a
/// number, not a pointer (all the kernel implements: `F_DUPFD`,
/// `F_DUPFD_CLOEXEC`, `F_GETFD`, `F_SETFD`, `F_GETFL`, `F_SETFL`); the
/// result is the new descriptor or the flags, 0 for a set.
pub fn fcntl(fd: Fd, command: u32, argument: u32) -> Result<usize, Errno> {
    // SAFETY: with a numeric argument no command touches memory of ours;
    // a pointer-taking command (locks) is EINVAL here, and on Linux would
    // read or write only through `argument`, which is no pointer of ours.
    decode(unsafe {
        raw::syscall3(
            Sysnum::Fcntl64,
            fd.word(),
            command as usize,
            argument as usize,
        )
    })
}

/// `fcntl(fd, F_DUPFD, minimum)` or `F_DUPFD_CLOEXEC`: a duplicate at the
/// lowest free descriptor at or above `minimum`.
pub fn dup_from(fd: Fd, minimum: Fd, close_on_exec: bool) -> Result<Fd, Errno> {
    let command = if close_on_exec {
        F_DUPFD_CLOEXEC
    } else {
        F_DUPFD
    };
    fcntl(fd, command, minimum.0 as u32).map(Fd::from_result)
}

/// `ioctl(fd, request, argument)`.
///
/// # Safety
/// `argument` is interpreted by `request`: when the request reads or writes
/// through it as a pointer, it must point at memory of the right size and
/// mutability for the call.
pub unsafe fn ioctl(fd: Fd, request: u32, argument: usize) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for `argument` under `request`.
    decode(unsafe { raw::syscall3(Sysnum::Ioctl, fd.word(), request as usize, argument) })
}

pub use abi::termios::{TCGETS, TERMIOS_SIZE, Termios};

/// `ioctl(fd, TCGETS, &termios)`: the terminal settings, `ENOTTY` if `fd`
/// is not a terminal. The kernel's bytes are decoded by
/// [`Termios::from_bytes`].
pub fn tcgets(fd: Fd) -> Result<Termios, Errno> {
    let mut bytes = [0u8; TERMIOS_SIZE];
    // SAFETY: TCGETS writes one struct termios, TERMIOS_SIZE bytes, through
    // the pointer, which names our buffer of exactly that size.
    unsafe { ioctl(fd, TCGETS, bytes.as_mut_ptr() as usize) }?;
    Ok(Termios::from_bytes(&bytes))
}

/// Whether `fd` is a terminal (`TCGETS` succeeds), like libc's `isatty`.
pub fn isatty(fd: Fd) -> bool {
    tcgets(fd).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcgets_reports_the_host_stub_error() {
        assert_eq!(tcgets(Fd::STDOUT), Err(Errno::ENOSYS));
        assert!(!isatty(Fd::STDOUT));
    }

    #[test]
    fn write_all_reports_the_host_stub_error() {
        assert_eq!(write_all(Fd::STDOUT, b"x"), Err(Errno::ENOSYS));
        assert_eq!(write_all(Fd::STDOUT, b""), Ok(()));
    }

    #[test]
    fn fcntl_reports_the_host_stub_error() {
        assert_eq!(fcntl(Fd::STDOUT, F_GETFD, 0), Err(Errno::ENOSYS));
        assert_eq!(dup_from(Fd::STDOUT, Fd(10), true), Err(Errno::ENOSYS));
    }
}
