// SPDX-License-Identifier: MIT OR Apache-2.0
//! Memory system calls: brk, mmap2 (anonymous), munmap, mprotect.
//!
//! These only change the areas (and drop pages that leave them); pages are
//! filled on first touch by the fault path. File mappings are issue 8.

use crate::addr::VirtAddr;
use crate::process::with_current;
use crate::vm::address_space::PageAccess;
use crate::vm::area::Permissions;
use crate::vm::layout::PAGE_SIZE;
use abi::errno::Errno;
use abi::mman;

/// brk(address): the new break, or the current one when `address` is 0
/// or cannot be had (Linux's convention: brk never returns an error).
pub fn brk(address: u32) -> Result<u32, Errno> {
    with_current(|process| {
        let memory = &mut process.memory;
        let outcome = memory.areas.brk(VirtAddr(address));
        if let Some(range) = outcome.released {
            memory.release_range(range.start, range.end);
        }
        Ok(outcome.program_break.as_u32())
    })
}

/// The permissions PROT_* bits ask for.
fn permissions(protection: u32) -> Permissions {
    Permissions {
        read: protection & (mman::PROT_READ | mman::PROT_WRITE | mman::PROT_EXEC) != 0,
        write: protection & mman::PROT_WRITE != 0,
        execute: protection & mman::PROT_EXEC != 0,
    }
}

/// mmap2(address, length, protection, flags, fd, page offset): private
/// anonymous mappings only for now.
pub fn mmap2(
    address: u32,
    length: u32,
    protection: u32,
    flags: u32,
    fd: u32,
    _offset: u32,
) -> Result<u32, Errno> {
    if flags & mman::MAP_ANONYMOUS == 0 {
        // File mappings come with issue 8.
        let _ = fd;
        return Err(Errno::ENODEV);
    }
    if flags & mman::MAP_SHARED != 0 && flags & mman::MAP_PRIVATE != 0 {
        return Err(Errno::EINVAL);
    }
    let fixed = flags & mman::MAP_FIXED != 0;
    with_current(|process| {
        let memory = &mut process.memory;
        if fixed {
            // MAP_FIXED replaces whatever was there.
            if let Ok(removed) = memory.areas.munmap(VirtAddr(address), length) {
                for range in removed {
                    memory.release_range(range.start, range.end);
                }
            }
        }
        let start = memory.areas.mmap_anonymous(
            length,
            permissions(protection),
            VirtAddr(address),
            fixed,
        )?;
        Ok(start.as_u32())
    })
}

/// munmap(address, length).
pub fn munmap(address: u32, length: u32) -> Result<u32, Errno> {
    with_current(|process| {
        let memory = &mut process.memory;
        for range in memory.areas.munmap(VirtAddr(address), length)? {
            memory.release_range(range.start, range.end);
        }
        Ok(0)
    })
}

/// mprotect(address, length, protection).
pub fn mprotect(address: u32, length: u32, protection: u32) -> Result<u32, Errno> {
    let wanted = permissions(protection);
    with_current(|process| {
        let memory = &mut process.memory;
        memory.areas.mprotect(VirtAddr(address), length, wanted)?;
        let end = address.saturating_add(length).next_multiple_of(PAGE_SIZE);
        let mut page = address;
        while page < end {
            if let Some((frame, _)) = memory.space.lookup(VirtAddr(page)) {
                // A shared page stays read-only; the first write copies it.
                let writable = wanted.write && !crate::memory::is_shared(frame);
                memory.space.protect(
                    VirtAddr(page),
                    PageAccess {
                        writable,
                        executable: wanted.execute,
                    },
                );
            }
            page += PAGE_SIZE;
        }
        Ok(0)
    })
}
