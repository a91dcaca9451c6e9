// SPDX-License-Identifier: MIT OR Apache-2.0
//! The trap frame: the registers of interrupted code, saved on exception.
//!
//! Every exception entry builds the same frame on the SVC stack (for a
//! process, the top of its thread's kernel stack), so one return path
//! serves them all and the system call code sees one layout. The layout is
//! shared with the assembly through `const` offsets computed here.

use core::mem::{offset_of, size_of};
use kernel::syscall::Entry;
use kernel::trap::{FrameCopy, GeneralRegisters, SavedRegisters, UserFrame};

/// The registers of the interrupted context, as the entry code stores them.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TrapFrame {
    /// Keeps the frame a multiple of 8 bytes, as AAPCS wants the stack.
    pub padding: u32,
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
}

/// Byte offset of `r[0]` in the frame.
pub const FRAME_R0: usize = offset_of!(TrapFrame, r);
/// Byte offset of `sp` in the frame.
pub const FRAME_SP: usize = offset_of!(TrapFrame, sp);
/// Byte offset of `lr` in the frame.
pub const FRAME_LR: usize = offset_of!(TrapFrame, lr);
/// Byte offset of `pc` in the frame.
pub const FRAME_PC: usize = offset_of!(TrapFrame, pc);
/// Size of the frame in bytes.
pub const FRAME_SIZE: usize = size_of::<TrapFrame>();

// The entry code pushes pc and psr with `srsdb`, then sp and lr, then r0-r12
// with one `push`, then the padding word: the fields must sit in exactly
// this order.
const _: () = assert!(FRAME_R0 == 4 && FRAME_SP == FRAME_R0 + 13 * 4);
const _: () = assert!(FRAME_LR == FRAME_SP + 4 && FRAME_PC == FRAME_LR + 4);
const _: () = assert!(FRAME_PC + 8 == FRAME_SIZE);
const _: () = assert!(FRAME_SIZE.is_multiple_of(8));

impl UserFrame for TrapFrame {
    fn syscall_number(&self) -> u32 {
        self.r[7]
    }
    fn argument(&self, index: usize) -> u32 {
        self.r.get(index).copied().unwrap_or(0)
    }
    fn arguments(&self) -> [u32; 6] {
        [
            self.r[0], self.r[1], self.r[2], self.r[3], self.r[4], self.r[5],
        ]
    }
    fn set_result(&mut self, value: u32) {
        self.r[0] = value;
    }
    fn program_counter(&self) -> u32 {
        self.pc
    }
    fn stack_pointer(&self) -> u32 {
        self.sp
    }
    fn set_stack_pointer(&mut self, stack_pointer: u32) {
        self.sp = stack_pointer;
    }
    fn start_program(&mut self, entry: u32, stack_pointer: u32, trusted: bool) {
        // SYSTEM mode for a trusted program (Kernel-Mode Linux), USR mode
        // otherwise; Thumb state if the entry's low bit says so;
        // interrupts enabled.
        let mode = if trusted {
            crate::mode::MODE_SYS
        } else {
            crate::mode::MODE_USR
        };
        let thumb = if entry & 1 != 0 {
            crate::mode::PSR_T
        } else {
            0
        };
        *self = TrapFrame {
            pc: entry & !1,
            sp: stack_pointer,
            psr: mode | thumb,
            ..TrapFrame::default()
        };
    }
    fn general_registers(&self) -> GeneralRegisters {
        GeneralRegisters {
            r: self.r,
            sp: self.sp,
            lr: self.lr,
            pc: self.pc,
            psr: self.psr,
        }
    }
    fn enter_signal_handler(
        &mut self,
        handler: u32,
        stack: u32,
        return_address: u32,
        arguments: [u32; 3],
    ) {
        self.psr = crate::mode::handler_psr(self.psr, handler);
        self.pc = handler & !1;
        self.sp = stack;
        self.lr = return_address;
        self.r[..3].copy_from_slice(&arguments);
    }
    fn return_from_signal(&mut self, registers: &GeneralRegisters) {
        let psr = crate::mode::sigreturn_psr(self.psr, registers.psr);
        // rfe to a misaligned pc is UNPREDICTABLE: align it for the state.
        let alignment = if psr & crate::mode::PSR_T != 0 { 1 } else { 3 };
        self.r = registers.r;
        self.sp = registers.sp;
        self.lr = registers.lr;
        self.pc = registers.pc & !alignment;
        self.psr = psr;
    }
    fn restart_syscall(&mut self, first_argument: u32, entry: Entry) {
        self.r[0] = first_argument;
        match entry {
            // Back over the svc: 2 bytes in Thumb state, 4 in ARM state.
            Entry::Trap => {
                self.pc -= if self.psr & crate::mode::PSR_T != 0 {
                    2
                } else {
                    4
                }
            }
            // The trampoline again, with the registers of the call: r7 the
            // number, r0-r6 the arguments, lr (still) where it returns.
            // The frame's CPSR is the one `kml_direct_entry` read, in ARM
            // state, as the trampoline needs.
            Entry::Direct => self.pc = direct_entry_address(),
        }
    }
}

/// The direct-entry trampoline (`kml_direct_entry`), where a restarted
/// direct call enters again.
#[cfg(target_arch = "arm")]
fn direct_entry_address() -> u32 {
    crate::vectors::direct_entry_address()
}

/// Host builds (tests) have no trampoline.
#[cfg(not(target_arch = "arm"))]
fn direct_entry_address() -> u32 {
    0
}

impl FrameCopy for TrapFrame {
    fn snapshot(&self) -> SavedRegisters {
        let mut words = [0; 18];
        words[..13].copy_from_slice(&self.r);
        words[13..17].copy_from_slice(&[self.sp, self.lr, self.pc, self.psr]);
        SavedRegisters(words)
    }
    fn restore(&mut self, registers: &SavedRegisters) {
        let words = &registers.0;
        self.r.copy_from_slice(&words[..13]);
        [self.sp, self.lr, self.pc, self.psr] = [words[13], words[14], words[15], words[16]];
    }
}
