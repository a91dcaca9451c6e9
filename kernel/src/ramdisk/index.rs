// SPDX-License-Identifier: MIT OR Apache-2.0
//! The path index of a ramdisk: canonical names, hard links, directories.
//!
//! The archive is a list of records in whatever order `cpio` met the files;
//! the index is what lookups want: one entry per canonical path, sorted in
//! *component order* (paths compared component by component, so every
//! directory is followed at once by its whole subtree, like a pre-order
//! walk). That order is what lets [`Ramdisk::children`](super::Ramdisk)
//! list a directory with binary searches and no per-directory table.
//!
//! Building it settles what the archive leaves open, the way Linux's
//! initramfs unpacker would after extracting it:
//! - names lose a leading `/` or `./` and a trailing `/`; `.` is the root;
//!   a name with an empty, `.` or `..` component inside is refused;
//! - hard links: `newc` stores a file's data only with its last link
//!   (same `c_ino` and device, `c_nlink` > 1); the others get that data;
//! - a name stored twice: the later record wins, as extraction overwrites;
//! - directories that are only implied (`bin` when only `bin/hello` is
//!   stored) are added with mode `0o40755`; the root always exists;
//! - an entry below something that is not a directory is refused.
//!
//! Every vector grows with `try_reserve`, so a huge archive on a small
//! heap is an [`Reason::OutOfMemory`] error rather than an abort.

use alloc::vec::Vec;
use core::cmp::Ordering;

use super::cpio::{self, Record};
use super::{Entry, MAX_NAME_SIZE, RamdiskError, Reason, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG};

/// Mode of a directory the archive implies but does not store.
pub const IMPLIED_DIRECTORY_MODE: u32 = S_IFDIR | 0o755;

/// An entry while the index is built: where it came from and, for hard
/// links, which file it is.
struct Node<'a> {
    entry: Entry<'a>,
    /// Header offset of the record, or of the record that implied it.
    offset: usize,
    /// `(c_devmajor, c_devminor)` of the record.
    device: (u32, u32),
}

/// Checks the whole archive and returns its index in component order,
/// root first, of at most `limit` entries ([`super::MAX_ENTRIES`] but in
/// tests).
pub(super) fn build(bytes: &[u8], limit: usize) -> Result<Vec<Entry<'_>>, RamdiskError> {
    let mut nodes: Vec<Node<'_>> = Vec::new();
    cpio::walk(bytes, |record| {
        let node = node(record)?;
        if nodes.len() >= limit {
            return Err(record_error(&record, Reason::TooManyEntries));
        }
        reserve(&mut nodes, 1, record.offset)?;
        nodes.push(node);
        Ok(())
    })?;
    share_hard_link_data(&mut nodes, bytes.len())?;
    // Later records win: sort each path's newest (highest offset) first
    // and keep it. (An unstable sort, because it needs no heap.)
    nodes.sort_unstable_by(|a, b| {
        path_order(a.entry.path, b.entry.path).then(b.offset.cmp(&a.offset))
    });
    nodes.dedup_by(|older, newest| older.entry.path == newest.entry.path);
    add_directories(nodes, limit)
}

/// Turns a record into a node: canonical path, checked symlink target.
fn node<'a>(record: Record<'a>) -> Result<Node<'a>, RamdiskError> {
    let path = canonical(record.name).ok_or(record_error(&record, Reason::BadName))?;
    if record.mode & S_IFMT == S_IFLNK && !valid_link_target(record.data) {
        return Err(record_error(&record, Reason::BadSymlinkTarget));
    }
    let entry = Entry {
        path,
        mode: record.mode,
        data: record.data,
        inode: record.inode,
        uid: record.uid,
        gid: record.gid,
        nlink: record.nlink,
        mtime: record.mtime,
    };
    Ok(Node {
        entry,
        offset: record.offset,
        device: record.device,
    })
}

/// The error for `record`.
fn record_error(record: &Record<'_>, reason: Reason) -> RamdiskError {
    RamdiskError {
        offset: record.offset,
        reason,
    }
}

/// Makes room for `more` elements, or reports running out of heap at
/// `offset`.
fn reserve<T>(vector: &mut Vec<T>, more: usize, offset: usize) -> Result<(), RamdiskError> {
    vector.try_reserve(more).map_err(|_| RamdiskError {
        offset,
        reason: Reason::OutOfMemory,
    })
}

/// The canonical form of an archive name (no leading `/` or `./`, no
/// trailing `/`, `""` for the root), or `None` if a component inside is
/// empty, `.` or `..`. Borrowed: canonical names are slices of the stored
/// ones, which is why odd names are refused rather than rewritten.
pub(super) fn canonical(name: &str) -> Option<&str> {
    let mut rest = name;
    while let Some(shorter) = rest.strip_prefix('/').or_else(|| rest.strip_prefix("./")) {
        rest = shorter;
    }
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() || rest == "." {
        return Some("");
    }
    let plain = |component: &str| !matches!(component, "" | "." | "..");
    rest.split('/').all(plain).then_some(rest)
}

/// A symlink target must be a non-empty UTF-8 path without NUL that fits
/// in `PATH_MAX`, so that lookups can splice it into a path.
fn valid_link_target(target: &[u8]) -> bool {
    !target.is_empty()
        && target.len() < MAX_NAME_SIZE
        && !target.contains(&0)
        && core::str::from_utf8(target).is_ok()
}

/// Gives each hard link without data the data of the last link of the same
/// file that has some (`newc` writes the data once, with the last link).
fn share_hard_link_data(nodes: &mut [Node<'_>], offset: usize) -> Result<(), RamdiskError> {
    let is_link = |node: &Node<'_>| node.entry.nlink > 1 && node.entry.mode & S_IFMT == S_IFREG;
    // (device, inode, position) of every link: sorted, one file's links
    // are together and in archive order.
    let mut links = Vec::new();
    reserve(
        &mut links,
        nodes.iter().filter(|node| is_link(node)).count(),
        offset,
    )?;
    for (position, node) in nodes.iter().enumerate().filter(|(_, node)| is_link(node)) {
        links.push((node.device, node.entry.inode, position));
    }
    links.sort_unstable();
    for group in links.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let last_with_data = group
            .iter()
            .rev()
            .map(|&(_, _, position)| nodes[position].entry.data)
            .find(|data| !data.is_empty());
        let Some(data) = last_with_data else {
            continue; // an empty file with several names
        };
        for &(_, _, position) in group {
            if nodes[position].entry.data.is_empty() {
                nodes[position].entry.data = data;
            }
        }
    }
    Ok(())
}

/// Adds the root and every implied directory to `nodes` (sorted in
/// component order, no duplicates) and checks that every parent is a
/// directory. Implied directories get inode numbers above all stored ones.
fn add_directories(nodes: Vec<Node<'_>>, limit: usize) -> Result<Vec<Entry<'_>>, RamdiskError> {
    let mut next_inode = nodes.iter().map(|node| node.entry.inode).max().unwrap_or(0);
    let mut implied = |path| {
        next_inode = next_inode.wrapping_add(1);
        Entry {
            path,
            mode: IMPLIED_DIRECTORY_MODE,
            data: &[],
            inode: next_inode,
            uid: 0,
            gid: 0,
            nlink: 2,
            mtime: 0,
        }
    };
    let mut index = Vec::new();
    // The chain of entries from the root down to the last one added.
    let mut ancestors: Vec<Entry<'_>> = Vec::new();
    if nodes.first().is_none_or(|node| !node.entry.path.is_empty()) {
        push(limit, &mut index, &mut ancestors, implied(""), 0)?;
    }
    for node in nodes {
        let path = node.entry.path;
        // Climb to the deepest entry above `path`.
        while ancestors
            .last()
            .is_some_and(|ancestor| !is_below(path, ancestor.path))
        {
            ancestors.pop();
        }
        // The root is above every other path, so the chain never empties.
        let (above, is_directory) = ancestors
            .last()
            .map_or(("", true), |entry| (entry.path, entry.is_directory()));
        if !is_directory {
            return Err(RamdiskError {
                offset: node.offset,
                reason: Reason::ParentNotDirectory,
            });
        }
        // Directories between `above` and `path` that are not stored.
        let missing = path.match_indices('/').filter(|&(at, _)| at > above.len());
        for (at, _) in missing {
            push(
                limit,
                &mut index,
                &mut ancestors,
                implied(&path[..at]),
                node.offset,
            )?;
        }
        push(limit, &mut index, &mut ancestors, node.entry, node.offset)?;
    }
    Ok(index)
}

/// Appends `entry` to the index and to the chain of ancestors, within
/// `limit` entries and the heap.
fn push<'a>(
    limit: usize,
    index: &mut Vec<Entry<'a>>,
    ancestors: &mut Vec<Entry<'a>>,
    entry: Entry<'a>,
    offset: usize,
) -> Result<(), RamdiskError> {
    if index.len() >= limit {
        return Err(RamdiskError {
            offset,
            reason: Reason::TooManyEntries,
        });
    }
    reserve(index, 1, offset)?;
    reserve(ancestors, 1, offset)?;
    index.push(entry);
    ancestors.push(entry);
    Ok(())
}

/// The order of the index: component by component, so `a` < `a/z` < `a!`
/// (where plain byte order would put `a!` between `a` and `a/z`).
pub(super) fn path_order(a: &str, b: &str) -> Ordering {
    components(a).cmp(components(b))
}

/// The components of a path; the root (`""`) has none.
pub(super) fn components(path: &str) -> impl Iterator<Item = &str> + Clone {
    path.split('/').filter(|component| !component.is_empty())
}

/// Whether canonical `path` lies strictly below canonical `directory`.
pub(super) fn is_below(path: &str, directory: &str) -> bool {
    if directory.is_empty() {
        return !path.is_empty();
    }
    path.len() > directory.len()
        && path.starts_with(directory)
        && path.as_bytes()[directory.len()] == b'/'
}
