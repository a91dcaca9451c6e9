// SPDX-License-Identifier: MIT OR Apache-2.0
//! Reading and writing the contents of physical frames.
//!
//! The kernel never touches a process's memory through the process's own
//! virtual addresses: it finds the frame in the page tables and reaches it
//! through the linear map. That is why a bad user pointer can only ever
//! produce `EFAULT`, never a kernel fault. This module is on the crate's
//! short `unsafe` list: it turns a frame address into a slice.

use crate::addr::PhysAddr;
use crate::frame::FRAME_SIZE;
use crate::memory::kernel_address;

/// Runs `action` on the bytes of `frame`, mutably.
///
/// Callers pass frames they own exclusively (a frame shared copy-on-write
/// is copied before anyone writes to it); the kernel runs on one core with
/// no interrupts in these paths, so no other reference exists meanwhile.
pub fn with_frame_mut<R>(frame: PhysAddr, action: impl FnOnce(&mut [u8]) -> R) -> R {
    let address = kernel_address(frame.align_down(FRAME_SIZE)).as_usize();
    // SAFETY: the linear map covers every frame the allocator hands out,
    // mapped read/write for the kernel, FRAME_SIZE bytes from its start;
    // exclusivity as documented above.
    let bytes = unsafe { core::slice::from_raw_parts_mut(address as *mut u8, FRAME_SIZE as usize) };
    action(bytes)
}

/// Runs `action` on the bytes of `frame`, read-only.
pub fn with_frame<R>(frame: PhysAddr, action: impl FnOnce(&[u8]) -> R) -> R {
    let address = kernel_address(frame.align_down(FRAME_SIZE)).as_usize();
    // SAFETY: as in `with_frame_mut`; a shared reference is enough here.
    let bytes = unsafe { core::slice::from_raw_parts(address as *const u8, FRAME_SIZE as usize) };
    action(bytes)
}

/// Fills `frame` with zeros.
pub fn zero(frame: PhysAddr) {
    with_frame_mut(frame, |bytes| bytes.fill(0));
}

/// The bytes of physical RAM in `range`, for data the kernel keeps for
/// good (the ramdisk), or `None` if the linear map does not cover it.
pub fn physical_slice(range: crate::addr::PhysRange) -> Option<&'static [u8]> {
    let last = crate::addr::PhysAddr(range.end.as_u32().checked_sub(1)?);
    crate::memory::kernel_virtual_address(last)?;
    let start = crate::memory::kernel_virtual_address(range.start)?.as_usize();
    // SAFETY: the whole range is RAM in the linear map (both ends checked),
    // reserved from the frame allocator at boot and never written by the
    // kernel, so a shared 'static slice is sound.
    Some(unsafe { core::slice::from_raw_parts(start as *const u8, range.size() as usize) })
}
