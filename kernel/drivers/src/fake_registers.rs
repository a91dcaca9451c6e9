// SPDX-License-Identifier: MIT OR Apache-2.0
//! Host-test stand-in for a device's register block: plain zeroed memory.
//!
//! Driver tests build a real handle on this memory and check the words it
//! leaves behind. The words are atomics so the test can read and preset them
//! through a shared reference while the handle holds its own: both views go
//! through `UnsafeCell`, so neither invalidates the other. The memory does
//! nothing by itself, so a test presets the status bits a busy-wait polls.

extern crate std;

use std::boxed::Box;
use std::sync::atomic::{AtomicU32, Ordering};

/// Words in a fake block: 0x100 bytes, more than any UART here decodes.
const WORDS: usize = 64;

/// A leaked, zeroed, word-aligned block standing in for device memory.
pub struct FakeRegisters {
    words: &'static [AtomicU32; WORDS],
}

impl FakeRegisters {
    /// Allocates a zeroed block that lives for the rest of the test run.
    pub fn new() -> Self {
        let words = Box::leak(Box::new(core::array::from_fn(|_| AtomicU32::new(0))));
        Self { words }
    }

    /// The block's address, to hand to a driver's `new`.
    pub fn base(&self) -> usize {
        self.words.as_ptr() as usize
    }

    /// The word at byte `offset`.
    pub fn read(&self, offset: usize) -> u32 {
        self.words[offset / 4].load(Ordering::Relaxed)
    }

    /// Presets the word at byte `offset`, as the device would.
    pub fn write(&self, offset: usize, value: u32) {
        self.words[offset / 4].store(value, Ordering::Relaxed);
    }
}
