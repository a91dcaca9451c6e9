// SPDX-License-Identifier: MIT OR Apache-2.0
//! A thread's VFP/NEON registers, as the kernel keeps them in memory.
//!
//! The kernel itself is soft-float and never touches the unit for its own
//! work; user threads (USR and SYSTEM mode) own it in turn. While a thread
//! is not the unit's owner its registers live here. Signal delivery and
//! sigreturn read and write this copy, after [`flush_current`] and before
//! [`reload_current`].

/// VFPv3-D32 / NEON state: d0-d31, FPSCR and FPEXC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VfpState {
    /// The 32 double registers (q0-q15 seen as pairs).
    pub d: [u64; 32],
    /// Status and control.
    pub fpscr: u32,
    /// Exception register (EN bit and pending exception state).
    pub fpexc: u32,
}

impl VfpState {
    /// The state a new program starts with: all zero, round to nearest.
    pub const fn new() -> VfpState {
        VfpState {
            d: [0; 32],
            fpscr: 0,
            fpexc: 0,
        }
    }
}

impl Default for VfpState {
    fn default() -> Self {
        Self::new()
    }
}

/// Makes the running thread's [`VfpState`] in its process entry current:
/// if the hardware holds newer values, they are saved there first.
pub fn flush_current() {}

/// The running thread's [`VfpState`] was rewritten in memory (sigreturn):
/// the hardware copy, if any, is stale and must be reloaded before the
/// thread uses the unit again.
pub fn reload_current() {}
