// SPDX-License-Identifier: MIT OR Apache-2.0
//! `struct stat64` as ARM EABI lays it out, and the file mode bits.
//!
//! fstat64, stat64 and lstat64 fill this struct (arch/arm/include/uapi/
//! asm/stat.h). Its odd padding comes from glibc 2.1: `__st_ino` holds the
//! low 32 bits of the inode number and `st_ino` at the end the whole of it;
//! EABI aligns the `long long` fields to 8, which adds four hidden bytes
//! before `st_size` and before `st_blocks`. The size and every offset are
//! checked against those of the C struct (compiled with
//! `arm-linux-gnueabihf-gcc`) at build time. Times are 32-bit seconds and
//! nanoseconds.

use crate::bytes::{get_u32, get_u64, put_u32, put_u64};
use core::mem::{offset_of, size_of};

/// Mask of the file-type bits of a mode.
pub const S_IFMT: u32 = 0o170_000;
/// Socket.
pub const S_IFSOCK: u32 = 0o140_000;
/// Symbolic link.
pub const S_IFLNK: u32 = 0o120_000;
/// Regular file.
pub const S_IFREG: u32 = 0o100_000;
/// Block device.
pub const S_IFBLK: u32 = 0o060_000;
/// Directory.
pub const S_IFDIR: u32 = 0o040_000;
/// Character device.
pub const S_IFCHR: u32 = 0o020_000;
/// FIFO (pipe).
pub const S_IFIFO: u32 = 0o010_000;
/// Set user id on execution.
pub const S_ISUID: u32 = 0o4000;
/// Set group id on execution.
pub const S_ISGID: u32 = 0o2000;
/// Sticky bit.
pub const S_ISVTX: u32 = 0o1000;
/// Owner may read, write and execute.
pub const S_IRWXU: u32 = 0o700;
/// Owner may execute (search, for a directory).
pub const S_IXUSR: u32 = 0o100;
/// Anyone may execute: the bits execve checks, here where there are no users.
pub const S_IXUGO: u32 = 0o111;

/// Whether `mode` is of file type `kind` (one of the `S_IF*` types).
pub const fn is_type(mode: u32, kind: u32) -> bool {
    mode & S_IFMT == kind
}

/// The size of `struct stat64` on ARM EABI.
pub const STAT64_SIZE: usize = 104;

/// ARM EABI's `struct stat64`. Serialise it with [`Stat64::to_bytes`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stat64 {
    /// Device holding the file.
    pub st_dev: u64,
    /// Padding (`__pad0`), zero.
    pub pad0: [u8; 4],
    /// Low 32 bits of the inode number (`__st_ino`).
    pub st_ino_low: u32,
    /// File type and permission bits.
    pub st_mode: u32,
    /// Number of hard links.
    pub st_nlink: u32,
    /// Owner's user id.
    pub st_uid: u32,
    /// Owner's group id.
    pub st_gid: u32,
    /// Device number, for device files.
    pub st_rdev: u64,
    /// Padding (`__pad3`), zero.
    pub pad3: [u8; 4],
    /// Size in bytes.
    pub st_size: i64,
    /// Preferred I/O block size.
    pub st_blksize: u32,
    /// Number of 512-byte blocks allocated.
    pub st_blocks: u64,
    /// Last access, seconds.
    pub st_atime: u32,
    /// Last access, nanoseconds.
    pub st_atime_nsec: u32,
    /// Last modification, seconds.
    pub st_mtime: u32,
    /// Last modification, nanoseconds.
    pub st_mtime_nsec: u32,
    /// Last status change, seconds.
    pub st_ctime: u32,
    /// Last status change, nanoseconds.
    pub st_ctime_nsec: u32,
    /// The whole inode number.
    pub st_ino: u64,
}

// The layout of the C struct, as arm-linux-gnueabihf-gcc computes it.
const _: () = assert!(size_of::<Stat64>() == STAT64_SIZE);
const _: () = assert!(offset_of!(Stat64, st_dev) == 0);
const _: () = assert!(offset_of!(Stat64, st_ino_low) == 12);
const _: () = assert!(offset_of!(Stat64, st_mode) == 16);
const _: () = assert!(offset_of!(Stat64, st_nlink) == 20);
const _: () = assert!(offset_of!(Stat64, st_uid) == 24);
const _: () = assert!(offset_of!(Stat64, st_gid) == 28);
const _: () = assert!(offset_of!(Stat64, st_rdev) == 32);
const _: () = assert!(offset_of!(Stat64, st_size) == 48);
const _: () = assert!(offset_of!(Stat64, st_blksize) == 56);
const _: () = assert!(offset_of!(Stat64, st_blocks) == 64);
const _: () = assert!(offset_of!(Stat64, st_atime) == 72);
const _: () = assert!(offset_of!(Stat64, st_mtime) == 80);
const _: () = assert!(offset_of!(Stat64, st_ctime) == 88);
const _: () = assert!(offset_of!(Stat64, st_ino) == 96);

impl Stat64 {
    /// A file with inode `inode`, mode `mode` and `size` bytes: one link,
    /// owned by root, 4 KiB blocks, times zero.
    pub const fn new(inode: u64, mode: u32, size: i64) -> Stat64 {
        let blocks = if size > 0 {
            (size as u64).div_ceil(512)
        } else {
            0
        };
        Stat64 {
            st_dev: 0,
            pad0: [0; 4],
            st_ino_low: inode as u32,
            st_mode: mode,
            st_nlink: 1,
            st_uid: 0,
            st_gid: 0,
            st_rdev: 0,
            pad3: [0; 4],
            st_size: size,
            st_blksize: 4096,
            st_blocks: blocks,
            st_atime: 0,
            st_atime_nsec: 0,
            st_mtime: 0,
            st_mtime_nsec: 0,
            st_ctime: 0,
            st_ctime_nsec: 0,
            st_ino: inode,
        }
    }

    /// The bytes a program sees, little-endian; padding is always zero.
    pub fn to_bytes(&self) -> [u8; STAT64_SIZE] {
        let mut bytes = [0; STAT64_SIZE];
        put_u64(&mut bytes, offset_of!(Stat64, st_dev), self.st_dev);
        bytes[8..12].copy_from_slice(&self.pad0);
        put_u32(&mut bytes, offset_of!(Stat64, st_ino_low), self.st_ino_low);
        put_u32(&mut bytes, offset_of!(Stat64, st_mode), self.st_mode);
        put_u32(&mut bytes, offset_of!(Stat64, st_nlink), self.st_nlink);
        put_u32(&mut bytes, offset_of!(Stat64, st_uid), self.st_uid);
        put_u32(&mut bytes, offset_of!(Stat64, st_gid), self.st_gid);
        put_u64(&mut bytes, offset_of!(Stat64, st_rdev), self.st_rdev);
        bytes[40..44].copy_from_slice(&self.pad3);
        put_u64(&mut bytes, offset_of!(Stat64, st_size), self.st_size as u64);
        put_u32(&mut bytes, offset_of!(Stat64, st_blksize), self.st_blksize);
        put_u64(&mut bytes, offset_of!(Stat64, st_blocks), self.st_blocks);
        put_u32(&mut bytes, offset_of!(Stat64, st_atime), self.st_atime);
        put_u32(
            &mut bytes,
            offset_of!(Stat64, st_atime_nsec),
            self.st_atime_nsec,
        );
        put_u32(&mut bytes, offset_of!(Stat64, st_mtime), self.st_mtime);
        put_u32(
            &mut bytes,
            offset_of!(Stat64, st_mtime_nsec),
            self.st_mtime_nsec,
        );
        put_u32(&mut bytes, offset_of!(Stat64, st_ctime), self.st_ctime);
        put_u32(
            &mut bytes,
            offset_of!(Stat64, st_ctime_nsec),
            self.st_ctime_nsec,
        );
        put_u64(&mut bytes, offset_of!(Stat64, st_ino), self.st_ino);
        bytes
    }

    /// The struct from the bytes a kernel wrote (for userlib and tests).
    pub fn from_bytes(bytes: &[u8; STAT64_SIZE]) -> Stat64 {
        let mut pad0 = [0; 4];
        pad0.copy_from_slice(&bytes[8..12]);
        let mut pad3 = [0; 4];
        pad3.copy_from_slice(&bytes[40..44]);
        Stat64 {
            st_dev: get_u64(bytes, offset_of!(Stat64, st_dev)),
            pad0,
            st_ino_low: get_u32(bytes, offset_of!(Stat64, st_ino_low)),
            st_mode: get_u32(bytes, offset_of!(Stat64, st_mode)),
            st_nlink: get_u32(bytes, offset_of!(Stat64, st_nlink)),
            st_uid: get_u32(bytes, offset_of!(Stat64, st_uid)),
            st_gid: get_u32(bytes, offset_of!(Stat64, st_gid)),
            st_rdev: get_u64(bytes, offset_of!(Stat64, st_rdev)),
            pad3,
            st_size: get_u64(bytes, offset_of!(Stat64, st_size)) as i64,
            st_blksize: get_u32(bytes, offset_of!(Stat64, st_blksize)),
            st_blocks: get_u64(bytes, offset_of!(Stat64, st_blocks)),
            st_atime: get_u32(bytes, offset_of!(Stat64, st_atime)),
            st_atime_nsec: get_u32(bytes, offset_of!(Stat64, st_atime_nsec)),
            st_mtime: get_u32(bytes, offset_of!(Stat64, st_mtime)),
            st_mtime_nsec: get_u32(bytes, offset_of!(Stat64, st_mtime_nsec)),
            st_ctime: get_u32(bytes, offset_of!(Stat64, st_ctime)),
            st_ctime_nsec: get_u32(bytes, offset_of!(Stat64, st_ctime_nsec)),
            st_ino: get_u64(bytes, offset_of!(Stat64, st_ino)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_land_at_c_offsets() {
        let stat = Stat64 {
            st_mode: S_IFREG | 0o755,
            st_uid: 0x1111_2222,
            ..Stat64::new(0x1_2345_6789, 0, 0x10_0000_0001)
        };
        let bytes = stat.to_bytes();
        assert_eq!(bytes[12..16], 0x2345_6789u32.to_le_bytes());
        assert_eq!(bytes[16..20], (0o100_755u32).to_le_bytes());
        assert_eq!(bytes[20..24], 1u32.to_le_bytes());
        assert_eq!(bytes[24..28], 0x1111_2222u32.to_le_bytes());
        assert_eq!(bytes[48..56], 0x10_0000_0001u64.to_le_bytes());
        assert_eq!(bytes[56..60], 4096u32.to_le_bytes());
        assert_eq!(
            bytes[64..72],
            0x800_0001u64.to_le_bytes(),
            "512-byte blocks, rounded up"
        );
        assert_eq!(bytes[96..104], 0x1_2345_6789u64.to_le_bytes());
        // The hidden alignment padding is zero.
        assert_eq!(bytes[44..48], [0; 4]);
        assert_eq!(bytes[60..64], [0; 4]);
    }

    #[test]
    fn bytes_round_trip() {
        let stat = Stat64 {
            st_dev: 0x0102_0304_0506_0708,
            st_rdev: 42,
            st_atime: 1,
            st_atime_nsec: 2,
            st_mtime: 3,
            st_mtime_nsec: 4,
            st_ctime: 5,
            st_ctime_nsec: 6,
            ..Stat64::new(7, S_IFDIR | 0o555, 0)
        };
        assert_eq!(Stat64::from_bytes(&stat.to_bytes()), stat);
        assert_eq!(stat.st_blocks, 0);
    }

    #[test]
    fn mode_types_are_linux_values() {
        assert_eq!(S_IFDIR, 0x4000);
        assert_eq!(S_IFREG, 0x8000);
        assert!(is_type(S_IFLNK | 0o777, S_IFLNK));
        assert!(
            !is_type(S_IFSOCK, S_IFREG),
            "socket shares bits with regular"
        );
        assert!(is_type(S_IFIFO | 0o600, S_IFIFO));
        assert!(is_type(S_IFCHR | 0o620, S_IFCHR));
    }
}
