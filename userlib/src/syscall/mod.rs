// SPDX-License-Identifier: MIT OR Apache-2.0
//! System calls: the Linux ARM EABI calls KML-rs implements, as safe functions.
//!
//! Each wrapper turns references and slices into the raw register values,
//! makes one `svc` through [`raw`] and decodes r0 with [`decode`]: values in
//! `-4095..=-1` are `-errno`, anything else is the result (Linux's rule, so
//! a large address from `mmap2` is not mistaken for an error).
//!
//! Numbers ([`Sysnum`]), errno values, flags and the structs the kernel
//! fills in are all `abi`'s, the same definitions the kernel uses, so the
//! two sides cannot drift; structs cross as bytes, decoded by `from_bytes`.
//!
//! Calls whose arguments can break memory safety no matter what the types
//! say (`mmap2` with `MAP_FIXED`, `munmap`, `mprotect`, `ioctl` with a
//! pointer argument) stay `unsafe` and document what the caller promises.
//! `vfork` is left out: the child borrows the parent's stack, which no safe
//! Rust signature can express; `fork` does the same job here.

pub mod attributes;
pub mod directory;
pub mod file;
pub mod fs;
pub mod memory;
pub mod process;
pub mod raw;
pub mod scheduling;
pub mod system;
pub mod time;

pub use attributes::*;
pub use directory::*;
pub use file::*;
pub use fs::*;
pub use memory::*;
pub use process::*;
pub use scheduling::*;
pub use system::*;
pub use time::*;

pub use abi::syscall::Sysnum;

use crate::Errno;

/// The largest errno Linux returns; r0 values `-4095..=-1` are errors.
const MAX_ERRNO: usize = 4095;

/// Decodes a raw r0 the Linux way: `-errno` or a result.
pub fn decode(r0: usize) -> Result<usize, Errno> {
    if r0 > usize::MAX - MAX_ERRNO {
        // Two's complement: -r0 is the errno, 1..=4095.
        Err(Errno(r0.wrapping_neg() as i32))
    } else {
        Ok(r0)
    }
}

/// Like [`decode`], for calls whose only result is success.
pub fn decode_unit(r0: usize) -> Result<(), Errno> {
    decode(r0).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_errno_is_an_error() {
        assert_eq!(decode(14usize.wrapping_neg()), Err(Errno::EFAULT));
        assert_eq!(decode(4095usize.wrapping_neg()), Err(Errno(4095)));
    }

    #[test]
    fn large_values_are_results() {
        assert_eq!(decode(0), Ok(0));
        assert_eq!(decode(4096usize.wrapping_neg()), Ok(usize::MAX - 4095));
        assert_eq!(decode(0xC000_0000), Ok(0xC000_0000));
    }
}
