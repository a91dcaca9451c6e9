// SPDX-License-Identifier: MIT OR Apache-2.0
//! `struct linux_dirent64` records, as getdents64 writes them.
//!
//! Each record is `d_ino: u64`, `d_off: i64`, `d_reclen: u16`,
//! `d_type: u8`, then the name and a NUL, padded with zeros to a multiple
//! of 8 (include/linux/dirent.h, fs/readdir.c). `d_off` is the position a
//! later getdents64 (or lseek) resumes after this entry. [`encode`] writes
//! one record, or nothing when it does not fit: getdents64 then returns the
//! records so far, or EINVAL if not even one fits.

use crate::bytes::{get_u16, get_u64, put_u16, put_u64};
use crate::stat;

/// Unknown file type.
pub const DT_UNKNOWN: u8 = 0;
/// FIFO.
pub const DT_FIFO: u8 = 1;
/// Character device.
pub const DT_CHR: u8 = 2;
/// Directory.
pub const DT_DIR: u8 = 4;
/// Block device.
pub const DT_BLK: u8 = 6;
/// Regular file.
pub const DT_REG: u8 = 8;
/// Symbolic link.
pub const DT_LNK: u8 = 10;
/// Socket.
pub const DT_SOCK: u8 = 12;

/// Offset of the name in a record (after the fixed fields).
pub const NAME_OFFSET: usize = 19;

/// The `d_type` of a file with mode `mode` (`S_IF*` >> 12, as Linux).
pub const fn type_of_mode(mode: u32) -> u8 {
    ((mode & stat::S_IFMT) >> 12) as u8
}

/// Bytes a record for a name of `name_length` bytes takes.
pub const fn record_length(name_length: usize) -> usize {
    (NAME_OFFSET + name_length + 1).next_multiple_of(8)
}

/// One directory entry, as [`encode`] takes it and [`decode`] gives it back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dirent64<'name> {
    /// Inode number (never 0: C libraries skip entries with inode 0).
    pub inode: u64,
    /// Where the next getdents64 continues after this entry.
    pub next_offset: i64,
    /// One of the `DT_*` types.
    pub kind: u8,
    /// The name, without a NUL (and containing none).
    pub name: &'name [u8],
}

/// Writes `entry` at the start of `buffer`; returns the record's length, or
/// `None` (writing nothing) if it does not fit or is too long for `d_reclen`.
pub fn encode(buffer: &mut [u8], entry: &Dirent64<'_>) -> Option<usize> {
    let length = record_length(entry.name.len());
    let record_length = u16::try_from(length).ok()?;
    let record = buffer.get_mut(..length)?;
    put_u64(record, 0, entry.inode);
    put_u64(record, 8, entry.next_offset as u64);
    put_u16(record, 16, record_length);
    record[18] = entry.kind;
    let name_end = NAME_OFFSET + entry.name.len();
    record[NAME_OFFSET..name_end].copy_from_slice(entry.name);
    // The NUL and the padding.
    record[name_end..].fill(0);
    Some(length)
}

/// Reads the record at the start of `buffer` and its length (for programs
/// and tests); `None` if it is cut short or malformed.
pub fn decode(buffer: &[u8]) -> Option<(Dirent64<'_>, usize)> {
    let header = buffer.get(..NAME_OFFSET)?;
    let length = usize::from(get_u16(header, 16));
    let record = buffer.get(..length)?;
    let name_area = record.get(NAME_OFFSET..)?;
    let name_length = name_area.iter().position(|&byte| byte == 0)?;
    let entry = Dirent64 {
        inode: get_u64(record, 0),
        next_offset: get_u64(record, 8) as i64,
        kind: record[18],
        name: &name_area[..name_length],
    };
    Some((entry, length))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &[u8]) -> Dirent64<'_> {
        Dirent64 {
            inode: 0x0102_0304_0506_0708,
            next_offset: 3,
            kind: DT_REG,
            name,
        }
    }

    #[test]
    fn records_are_padded_to_eight() {
        assert_eq!(record_length(0), 24);
        assert_eq!(record_length(1), 24);
        assert_eq!(record_length(4), 24);
        assert_eq!(record_length(5), 32);
        assert_eq!(record_length(12), 32);
        assert_eq!(record_length(13), 40);
    }

    #[test]
    fn fields_land_at_c_offsets() {
        let mut buffer = [0xAAu8; 32];
        assert_eq!(encode(&mut buffer, &entry(b"init")), Some(24));
        assert_eq!(buffer[..8], 0x0102_0304_0506_0708u64.to_le_bytes());
        assert_eq!(buffer[8..16], 3u64.to_le_bytes());
        assert_eq!(buffer[16..18], 24u16.to_le_bytes());
        assert_eq!(buffer[18], DT_REG);
        assert_eq!(&buffer[19..24], b"init\0");
        assert_eq!(buffer[24], 0xAA, "nothing past the record");
    }

    #[test]
    fn padding_is_zeroed() {
        let mut buffer = [0xFFu8; 32];
        assert_eq!(encode(&mut buffer, &entry(b"hello")), Some(32));
        assert_eq!(buffer[24..32], [0; 8]);
    }

    #[test]
    fn records_that_do_not_fit_write_nothing() {
        let mut buffer = [0x55u8; 23];
        assert_eq!(encode(&mut buffer, &entry(b"a")), None);
        assert!(buffer.iter().all(|&byte| byte == 0x55));
        let long = [b'x'; 70_000];
        let mut big = [0u8; 80_000];
        assert_eq!(encode(&mut big, &entry(&long)), None, "d_reclen is 16 bits");
    }

    #[test]
    fn records_round_trip() {
        let mut buffer = [0u8; 64];
        let first = encode(&mut buffer, &entry(b".")).unwrap();
        let second_entry = Dirent64 {
            inode: 9,
            next_offset: 2,
            kind: DT_DIR,
            name: b"subdirectory",
        };
        let second = encode(&mut buffer[first..], &second_entry).unwrap();
        assert_eq!(decode(&buffer), Some((entry(b"."), first)));
        assert_eq!(decode(&buffer[first..]), Some((second_entry, second)));
        assert_eq!(decode(&buffer[..10]), None);
    }

    #[test]
    fn types_follow_modes() {
        assert_eq!(type_of_mode(stat::S_IFREG | 0o644), DT_REG);
        assert_eq!(type_of_mode(stat::S_IFDIR | 0o755), DT_DIR);
        assert_eq!(type_of_mode(stat::S_IFLNK), DT_LNK);
        assert_eq!(type_of_mode(stat::S_IFCHR), DT_CHR);
        assert_eq!(type_of_mode(stat::S_IFIFO), DT_FIFO);
        assert_eq!(type_of_mode(stat::S_IFSOCK), DT_SOCK);
    }
}
