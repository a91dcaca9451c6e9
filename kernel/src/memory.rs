// SPDX-License-Identifier: MIT OR Apache-2.0
//! The kernel's one frame allocator, with reference counts for sharing.
//!
//! Boot hands the frame allocator over here; from then on every frame the
//! kernel gives out (page tables, process pages) comes from [`allocate`]
//! and goes back through [`release`]. A frame shared copy-on-write by
//! several processes carries a count of its extra owners, kept in a map
//! because most frames are never shared.

use crate::addr::{PhysAddr, VirtAddr};
use crate::frame::{FRAME_SIZE, FrameAllocator, PhysFrame};
use crate::platform::LinearMap;
use alloc::collections::BTreeMap;
use spin::{Mutex, Once};

/// The allocator and the share counts, behind one lock.
struct Memory {
    frames: FrameAllocator,
    /// Frame address -> number of owners beyond the first.
    extra_owners: BTreeMap<u32, u32>,
}

static MEMORY: Mutex<Option<Memory>> = Mutex::new(None);
static LINEAR_MAP: Once<LinearMap> = Once::new();

/// Takes over the boot frame allocator and the linear map's description.
pub fn init(frames: FrameAllocator, linear_map: LinearMap) {
    LINEAR_MAP.call_once(|| linear_map);
    *MEMORY.lock() = Some(Memory {
        frames,
        extra_owners: BTreeMap::new(),
    });
}

fn with_memory<R>(action: impl FnOnce(&mut Memory) -> R) -> R {
    action(MEMORY.lock().as_mut().expect("memory::init ran at boot"))
}

/// A frame with one owner (its contents are whatever was there).
pub fn allocate() -> Option<PhysAddr> {
    with_memory(|memory| memory.frames.allocate().map(PhysFrame::start))
}

/// `count` physically contiguous frames aligned to `align` frames.
pub fn allocate_contiguous(count: usize, align: usize) -> Option<PhysAddr> {
    with_memory(|memory| {
        memory
            .frames
            .allocate_contiguous(count, align)
            .map(PhysFrame::start)
    })
}

/// Adds an owner to `frame` (a copy-on-write share).
pub fn share(frame: PhysAddr) {
    with_memory(|memory| *memory.extra_owners.entry(frame.as_u32()).or_insert(0) += 1);
}

/// Whether `frame` has more than one owner.
pub fn is_shared(frame: PhysAddr) -> bool {
    with_memory(|memory| memory.extra_owners.contains_key(&frame.as_u32()))
}

/// Drops one owner of `frame`; the last one returns it to the allocator.
pub fn release(frame: PhysAddr) {
    with_memory(|memory| {
        if let Some(extra) = memory.extra_owners.get_mut(&frame.as_u32()) {
            *extra -= 1;
            if *extra == 0 {
                memory.extra_owners.remove(&frame.as_u32());
            }
            return;
        }
        if let Err(error) = memory.frames.free(PhysFrame::containing(frame)) {
            crate::println!("memory: {error}");
        }
    });
}

/// Releases `count` contiguous frames from `allocate_contiguous`.
pub fn release_contiguous(first: PhysAddr, count: usize) {
    for index in 0..count as u32 {
        release(PhysAddr(first.as_u32() + index * FRAME_SIZE));
    }
}

/// Frames the allocator manages.
pub fn total_frames() -> usize {
    with_memory(|memory| memory.frames.total_count())
}

/// Frames free right now.
pub fn free_frames() -> usize {
    with_memory(|memory| memory.frames.free_count())
}

/// The kernel virtual address of physical RAM at `address`.
pub fn kernel_address(address: PhysAddr) -> VirtAddr {
    kernel_virtual_address(address).expect("frames come from the linear map")
}

/// The kernel virtual address of `address`, if the linear map covers it.
pub fn kernel_virtual_address(address: PhysAddr) -> Option<VirtAddr> {
    LINEAR_MAP.get()?.virtual_address(address)
}
