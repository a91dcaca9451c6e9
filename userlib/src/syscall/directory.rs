// SPDX-License-Identifier: MIT OR Apache-2.0
//! The process's two directories: its root (chroot) and its working one.
//!
//! `chroot` and `chdir` take a path; `getcwd` fills a caller's buffer, so
//! no allocation happens here. The kernel's `getcwd` returns Linux's
//! value, the length with the NUL; [`getcwd`] hands back the path without
//! it, cut at the first NUL, so a kernel that counted differently cannot
//! make us read past what it wrote.
//!
//! `chroot` matters beyond file names on KML-rs: a chrooted process never
//! runs a `/trusted/` program in SYSTEM mode (issue 5).

use core::ffi::CStr;

use super::{Sysnum, decode, decode_unit, raw};
use crate::Errno;

pub use abi::fcntl::PATH_MAX;

/// `chroot(path)`: `path` becomes the caller's `/` for every later lookup.
pub fn chroot(path: &CStr) -> Result<(), Errno> {
    // SAFETY: `path` is a NUL-terminated string the kernel only reads.
    decode_unit(unsafe { raw::syscall1(Sysnum::Chroot, path.as_ptr() as usize) })
}

/// `chdir(path)`: `path` becomes the directory relative paths start from.
pub fn chdir(path: &CStr) -> Result<(), Errno> {
    // SAFETY: `path` is a NUL-terminated string the kernel only reads.
    decode_unit(unsafe { raw::syscall1(Sysnum::Chdir, path.as_ptr() as usize) })
}

/// `getcwd(buf, len)`: the working directory, written into `buf` and
/// returned as the part of it before the NUL. A buffer too small for the
/// path and its NUL gives `ERANGE`; [`PATH_MAX`] bytes always suffice.
pub fn getcwd(buf: &mut [u8]) -> Result<&[u8], Errno> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`,
    // which we borrow mutably for the call.
    let length =
        decode(unsafe { raw::syscall2(Sysnum::Getcwd, buf.as_mut_ptr() as usize, buf.len()) })?;
    let written = &buf[..length.min(buf.len())];
    let path_length = written
        .iter()
        .position(|&byte| byte == 0)
        .unwrap_or(written.len());
    Ok(&written[..path_length])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_stubs_say_enosys() {
        let mut buffer = [0u8; 16];
        assert_eq!(getcwd(&mut buffer), Err(Errno::ENOSYS));
        assert_eq!(chdir(c"/bin"), Err(Errno::ENOSYS));
        assert_eq!(chroot(c"/jail"), Err(Errno::ENOSYS));
    }
}
