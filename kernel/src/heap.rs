// SPDX-License-Identifier: MIT OR Apache-2.0
//! The kernel heap: `alloc` for the kernel, over a block of RAM.
//!
//! The heap is a `linked_list_allocator` behind a spin lock, handed one
//! contiguous block of RAM during boot (just past the kernel image, through
//! the linear map). It is on the short list of modules allowed `unsafe`
//! (see the crate root) because handing memory to an allocator is a promise
//! that nothing else uses it.

use crate::addr::VirtAddr;
#[cfg(target_os = "none")]
use linked_list_allocator::LockedHeap;

/// The global allocator on the target. On the host, tests use std's.
#[cfg(target_os = "none")]
#[global_allocator]
static HEAP: LockedHeap = LockedHeap::empty();

/// Gives the allocator the `size` bytes at `start`.
///
/// # Safety
/// `[start, start + size)` must be mapped read/write, unused by anything
/// else for the rest of the kernel's life, and this must be called once.
#[cfg(target_os = "none")]
pub unsafe fn init(start: VirtAddr, size: usize) {
    // SAFETY: the caller guarantees the block is mapped, exclusively ours
    // and that this runs once, which is what `Heap::init` requires.
    unsafe { HEAP.lock().init(start.as_usize() as *mut u8, size) };
}

/// Host stand-in: the host's allocator needs no block.
///
/// # Safety
/// None on the host; the signature matches the target's.
#[cfg(not(target_os = "none"))]
pub unsafe fn init(_start: VirtAddr, _size: usize) {}

/// Bytes in use and bytes free, for the banner and self-checks.
#[cfg(target_os = "none")]
pub fn usage() -> (usize, usize) {
    let heap = HEAP.lock();
    (heap.used(), heap.free())
}

/// Host stand-in: nothing to report.
#[cfg(not(target_os = "none"))]
pub fn usage() -> (usize, usize) {
    (0, 0)
}

/// Heap kept free for the kernel's own bookkeeping (tables, wait lists,
/// the work of ending many threads at once) when threads are created.
pub const RESERVE: usize = 256 * 1024;

/// Whether `bytes` can be taken for a new thread and still leave
/// [`RESERVE`]: creating threads fails cleanly (ENOMEM, EAGAIN) well
/// before the heap is so full that a later allocation would panic.
#[cfg(target_os = "none")]
pub fn can_spare(bytes: usize) -> bool {
    usage().1 >= bytes.saturating_add(RESERVE)
}

/// Host stand-in: the host's heap always has room.
#[cfg(not(target_os = "none"))]
pub fn can_spare(_bytes: usize) -> bool {
    true
}
