// SPDX-License-Identifier: MIT OR Apache-2.0
//! The global allocator: `linked_list_allocator` over memory from `brk`.
//!
//! The heap starts empty and grows on demand: when an allocation does not
//! fit, we move the break up by at least [`GROWTH_STEP`] (rounded to whole
//! steps, enough for the request and its alignment) and hand the new range
//! to the heap, which merges it with the free block at its top. Memory is
//! never given back to the kernel; a process's pages all return at exit.
//!
//! Contract with programs that call `brk` themselves (`memory-hog` does):
//! the heap only ever extends from the break it set last. If the break has
//! moved since, growth fails (allocation error, then a panic) rather than
//! hand out memory the program owns; so move the break back before you
//! allocate again.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::{NonNull, null_mut};

use linked_list_allocator::Heap;

use crate::syscall::{brk, program_break};

/// How far the break moves at least in one step.
pub const GROWTH_STEP: usize = 64 * 1024;

/// The heap and the break it last set (0: not started).
struct State {
    heap: Heap,
    top: usize,
}

/// A `GlobalAlloc` over [`State`], behind a spin lock (programs are single
/// threaded; the lock only makes `Sync` honest).
struct BrkAllocator {
    state: spin::Mutex<State>,
}

#[global_allocator]
static ALLOCATOR: BrkAllocator = BrkAllocator {
    state: spin::Mutex::new(State {
        heap: Heap::empty(),
        top: 0,
    }),
};

impl State {
    /// Moves the break up by enough for `layout` and adds the new memory to
    /// the heap; `None` if the kernel refuses or someone else moved the break.
    fn grow(&mut self, layout: Layout) -> Option<()> {
        let current = program_break().ok()?;
        if self.top != 0 && current != self.top {
            return None;
        }
        // Room for the block, worst-case alignment padding and the heap's
        // own bookkeeping, in whole steps.
        let needed = layout
            .size()
            .checked_add(layout.align())?
            .checked_add(2 * core::mem::size_of::<usize>())?;
        let step = needed.checked_next_multiple_of(GROWTH_STEP)?;
        let new_top = current.checked_add(step)?;
        // SAFETY: moving the break up frees nothing. The kernel may set it
        // higher than asked (page rounding); all of it is ours.
        let now = unsafe { brk(new_top) }.ok()?;
        let added = now - current;
        if self.top == 0 {
            // SAFETY: [current, now) was just given to us by the kernel and
            // nothing else knows about it; it stays mapped for the rest of
            // the process (we never lower the break).
            unsafe { self.heap.init(current as *mut u8, added) };
        } else {
            // SAFETY: the new range starts exactly at the heap's old top
            // (checked above) and is ours for good, as in `init`.
            unsafe { self.heap.extend(added) };
        }
        self.top = now;
        Some(())
    }
}

// SAFETY: allocations come from linked_list_allocator's Heap, which hands
// out disjoint blocks of the requested layout from memory we own (the brk
// range), and takes back only blocks it handed out, with their layout.
unsafe impl GlobalAlloc for BrkAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let mut state = self.state.lock();
        if let Ok(block) = state.heap.allocate_first_fit(layout) {
            return block.as_ptr();
        }
        if state.grow(layout).is_none() {
            return null_mut();
        }
        state
            .heap
            .allocate_first_fit(layout)
            .map_or(null_mut(), NonNull::as_ptr)
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        if let Some(block) = NonNull::new(pointer) {
            // SAFETY: GlobalAlloc's contract: `pointer` came from `alloc`
            // with this layout and is not used again.
            unsafe { self.state.lock().heap.deallocate(block, layout) };
        }
    }
}
