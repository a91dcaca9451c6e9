// SPDX-License-Identifier: MIT OR Apache-2.0
//! Host-test stand-in for a device's register block: plain zeroed memory.
//!
//! Driver tests build a real handle on this memory and check the words it
//! leaves behind. The words are atomics so the test can read and preset them
//! through a shared reference while the handle holds its own: both views go
//! through `UnsafeCell`, so neither invalidates the other. The memory does
//! nothing by itself, so a test presets the status bits a busy-wait polls.
//! Most blocks fit in the default 0x100 bytes; the GIC distributor and the
//! control module around the AM572x crossbar ask for more with
//! [`FakeRegisters::with_size`].

extern crate std;

use std::boxed::Box;
use std::sync::atomic::{AtomicU32, Ordering};
use std::vec::Vec;

/// Bytes in a default fake block, more than any UART here decodes.
const DEFAULT_BYTES: usize = 0x100;

/// A leaked, zeroed, word-aligned block standing in for device memory.
pub struct FakeRegisters {
    words: &'static [AtomicU32],
}

impl FakeRegisters {
    /// Allocates a zeroed 0x100-byte block that lives for the rest of the
    /// test run.
    pub fn new() -> Self {
        Self::with_size(DEFAULT_BYTES)
    }

    /// Allocates a zeroed block of at least `bytes` bytes (rounded up to
    /// whole words) that lives for the rest of the test run.
    pub fn with_size(bytes: usize) -> Self {
        let words: Vec<AtomicU32> = (0..bytes.div_ceil(4)).map(|_| AtomicU32::new(0)).collect();
        Self {
            words: Box::leak(words.into_boxed_slice()),
        }
    }

    /// The block's address, to hand to a driver's `new`.
    pub fn base(&self) -> usize {
        self.words.as_ptr() as usize
    }

    /// The word at byte `offset`.
    pub fn read(&self, offset: usize) -> u32 {
        self.words[offset / 4].load(Ordering::Relaxed)
    }

    /// The byte at byte `offset`, for registers the hardware decodes per
    /// byte (the GIC's priority and target registers). Native byte order
    /// picks the byte at that address, as a byte store by the driver put it.
    pub fn read_byte(&self, offset: usize) -> u8 {
        self.read(offset).to_ne_bytes()[offset % 4]
    }

    /// Presets the word at byte `offset`, as the device would.
    pub fn write(&self, offset: usize, value: u32) {
        self.words[offset / 4].store(value, Ordering::Relaxed);
    }
}
