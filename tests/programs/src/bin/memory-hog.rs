// SPDX-License-Identifier: MIT OR Apache-2.0
//! `memory-hog`: touches megabytes of heap, stack and mmap2 memory.
//!
//! The `demand-paging` scenario's program. Every page it uses is filled on
//! first touch by the kernel, so each part writes a pattern that differs per
//! word and page, then reads it all back:
//!
//! - 4 MiB above the break, with `brk` directly (then the break goes back);
//! - 2 MiB of stack: 32 nested calls with a 64 KiB array each, every frame
//!   checked after the deeper ones returned;
//! - 4 MiB from `mmap2` (anonymous, private), checked zero first, then
//!   unmapped;
//! - 1 MiB through the global allocator (a `Vec`), which grows the heap
//!   with `brk` 64 KiB at a time.
//!
//! Prints `memory-hog: <part> ok` per part and exits 0, or prints
//! `memory-hog: FAIL <part>: <why>` and exits 1.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::hint::black_box;

use userlib::syscall::{self, PROT_READ, PROT_WRITE};
use userlib::{Args, println};

userlib::entry!(main);

/// One mebibyte.
const MIB: usize = 1 << 20;
/// Words of one stack frame's array (64 KiB).
const FRAME_WORDS: usize = 16 * 1024;
/// Nested frames: 32 x 64 KiB = 2 MiB.
const FRAMES: u32 = 32;

/// One part of the test: its name and its body.
type Part = (&'static str, fn() -> Result<(), String>);

fn main(_args: &Args) -> i32 {
    let parts: [Part; 4] = [
        ("heap via brk, 4 MiB", brk_heap),
        ("stack, 2 MiB", stack),
        ("mmap2, 4 MiB", mmap),
        ("allocator, 1 MiB", allocator),
    ];
    let mut failed = false;
    for (name, part) in parts {
        match part() {
            Ok(()) => println!("memory-hog: {name} ok"),
            Err(why) => {
                println!("memory-hog: FAIL {name}: {why}");
                failed = true;
            }
        }
    }
    i32::from(failed)
}

/// The pattern word for word `index` of region `seed`.
fn pattern(seed: u32, index: usize) -> u32 {
    (index as u32).wrapping_mul(0x9E37_79B9) ^ seed
}

/// Fills `words` with the pattern of `seed`.
fn fill(words: &mut [u32], seed: u32) {
    for (index, word) in words.iter_mut().enumerate() {
        *word = pattern(seed, index);
    }
}

/// The first word of `words` that does not hold the pattern of `seed`.
fn first_mismatch(words: &[u32], seed: u32) -> Option<usize> {
    words
        .iter()
        .enumerate()
        .position(|(index, &word)| word != pattern(seed, index))
}

/// Moves the break up 4 MiB, fills and checks it, moves it back.
fn brk_heap() -> Result<(), String> {
    let original = syscall::program_break().map_err(|error| format!("brk(0): {error:?}"))?;
    let start = original.next_multiple_of(4);
    let end = start + 4 * MIB;
    // SAFETY: moving the break up frees nothing.
    unsafe { syscall::brk(end) }.map_err(|error| format!("brk(+4 MiB): {error:?}"))?;
    // SAFETY: [start, end) lies below the break we just set, belongs to no
    // allocator (it grows from its own top, which is at or below `start`,
    // and we allocate nothing until the break is back) and is 4-aligned.
    let words = unsafe { core::slice::from_raw_parts_mut(start as *mut u32, (end - start) / 4) };
    fill(words, 0xB4B4_0000);
    let mismatch = first_mismatch(black_box(words), 0xB4B4_0000);
    // SAFETY: `words` is not used after this point; lowering the break to
    // where it was frees only what we took above.
    unsafe { syscall::brk(original) }.map_err(|error| format!("brk(back): {error:?}"))?;
    match mismatch {
        None => Ok(()),
        Some(index) => Err(format!("word {index} lost its pattern")),
    }
}

/// Recurses [`FRAMES`] deep with a 64 KiB array per frame.
fn stack() -> Result<(), String> {
    match deep(FRAMES) {
        0 => Ok(()),
        bad => Err(format!("{bad} frames lost their pattern")),
    }
}

/// One frame: fill, recurse, check after the deeper frames ran. Returns the
/// number of frames (this and below) whose array was damaged.
#[inline(never)]
fn deep(level: u32) -> u32 {
    let mut frame = [0u32; FRAME_WORDS];
    fill(&mut frame, level);
    // black_box: the array must really live in this frame, in memory.
    let frame = black_box(&mut frame);
    let below = if level > 1 { deep(level - 1) } else { 0 };
    below + u32::from(first_mismatch(frame, level).is_some())
}

/// Maps 4 MiB, checks it reads as zero, fills and checks it, unmaps it.
fn mmap() -> Result<(), String> {
    let length = 4 * MIB;
    let base = syscall::mmap_anonymous(length, PROT_READ | PROT_WRITE)
        .map_err(|error| format!("mmap2: {error:?}"))?;
    // SAFETY: the kernel just mapped `length` bytes at `base`, page-aligned,
    // readable and writable, and nothing else refers to them.
    let words = unsafe { core::slice::from_raw_parts_mut(base.as_ptr().cast::<u32>(), length / 4) };
    let nonzero = black_box(&*words).iter().position(|&word| word != 0);
    fill(words, 0x3A3A_0000);
    let mismatch = first_mismatch(black_box(words), 0x3A3A_0000);
    // SAFETY: `words` is not used after this point.
    unsafe { syscall::munmap(base.as_ptr(), length) }
        .map_err(|error| format!("munmap: {error:?}"))?;
    if let Some(index) = nonzero {
        return Err(format!("fresh word {index} is not zero"));
    }
    match mismatch {
        None => Ok(()),
        Some(index) => Err(format!("word {index} lost its pattern")),
    }
}

/// A 1 MiB `Vec` from the global allocator, filled and checked.
fn allocator() -> Result<(), String> {
    let mut words: Vec<u32> = Vec::new();
    words
        .try_reserve_exact(MIB / 4)
        .map_err(|_| String::from("allocation failed"))?;
    words.extend((0..MIB / 4).map(|index| pattern(0xA110_C000, index)));
    match first_mismatch(black_box(&words), 0xA110_C000) {
        None => Ok(()),
        Some(index) => Err(format!("word {index} lost its pattern")),
    }
}
