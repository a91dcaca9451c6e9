// SPDX-License-Identifier: MIT OR Apache-2.0
//! Memory: the program break (`brk`) and mappings (`mmap2` and friends).
//!
//! Asking for the break and a kernel-placed anonymous mapping only add or
//! read, so their wrappers are safe; `brk` (which may lower the break),
//! `MAP_FIXED`, `munmap` and `mprotect` can pull memory out from under live
//! references, so they stay `unsafe`. The `PROT_*` and `MAP_*` values are
//! `abi`'s, the ones the kernel checks.

use core::ptr::NonNull;

use super::{Sysnum, decode, decode_unit, raw};
use crate::Errno;

pub use abi::mman::{
    MADV_DONTNEED, MADV_NORMAL, MADV_SEQUENTIAL, MADV_WILLNEED, MAP_ANONYMOUS, MAP_FIXED,
    MAP_PRIVATE, MAP_SHARED, PROT_EXEC, PROT_NONE, PROT_READ, PROT_WRITE,
};

/// `brk(address)`: moves the program break; returns where it now stands.
///
/// The raw call returns the break as it now stands and leaves it alone when
/// it cannot move it. Like glibc, we call a break below `address` a
/// failure (`ENOMEM`) and anything else success, so a kernel that rounds
/// the break up to a page is fine.
///
/// # Safety
/// Moving the break down frees the pages above it: nothing may use them
/// afterwards. The global allocator's heap lies below the break it last
/// set; a program that moves the break itself must put it back before it
/// allocates again (see the `heap` module).
pub unsafe fn brk(address: usize) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for the pages a lower break frees.
    let now = decode(unsafe { raw::syscall1(Sysnum::Brk, address) })?;
    if now < address {
        return Err(Errno::ENOMEM);
    }
    Ok(now)
}

/// The current program break (`brk(0)`), the first address past the heap.
pub fn program_break() -> Result<usize, Errno> {
    // SAFETY: brk(0) only asks; no break below the current one is set.
    decode(unsafe { raw::syscall1(Sysnum::Brk, 0) })
}

/// `mmap2(address, length, prot, flags, fd, page_offset)`; the offset is
/// in 4096-byte pages. Returns the mapping's address.
///
/// # Safety
/// With `MAP_FIXED` the new mapping replaces whatever was at `address`: no
/// live reference may point into `address..address + length`. A file or
/// shared mapping must not be aliased by references that assume nobody else
/// writes it.
pub unsafe fn mmap2(
    address: usize,
    length: usize,
    prot: u32,
    flags: u32,
    fd: i32,
    page_offset: usize,
) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for the effect on existing memory.
    decode(unsafe {
        raw::syscall6(
            Sysnum::Mmap2,
            [
                address,
                length,
                prot as usize,
                flags as usize,
                fd as usize,
                page_offset,
            ],
        )
    })
}

/// A fresh private anonymous mapping of `length` bytes, placed by the
/// kernel: zero-filled, owned by the caller, unmapped with [`munmap`].
pub fn mmap_anonymous(length: usize, prot: u32) -> Result<NonNull<u8>, Errno> {
    // SAFETY: without MAP_FIXED the kernel picks unused addresses, so no
    // existing memory changes.
    let address = unsafe { mmap2(0, length, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) }?;
    NonNull::new(address as *mut u8).ok_or(Errno::ENOMEM)
}

/// `munmap(address, length)`.
///
/// # Safety
/// Nothing may use `address..address + length` afterwards: no live
/// reference into it, no allocator that still owns it.
pub unsafe fn munmap(address: *mut u8, length: usize) -> Result<(), Errno> {
    // SAFETY: the caller promises the range is dead.
    decode_unit(unsafe { raw::syscall2(Sysnum::Munmap, address as usize, length) })
}

/// `mprotect(address, length, prot)`.
///
/// # Safety
/// Removing access must not break live references: nothing the program
/// still reads (or writes) may lose read (or write) permission.
pub unsafe fn mprotect(address: *mut u8, length: usize, prot: u32) -> Result<(), Errno> {
    // SAFETY: the caller vouches for every live reference into the range.
    decode_unit(unsafe { raw::syscall3(Sysnum::Mprotect, address as usize, length, prot as usize) })
}

/// `madvise(address, length, advice)`.
///
/// # Safety
/// `MADV_DONTNEED` and `MADV_FREE` throw the range's contents away (it
/// reads back as zeros, or as the file's bytes): nothing may rely on what
/// it held. The other advice values change nothing a program can see.
pub unsafe fn madvise(address: *mut u8, length: usize, advice: u32) -> Result<(), Errno> {
    // SAFETY: the caller accepts losing the contents for the drop advice.
    decode_unit(unsafe {
        raw::syscall3(Sysnum::Madvise, address as usize, length, advice as usize)
    })
}
