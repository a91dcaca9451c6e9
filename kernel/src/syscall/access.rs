// SPDX-License-Identifier: MIT OR Apache-2.0
//! access and faccessat: may the caller read, write or run a path?
//!
//! Every process runs as root (uid 0), so read is always allowed and
//! execute needs one execute bit (or a directory), as Linux decides for
//! root. Writing is `EROFS`: the ramdisk is read-only. Shells use this to
//! search `PATH` (`command -v`, `which`, `test -x`).

use super::files::status_at;
use abi::errno::Errno;

const R_OK: u32 = 4;
const W_OK: u32 = 2;
const X_OK: u32 = 1;

/// faccessat(dirfd, path, mode); access is this with `AT_FDCWD`.
pub fn faccessat(directory: u32, path: u32, mode: u32) -> Result<u32, Errno> {
    if mode & !(R_OK | W_OK | X_OK) != 0 {
        return Err(Errno::EINVAL);
    }
    let status = status_at(directory, path, 0)?;
    decide(status.st_mode, mode)
}

/// Root's answer for a file of `st_mode` and an access `mode`.
fn decide(st_mode: u32, mode: u32) -> Result<u32, Errno> {
    if mode & W_OK != 0 {
        return Err(Errno::EROFS);
    }
    let directory = st_mode & abi::stat::S_IFMT == abi::stat::S_IFDIR;
    if mode & X_OK != 0 && !directory && st_mode & 0o111 == 0 {
        return Err(Errno::EACCES);
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi::stat::{S_IFDIR, S_IFREG};

    #[test]
    fn root_reads_anything_runs_what_has_an_execute_bit_and_writes_nothing() {
        assert_eq!(decide(S_IFREG | 0o644, R_OK), Ok(0));
        assert_eq!(decide(S_IFREG, R_OK), Ok(0));
        assert_eq!(decide(S_IFREG | 0o644, X_OK), Err(Errno::EACCES));
        assert_eq!(decide(S_IFREG | 0o744, X_OK), Ok(0));
        assert_eq!(decide(S_IFREG | 0o001, X_OK | R_OK), Ok(0));
        assert_eq!(decide(S_IFDIR | 0o644, X_OK), Ok(0));
        assert_eq!(decide(S_IFREG | 0o777, W_OK), Err(Errno::EROFS));
        assert_eq!(decide(S_IFREG | 0o644, 0), Ok(0));
    }
}
