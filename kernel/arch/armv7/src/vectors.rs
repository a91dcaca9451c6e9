// SPDX-License-Identifier: MIT OR Apache-2.0
//! The exception vector table and the entry sequence of each exception.
//!
//! VBAR points at `kml_vectors`. Every entry builds a [`TrapFrame`] on the
//! stack of the mode the exception entered (UND, ABT, IRQ, FIQ or SVC) and
//! calls [`crate::exception::kml_exception_entry`] with the frame and the
//! exception's kind. Until processes exist (issue 3) every exception is a
//! kernel exception: it is reported and the kernel stops, so no return path
//! is needed yet. The entry macro follows `aarch32-rt`'s style: `srsdb` for
//! the return state, one `push` for r0-r12.
//!
//! [`TrapFrame`]: crate::trap_frame::TrapFrame

use crate::exception::ExceptionKind;
use crate::mode::{MODE_ABT, MODE_FIQ, MODE_IRQ, MODE_MASK, MODE_SVC, MODE_SYS, MODE_UND};
use crate::mode::{MODE_USR, PSR_F, PSR_I};
use crate::trap_frame::{FRAME_LR, FRAME_SP};

core::arch::global_asm!(
    r#"
    .arch armv7-a
    .arm

// KML_ENTRY name, mode, lr_adjust, kind: one exception's entry.
// In: the exception mode with its own banked sp and lr (lr = preferred
// return address + lr_adjust). Builds the trap frame on that mode's stack:
//   [sp + 0..52]  r0-r12        [sp + 52] interrupted sp
//   [sp + 56]     interrupted lr [sp + 60] faulting pc [sp + 64] its psr
// Out: calls kml_exception_entry(frame, kind), which does not return.
// Clobbers everything (the interrupted state is in the frame).
    .macro KML_ENTRY name, mode, lr_adjust, kind
    .section .text.kml_vectors.\name, "ax"
\name:
    sub     lr, lr, #\lr_adjust         @ lr = the instruction that trapped
    sub     sp, sp, #4                  @ padding word: keep the frame 8-aligned
    srsdb   sp!, #\mode                 @ push lr (pc) and spsr (psr)
    sub     sp, sp, #8                  @ room for the interrupted sp and lr
    push    {{r0-r12}}                  @ r0-r12 at the bottom of the frame
    mrs     r0, spsr                    @ which mode was interrupted?
    and     r0, r0, #{mode_mask}
    cmp     r0, #{mode_usr}
    moveq   r0, #{mode_sys}             @ USR registers are read through SYS
    orr     r0, r0, #{psr_if}           @ keep interrupts masked over there
    mrs     r1, cpsr                    @ remember our own mode
    msr     cpsr_c, r0                  @ visit the interrupted mode ...
    mov     r2, sp                      @ ... to read its banked sp
    mov     r3, lr                      @ ... and lr
    msr     cpsr_c, r1                  @ and come back
    str     r2, [sp, #{frame_sp}]
    str     r3, [sp, #{frame_lr}]
    mov     r0, sp                      @ arg 0: the frame
    mov     r1, #\kind                  @ arg 1: the exception kind
    bl      kml_exception_entry         @ reports and stops: no return
1:  b       1b
    .endm

    KML_ENTRY kml_reset_entry,      {mode_svc}, 0, {kind_reset}
    KML_ENTRY kml_undefined_entry,  {mode_und}, 0, {kind_undefined}
    KML_ENTRY kml_svc_entry,        {mode_svc}, 0, {kind_svc}
    KML_ENTRY kml_prefetch_entry,   {mode_abt}, 4, {kind_prefetch}
    KML_ENTRY kml_data_abort_entry, {mode_abt}, 8, {kind_data}
    KML_ENTRY kml_irq_entry,        {mode_irq}, 4, {kind_irq}
    KML_ENTRY kml_fiq_entry,        {mode_fiq}, 4, {kind_fiq}

// The table itself: eight branches, 32-byte aligned as VBAR requires.
    .section .text.kml_vectors, "ax"
    .balign 32
    .global kml_vectors
kml_vectors:
    b       kml_reset_entry             @ 0x00 reset (never taken through VBAR)
    b       kml_undefined_entry         @ 0x04 undefined instruction
    b       kml_svc_entry               @ 0x08 supervisor call
    b       kml_prefetch_entry          @ 0x0C prefetch abort
    b       kml_data_abort_entry        @ 0x10 data abort
    b       kml_reset_entry             @ 0x14 not used (hyp trap in HYP only)
    b       kml_irq_entry               @ 0x18 IRQ
    b       kml_fiq_entry               @ 0x1C FIQ
"#,
    mode_mask = const MODE_MASK,
    mode_usr = const MODE_USR,
    mode_sys = const MODE_SYS,
    mode_svc = const MODE_SVC,
    mode_und = const MODE_UND,
    mode_abt = const MODE_ABT,
    mode_irq = const MODE_IRQ,
    mode_fiq = const MODE_FIQ,
    psr_if = const PSR_I | PSR_F,
    frame_sp = const FRAME_SP,
    frame_lr = const FRAME_LR,
    kind_reset = const ExceptionKind::Reset as u32,
    kind_undefined = const ExceptionKind::UndefinedInstruction as u32,
    kind_svc = const ExceptionKind::SupervisorCall as u32,
    kind_prefetch = const ExceptionKind::PrefetchAbort as u32,
    kind_data = const ExceptionKind::DataAbort as u32,
    kind_irq = const ExceptionKind::Irq as u32,
    kind_fiq = const ExceptionKind::Fiq as u32,
);
