// SPDX-License-Identifier: MIT OR Apache-2.0
//! Memory system calls: brk, mmap2 (anonymous or of a ramdisk file), munmap,
//! mprotect, madvise.
//!
//! These only change the areas (and drop pages that leave them); pages are
//! filled on first touch by the fault path: zeros, or for a file mapping
//! the bytes of the ramdisk file.

use crate::addr::VirtAddr;
use crate::process::with_current;
use crate::vm::address_space::PageAccess;
use crate::vm::area::{AreaKind, Permissions};
use crate::vm::layout::PAGE_SIZE;
use abi::errno::Errno;
use abi::mman;

/// brk(address): the new break, or the current one when `address` is 0
/// or cannot be had (Linux's convention: brk never returns an error).
pub fn brk(address: u32) -> Result<u32, Errno> {
    with_current(|process| {
        let memory = &mut process.memory.lock();
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

/// mmap2(address, length, protection, flags, fd, page offset): anonymous
/// (private), or of a ramdisk file (see `map_file`).
pub fn mmap2(
    address: u32,
    length: u32,
    protection: u32,
    flags: u32,
    fd: u32,
    offset: u32,
) -> Result<u32, Errno> {
    if flags & mman::MAP_SHARED != 0 && flags & mman::MAP_PRIVATE != 0 {
        return Err(Errno::EINVAL);
    }
    let fixed = flags & mman::MAP_FIXED != 0;
    if flags & mman::MAP_ANONYMOUS == 0 {
        return map_file(address, length, protection, flags, fd, offset);
    }
    with_current(|process| {
        let memory = &mut process.memory.lock();
        if fixed {
            clear_for_fixed(memory, address, length);
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

/// mmap2 of a ramdisk file: private, or shared without write permission
/// (the ramdisk never changes, so both read the same bytes). `offset` is
/// in pages. Pages past the end of the file read as zeros (Linux would
/// raise SIGBUS beyond the last page). Anything but a ramdisk file is
/// `ENODEV`; a shared writable mapping is `EACCES` (the file is
/// read-only).
fn map_file(
    address: u32,
    length: u32,
    protection: u32,
    flags: u32,
    fd: u32,
    offset: u32,
) -> Result<u32, Errno> {
    if length == 0 {
        return Err(Errno::EINVAL);
    }
    if flags & (mman::MAP_SHARED | mman::MAP_PRIVATE) == 0 {
        return Err(Errno::EINVAL);
    }
    let file = with_current(|process| process.files.lock().get(crate::fd_table::Fd(fd)).cloned())?;
    let data = match &file.lock().kind {
        crate::file::FileKind::Ramdisk(entry) => entry.data,
        _ => return Err(Errno::ENODEV),
    };
    if flags & mman::MAP_SHARED != 0 && protection & mman::PROT_WRITE != 0 {
        return Err(Errno::EACCES);
    }
    let file_offset = offset.checked_mul(PAGE_SIZE).ok_or(Errno::EINVAL)?;
    let available = (data.len() as u32).saturating_sub(file_offset);
    let fixed = flags & mman::MAP_FIXED != 0;
    with_current(|process| {
        let mut memory = process.memory.lock();
        let source = memory.mapped_file_source(data);
        if fixed {
            clear_for_fixed(&mut memory, address, length);
        }
        let kind = AreaKind::File {
            source,
            file_offset,
            file_size: available.min(length),
        };
        let start = memory.areas.mmap(
            length,
            permissions(protection),
            VirtAddr(address),
            fixed,
            kind,
        )?;
        Ok(start.as_u32())
    })
}

/// MAP_FIXED replaces whatever was mapped in `[address, address +
/// length)`: its areas and pages go first.
fn clear_for_fixed(memory: &mut crate::process::memory::ProcessMemory, address: u32, length: u32) {
    if let Ok(removed) = memory.areas.munmap(VirtAddr(address), length) {
        for range in removed {
            memory.release_range(range.start, range.end);
        }
    }
}

/// munmap(address, length).
pub fn munmap(address: u32, length: u32) -> Result<u32, Errno> {
    with_current(|process| {
        let memory = &mut process.memory.lock();
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
        let memory = &mut process.memory.lock();
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

/// What madvise does with one advice value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Advice {
    /// A hint with nothing to act on here: succeed.
    Ignore,
    /// Drop the pages: private anonymous ones fault back as zeros, pages
    /// of a private file mapping are read again from the file.
    Drop,
}

/// The advice values madvise takes, as a Linux kernel built without KSM,
/// transparent huge pages and memory-failure handling takes them; the
/// others are `EINVAL`. Accepted as no-ops: the access-pattern hints
/// (there is no read-ahead), COLD and PAGEOUT (there is no swap),
/// DODUMP/DONTDUMP (there are no core dumps) and KEEPONFORK (the
/// default). MADV_FREE may drop the pages at once, which its contract
/// allows. Not offered (`EINVAL`, which a caller must handle anyway for
/// mappings Linux refuses them on): REMOVE (shared memory only),
/// DONTFORK/DOFORK and WIPEONFORK (fork copies every area), and the
/// POPULATE calls.
fn advice(value: u32) -> Result<Advice, Errno> {
    match value {
        mman::MADV_NORMAL
        | mman::MADV_RANDOM
        | mman::MADV_SEQUENTIAL
        | mman::MADV_WILLNEED
        | mman::MADV_COLD
        | mman::MADV_PAGEOUT
        | mman::MADV_DONTDUMP
        | mman::MADV_DODUMP
        | mman::MADV_KEEPONFORK => Ok(Advice::Ignore),
        mman::MADV_DONTNEED | mman::MADV_DONTNEED_LOCKED | mman::MADV_FREE => Ok(Advice::Drop),
        _ => Err(Errno::EINVAL),
    }
}

/// The page range madvise acts on: `EINVAL` for an unaligned start or a
/// length that wraps; `None` for an empty range (success, no check).
fn advice_range(address: u32, length: u32) -> Result<Option<(u32, u32)>, Errno> {
    if !address.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL);
    }
    let rounded = length
        .checked_next_multiple_of(PAGE_SIZE)
        .ok_or(Errno::EINVAL)?;
    let end = address.checked_add(rounded).ok_or(Errno::EINVAL)?;
    Ok((end != address).then_some((address, end)))
}

/// madvise(address, length, advice). `ENOMEM` if part of the range is
/// not mapped (then nothing is dropped; Linux acts on the mapped parts
/// first, a difference only a caller ignoring the error could see).
pub fn madvise(address: u32, length: u32, value: u32) -> Result<u32, Errno> {
    let advice = advice(value)?;
    let Some((start, end)) = advice_range(address, length)? else {
        return Ok(0);
    };
    with_current(|process| {
        let memory = &mut process.memory.lock();
        let mut page = start;
        while page < end {
            if memory.areas.find(VirtAddr(page)).is_none() {
                return Err(Errno::ENOMEM);
            }
            page += PAGE_SIZE;
        }
        if advice == Advice::Drop {
            memory.release_range(VirtAddr(start), VirtAddr(end));
        }
        Ok(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_values_follow_linux() {
        assert_eq!(advice(mman::MADV_NORMAL), Ok(Advice::Ignore));
        assert_eq!(advice(mman::MADV_WILLNEED), Ok(Advice::Ignore));
        assert_eq!(advice(mman::MADV_DONTNEED), Ok(Advice::Drop));
        assert_eq!(advice(mman::MADV_FREE), Ok(Advice::Drop));
        for unknown in [5, 6, 7, mman::MADV_MERGEABLE, mman::MADV_HUGEPAGE, 100, 999] {
            assert_eq!(advice(unknown), Err(Errno::EINVAL), "{unknown}");
        }
    }

    #[test]
    fn ranges_are_page_aligned_and_rounded_up() {
        assert_eq!(advice_range(0x1001, 4096), Err(Errno::EINVAL));
        assert_eq!(advice_range(0x1000, 0), Ok(None));
        assert_eq!(advice_range(0x1000, 1), Ok(Some((0x1000, 0x2000))));
        assert_eq!(advice_range(0x1000, 8192), Ok(Some((0x1000, 0x3000))));
        assert_eq!(advice_range(0xFFFF_F000, 4096), Err(Errno::EINVAL));
        assert_eq!(advice_range(0x1000, u32::MAX), Err(Errno::EINVAL));
    }
}
