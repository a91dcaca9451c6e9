// SPDX-License-Identifier: MIT OR Apache-2.0
//! A process's own settings: umask, resource limits, prctl, thread hooks.
//!
//! The structs ([`Rlimit`], [`Rlimit64`]) and numbers (`RLIMIT_*`,
//! `PR_*`) are `abi`'s; limits cross as bytes. `set_tid_address` and
//! `set_robust_list` hand the kernel an address it will write (or walk)
//! when the thread ends once threads exist, so they are `unsafe`.

use core::ffi::CStr;

use super::{Sysnum, decode, decode_unit, raw};
use crate::Errno;

pub use abi::prctl::{PR_GET_DUMPABLE, PR_GET_NAME, PR_SET_DUMPABLE, PR_SET_NAME, TASK_COMM_LEN};
pub use abi::resource::{
    RLIM_INFINITY, RLIM64_INFINITY, RLIMIT_AS, RLIMIT_CORE, RLIMIT_DATA, RLIMIT_NOFILE,
    RLIMIT_STACK, Rlimit, Rlimit64,
};

/// `umask(mask)`: sets the file-creation mask, returns the old one.
pub fn umask(mask: u32) -> u32 {
    // SAFETY: umask takes no pointer.
    unsafe { raw::syscall1(Sysnum::Umask, mask as usize) as u32 }
}

/// `set_tid_address(address)`: returns the caller's thread id.
///
/// # Safety
/// When the thread ends, the kernel may write 0 to `address` and wake a
/// futex there: it must stay valid, writable memory for the thread's life.
pub unsafe fn set_tid_address(address: *mut u32) -> u32 {
    // SAFETY: the caller keeps `address` valid; the call itself only
    // stores it.
    unsafe { raw::syscall1(Sysnum::SetTidAddress, address as usize) as u32 }
}

/// `set_robust_list(head, length)`.
///
/// # Safety
/// When the thread ends, the kernel may walk the list at `head`: it must
/// stay a valid `struct robust_list_head` for the thread's life.
pub unsafe fn set_robust_list(head: *mut u8, length: usize) -> Result<(), Errno> {
    // SAFETY: the caller vouches for `head`; the call only stores it.
    decode_unit(unsafe { raw::syscall2(Sysnum::SetRobustList, head as usize, length) })
}

/// `ugetrlimit(resource, &rlimit)`: the 32-bit struct.
pub fn getrlimit(resource: u32) -> Result<Rlimit, Errno> {
    let mut bytes = [0u8; Rlimit::SIZE];
    // SAFETY: the kernel writes one struct rlimit into our buffer of that
    // size.
    decode_unit(unsafe {
        raw::syscall2(
            Sysnum::Ugetrlimit,
            resource as usize,
            bytes.as_mut_ptr() as usize,
        )
    })?;
    Ok(Rlimit::from_bytes(&bytes))
}

/// `setrlimit(resource, &rlimit)`.
pub fn setrlimit(resource: u32, limit: &Rlimit) -> Result<(), Errno> {
    let bytes = limit.to_bytes();
    // SAFETY: the kernel reads one struct rlimit from our buffer.
    decode_unit(unsafe {
        raw::syscall2(
            Sysnum::Setrlimit,
            resource as usize,
            bytes.as_ptr() as usize,
        )
    })
}

/// `prlimit64(pid, resource, new, &old)`: sets the limit to `new` if
/// given and returns the limit it had.
pub fn prlimit64(pid: u32, resource: u32, new: Option<&Rlimit64>) -> Result<Rlimit64, Errno> {
    let new_bytes = new.map(Rlimit64::to_bytes);
    let new_address = new_bytes
        .as_ref()
        .map_or(0, |bytes| bytes.as_ptr() as usize);
    let mut old = [0u8; Rlimit64::SIZE];
    // SAFETY: the kernel reads one struct rlimit64 from `new_bytes` (or
    // nothing for NULL) and writes one into `old`.
    decode_unit(unsafe {
        raw::syscall4(
            Sysnum::Prlimit64,
            pid as usize,
            resource as usize,
            new_address,
            old.as_mut_ptr() as usize,
        )
    })?;
    Ok(Rlimit64::from_bytes(&old))
}

/// `prctl(PR_SET_NAME, name)`: the kernel keeps the first 15 bytes.
pub fn set_name(name: &CStr) -> Result<(), Errno> {
    // SAFETY: the kernel reads at most 16 bytes of the string, stopping at
    // its NUL.
    decode_unit(unsafe {
        raw::syscall2(Sysnum::Prctl, PR_SET_NAME as usize, name.as_ptr() as usize)
    })
}

/// `prctl(PR_GET_NAME, buffer)`: the name, NUL-padded to 16 bytes.
pub fn get_name() -> Result<[u8; TASK_COMM_LEN], Errno> {
    let mut name = [0u8; TASK_COMM_LEN];
    // SAFETY: the kernel writes 16 bytes into our buffer of that size.
    decode_unit(unsafe {
        raw::syscall2(
            Sysnum::Prctl,
            PR_GET_NAME as usize,
            name.as_mut_ptr() as usize,
        )
    })?;
    Ok(name)
}

/// `prctl(PR_GET_DUMPABLE)`.
pub fn get_dumpable() -> Result<bool, Errno> {
    // SAFETY: no pointer argument.
    decode(unsafe { raw::syscall1(Sysnum::Prctl, PR_GET_DUMPABLE as usize) })
        .map(|value| value != 0)
}

/// `prctl(PR_SET_DUMPABLE, value)`: 0 or 1.
pub fn set_dumpable(value: u32) -> Result<(), Errno> {
    // SAFETY: no pointer argument.
    decode_unit(unsafe { raw::syscall2(Sysnum::Prctl, PR_SET_DUMPABLE as usize, value as usize) })
}
