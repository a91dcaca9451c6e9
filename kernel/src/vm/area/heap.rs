// SPDX-License-Identifier: MIT OR Apache-2.0
//! The heap and brk.
//!
//! The heap starts where the program ends and ends at the program break,
//! rounded up to a page. brk moves the break with Linux's rules (mm/mmap.c,
//! `SYSCALL_DEFINE1(brk)`): it never fails, it returns the break, which is
//! unchanged when the request is below the heap's start (brk(0) is how a C
//! library asks for it), past `HEAP_LIMIT`, or would run into another area
//! or the guard page above the new end. Shrinking gives pages back; moving
//! within a page changes only the number.

use super::{Area, AreaKind, Areas, BreakChange, MAX_AREAS, Permissions, page_up};
use crate::addr::VirtAddr;
use crate::vm::layout::{HEAP_LIMIT, PAGE_SIZE, USER_BOTTOM};
use abi::errno::Errno;

impl Areas {
    /// Sets where the heap starts (the program's page-aligned end); the
    /// heap is empty until brk grows it. `ENOMEM` if it is out of the
    /// heap's range.
    pub fn set_heap_start(&mut self, start: VirtAddr) -> Result<(), Errno> {
        let start = page_up(start.0);
        if !(USER_BOTTOM..=HEAP_LIMIT).contains(&start) {
            return Err(Errno::ENOMEM);
        }
        self.heap_start = Some(VirtAddr(start));
        self.program_break = VirtAddr(start);
        Ok(())
    }

    /// Where the heap starts, once set.
    pub fn heap_start(&self) -> Option<VirtAddr> {
        self.heap_start
    }

    /// The program break (what brk(0) returns).
    pub fn program_break(&self) -> VirtAddr {
        self.program_break
    }

    /// brk: moves the program break to `requested` if allowed; the result
    /// says where it is and which pages the caller must unmap.
    pub fn brk(&mut self, requested: VirtAddr) -> BreakChange {
        let unchanged = BreakChange {
            program_break: self.program_break,
            released: None,
        };
        let Some(heap_start) = self.heap_start else {
            return unchanged;
        };
        if requested < heap_start || requested.0 > HEAP_LIMIT {
            return unchanged;
        }
        let old_end = page_up(self.program_break.0);
        let new_end = page_up(requested.0);
        let released = if new_end > old_end {
            if self.grow_heap(old_end, new_end).is_err() {
                return unchanged;
            }
            None
        } else if new_end < old_end {
            if self.removal_needs_room(new_end, old_end) {
                return unchanged;
            }
            let _ = self.remove_range(new_end, old_end);
            Some(VirtAddr(new_end)..VirtAddr(old_end))
        } else {
            None
        };
        self.program_break = requested;
        BreakChange {
            program_break: requested,
            released,
        }
    }

    /// Adds heap pages `[old_end, new_end)` if they, and the guard page
    /// above, are free.
    fn grow_heap(&mut self, old_end: u32, new_end: u32) -> Result<(), Errno> {
        let guard_end = new_end.saturating_add(PAGE_SIZE);
        if self.overlaps(old_end, guard_end) || self.areas.len() >= MAX_AREAS {
            return Err(Errno::ENOMEM);
        }
        let area = Area {
            start: VirtAddr(old_end),
            end: VirtAddr(new_end),
            permissions: Permissions::READ_WRITE,
            kind: AreaKind::Heap,
        };
        // Merges with the heap below, if it is there.
        self.insert(area)
    }
}
