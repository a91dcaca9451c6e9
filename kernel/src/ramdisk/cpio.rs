// SPDX-License-Identifier: MIT OR Apache-2.0
//! The cpio `newc` and `crc` formats: one checked walk over the records.
//!
//! Each record is a 110-byte header of ASCII hex fields, the name (NUL
//! included, padded with the header to a multiple of 4) and the data (padded
//! to a multiple of 4); `TRAILER!!!` ends the archive. This is the format of
//! Linux's initramfs and GNU `cpio -H newc` / `-H crc` (see `cpio(5)` and
//! Linux `Documentation/driver-api/early-userspace/buffer-format.rst`).
//!
//! The walk checks every field and offset before anything trusts it and
//! hands each record to a visitor; what the records mean (paths, hard
//! links, directories) is the index's business, one level up. Offsets are
//! relative to the start of the slice, which is the start of the archive,
//! exactly as the padding rule counts them. Never panics.

use super::{MAX_NAME_SIZE, RamdiskError, Reason, S_IFMT, S_IFREG};

/// Size of a header: the 6-byte magic and thirteen 8-digit hex fields.
pub const HEADER_SIZE: usize = 110;

/// Name of the record that ends an archive.
pub const TRAILER: &str = "TRAILER!!!";

/// The two header variants; they differ only in what `c_check` means.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Format {
    /// `070701`: `c_check` is unused (GNU cpio writes 0).
    Newc,
    /// `070702`: `c_check` is the sum of a regular file's data bytes.
    Crc,
}

/// Names of the hex fields in header order, for error messages.
const FIELD_NAMES: [&str; 13] = [
    "c_ino",
    "c_mode",
    "c_uid",
    "c_gid",
    "c_nlink",
    "c_mtime",
    "c_filesize",
    "c_devmajor",
    "c_devminor",
    "c_rdevmajor",
    "c_rdevminor",
    "c_namesize",
    "c_check",
];

/// One record of the archive, checked and borrowed from it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Record<'a> {
    /// Byte offset of the header in the archive, for error messages.
    pub offset: usize,
    /// The name as stored, without its NUL: not yet a canonical path.
    pub name: &'a str,
    /// `c_ino`.
    pub inode: u32,
    /// `c_mode`: type and permission bits, as `st_mode`.
    pub mode: u32,
    /// `c_uid`.
    pub uid: u32,
    /// `c_gid`.
    pub gid: u32,
    /// `c_nlink`.
    pub nlink: u32,
    /// `c_mtime`, seconds since 1970.
    pub mtime: u32,
    /// `c_devmajor` and `c_devminor`: with `inode`, what identifies the
    /// hard links of one file.
    pub device: (u32, u32),
    /// The `c_filesize` bytes after the name.
    pub data: &'a [u8],
}

/// The hex fields of one header, decoded.
struct Header {
    /// Which magic it had.
    format: Format,
    /// The thirteen fields, in [`FIELD_NAMES`] order.
    fields: [u32; 13],
}

/// Walks the archive at the start of `bytes`, calling `visit` on each
/// record before the trailer. Stops at the first error, the visitor's
/// included. Bytes after the trailer (GNU cpio pads to 512) are ignored.
pub(super) fn walk<'a>(
    bytes: &'a [u8],
    mut visit: impl FnMut(Record<'a>) -> Result<(), RamdiskError>,
) -> Result<(), RamdiskError> {
    let mut offset = 0;
    loop {
        let (record, next) = read_record(bytes, offset)?;
        if record.name == TRAILER {
            return Ok(());
        }
        visit(record)?;
        offset = next;
    }
}

/// Reads the record whose header is at `offset`; returns it and the offset
/// of the next header.
fn read_record(bytes: &[u8], offset: usize) -> Result<(Record<'_>, usize), RamdiskError> {
    let fail = |reason| RamdiskError { offset, reason };
    let header = read_header(bytes, offset)?;
    let [inode, mode, uid, gid, nlink, mtime, size, major, minor, ..] = header.fields;
    let [.., name_size, check] = header.fields;

    // The name: 1..=MAX_NAME_SIZE bytes, the last (and only the last) NUL.
    let name_size = name_size as usize;
    if name_size == 0 || name_size > MAX_NAME_SIZE {
        return Err(fail(Reason::NameSize(name_size)));
    }
    let name_start = offset + HEADER_SIZE;
    let name_end = name_start + name_size; // both far below usize::MAX
    let name = bytes
        .get(name_start..name_end)
        .ok_or(fail(Reason::NamePastEnd))?;
    let Some((&0, name)) = name.split_last() else {
        return Err(fail(Reason::NameNotTerminated));
    };
    if name.contains(&0) {
        return Err(fail(Reason::NameHasNul));
    }
    let name = core::str::from_utf8(name).map_err(|_| fail(Reason::NameNotUtf8))?;

    // The data, from the next multiple of 4; `size` may be anything. No
    // data needs no padding either (a trailer may end the bytes at its NUL).
    let data_start = align4(name_end);
    let data_end = data_start.and_then(|start| start.checked_add(size as usize));
    let data = match data_start.zip(data_end) {
        _ if size == 0 => Some(&[][..]),
        Some((start, end)) => bytes.get(start..end),
        None => None,
    };
    let (Some(data), Some(next)) = (data, data_end.and_then(align4)) else {
        return Err(fail(Reason::DataPastEnd(size)));
    };

    // Only regular files carry a sum: GNU cpio writes 0 for symlinks.
    if header.format == Format::Crc && mode & S_IFMT == S_IFREG {
        let actual = data
            .iter()
            .fold(0u32, |sum, &byte| sum.wrapping_add(u32::from(byte)));
        if actual != check {
            return Err(fail(Reason::ChecksumMismatch {
                expected: check,
                actual,
            }));
        }
    }
    let record = Record {
        offset,
        name,
        inode,
        mode,
        uid,
        gid,
        nlink,
        mtime,
        device: (major, minor),
        data,
    };
    Ok((record, next))
}

/// Decodes the header at `offset`.
fn read_header(bytes: &[u8], offset: usize) -> Result<Header, RamdiskError> {
    let fail = |reason| RamdiskError { offset, reason };
    let rest = bytes.get(offset..).unwrap_or_default();
    if rest.is_empty() {
        return Err(fail(Reason::MissingTrailer));
    }
    let Some(header) = rest.get(..HEADER_SIZE) else {
        return Err(fail(Reason::TruncatedHeader(rest.len())));
    };
    let format = match &header[..6] {
        b"070701" => Format::Newc,
        b"070702" => Format::Crc,
        _ => return Err(fail(Reason::BadMagic)),
    };
    let mut fields = [0; 13];
    for (index, (field, digits)) in fields.iter_mut().zip(header[6..].chunks(8)).enumerate() {
        *field = parse_hex(digits).ok_or(fail(Reason::BadField(FIELD_NAMES[index])))?;
    }
    Ok(Header { format, fields })
}

/// Eight ASCII hex digits (either case) as a number; no sign, no spaces.
fn parse_hex(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |value, &digit| {
        let nibble = char::from(digit).to_digit(16)?;
        Some(value << 4 | nibble)
    })
}

/// `offset` rounded up to a multiple of 4, or `None` on overflow.
fn align4(offset: usize) -> Option<usize> {
    offset.checked_next_multiple_of(4)
}
