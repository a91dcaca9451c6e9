// SPDX-License-Identifier: MIT OR Apache-2.0
//! Files by path: open, lseek, fstat64, stat64/lstat64, statx, readlink, directory listing.
//!
//! The flag values, [`Stat64`] and the `d_type` values are `abi`'s, the
//! ones the kernel uses: ARM's open flags differ from the generic ones for
//! `O_DIRECTORY` and friends, and `struct stat64` has ARM EABI's padding.
//! The kernel writes the stat into a byte buffer, which
//! [`Stat64::from_bytes`] decodes, so no layout is assumed here. Directory
//! entries come back from `getdents64` as packed `linux_dirent64` records;
//! [`Dirents`] walks them without trusting their lengths.

use core::ffi::CStr;

use super::{Fd, Sysnum, decode, raw};
use crate::Errno;

pub use abi::fcntl::{AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW};
pub use abi::fcntl::{
    O_CLOEXEC, O_CREAT, O_DIRECTORY, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY, SEEK_CUR, SEEK_END,
    SEEK_SET,
};
pub use abi::stat::{S_IFDIR, S_IFMT, S_IFREG, STAT64_SIZE, Stat64};
pub use abi::statx::{STATX_BASIC_STATS, STATX_SIZE, Statx};

/// `openat`'s "relative to the current directory" descriptor.
pub const AT_FDCWD: Fd = Fd(abi::fcntl::AT_FDCWD);

/// `open(path, flags, mode)`.
pub fn open(path: &CStr, flags: u32, mode: u32) -> Result<Fd, Errno> {
    // SAFETY: `path` is a NUL-terminated string the kernel only reads.
    decode(unsafe {
        raw::syscall3(
            Sysnum::Open,
            path.as_ptr() as usize,
            flags as usize,
            mode as usize,
        )
    })
    .map(|fd| Fd(fd as i32))
}

/// `openat(dir, path, flags, mode)`; `dir` may be [`AT_FDCWD`].
pub fn openat(dir: Fd, path: &CStr, flags: u32, mode: u32) -> Result<Fd, Errno> {
    // SAFETY: `path` is a NUL-terminated string the kernel only reads.
    decode(unsafe {
        raw::syscall4(
            Sysnum::Openat,
            dir.0 as usize,
            path.as_ptr() as usize,
            flags as usize,
            mode as usize,
        )
    })
    .map(|fd| Fd(fd as i32))
}

/// `stat64(path)`: follows a final symlink.
pub fn stat64(path: &CStr) -> Result<Stat64, Errno> {
    fstatat64(AT_FDCWD, path, 0)
}

/// `lstat64(path)`: a final symlink itself.
pub fn lstat64(path: &CStr) -> Result<Stat64, Errno> {
    fstatat64(AT_FDCWD, path, abi::fcntl::AT_SYMLINK_NOFOLLOW)
}

/// `fstatat64(dir, path, flags)`.
pub fn fstatat64(dir: Fd, path: &CStr, flags: u32) -> Result<Stat64, Errno> {
    let mut bytes = [0u8; STAT64_SIZE];
    // SAFETY: the kernel reads the NUL-terminated `path` and writes one
    // struct stat64, STAT64_SIZE bytes, into our buffer.
    decode(unsafe {
        raw::syscall4(
            Sysnum::Fstatat64,
            dir.0 as usize,
            path.as_ptr() as usize,
            bytes.as_mut_ptr() as usize,
            flags as usize,
        )
    })?;
    Ok(Stat64::from_bytes(&bytes))
}

/// `statx(dir, path, flags, mask)`: the extended status, decoded by
/// [`Statx::from_bytes`]; `stx_mask` says which fields the kernel filled.
/// With [`AT_EMPTY_PATH`] and an empty `path`, the status of `dir` itself.
pub fn statx(dir: Fd, path: &CStr, flags: u32, mask: u32) -> Result<Statx, Errno> {
    let mut bytes = [0u8; STATX_SIZE];
    // SAFETY: the kernel reads the NUL-terminated `path` and writes one
    // struct statx, STATX_SIZE bytes, into our buffer of exactly that size.
    decode(unsafe {
        raw::syscall6(
            Sysnum::Statx,
            [
                dir.0 as usize,
                path.as_ptr() as usize,
                flags as usize,
                mask as usize,
                bytes.as_mut_ptr() as usize,
                0,
            ],
        )
    })?;
    Ok(Statx::from_bytes(&bytes))
}

/// `readlink(path, buffer)`: the symlink's target, cut to the buffer
/// (no NUL is added).
pub fn readlink<'a>(path: &CStr, buffer: &'a mut [u8]) -> Result<&'a [u8], Errno> {
    readlinkat(AT_FDCWD, path, buffer)
}

/// `readlinkat(dir, path, buffer)`.
pub fn readlinkat<'a>(dir: Fd, path: &CStr, buffer: &'a mut [u8]) -> Result<&'a [u8], Errno> {
    // SAFETY: the kernel reads the NUL-terminated `path` and writes at
    // most `buffer.len()` bytes into `buffer`.
    let length = decode(unsafe {
        raw::syscall4(
            Sysnum::Readlinkat,
            dir.0 as usize,
            path.as_ptr() as usize,
            buffer.as_mut_ptr() as usize,
            buffer.len(),
        )
    })?;
    Ok(&buffer[..length.min(buffer.len())])
}

/// `lseek(fd, offset, whence)` with a 32-bit offset; returns the new position.
pub fn lseek(fd: Fd, offset: i32, whence: u32) -> Result<usize, Errno> {
    // SAFETY: touches no memory of ours.
    decode(unsafe {
        raw::syscall3(
            Sysnum::Lseek,
            fd.0 as usize,
            offset as usize,
            whence as usize,
        )
    })
}

/// `fstat64(fd, &stat)`: the kernel's bytes, decoded by [`Stat64::from_bytes`].
pub fn fstat64(fd: Fd) -> Result<Stat64, Errno> {
    let mut bytes = [0u8; STAT64_SIZE];
    // SAFETY: the kernel writes one struct stat64, STAT64_SIZE bytes, into
    // our buffer of exactly that size.
    decode(unsafe { raw::syscall2(Sysnum::Fstat64, fd.0 as usize, bytes.as_mut_ptr() as usize) })?;
    Ok(Stat64::from_bytes(&bytes))
}

/// `getdents64(fd, buf, len)`: fills `buf` with directory records; walk
/// them with [`Dirents`]. `Ok(0)` is the end of the directory.
pub fn getdents64(fd: Fd, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    decode(unsafe {
        raw::syscall3(
            Sysnum::Getdents64,
            fd.0 as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
        )
    })
}

/// One directory entry from [`Dirents`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dirent<'a> {
    /// Inode number.
    pub inode: u64,
    /// `DT_*` type (8 = regular file, 4 = directory, 0 = unknown).
    pub kind: u8,
    /// The name, without its NUL.
    pub name: &'a [u8],
}

pub use abi::dirent::{DT_DIR, DT_REG};

/// Walks the `linux_dirent64` records `getdents64` wrote:
/// `u64 d_ino, i64 d_off, u16 d_reclen, u8 d_type, char d_name[]`.
///
/// A record whose length is too short or runs past the buffer ends the
/// walk: we never read outside what the kernel returned.
#[derive(Clone, Debug)]
pub struct Dirents<'a> {
    rest: &'a [u8],
}

impl<'a> Dirents<'a> {
    /// Offset of `d_name` in a record.
    const NAME_OFFSET: usize = abi::dirent::NAME_OFFSET;

    /// The records in `filled`, the prefix of the buffer `getdents64` filled.
    pub fn new(filled: &'a [u8]) -> Self {
        Dirents { rest: filled }
    }
}

impl<'a> Iterator for Dirents<'a> {
    type Item = Dirent<'a>;

    fn next(&mut self) -> Option<Dirent<'a>> {
        let header = self.rest.get(..Self::NAME_OFFSET)?;
        let inode = u64::from_le_bytes(header[0..8].try_into().ok()?);
        let length = usize::from(u16::from_le_bytes([header[16], header[17]]));
        let kind = header[18];
        if length < Self::NAME_OFFSET || length > self.rest.len() {
            self.rest = &[];
            return None;
        }
        let (record, rest) = self.rest.split_at(length);
        self.rest = rest;
        let name_field = &record[Self::NAME_OFFSET..];
        let name_length = name_field
            .iter()
            .position(|&byte| byte == 0)
            .unwrap_or(name_field.len());
        Some(Dirent {
            inode,
            kind,
            name: &name_field[..name_length],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fstat64_reports_the_host_stub_error() {
        assert_eq!(fstat64(Fd::STDIN), Err(Errno::ENOSYS));
        let status = statx(Fd::STDIN, c"", AT_EMPTY_PATH, STATX_BASIC_STATS);
        assert_eq!(status, Err(Errno::ENOSYS));
    }

    /// A `linux_dirent64` record written by the kernel's own encoder, so
    /// the walker is tested against what getdents64 really produces.
    fn record(inode: u64, kind: u8, name: &[u8], out: &mut [u8]) -> usize {
        let entry = abi::dirent::Dirent64 {
            inode,
            next_offset: 0,
            kind,
            name,
        };
        abi::dirent::encode(out, &entry).expect("record fits")
    }

    #[test]
    fn dirents_walks_records() {
        let mut buffer = [0u8; 128];
        let mut used = record(1, DT_DIR, b".", &mut buffer);
        used += record(7, DT_REG, b"bad-magic", &mut buffer[used..]);
        let names: [Option<Dirent<'_>>; 3] = {
            let mut walk = Dirents::new(&buffer[..used]);
            [walk.next(), walk.next(), walk.next()]
        };
        assert_eq!(names[0].map(|entry| entry.name), Some(&b"."[..]));
        assert_eq!(
            names[1].map(|entry| (entry.inode, entry.kind)),
            Some((7, DT_REG))
        );
        assert_eq!(names[1].map(|entry| entry.name), Some(&b"bad-magic"[..]));
        assert_eq!(names[2], None);
    }

    #[test]
    fn dirents_stops_at_a_lying_length() {
        let mut buffer = [0u8; 64];
        let used = record(1, DT_REG, b"file", &mut buffer);
        buffer[16..18].copy_from_slice(&200u16.to_le_bytes());
        assert_eq!(Dirents::new(&buffer[..used]).next(), None);
        buffer[16..18].copy_from_slice(&3u16.to_le_bytes());
        assert_eq!(Dirents::new(&buffer[..used]).next(), None);
        assert_eq!(Dirents::new(&buffer[..10]).next(), None);
    }
}
