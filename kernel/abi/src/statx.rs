// SPDX-License-Identifier: MIT OR Apache-2.0
//! `struct statx` (include/uapi/linux/stat.h) and its mask bits.
//!
//! Unlike `struct stat64`, statx's layout is the same on every
//! architecture: 256 bytes of naturally aligned fields with no hidden
//! padding, 64-bit sizes and times, the device numbers split into major
//! and minor. `stx_mask` tells the program which fields the kernel filled;
//! the request mask is a wish, not a promise. Times are
//! `struct statx_timestamp` (signed 64-bit seconds, 32-bit nanoseconds, a
//! reserved word). Only the fields up to `stx_dev_minor` are modelled; the
//! rest (mount id, direct-I/O alignment, atomic-write units, spares) is
//! written as zero, which with no bit in `stx_mask` means "not filled".

use crate::bytes::{get_u16, get_u32, get_u64, put_u16, put_u32, put_u64};
use crate::stat::Stat64;
use core::mem::offset_of;

/// The size of `struct statx`.
pub const STATX_SIZE: usize = 256;

/// `stx_mode & S_IFMT` is filled.
pub const STATX_TYPE: u32 = 0x1;
/// `stx_mode & !S_IFMT` is filled.
pub const STATX_MODE: u32 = 0x2;
/// `stx_nlink` is filled.
pub const STATX_NLINK: u32 = 0x4;
/// `stx_uid` is filled.
pub const STATX_UID: u32 = 0x8;
/// `stx_gid` is filled.
pub const STATX_GID: u32 = 0x10;
/// `stx_atime` is filled.
pub const STATX_ATIME: u32 = 0x20;
/// `stx_mtime` is filled.
pub const STATX_MTIME: u32 = 0x40;
/// `stx_ctime` is filled.
pub const STATX_CTIME: u32 = 0x80;
/// `stx_ino` is filled.
pub const STATX_INO: u32 = 0x100;
/// `stx_size` is filled.
pub const STATX_SIZE_FIELD: u32 = 0x200;
/// `stx_blocks` is filled.
pub const STATX_BLOCKS: u32 = 0x400;
/// What `stat64` gives: every bit above.
pub const STATX_BASIC_STATS: u32 = 0x7ff;
/// `stx_btime` is filled (never, here: the ramdisk keeps no birth time).
pub const STATX_BTIME: u32 = 0x800;
/// Reserved for a future `struct statx` extension: asking is `EINVAL`.
pub const STATX_RESERVED: u32 = 0x8000_0000;

/// statx flags: the sync-type field (`AT_STATX_FORCE_SYNC` and
/// `AT_STATX_DONT_SYNC`; both at once is `EINVAL`).
pub const AT_STATX_SYNC_TYPE: u32 = 0x6000;
/// `*at` calls: do not mount an automount point (accepted, meaningless here).
pub const AT_NO_AUTOMOUNT: u32 = 0x800;

/// `struct statx_timestamp`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatxTimestamp {
    /// Seconds since the epoch.
    pub tv_sec: i64,
    /// Nanoseconds.
    pub tv_nsec: u32,
    /// Reserved, zero.
    pub reserved: i32,
}

/// `struct statx`, up to `stx_dev_minor`; serialise with [`Statx::to_bytes`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Statx {
    /// Which fields are filled (`STATX_*`).
    pub stx_mask: u32,
    /// Preferred I/O block size.
    pub stx_blksize: u32,
    /// File attributes (`STATX_ATTR_*`); none here.
    pub stx_attributes: u64,
    /// Number of hard links.
    pub stx_nlink: u32,
    /// Owner's user id.
    pub stx_uid: u32,
    /// Owner's group id.
    pub stx_gid: u32,
    /// File type and permission bits.
    pub stx_mode: u16,
    /// Padding (`__spare0`), zero.
    pub spare0: u16,
    /// Inode number.
    pub stx_ino: u64,
    /// Size in bytes.
    pub stx_size: u64,
    /// Number of 512-byte blocks allocated.
    pub stx_blocks: u64,
    /// Which `stx_attributes` bits this file system supports.
    pub stx_attributes_mask: u64,
    /// Last access.
    pub stx_atime: StatxTimestamp,
    /// Creation.
    pub stx_btime: StatxTimestamp,
    /// Last status change.
    pub stx_ctime: StatxTimestamp,
    /// Last modification.
    pub stx_mtime: StatxTimestamp,
    /// Device number's major half, for device files.
    pub stx_rdev_major: u32,
    /// Device number's minor half, for device files.
    pub stx_rdev_minor: u32,
    /// Major number of the device holding the file.
    pub stx_dev_major: u32,
    /// Minor number of the device holding the file.
    pub stx_dev_minor: u32,
}

// The UAPI layout (include/uapi/linux/stat.h), the same on every
// architecture.
const _: () = assert!(core::mem::size_of::<StatxTimestamp>() == 16);
const _: () = assert!(offset_of!(Statx, stx_dev_minor) + 4 <= STATX_SIZE);

/// The major number of a `stat64` device number (glibc's `gnu_dev_major`).
pub const fn major(device: u64) -> u32 {
    (((device >> 32) & 0xffff_f000) | ((device >> 8) & 0xfff)) as u32
}

/// The minor number of a `stat64` device number (glibc's `gnu_dev_minor`).
pub const fn minor(device: u64) -> u32 {
    (((device >> 12) & 0xffff_ff00) | (device & 0xff)) as u32
}

/// A timestamp from stat64's 32-bit seconds and nanoseconds.
const fn timestamp(seconds: u32, nanoseconds: u32) -> StatxTimestamp {
    StatxTimestamp {
        tv_sec: seconds as i64,
        tv_nsec: nanoseconds,
        reserved: 0,
    }
}

impl Statx {
    /// The statx record holding what `status` holds: every basic field,
    /// so `stx_mask` is `STATX_BASIC_STATS` whatever was asked for (Linux
    /// too fills what it has cheaply, and the mask says so).
    pub const fn from_stat64(status: &Stat64) -> Statx {
        Statx {
            stx_mask: STATX_BASIC_STATS,
            stx_blksize: status.st_blksize,
            stx_attributes: 0,
            stx_nlink: status.st_nlink,
            stx_uid: status.st_uid,
            stx_gid: status.st_gid,
            stx_mode: status.st_mode as u16,
            spare0: 0,
            stx_ino: status.st_ino,
            stx_size: status.st_size as u64,
            stx_blocks: status.st_blocks,
            stx_attributes_mask: 0,
            stx_atime: timestamp(status.st_atime, status.st_atime_nsec),
            stx_btime: timestamp(0, 0),
            stx_ctime: timestamp(status.st_ctime, status.st_ctime_nsec),
            stx_mtime: timestamp(status.st_mtime, status.st_mtime_nsec),
            stx_rdev_major: major(status.st_rdev),
            stx_rdev_minor: minor(status.st_rdev),
            stx_dev_major: major(status.st_dev),
            stx_dev_minor: minor(status.st_dev),
        }
    }

    /// The bytes a program sees, little-endian; everything past
    /// `stx_dev_minor` is zero.
    pub fn to_bytes(&self) -> [u8; STATX_SIZE] {
        let mut bytes = [0; STATX_SIZE];
        let b = &mut bytes;
        put_u32(b, offset_of!(Statx, stx_mask), self.stx_mask);
        put_u32(b, offset_of!(Statx, stx_blksize), self.stx_blksize);
        put_u64(b, offset_of!(Statx, stx_attributes), self.stx_attributes);
        put_u32(b, offset_of!(Statx, stx_nlink), self.stx_nlink);
        put_u32(b, offset_of!(Statx, stx_uid), self.stx_uid);
        put_u32(b, offset_of!(Statx, stx_gid), self.stx_gid);
        put_u16(b, offset_of!(Statx, stx_mode), self.stx_mode);
        put_u16(b, offset_of!(Statx, spare0), self.spare0);
        put_u64(b, offset_of!(Statx, stx_ino), self.stx_ino);
        put_u64(b, offset_of!(Statx, stx_size), self.stx_size);
        put_u64(b, offset_of!(Statx, stx_blocks), self.stx_blocks);
        let attributes_mask = offset_of!(Statx, stx_attributes_mask);
        put_u64(b, attributes_mask, self.stx_attributes_mask);
        put_timestamp(b, offset_of!(Statx, stx_atime), &self.stx_atime);
        put_timestamp(b, offset_of!(Statx, stx_btime), &self.stx_btime);
        put_timestamp(b, offset_of!(Statx, stx_ctime), &self.stx_ctime);
        put_timestamp(b, offset_of!(Statx, stx_mtime), &self.stx_mtime);
        put_u32(b, offset_of!(Statx, stx_rdev_major), self.stx_rdev_major);
        put_u32(b, offset_of!(Statx, stx_rdev_minor), self.stx_rdev_minor);
        put_u32(b, offset_of!(Statx, stx_dev_major), self.stx_dev_major);
        put_u32(b, offset_of!(Statx, stx_dev_minor), self.stx_dev_minor);
        bytes
    }

    /// The struct from the bytes a kernel wrote (for userlib and tests).
    pub fn from_bytes(bytes: &[u8; STATX_SIZE]) -> Statx {
        Statx {
            stx_mask: get_u32(bytes, offset_of!(Statx, stx_mask)),
            stx_blksize: get_u32(bytes, offset_of!(Statx, stx_blksize)),
            stx_attributes: get_u64(bytes, offset_of!(Statx, stx_attributes)),
            stx_nlink: get_u32(bytes, offset_of!(Statx, stx_nlink)),
            stx_uid: get_u32(bytes, offset_of!(Statx, stx_uid)),
            stx_gid: get_u32(bytes, offset_of!(Statx, stx_gid)),
            stx_mode: get_u16(bytes, offset_of!(Statx, stx_mode)),
            spare0: get_u16(bytes, offset_of!(Statx, spare0)),
            stx_ino: get_u64(bytes, offset_of!(Statx, stx_ino)),
            stx_size: get_u64(bytes, offset_of!(Statx, stx_size)),
            stx_blocks: get_u64(bytes, offset_of!(Statx, stx_blocks)),
            stx_attributes_mask: get_u64(bytes, offset_of!(Statx, stx_attributes_mask)),
            stx_atime: get_timestamp(bytes, offset_of!(Statx, stx_atime)),
            stx_btime: get_timestamp(bytes, offset_of!(Statx, stx_btime)),
            stx_ctime: get_timestamp(bytes, offset_of!(Statx, stx_ctime)),
            stx_mtime: get_timestamp(bytes, offset_of!(Statx, stx_mtime)),
            stx_rdev_major: get_u32(bytes, offset_of!(Statx, stx_rdev_major)),
            stx_rdev_minor: get_u32(bytes, offset_of!(Statx, stx_rdev_minor)),
            stx_dev_major: get_u32(bytes, offset_of!(Statx, stx_dev_major)),
            stx_dev_minor: get_u32(bytes, offset_of!(Statx, stx_dev_minor)),
        }
    }
}

/// Writes one `struct statx_timestamp` at `offset`.
fn put_timestamp(bytes: &mut [u8], offset: usize, time: &StatxTimestamp) {
    put_u64(bytes, offset, time.tv_sec as u64);
    put_u32(bytes, offset + 8, time.tv_nsec);
    put_u32(bytes, offset + 12, time.reserved as u32);
}

/// Reads one `struct statx_timestamp` at `offset`.
fn get_timestamp(bytes: &[u8], offset: usize) -> StatxTimestamp {
    StatxTimestamp {
        tv_sec: get_u64(bytes, offset) as i64,
        tv_nsec: get_u32(bytes, offset + 8),
        reserved: get_u32(bytes, offset + 12) as i32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stat::{S_IFCHR, S_IFREG};

    #[test]
    fn offsets_are_the_uapi_ones() {
        // include/uapi/linux/stat.h, the same on every architecture.
        assert_eq!(offset_of!(Statx, stx_mask), 0);
        assert_eq!(offset_of!(Statx, stx_blksize), 4);
        assert_eq!(offset_of!(Statx, stx_attributes), 8);
        assert_eq!(offset_of!(Statx, stx_nlink), 16);
        assert_eq!(offset_of!(Statx, stx_uid), 20);
        assert_eq!(offset_of!(Statx, stx_gid), 24);
        assert_eq!(offset_of!(Statx, stx_mode), 28);
        assert_eq!(offset_of!(Statx, stx_ino), 32);
        assert_eq!(offset_of!(Statx, stx_size), 40);
        assert_eq!(offset_of!(Statx, stx_blocks), 48);
        assert_eq!(offset_of!(Statx, stx_attributes_mask), 56);
        assert_eq!(offset_of!(Statx, stx_atime), 64);
        assert_eq!(offset_of!(Statx, stx_btime), 80);
        assert_eq!(offset_of!(Statx, stx_ctime), 96);
        assert_eq!(offset_of!(Statx, stx_mtime), 112);
        assert_eq!(offset_of!(Statx, stx_rdev_major), 128);
        assert_eq!(offset_of!(Statx, stx_rdev_minor), 132);
        assert_eq!(offset_of!(Statx, stx_dev_major), 136);
        assert_eq!(offset_of!(Statx, stx_dev_minor), 140);
        assert_eq!(offset_of!(StatxTimestamp, tv_nsec), 8);
        assert_eq!(core::mem::size_of::<Statx>(), 144, "the modelled prefix");
    }

    #[test]
    fn mask_bits_are_linux_values() {
        let each = [
            STATX_TYPE,
            STATX_MODE,
            STATX_NLINK,
            STATX_UID,
            STATX_GID,
            STATX_ATIME,
            STATX_MTIME,
            STATX_CTIME,
            STATX_INO,
            STATX_SIZE_FIELD,
            STATX_BLOCKS,
        ];
        assert_eq!(each.iter().fold(0, |all, bit| all | bit), STATX_BASIC_STATS);
        assert_eq!(STATX_BTIME, 0x800);
    }

    #[test]
    fn from_stat64_copies_every_basic_field() {
        let status = Stat64 {
            st_nlink: 3,
            st_mtime: 1_700_000_000,
            st_mtime_nsec: 5,
            st_rdev: 0x0501,
            ..Stat64::new(42, S_IFCHR | 0o620, 1000)
        };
        let extended = Statx::from_stat64(&status);
        assert_eq!(extended.stx_mask, STATX_BASIC_STATS);
        assert_eq!(extended.stx_mode, (S_IFCHR | 0o620) as u16);
        assert_eq!(extended.stx_ino, 42);
        assert_eq!(extended.stx_size, 1000);
        assert_eq!(extended.stx_blocks, 2);
        assert_eq!(extended.stx_nlink, 3);
        assert_eq!(extended.stx_blksize, 4096);
        assert_eq!(extended.stx_mtime, timestamp(1_700_000_000, 5));
        assert_eq!((extended.stx_rdev_major, extended.stx_rdev_minor), (5, 1));
        assert_eq!((extended.stx_dev_major, extended.stx_dev_minor), (0, 0));
    }

    #[test]
    fn device_numbers_split_as_glibc_does() {
        // glibc's makedev, the inverse of major and minor.
        let makedev = |major: u64, minor: u64| {
            (minor & 0xff)
                | ((major & 0xfff) << 8)
                | ((minor & !0xff) << 12)
                | ((major & !0xfff) << 32)
        };
        assert_eq!((major(0x0803), minor(0x0803)), (8, 3));
        let device = makedev(0x12345, 0x6789a);
        assert_eq!((major(device), minor(device)), (0x12345, 0x6789a));
    }

    #[test]
    fn bytes_round_trip_and_the_tail_is_zero() {
        let status = Stat64::new(7, S_IFREG | 0o644, 12345);
        let extended = Statx {
            stx_atime: timestamp(1, 2),
            stx_ctime: StatxTimestamp {
                tv_sec: -1,
                tv_nsec: 3,
                reserved: 0,
            },
            ..Statx::from_stat64(&status)
        };
        let bytes = extended.to_bytes();
        assert_eq!(Statx::from_bytes(&bytes), extended);
        assert_eq!(&bytes[28..30], &((S_IFREG | 0o644) as u16).to_le_bytes());
        assert!(bytes[144..].iter().all(|&byte| byte == 0));
    }
}
