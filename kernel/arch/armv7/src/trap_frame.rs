// SPDX-License-Identifier: MIT OR Apache-2.0
//! The trap frame: the registers of interrupted code, saved on exception.
//!
//! Every exception entry builds the same frame, so that one report function
//! (and, later, one return path) serves them all. The layout is shared with
//! the assembly through `const` offsets computed here with `offset_of!`.

use core::mem::{offset_of, size_of};

/// The registers of the interrupted context, as the entry code stores them.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TrapFrame {
    /// r0 to r12.
    pub r: [u32; 13],
    /// The interrupted mode's stack pointer.
    pub sp: u32,
    /// The interrupted mode's link register.
    pub lr: u32,
    /// The address of the faulting instruction, or where to resume.
    pub pc: u32,
    /// The interrupted mode's CPSR (the exception mode's SPSR).
    pub psr: u32,
    /// Keeps the frame a multiple of 8 bytes, as AAPCS wants the stack.
    pub padding: u32,
}

/// Byte offset of `sp` in the frame.
pub const FRAME_SP: usize = offset_of!(TrapFrame, sp);
/// Byte offset of `lr` in the frame.
pub const FRAME_LR: usize = offset_of!(TrapFrame, lr);
/// Byte offset of `pc` in the frame.
pub const FRAME_PC: usize = offset_of!(TrapFrame, pc);
/// Size of the frame in bytes.
pub const FRAME_SIZE: usize = size_of::<TrapFrame>();

// The entry code pushes r0-r12 with one `push`, then the pc and psr with
// `srsdb`: the fields must sit in exactly this order.
const _: () = assert!(FRAME_SP == 13 * 4);
const _: () = assert!(FRAME_PC + 4 == offset_of!(TrapFrame, psr));
const _: () = assert!(FRAME_SIZE.is_multiple_of(8));
