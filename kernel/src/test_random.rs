// SPDX-License-Identifier: MIT OR Apache-2.0
//! A tiny deterministic random source for the host tests' fuzzing.
//!
//! Marsaglia's xorshift32: no crate, same sequence on every run, good
//! enough to pick bytes to damage and operations to try. Shared by the
//! parser fuzz tests and the scheduler's property tests.

/// Marsaglia's xorshift32 generator.
pub(crate) struct XorShift(pub(crate) u32);

impl XorShift {
    /// The next 32 random bits.
    pub(crate) fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }

    /// An index in `0..bound` (0 when `bound` is 0).
    pub(crate) fn below(&mut self, bound: usize) -> usize {
        self.next() as usize % bound.max(1)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub(crate) fn below_u32(&mut self, bound: u32) -> u32 {
        self.next() % bound.max(1)
    }
}
