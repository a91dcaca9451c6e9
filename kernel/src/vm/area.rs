// SPDX-License-Identifier: MIT OR Apache-2.0
//! The areas of a process's address space: what it may touch, and what
//! fills each page.
//!
//! An [`Area`] is a page-aligned range with permissions and a kind (a
//! program segment, the heap, the stack, an anonymous mapping, the vDSO).
//! [`Areas`] keeps them sorted and disjoint and implements the Linux calls
//! that change them (brk, mmap2 of anonymous memory, munmap, mprotect) and
//! the question a page fault asks ([`Areas::classify_fault`]). It is pure
//! bookkeeping: page tables are the caller's (`process::memory`), and so is
//! copy-on-write, which depends on page-table state, not on areas. When a
//! call takes pages away (munmap, brk shrinking, a `MAP_FIXED` mapping over
//! old ones, mprotect) the caller must unmap or re-protect the pages in
//! that range; each function says which.
//!
//! Places, from `vm::layout`: segments below `PROGRAM_LIMIT`, the heap
//! from the end of the program up to `HEAP_LIMIT`, mmap2 top-down from
//! `MMAP_TOP`, the stack below `STACK_TOP` growing down on demand as far
//! as `STACK_MAX`, one guard page clear of the area below it.
//!
//! Segment areas use Linux's view of a segment that does not start on a
//! page boundary: the page holding its first byte is filled from the file
//! from the page's start (`p_offset` and `p_vaddr` are congruent modulo the
//! page size; the ELF checks ensure it), so a segment area's
//! `file_offset` is the file offset of the area's first byte.
//!
//! Neighbouring areas of the same kind and permissions are merged, so a
//! program that maps memory page by page (an allocator) does not run into
//! [`MAX_AREAS`], Linux's `max_map_count` in miniature.

use crate::addr::VirtAddr;
use crate::trap::Access;
use crate::vm::layout::{PAGE_SIZE, STACK_MAX, STACK_TOP, USER_BOTTOM, USER_TOP};
use abi::errno::Errno;
use abi::mman::{PROT_EXEC, PROT_READ, PROT_WRITE};
use alloc::vec::Vec;
use core::ops::Range;

mod fault;
mod heap;
mod mapping;
#[cfg(test)]
mod tests;

/// Most areas a process may have; more gives ENOMEM, as Linux's
/// `max_map_count` does.
pub const MAX_AREAS: usize = 1024;

/// Free space the stack keeps below itself when it grows: it never grows
/// to touch the area below (Linux's `stack_guard_gap`, one page here).
pub const STACK_GUARD_GAP: u32 = PAGE_SIZE;

/// The lowest address the stack may grow down to.
pub const STACK_LIMIT: u32 = STACK_TOP - STACK_MAX;

/// What a process may do with an area's pages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Permissions {
    /// Loads are allowed.
    pub read: bool,
    /// Stores are allowed.
    pub write: bool,
    /// Instruction fetches are allowed.
    pub execute: bool,
}

impl Permissions {
    /// No access at all (`PROT_NONE`).
    pub const NONE: Permissions = Permissions {
        read: false,
        write: false,
        execute: false,
    };
    /// Data: read and write.
    pub const READ_WRITE: Permissions = Permissions {
        read: true,
        write: true,
        execute: false,
    };

    /// The permissions of mmap2's or mprotect's `prot` argument.
    pub const fn from_prot(prot: u32) -> Permissions {
        Permissions {
            read: prot & PROT_READ != 0,
            write: prot & PROT_WRITE != 0,
            execute: prot & PROT_EXEC != 0,
        }
    }

    /// Whether `access` is allowed. ARMv7 pages a process can reach at all
    /// are readable (no write-only or execute-only pages), so any
    /// permission allows reading, as on Linux for ARM.
    pub const fn allows(self, access: Access) -> bool {
        match access {
            Access::Read => self.read || self.write || self.execute,
            Access::Write => self.write,
            Access::Execute => self.execute,
        }
    }
}

/// What an area holds, which decides what fills a page on first touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AreaKind {
    /// Part of an ELF segment: `file_size` bytes of the program image from
    /// `file_offset` at the area's start, zeros after (`.bss`).
    Segment {
        /// Offset in the image of the area's first byte.
        file_offset: u32,
        /// Bytes taken from the image, from the area's start.
        file_size: u32,
    },
    /// The heap (brk), zero-filled.
    Heap,
    /// The main stack, zero-filled, growing down on demand.
    Stack,
    /// An anonymous mmap2, zero-filled.
    Anonymous,
    /// A private mmap2 of a ramdisk file: `file_size` bytes of mapped
    /// file number `source` (see `ProcessMemory::mapped_files`) from
    /// `file_offset` at the area's start, zeros after.
    File {
        /// Which mapped file.
        source: u32,
        /// Offset in the file of the area's first byte.
        file_offset: u32,
        /// Bytes taken from the file, from the area's start.
        file_size: u32,
    },
    /// The vDSO: its pages are the kernel's, mapped when the area is made.
    Vdso,
}

/// What fills a page on first touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// A zeroed page.
    Zero,
    /// A zeroed page with `bytes` bytes of the image from `file_offset`
    /// copied to `page_offset` in it. `page_offset` is 0 as long as
    /// segment areas start on a page boundary, as they do.
    FromImage {
        /// Where the bytes start in the program image.
        file_offset: u32,
        /// Where they go in the page.
        page_offset: u32,
        /// How many (1 to `PAGE_SIZE`).
        bytes: u32,
    },
    /// A zeroed page with `bytes` bytes of mapped file `source` from
    /// `file_offset` at its start.
    FromFile {
        /// Which mapped file.
        source: u32,
        /// Where the bytes start in the file.
        file_offset: u32,
        /// How many (1 to `PAGE_SIZE`).
        bytes: u32,
    },
    /// Page `index` of the vDSO; it should have been mapped already.
    Vdso {
        /// Page number from the start of the vDSO area.
        index: u32,
    },
}

/// The answer to a page fault at an address that is not mapped yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultClass {
    /// The access is allowed: map a page filled this way, with these
    /// permissions.
    Fill {
        /// The area's permissions, for the new page.
        permissions: Permissions,
        /// What goes in the page.
        fill: Fill,
    },
    /// Just below the stack and within its limit: call
    /// [`Areas::grow_stack`], then ask again.
    StackGrowth,
    /// An area covers the address but forbids the access.
    Forbidden,
    /// No area covers the address.
    Unmapped,
}

/// A page-aligned range of a process's address space and what it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Area {
    /// First address (page-aligned).
    pub start: VirtAddr,
    /// First address past the area (page-aligned, above `start`).
    pub end: VirtAddr,
    /// What the process may do with its pages.
    pub permissions: Permissions,
    /// What it holds.
    pub kind: AreaKind,
}

/// `address` rounded up to a page, or the last page boundary on overflow
/// (which `Areas::insert` refuses as past `USER_TOP`).
fn page_up(address: u32) -> u32 {
    VirtAddr(address)
        .align_up(PAGE_SIZE)
        .map_or(0u32.wrapping_sub(PAGE_SIZE), |up| up.0)
}

/// `address` rounded down to a page.
fn page_down(address: u32) -> u32 {
    address & !(PAGE_SIZE - 1)
}

impl Area {
    /// The area covering `[start, end)`, widened to whole pages. A segment
    /// that starts inside a page is taken from the file from the page's
    /// start, as Linux maps it (see the file doc).
    pub fn new(start: VirtAddr, end: VirtAddr, permissions: Permissions, kind: AreaKind) -> Area {
        let lead = start.0 % PAGE_SIZE;
        let kind = match kind {
            AreaKind::Segment {
                file_offset,
                file_size,
            } if lead != 0 && file_size != 0 => {
                AreaKind::Segment {
                    // Congruent offsets make this exact; saturation only
                    // keeps a bad plan from wrapping.
                    file_offset: file_offset.saturating_sub(lead),
                    file_size: file_size.saturating_add(lead),
                }
            }
            other => other,
        };
        Area {
            start: VirtAddr(page_down(start.0)),
            end: VirtAddr(page_up(end.0)),
            permissions,
            kind,
        }
    }

    /// Whether `address` lies in the area.
    pub const fn contains(&self, address: VirtAddr) -> bool {
        self.start.0 <= address.0 && address.0 < self.end.0
    }

    /// Bytes in the area.
    pub const fn size(&self) -> u32 {
        self.end.0 - self.start.0
    }

    /// What fills the page at `page` (inside the area, page-aligned).
    fn fill_for(&self, page: u32) -> Fill {
        let offset = page - self.start.0;
        match self.kind {
            AreaKind::Segment {
                file_offset,
                file_size,
            } if offset < file_size => Fill::FromImage {
                file_offset: file_offset.saturating_add(offset),
                page_offset: 0,
                bytes: (file_size - offset).min(PAGE_SIZE),
            },
            AreaKind::File {
                source,
                file_offset,
                file_size,
            } if offset < file_size => Fill::FromFile {
                source,
                file_offset: file_offset.saturating_add(offset),
                bytes: (file_size - offset).min(PAGE_SIZE),
            },
            AreaKind::Vdso => Fill::Vdso {
                index: offset / PAGE_SIZE,
            },
            _ => Fill::Zero,
        }
    }

    /// The two halves of the area cut at `address` (page-aligned, strictly
    /// inside). A segment's second half continues in the file.
    fn split(&self, address: u32) -> (Area, Area) {
        let lower_size = address - self.start.0;
        let (lower_kind, upper_kind) = match self.kind {
            AreaKind::Segment {
                file_offset,
                file_size,
            } => (
                AreaKind::Segment {
                    file_offset,
                    file_size: file_size.min(lower_size),
                },
                AreaKind::Segment {
                    file_offset: file_offset.saturating_add(lower_size),
                    file_size: file_size.saturating_sub(lower_size),
                },
            ),
            AreaKind::File {
                source,
                file_offset,
                file_size,
            } => (
                AreaKind::File {
                    source,
                    file_offset,
                    file_size: file_size.min(lower_size),
                },
                AreaKind::File {
                    source,
                    file_offset: file_offset.saturating_add(lower_size),
                    file_size: file_size.saturating_sub(lower_size),
                },
            ),
            other => (other, other),
        };
        let lower = Area {
            end: VirtAddr(address),
            kind: lower_kind,
            ..*self
        };
        let upper = Area {
            start: VirtAddr(address),
            kind: upper_kind,
            ..*self
        };
        (lower, upper)
    }

    /// The area `self` followed by `next` would make as one, if they can
    /// be one: adjacent, same permissions, same kind, and for segments the
    /// file continuing where the first stops.
    fn merged_with(&self, next: &Area) -> Option<Area> {
        if self.end != next.start || self.permissions != next.permissions {
            return None;
        }
        let kind = match (self.kind, next.kind) {
            (AreaKind::Heap, AreaKind::Heap)
            | (AreaKind::Stack, AreaKind::Stack)
            | (AreaKind::Anonymous, AreaKind::Anonymous) => self.kind,
            (
                AreaKind::Segment {
                    file_offset,
                    file_size,
                },
                AreaKind::Segment {
                    file_offset: next_offset,
                    file_size: next_size,
                },
            ) if file_offset.checked_add(self.size()) == Some(next_offset)
                && (file_size == self.size() || next_size == 0) =>
            {
                let file_size = if next_size == 0 {
                    file_size
                } else {
                    self.size() + next_size
                };
                AreaKind::Segment {
                    file_offset,
                    file_size,
                }
            }
            _ => return None,
        };
        Some(Area {
            start: self.start,
            end: next.end,
            permissions: self.permissions,
            kind,
        })
    }
}

/// The result of brk: the break now, and the pages it gave up.
#[must_use]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakChange {
    /// The program break after the call (what brk returns).
    pub program_break: VirtAddr,
    /// Pages the heap shrank out of: the caller unmaps them.
    pub released: Option<Range<VirtAddr>>,
}

/// The areas of one process, sorted by address and disjoint. `Clone` is
/// fork's copy.
#[derive(Clone, Debug, Default)]
pub struct Areas {
    /// Sorted by `start`; no two overlap.
    areas: Vec<Area>,
    /// Where the heap starts (page-aligned), once the program is loaded.
    heap_start: Option<VirtAddr>,
    /// The program break: the heap ends at this, rounded up to a page.
    program_break: VirtAddr,
}

impl Areas {
    /// No areas, no heap.
    pub const fn new() -> Areas {
        Areas {
            areas: Vec::new(),
            heap_start: None,
            program_break: VirtAddr(0),
        }
    }

    /// The areas, lowest first.
    pub fn iter(&self) -> core::slice::Iter<'_, Area> {
        self.areas.iter()
    }

    /// Number of areas.
    pub fn len(&self) -> usize {
        self.areas.len()
    }

    /// Whether there are no areas.
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// The area covering `address`, if any.
    pub fn find(&self, address: VirtAddr) -> Option<&Area> {
        self.areas
            .get(self.first_ending_after(address.0))
            .filter(|area| area.contains(address))
    }

    /// Index of the first area that ends after `address` (the one covering
    /// it, or the next one up).
    fn first_ending_after(&self, address: u32) -> usize {
        self.areas.partition_point(|area| area.end.0 <= address)
    }

    /// Whether any area overlaps `[start, end)`.
    fn overlaps(&self, start: u32, end: u32) -> bool {
        self.areas
            .get(self.first_ending_after(start))
            .is_some_and(|area| area.start.0 < end)
    }

    /// The area strictly containing `address` inside it (not at its start).
    fn straddling(&self, address: u32) -> Option<&Area> {
        self.find(VirtAddr(address))
            .filter(|area| area.start.0 != address)
    }

    /// Adds `area`: `EINVAL` if it is empty or outside
    /// `[USER_BOTTOM, USER_TOP)`, `EEXIST` if it overlaps another,
    /// `ENOMEM` past [`MAX_AREAS`].
    pub fn insert(&mut self, area: Area) -> Result<(), Errno> {
        let (start, end) = (area.start.0, area.end.0);
        if start >= end || start < USER_BOTTOM || end > USER_TOP {
            return Err(Errno::EINVAL);
        }
        if self.overlaps(start, end) {
            return Err(Errno::EEXIST);
        }
        if self.areas.len() >= MAX_AREAS {
            return Err(Errno::ENOMEM);
        }
        let index = self.first_ending_after(start);
        self.areas.insert(index, area);
        self.merge_around(index);
        Ok(())
    }

    /// Merges the area at `index` with its neighbours where possible.
    fn merge_around(&mut self, index: usize) {
        let mut index = index.min(self.areas.len().saturating_sub(1));
        if index > 0
            && let Some(merged) = self.areas[index - 1].merged_with(&self.areas[index])
        {
            self.areas[index - 1] = merged;
            self.areas.remove(index);
            index -= 1;
        }
        if index + 1 < self.areas.len()
            && let Some(merged) = self.areas[index].merged_with(&self.areas[index + 1])
        {
            self.areas[index] = merged;
            self.areas.remove(index + 1);
        }
    }

    /// Cuts the area strictly containing `address` in two.
    fn split_at(&mut self, address: u32) {
        let index = self.first_ending_after(address);
        if let Some(area) = self.areas.get(index).filter(|area| area.start.0 < address) {
            let (lower, upper) = area.split(address);
            self.areas[index] = lower;
            self.areas.insert(index + 1, upper);
        }
    }

    /// Removes everything in `[start, end)` (page-aligned), cutting areas
    /// that stick out; returns the ranges removed, lowest first.
    fn remove_range(&mut self, start: u32, end: u32) -> Vec<Range<VirtAddr>> {
        self.split_at(start);
        self.split_at(end);
        let first = self.first_ending_after(start);
        let count = self.areas[first..]
            .iter()
            .take_while(|area| area.end.0 <= end)
            .count();
        self.areas
            .drain(first..first + count)
            .map(|area| area.start..area.end)
            .collect()
    }

    /// Whether removing `[start, end)` would leave one more area than now
    /// (one area sticking out on both sides), and there is no room for it.
    fn removal_needs_room(&self, start: u32, end: u32) -> bool {
        let one_area_both_sides = self.straddling(start).is_some_and(|area| area.end.0 > end);
        one_area_both_sides && self.areas.len() >= MAX_AREAS
    }

    /// Whether `[start, end)` touches the vDSO, which stays as it is.
    fn touches_vdso(&self, start: u32, end: u32) -> bool {
        let first = self.first_ending_after(start);
        self.areas[first..]
            .iter()
            .take_while(|area| area.start.0 < end)
            .any(|area| area.kind == AreaKind::Vdso)
    }
}
