// SPDX-License-Identifier: MIT OR Apache-2.0
//! mmap2 of anonymous memory, munmap and mprotect.
//!
//! The argument checks and error numbers follow Linux (mm/mmap.c,
//! mm/mprotect.c): unaligned addresses are `EINVAL`, no room is `ENOMEM`,
//! an address below `USER_BOTTOM` with `MAP_FIXED` is `EPERM`
//! (`mmap_min_addr`). Without `MAP_FIXED` the hint is taken if that
//! range is free and below the stack's reach; otherwise the highest free
//! range below `MMAP_TOP` is used (top-down, as Linux's default layout).
//! `MAP_FIXED` replaces whatever was mapped there. One departure: the vDSO
//! cannot be unmapped, replaced or re-protected (`EINVAL`, `EACCES`),
//! because its frames are the kernel's and must never reach the frame
//! allocator through the caller's unmapping.

use super::{Area, AreaKind, Areas, MAX_AREAS, Permissions, STACK_LIMIT, page_up};
use crate::addr::VirtAddr;
use crate::vm::layout::{MMAP_TOP, PAGE_SIZE, USER_BOTTOM, USER_TOP};
use abi::errno::Errno;
use alloc::vec::Vec;
use core::ops::Range;

/// `length` rounded up to whole pages: `EINVAL` if 0, `ENOMEM` if it
/// does not fit in the user half.
fn page_length(length: u32) -> Result<u32, Errno> {
    if length == 0 {
        return Err(Errno::EINVAL);
    }
    match VirtAddr(length).align_up(PAGE_SIZE) {
        Some(rounded) if rounded.0 <= USER_TOP - USER_BOTTOM => Ok(rounded.0),
        _ => Err(Errno::ENOMEM),
    }
}

impl Areas {
    /// mmap2 with `MAP_ANONYMOUS | MAP_PRIVATE`: a zero-filled area of
    /// `length` bytes (rounded up to pages). With `fixed`, exactly at
    /// `hint`, and the caller must then unmap any pages it had mapped in
    /// `[hint, hint + length)`; without, at `hint` if free, else top-down.
    pub fn mmap_anonymous(
        &mut self,
        length: u32,
        permissions: Permissions,
        hint: VirtAddr,
        fixed: bool,
    ) -> Result<VirtAddr, Errno> {
        self.mmap(length, permissions, hint, fixed, AreaKind::Anonymous)
    }

    /// Like [`Areas::mmap_anonymous`], for an area of `kind` (a file
    /// mapping).
    pub fn mmap(
        &mut self,
        length: u32,
        permissions: Permissions,
        hint: VirtAddr,
        fixed: bool,
        kind: AreaKind,
    ) -> Result<VirtAddr, Errno> {
        let length = page_length(length)?;
        // A removal and an insertion: at most two more areas.
        if self.areas.len() + 2 > MAX_AREAS {
            return Err(Errno::ENOMEM);
        }
        let start = if fixed {
            self.check_fixed(hint.0, length)?;
            let _ = self.remove_range(hint.0, hint.0 + length);
            hint.0
        } else {
            self.place(hint.0, length).ok_or(Errno::ENOMEM)?
        };
        let area = Area {
            start: VirtAddr(start),
            end: VirtAddr(start + length),
            permissions,
            kind,
        };
        self.insert(area)?;
        Ok(VirtAddr(start))
    }

    /// The checks on a `MAP_FIXED` address.
    fn check_fixed(&self, start: u32, length: u32) -> Result<(), Errno> {
        if !start.is_multiple_of(PAGE_SIZE) {
            return Err(Errno::EINVAL);
        }
        if start < USER_BOTTOM {
            return Err(Errno::EPERM);
        }
        let end = start.checked_add(length).ok_or(Errno::ENOMEM)?;
        if end > USER_TOP {
            return Err(Errno::ENOMEM);
        }
        if self.touches_vdso(start, end) {
            return Err(Errno::EINVAL);
        }
        Ok(())
    }

    /// Where a new mapping of `length` bytes goes: at the hint (rounded up
    /// to a page) if that is free, else the highest free range.
    fn place(&self, hint: u32, length: u32) -> Option<u32> {
        let start = page_up(hint);
        let fits = hint != 0
            && start >= USER_BOTTOM
            && start
                .checked_add(length)
                .is_some_and(|end| end <= STACK_LIMIT)
            && !self.overlaps(start, start + length);
        if fits {
            return Some(start);
        }
        self.highest_gap(length, USER_BOTTOM, MMAP_TOP)
    }

    /// The highest start of `length` free bytes in `[floor, ceiling)`.
    fn highest_gap(&self, length: u32, floor: u32, ceiling: u32) -> Option<u32> {
        // `top` is the end of the free range being looked at: the ceiling,
        // then the start of each area, going down.
        let mut top = ceiling;
        let below = self.areas.partition_point(|area| area.start.0 < ceiling);
        for area in self.areas[..below].iter().rev() {
            let gap_start = area.end.0.max(floor);
            if top >= gap_start && top - gap_start >= length {
                return Some(top - length);
            }
            top = top.min(area.start.0);
            if top <= floor {
                return None;
            }
        }
        (top >= floor && top - floor >= length).then(|| top - length)
    }

    /// munmap: removes `[start, start + length)` (length rounded up to
    /// pages) from whatever areas it covers; returns the ranges removed,
    /// whose pages the caller unmaps. Nothing mapped there is not an error.
    pub fn munmap(&mut self, start: VirtAddr, length: u32) -> Result<Vec<Range<VirtAddr>>, Errno> {
        let start = start.0;
        if !start.is_multiple_of(PAGE_SIZE) || length == 0 {
            return Err(Errno::EINVAL);
        }
        let length = VirtAddr(length).align_up(PAGE_SIZE).ok_or(Errno::EINVAL)?.0;
        let end = start
            .checked_add(length)
            .filter(|&end| end <= USER_TOP)
            .ok_or(Errno::EINVAL)?;
        if self.touches_vdso(start, end) {
            return Err(Errno::EINVAL);
        }
        if self.removal_needs_room(start, end) {
            return Err(Errno::ENOMEM);
        }
        Ok(self.remove_range(start, end))
    }

    /// mprotect: gives `[start, start + length)` (length rounded up to
    /// pages) the permissions `permissions`. The whole range must be
    /// mapped (`ENOMEM` otherwise, changing nothing). The caller updates
    /// the pages already mapped there, keeping copy-on-write pages
    /// read-only until written.
    pub fn mprotect(
        &mut self,
        start: VirtAddr,
        length: u32,
        permissions: Permissions,
    ) -> Result<(), Errno> {
        let start = start.0;
        if !start.is_multiple_of(PAGE_SIZE) {
            return Err(Errno::EINVAL);
        }
        if length == 0 {
            return Ok(());
        }
        let length = VirtAddr(length).align_up(PAGE_SIZE).ok_or(Errno::ENOMEM)?.0;
        let end = start
            .checked_add(length)
            .filter(|&end| end <= USER_TOP)
            .ok_or(Errno::ENOMEM)?;
        if !self.covers(start, end) {
            return Err(Errno::ENOMEM);
        }
        if self.touches_vdso(start, end) {
            return Err(Errno::EACCES);
        }
        if self.areas.len() + 2 > MAX_AREAS {
            return Err(Errno::ENOMEM);
        }
        self.split_at(start);
        self.split_at(end);
        let first = self.first_ending_after(start);
        let mut index = first;
        while index < self.areas.len() && self.areas[index].end.0 <= end {
            self.areas[index].permissions = permissions;
            index += 1;
        }
        // Merge from the top down so the indices below stay valid.
        for index in (first..index).rev() {
            self.merge_around(index);
        }
        Ok(())
    }

    /// Whether areas cover `[start, end)` without a hole.
    fn covers(&self, start: u32, end: u32) -> bool {
        let mut reached = start;
        for area in &self.areas[self.first_ending_after(start)..] {
            if area.start.0 > reached {
                return false;
            }
            reached = area.end.0;
            if reached >= end {
                return true;
            }
        }
        false
    }
}
