// SPDX-License-Identifier: MIT OR Apache-2.0
//! Kernel threads' saved contexts and the switch between them.
//!
//! Every thread has its own kernel stack; while the thread runs in user
//! mode the SVC stack pointer sits at that stack's top, so its traps build
//! their frame there. A thread that is not running has, just below its
//! trap frame (or deeper, if it blocked inside a system call), the
//! callee-saved registers that `kml_switch_stacks` pushed, and its saved
//! stack pointer points at them. A new thread's stack is prepared to look
//! the same, with `kml_thread_start` as the return address, which leaves
//! through the trap frame into user mode. TPIDRPRW holds the running
//! thread's token, as DESIGN.md decides.

use crate::trap_frame::{FRAME_SIZE, TrapFrame};
use kernel::trap::UserFrame;

/// Words `kml_switch_stacks` pushes: r4-r12 and lr (10, keeping 8-byte
/// alignment).
const SWITCH_WORDS: usize = 10;

core::arch::global_asm!(
    r#"
    .arch armv7-a
    .arm
    .section .text.kml_switch_stacks, "ax"
    .global kml_switch_stacks
// kml_switch_stacks(save: *mut u32, load: u32, token: u32)
// In: SVC mode, r0 = where to save this thread's sp, r1 = the next
// thread's saved sp, r2 = its token for TPIDRPRW. Out: returns in the next
// thread (to wherever it called kml_switch_stacks, or kml_thread_start).
// Preserves the callee-saved registers of both threads.
kml_switch_stacks:
    push    {{r4-r12, lr}}              @ callee-saved registers, 8-aligned
    str     sp, [r0]                    @ remember where they are
    mcr     p15, 0, r2, c13, c0, 4      @ TPIDRPRW = the next thread
    mov     sp, r1                      @ the next thread's stack
    pop     {{r4-r12, pc}}              @ its registers; return into it

    .section .text.kml_thread_start, "ax"
    .global kml_thread_start
// kml_thread_start: where a new thread's first switch returns to.
// In: SVC mode, sp = the thread's trap frame. Out: user mode.
kml_thread_start:
    b       kml_return_from_exception
"#
);

unsafe extern "C" {
    fn kml_switch_stacks(save: *mut u32, load: u32, token: u32);
    fn kml_thread_start();
}

/// Switches from the running thread to another.
///
/// # Safety
/// `save` must be where the running thread's saved sp lives, `load` a
/// saved sp produced by [`prepare_thread`] or by an earlier switch away
/// from the thread identified by `token`, whose stack is still allocated.
pub unsafe fn switch(save: *mut u32, load: u32, token: u32) {
    // SAFETY: forwarded from the caller; the assembly preserves the
    // callee-saved registers of both threads as the C ABI requires.
    unsafe { kml_switch_stacks(save, load, token) };
}

/// Lays out a new thread's kernel stack ending at `stack_top` (8-aligned):
/// a zeroed trap frame that `initialize` fills in, and below it a switch
/// context returning to `kml_thread_start`. Returns the saved sp.
///
/// # Safety
/// `[stack_top - 112, stack_top)` must be writable memory owned by the new
/// thread's kernel stack and used by nothing else.
pub unsafe fn prepare_thread(
    stack_top: usize,
    initialize: &mut dyn FnMut(&mut dyn UserFrame),
) -> u32 {
    let frame_address = stack_top - FRAME_SIZE;
    let frame = frame_address as *mut TrapFrame;
    // SAFETY: the caller gives us this memory; the frame is 8-aligned
    // because stack_top is and FRAME_SIZE is a multiple of 8.
    let frame = unsafe {
        frame.write(TrapFrame::default());
        &mut *frame
    };
    initialize(frame);
    let context = (frame_address - SWITCH_WORDS * 4) as *mut u32;
    // SAFETY: the switch context lies just below the frame, inside the
    // caller's memory: r4-r12 zero, then the return address.
    unsafe {
        for index in 0..SWITCH_WORDS - 1 {
            context.add(index).write(0);
        }
        context
            .add(SWITCH_WORDS - 1)
            .write(kml_thread_start as *const () as usize as u32);
    }
    context as usize as u32
}

/// The running thread's token (TPIDRPRW).
pub fn current_token() -> u32 {
    let token: u32;
    // SAFETY: reading TPIDRPRW has no side effects.
    unsafe {
        core::arch::asm!("mrc p15, 0, {}, c13, c0, 4", out(reg) token, options(nomem, nostack, preserves_flags))
    };
    token
}

/// Sets the running thread's token (TPIDRPRW), for the first thread.
pub fn set_current_token(token: u32) {
    // SAFETY: TPIDRPRW is a software register the kernel alone uses.
    unsafe {
        core::arch::asm!("mcr p15, 0, {}, c13, c0, 4", in(reg) token, options(nomem, nostack, preserves_flags))
    };
}
