// SPDX-License-Identifier: MIT OR Apache-2.0
//! Boot-time self-checks and deliberate faults.
//!
//! After the banner the kernel checks that what it just built works on this
//! machine: the heap allocates and frees, the frame allocator hands out and
//! takes back aligned blocks, the MMU translates the kernel's own
//! addresses as the linear map says, and a probing read (how hardware that
//! may be absent is looked for) survives the fault it provokes. A failed check is a panic, so the boot
//! ends with a non-zero status. `kml.selftest=NAME` then provokes a kernel
//! fault on purpose, which is how the tests prove that faults are reported.

use crate::addr::VirtAddr;
use crate::frame::FrameAllocator;
use crate::platform::{InjectedFault, LinearMap, Platform};
use crate::println;
use alloc::vec::Vec;

/// Runs every check; panics on the first failure.
pub fn run_checks(platform: &dyn Platform, linear_map: &LinearMap, frames: &mut FrameAllocator) {
    check_heap();
    check_frames(frames);
    check_translation(platform, linear_map);
    check_fault_recovery(platform);
}

fn check_fault_recovery(platform: &dyn Platform) {
    assert!(
        platform.fault_recovery_works(),
        "a probing read did not recover from its fault"
    );
    println!("self-check: fault recovery ok (a probe of an unmapped address came back empty)");
}

fn check_heap() {
    let (used_before, _) = crate::heap::usage();
    let squares: Vec<u32> = (0..1000u32).map(|n| n * n).collect();
    let sum: u64 = squares.iter().map(|&n| u64::from(n)).sum();
    assert_eq!(sum, 332_833_500, "heap-backed vector holds wrong data");
    drop(squares);
    let (used_after, free) = crate::heap::usage();
    assert_eq!(used_before, used_after, "heap leaked across a free");
    println!("self-check: heap ok ({} KiB free)", free >> 10);
}

fn check_frames(frames: &mut FrameAllocator) {
    let free_before = frames.free_count();
    let block = frames
        .allocate_contiguous(4, 4)
        .expect("no 16 KiB block of free RAM");
    assert!(
        block.start().is_aligned(16 << 10),
        "16 KiB block misaligned: {block:?}"
    );
    let single = frames.allocate().expect("no free frame");
    assert_eq!(frames.free_count(), free_before - 5);
    for index in 0..4 {
        let address = block.start().checked_add(index * crate::frame::FRAME_SIZE);
        let frame = crate::frame::PhysFrame::containing(address.expect("inside RAM"));
        frames.free(frame).expect("freeing an allocated frame");
    }
    frames.free(single).expect("freeing an allocated frame");
    assert!(frames.free(single).is_err(), "double free went unnoticed");
    assert_eq!(frames.free_count(), free_before, "frames lost");
    println!("self-check: frame allocator ok");
}

fn check_translation(platform: &dyn Platform, linear_map: &LinearMap) {
    static PROBE: u32 = 0x4B4D_4C21;
    let address = VirtAddr(core::ptr::addr_of!(PROBE) as usize as u32);
    let expected = linear_map.physical_address(address);
    let translated = platform.translate(address);
    assert!(
        expected.is_some(),
        "kernel data at {address} is outside the linear map"
    );
    assert_eq!(
        translated, expected,
        "MMU translates {address} unlike the linear map"
    );
    println!(
        "self-check: MMU ok ({address} -> {})",
        translated.unwrap_or_default()
    );
}

/// Provokes the fault named on the command line; unknown names panic.
pub fn inject(platform: &dyn Platform, name: &str) {
    let fault = match name {
        "data-abort" => InjectedFault::DataAbort,
        "prefetch-abort" => InjectedFault::PrefetchAbort,
        "undefined" => InjectedFault::UndefinedInstruction,
        "panic" => panic!("deliberate panic requested by kml.selftest=panic"),
        other => {
            panic!("unknown kml.selftest={other} (data-abort, prefetch-abort, undefined, panic)")
        }
    };
    println!("self-test: provoking a {fault:?} in the kernel");
    platform.inject_fault(fault);
    panic!("deliberate {fault:?} did not fault");
}
