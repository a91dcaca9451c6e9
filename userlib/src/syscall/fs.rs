// SPDX-License-Identifier: MIT OR Apache-2.0
//! Files by path: open, openat, lseek, fstat64 and directory listing.
//!
//! The flag values are ARM's, which differ from the generic ones for
//! `O_DIRECTORY` and friends (arch/arm/include/uapi/asm/fcntl.h), and
//! [`Stat64`] is the EABI layout of `struct stat64`, 104 bytes with the
//! 64-bit fields 8-aligned. Directory entries come back from `getdents64` as
//! packed `linux_dirent64` records; [`Dirents`] walks them without trusting
//! their lengths.

use core::ffi::CStr;

use super::{Fd, Sysnum, decode, raw};
use crate::Errno;

/// Open for reading only.
pub const O_RDONLY: u32 = 0o0;
/// Open for writing only.
pub const O_WRONLY: u32 = 0o1;
/// Open for reading and writing.
pub const O_RDWR: u32 = 0o2;
/// Create the file if missing.
pub const O_CREAT: u32 = 0o100;
/// Non-blocking I/O.
pub const O_NONBLOCK: u32 = 0o4000;
/// Fail unless the path is a directory (ARM's value).
pub const O_DIRECTORY: u32 = 0o40000;
/// Close on `execve`.
pub const O_CLOEXEC: u32 = 0o2000000;

/// `openat`'s "relative to the current directory" descriptor.
pub const AT_FDCWD: Fd = Fd(-100);

/// `lseek` from the start of the file.
pub const SEEK_SET: u32 = 0;
/// `lseek` from the current position.
pub const SEEK_CUR: u32 = 1;
/// `lseek` from the end of the file.
pub const SEEK_END: u32 = 2;

/// `open(path, flags, mode)`.
pub fn open(path: &CStr, flags: u32, mode: u32) -> Result<Fd, Errno> {
    // SAFETY: `path` is a NUL-terminated string the kernel only reads.
    decode(unsafe {
        raw::syscall3(
            Sysnum::OPEN,
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
            Sysnum::OPENAT,
            dir.0 as usize,
            path.as_ptr() as usize,
            flags as usize,
            mode as usize,
        )
    })
    .map(|fd| Fd(fd as i32))
}

/// `lseek(fd, offset, whence)` with a 32-bit offset; returns the new position.
pub fn lseek(fd: Fd, offset: i32, whence: u32) -> Result<usize, Errno> {
    // SAFETY: touches no memory of ours.
    decode(unsafe {
        raw::syscall3(
            Sysnum::LSEEK,
            fd.0 as usize,
            offset as usize,
            whence as usize,
        )
    })
}

/// Linux ARM EABI `struct stat64` (arch/arm/include/uapi/asm/stat.h).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stat64 {
    /// Device.
    pub st_dev: u64,
    __pad0: [u8; 4],
    /// Inode number, truncated to 32 bits (see `st_ino`).
    pub __st_ino: u32,
    /// File type and permission bits (`S_IFREG | 0o755`, ...).
    pub st_mode: u32,
    /// Hard links.
    pub st_nlink: u32,
    /// Owner.
    pub st_uid: u32,
    /// Group.
    pub st_gid: u32,
    /// Device, for device files.
    pub st_rdev: u64,
    __pad3: [u8; 4],
    /// Size in bytes.
    pub st_size: i64,
    /// Preferred I/O size.
    pub st_blksize: u32,
    /// 512-byte blocks allocated.
    pub st_blocks: u64,
    /// Access time, seconds.
    pub st_atime: u32,
    /// Access time, nanoseconds.
    pub st_atime_nsec: u32,
    /// Modification time, seconds.
    pub st_mtime: u32,
    /// Modification time, nanoseconds.
    pub st_mtime_nsec: u32,
    /// Status change time, seconds.
    pub st_ctime: u32,
    /// Status change time, nanoseconds.
    pub st_ctime_nsec: u32,
    /// Inode number.
    pub st_ino: u64,
}

/// File type mask of `st_mode`.
pub const S_IFMT: u32 = 0o170000;
/// Regular file.
pub const S_IFREG: u32 = 0o100000;
/// Directory.
pub const S_IFDIR: u32 = 0o040000;

/// `fstat64(fd, &stat)`.
pub fn fstat64(fd: Fd) -> Result<Stat64, Errno> {
    let mut stat = Stat64::default();
    // SAFETY: the kernel writes one struct stat64 (104 bytes, checked by a
    // test) into our local.
    decode(unsafe { raw::syscall2(Sysnum::FSTAT64, fd.0 as usize, &raw mut stat as usize) })?;
    Ok(stat)
}

/// `getdents64(fd, buf, len)`: fills `buf` with directory records; walk
/// them with [`Dirents`]. `Ok(0)` is the end of the directory.
pub fn getdents64(fd: Fd, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    decode(unsafe {
        raw::syscall3(
            Sysnum::GETDENTS64,
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

/// `d_type` of a regular file.
pub const DT_REG: u8 = 8;
/// `d_type` of a directory.
pub const DT_DIR: u8 = 4;

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
    const NAME_OFFSET: usize = 19;

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
    fn stat64_has_the_eabi_layout() {
        assert_eq!(core::mem::size_of::<Stat64>(), 104);
        assert_eq!(core::mem::offset_of!(Stat64, st_mode), 16);
        assert_eq!(core::mem::offset_of!(Stat64, st_size), 48);
        assert_eq!(core::mem::offset_of!(Stat64, st_blocks), 64);
        assert_eq!(core::mem::offset_of!(Stat64, st_ino), 96);
    }

    /// A `linux_dirent64` record padded to 8 bytes, as Linux writes it.
    fn record(inode: u64, kind: u8, name: &[u8], out: &mut [u8]) -> usize {
        let length = (19 + name.len() + 1).next_multiple_of(8);
        out[..length].fill(0);
        out[0..8].copy_from_slice(&inode.to_le_bytes());
        out[16..18].copy_from_slice(&(length as u16).to_le_bytes());
        out[18] = kind;
        out[19..19 + name.len()].copy_from_slice(name);
        length
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
