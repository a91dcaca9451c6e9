// SPDX-License-Identifier: MIT OR Apache-2.0
//! statx: the extended file status, built from what fstatat64 finds.
//!
//! A ramdisk file has nothing statx could add to stat64 (no birth time,
//! no attributes, no mount id), so statx looks the file up exactly as
//! fstatat64 does ([`files::status_at`](super::files)) and converts the
//! record ([`Statx::from_stat64`]). The request mask is checked only for
//! its reserved bit: as on Linux, it is a hint, and `stx_mask` reports
//! what was filled, `STATX_BASIC_STATS`, whatever was asked. The checks
//! come in Linux's order (`do_statx`, `vfs_statx`): flags, then mask, then
//! the lookup, then the copy to the program.

use super::files;
use crate::process::with_current;
use crate::uaccess;
use abi::errno::Errno;
use abi::fcntl::{AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW};
use abi::statx::{AT_NO_AUTOMOUNT, AT_STATX_SYNC_TYPE, STATX_RESERVED, Statx};

/// The flags statx knows. The sync type (force or skip a remote file
/// system's refresh) means nothing for a ramdisk and is accepted.
const KNOWN_FLAGS: u32 = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE;

/// statx(dirfd, path, flags, mask, buffer): `EINVAL` for an unknown flag,
/// both sync types at once or a reserved mask bit; the rest as fstatat64.
pub fn statx(directory: u32, path: u32, flags: u32, mask: u32, buffer: u32) -> Result<u32, Errno> {
    if flags & !KNOWN_FLAGS != 0 || flags & AT_STATX_SYNC_TYPE == AT_STATX_SYNC_TYPE {
        return Err(Errno::EINVAL);
    }
    if mask & STATX_RESERVED != 0 {
        return Err(Errno::EINVAL);
    }
    let status = files::status_at(directory, path, flags)?;
    let bytes = Statx::from_stat64(&status).to_bytes();
    with_current(|process| uaccess::copy_to_user(&mut process.memory.lock(), buffer, &bytes))?;
    Ok(0)
}
