// SPDX-License-Identifier: MIT OR Apache-2.0
//! The ramdisk: a cpio archive (`newc` or `crc`) served read-only, in place.
//!
//! The boot loader leaves the initrd in RAM; this module turns those bytes
//! into files without copying any of them. [`Ramdisk::parse`] checks the
//! whole archive up front (`cpio.rs` walks the records, `index.rs` builds a
//! sorted path index), so a bad archive is refused at boot with the byte
//! offset and the reason, and nothing after that can meet a malformed
//! record. Every [`Entry`] borrows its name and data from the archive; the
//! only allocation is the index, one small [`Entry`] per path.
//!
//! Paths: an archive made with `find . | cpio -o -H newc` stores `.`,
//! `bin`, `bin/hello`; other tools store `./bin/hello` or `/bin/hello`.
//! All name the same file. The index keeps paths canonical (no leading `/`,
//! the root is `""`), and lookups take any absolute or relative spelling,
//! relative ones from the root: the ramdisk has no working directory.
//! [`Ramdisk::lookup`] reads `.` and `..` as text and never follows a
//! symlink; [`Ramdisk::resolve`] walks component by component and follows
//! them as `open` and `execve` must. Neither ever panics.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

mod cpio;
mod index;
#[cfg(test)]
mod tests;

pub use cpio::{HEADER_SIZE, TRAILER};
pub use index::IMPLIED_DIRECTORY_MODE;
use index::{components, is_below};

/// Most entries an index may hold (stored and implied): a bound on the
/// heap a hostile archive can make the kernel spend (about 40 bytes each).
pub const MAX_ENTRIES: usize = 65536;
/// Largest `c_namesize` (the NUL included) and symlink target: `PATH_MAX`.
pub const MAX_NAME_SIZE: usize = 4096;
/// Most symlinks one [`Ramdisk::resolve`] follows before giving up.
pub const MAX_SYMLINK_DEPTH: usize = 8;

/// Mask of the file-type bits of a mode (`st_mode`, as Linux defines it).
pub const S_IFMT: u32 = 0o170_000;
/// File type: directory.
pub const S_IFDIR: u32 = 0o040_000;
/// File type: regular file.
pub const S_IFREG: u32 = 0o100_000;
/// File type: symbolic link.
pub const S_IFLNK: u32 = 0o120_000;

/// Why an archive was refused, and where.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RamdiskError {
    /// Byte offset, from the start of the archive, of the header of the
    /// record at fault (or where a header was expected).
    pub offset: usize,
    /// What is wrong there.
    pub reason: Reason,
}

/// What is wrong with an archive.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reason {
    /// The magic is neither `070701` (newc) nor `070702` (crc).
    BadMagic,
    /// Fewer bytes than a header are left: this many.
    TruncatedHeader(usize),
    /// A header field (named as in `cpio(5)`) has a non-hex digit.
    BadField(&'static str),
    /// `c_namesize` is 0 or above [`MAX_NAME_SIZE`].
    NameSize(usize),
    /// The name runs past the end of the archive.
    NamePastEnd,
    /// The name's last byte is not NUL.
    NameNotTerminated,
    /// The name has a NUL before its end.
    NameHasNul,
    /// The name is not UTF-8.
    NameNotUtf8,
    /// The name has an empty, `.` or `..` component after its leading
    /// `/` or `./` (`a//b`, `a/./b`, `../x`).
    BadName,
    /// The data (`c_filesize`, given) runs past the end of the archive.
    DataPastEnd(u32),
    /// A `crc` record's data does not add up to its `c_check`.
    ChecksumMismatch {
        /// The `c_check` field.
        expected: u32,
        /// The sum of the data bytes.
        actual: u32,
    },
    /// A symlink's target is empty, too long, not UTF-8 or has a NUL.
    BadSymlinkTarget,
    /// The entry lies below one that is not a directory.
    ParentNotDirectory,
    /// The archive ends without a `TRAILER!!!` record.
    MissingTrailer,
    /// The index would exceed [`MAX_ENTRIES`].
    TooManyEntries,
    /// The heap cannot hold the index.
    OutOfMemory,
}

impl fmt::Display for RamdiskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad ramdisk at byte {}: {}", self.offset, self.reason)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadMagic => f.write_str("no cpio magic (070701 newc or 070702 crc)"),
            Self::TruncatedHeader(left) => {
                write!(f, "truncated header ({left} of {HEADER_SIZE} bytes)")
            }
            Self::BadField(field) => write!(f, "{field} is not 8 hex digits"),
            Self::NameSize(size) => {
                write!(f, "c_namesize {size} is outside 1..={MAX_NAME_SIZE}")
            }
            Self::NamePastEnd => f.write_str("name runs past the end of the archive"),
            Self::NameNotTerminated => f.write_str("name does not end with NUL"),
            Self::NameHasNul => f.write_str("name has a NUL inside"),
            Self::NameNotUtf8 => f.write_str("name is not UTF-8"),
            Self::BadName => f.write_str("name has an empty, `.` or `..` component"),
            Self::DataPastEnd(size) => {
                write!(f, "{size} bytes of data run past the end of the archive")
            }
            Self::ChecksumMismatch { expected, actual } => {
                write!(
                    f,
                    "crc checksum is {actual:#010x}, header says {expected:#010x}"
                )
            }
            Self::BadSymlinkTarget => f.write_str("symlink target is empty, too long or not text"),
            Self::ParentNotDirectory => f.write_str("entry lies below a non-directory"),
            Self::MissingTrailer => write!(f, "archive ends without {TRAILER}"),
            Self::TooManyEntries => write!(f, "more than {MAX_ENTRIES} entries"),
            Self::OutOfMemory => f.write_str("out of heap for the index"),
        }
    }
}

/// One file, directory or symlink of the ramdisk, borrowed from it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Entry<'a> {
    /// Canonical path: no leading `/`, no `.` or `..`; `""` is the root.
    pub path: &'a str,
    /// `st_mode`: type bits ([`S_IFMT`]) and permission bits.
    pub mode: u32,
    /// Contents of a regular file, target of a symlink, else empty. For a
    /// hard link, the data of the file (whichever link carried it).
    pub data: &'a [u8],
    /// `c_ino` as stored; implied directories get numbers above all of them.
    pub inode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Link count as stored.
    pub nlink: u32,
    /// Modification time, seconds since 1970.
    pub mtime: u32,
}

impl<'a> Entry<'a> {
    /// The type bits of the mode.
    pub const fn file_type(&self) -> u32 {
        self.mode & S_IFMT
    }
    /// Whether this is a regular file.
    pub const fn is_regular(&self) -> bool {
        self.file_type() == S_IFREG
    }
    /// Whether this is a directory.
    pub const fn is_directory(&self) -> bool {
        self.file_type() == S_IFDIR
    }
    /// Whether this is a symbolic link.
    pub const fn is_symlink(&self) -> bool {
        self.file_type() == S_IFLNK
    }
    /// Whether any execute bit (owner, group, other) is set.
    pub const fn is_executable(&self) -> bool {
        self.mode & 0o111 != 0
    }
    /// The last component of the path (`d_name`); `""` for the root.
    pub fn name(&self) -> &'a str {
        self.path.rsplit('/').next().unwrap_or_default()
    }
    /// A symlink's target (checked to be text when parsed); `None` for
    /// anything else.
    pub fn link_target(&self) -> Option<&'a str> {
        match self.is_symlink() {
            true => core::str::from_utf8(self.data).ok(),
            false => None,
        }
    }
}

/// Whether [`Ramdisk::resolve`] follows a symlink in the last component.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Follow {
    /// Follow every symlink (`stat`, `open`, `execve`).
    All,
    /// Return a symlink in the last component itself (`lstat`,
    /// `readlink`); a trailing `/` still follows it, as on Linux.
    AllButLast,
}

/// Why [`Ramdisk::resolve`] found nothing.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LookupError {
    /// A component does not exist (`ENOENT`).
    NotFound,
    /// A component before the last one is not a directory (`ENOTDIR`).
    NotADirectory,
    /// More than [`MAX_SYMLINK_DEPTH`] symlinks on the way (`ELOOP`).
    TooManySymlinks,
}

/// A checked cpio archive and its path index.
#[derive(Clone, Debug)]
pub struct Ramdisk<'a> {
    /// Every path, stored or implied, in component order (root first,
    /// each directory followed by its subtree).
    entries: Vec<Entry<'a>>,
}

impl<'a> Ramdisk<'a> {
    /// Checks the archive at the start of `bytes` and indexes it. Bytes
    /// after the trailer are ignored. Never panics, whatever the bytes.
    pub fn parse(bytes: &'a [u8]) -> Result<Ramdisk<'a>, RamdiskError> {
        Ok(Ramdisk {
            entries: index::build(bytes, MAX_ENTRIES)?,
        })
    }

    /// Every entry, the root and implied directories included, each
    /// directory followed by its subtree.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = Entry<'a>> + '_ {
        self.entries.iter().copied()
    }

    /// The entry at `path` (absolute or from the root; `.`, `..` and
    /// repeated `/` are read as text, `..` stopping at the root), without
    /// following symlinks. `""` and `/` are the root.
    pub fn lookup(&self, path: &str) -> Option<Entry<'a>> {
        let plain = components(path).all(|component| component != "." && component != "..");
        let position = if plain {
            self.find(components(path))
        } else {
            let mut stack: Vec<&str> = Vec::new();
            for component in components(path) {
                match component {
                    "." => {}
                    ".." => _ = stack.pop(),
                    _ => stack.push(component),
                }
            }
            self.find(stack.iter().copied())
        };
        position.map(|position| self.entries[position])
    }

    /// The entry at `path`, following symlinks as `open` does (or not in
    /// the last component, with [`Follow::AllButLast`]). Paths are as for
    /// [`Ramdisk::lookup`], but `..` goes to the parent of wherever a
    /// symlink led, and a component followed by `/` must be a directory.
    pub fn resolve(&self, path: &str, follow: Follow) -> Result<Entry<'a>, LookupError> {
        let mut pending = String::from(path);
        let mut walked = 0; // bytes of `pending` already taken
        let mut here = 0; // position of the directory we are in: the root
        let mut links = 0;
        loop {
            let rest = &pending[walked..];
            let start = walked + (rest.len() - rest.trim_start_matches('/').len());
            if start == pending.len() {
                return Ok(self.entries[here]);
            }
            let end = pending[start..]
                .find('/')
                .map_or(pending.len(), |at| start + at);
            let last = end == pending.len();
            walked = end;
            let child = match &pending[start..end] {
                "." => continue,
                ".." => self.parent(here),
                name => self
                    .find(components(self.entries[here].path).chain([name]))
                    .ok_or(LookupError::NotFound)?,
            };
            let entry = self.entries[child];
            if let Some(target) = entry.link_target()
                && (!last || follow == Follow::All)
            {
                links += 1;
                if links > MAX_SYMLINK_DEPTH {
                    return Err(LookupError::TooManySymlinks);
                }
                // Walk the target from the link's directory, then the rest.
                pending = [target, &pending[walked..]].concat();
                walked = 0;
                if target.starts_with('/') {
                    here = 0;
                }
                continue;
            }
            if !last && !entry.is_directory() {
                return Err(LookupError::NotADirectory);
            }
            here = child;
        }
    }

    /// The direct children of the directory at `path` (as for
    /// [`Ramdisk::lookup`]) in name order, for `getdents64`; `None` if it
    /// is not a directory. `.` and `..` are not listed.
    pub fn children(&self, path: &str) -> Option<Children<'_, 'a>> {
        let directory = self.lookup(path).filter(Entry::is_directory)?;
        let position = self.find(components(directory.path))?;
        let below = &self.entries[position + 1..];
        let subtree = below.partition_point(|entry| is_below(entry.path, directory.path));
        Some(Children {
            rest: &below[..subtree],
        })
    }

    /// Position in the index of the path with these components.
    fn find<'p>(&self, wanted: impl Iterator<Item = &'p str> + Clone) -> Option<usize>
    where
        'a: 'p,
    {
        self.entries
            .binary_search_by(|entry| components(entry.path).cmp(wanted.clone()))
            .ok()
    }

    /// Position of the parent of the entry at `position` (the root's is
    /// the root).
    fn parent(&self, position: usize) -> usize {
        let path = self.entries[position].path;
        let parent = path.rsplit_once('/').map_or("", |(parent, _)| parent);
        // Every parent is in the index: `parse` adds the implied ones.
        self.find(components(parent)).unwrap_or(0)
    }
}

/// The direct children of a directory, from [`Ramdisk::children`].
#[derive(Clone, Debug)]
pub struct Children<'r, 'a> {
    /// The directory's subtree not yet visited; starts with a child.
    rest: &'r [Entry<'a>],
}

impl<'a> Iterator for Children<'_, 'a> {
    type Item = Entry<'a>;

    fn next(&mut self) -> Option<Entry<'a>> {
        let (child, below) = self.rest.split_first()?;
        // Skip the child's own subtree, which comes right after it.
        let subtree = below.partition_point(|entry| is_below(entry.path, child.path));
        self.rest = &below[subtree..];
        Some(*child)
    }
}
