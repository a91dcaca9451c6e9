// SPDX-License-Identifier: MIT OR Apache-2.0
//! The exception vector table, the common entry sequence and the return.
//!
//! VBAR points at `kml_vectors`. Every exception, whatever mode it enters,
//! builds the same [`TrapFrame`] on the SVC stack (`srsdb` to SVC, as
//! `aarch32-rt` does) and continues in SVC mode: for a process that stack is
//! its thread's kernel stack, so a system call can block and be resumed on
//! it. [`crate::exception::kml_exception_entry`] decides what happens; when
//! it returns, `kml_return_from_exception` restores the frame (possibly a
//! different thread's, after a switch) and `rfe`s to user mode.
//!
//! Exceptions taken in the kernel are fatal (the kernel runs with IRQs
//! masked), so the return path only restores user-mode sp and lr.
//!
//! `kml_direct_entry` is the other way in, for SYSTEM-mode programs
//! (Kernel-Mode Linux): a plain call from the vDSO that builds the same
//! frame by hand and leaves through the same return.
//!
//! [`TrapFrame`]: crate::trap_frame::TrapFrame

use crate::exception::ExceptionKind;
use crate::mode::MODE_SVC;
use crate::trap_frame::{FRAME_PC, FRAME_R0, FRAME_SP};
use abi::syscall::Sysnum;
use core::sync::atomic::{AtomicU32, Ordering};

core::arch::global_asm!(
    r#"
    .arch armv7-a
    .arm

// KML_ENTRY name, lr_adjust, kind, barrier: one exception's entry;
// `barrier` (optional) is an instruction to run first.
// In: the exception's mode, lr = preferred return address + lr_adjust,
//     IRQs masked by the exception entry.
// Builds on the SVC stack (offsets from the final sp):
//   [sp + 0] padding  [sp + 4..56] r0-r12  [sp + 56] user sp
//   [sp + 60] user lr  [sp + 64] pc (return address)  [sp + 68] psr
// Out: SVC mode; calls kml_exception_entry(frame, kind, lr_svc) and then
// returns through kml_return_from_exception. Clobbers everything (saved).
    .macro KML_ENTRY name, lr_adjust, kind, barrier=
    .section .text.kml_vectors.\name, "ax"
\name:
    \barrier                            @ (a DSB for the data abort: below)
    sub     lr, lr, #\lr_adjust         @ lr = where to resume / what trapped
    srsdb   sp!, #{mode_svc}            @ push lr and spsr onto the SVC stack
    cps     #{mode_svc}                 @ and carry on in SVC mode
    sub     sp, sp, #8                  @ room for the user sp and lr
    push    {{r0-r12}}                  @ r0-r12
    add     r0, sp, #{user_registers}   @ r0 = &frame.sp
    stmia   r0, {{sp, lr}}^             @ the User/System-mode sp and lr
    sub     sp, sp, #4                  @ padding: the frame is 72 bytes
    mov     r0, sp                      @ arg 0: the frame
    mov     r1, #\kind                  @ arg 1: the exception kind
    mov     r2, lr                      @ arg 2: SVC lr (for kernel faults)
    bl      kml_exception_entry
    b       kml_return_from_exception
    .endm

    KML_ENTRY kml_reset_entry,      0, {kind_reset}
    KML_ENTRY kml_undefined_entry,  0, {kind_undefined}
    KML_ENTRY kml_svc_entry,        0, {kind_svc}

// kml_svc_fast: the svc vector. getpid, which only reads the running
// thread's group, is answered here from TPIDRPRW, whose token is the
// running thread's tgid, without a trap frame or the dispatcher; gettid
// (the tid differs from the token in a thread) and every other call go on to
// kml_svc_entry. The exception is still counted. Not counted: the
// process's own system call counts (kml.exit_report), which the
// dispatcher keeps.
// In: SVC mode, lr = the return address, spsr = the caller's CPSR; r7 =
// the call. Out: r0 = the pid, back in the caller's mode (movs pc, lr).
    .section .text.kml_vectors.svc_fast, "ax"
kml_svc_fast:
    cmp     r7, #{getpid}
    bne     kml_svc_entry               @ anything else: the full path
    push    {{r1}}                      @ a scratch register (SVC stack)
    ldr     r0, =KML_EXCEPTIONS
    ldr     r1, [r0]
    add     r1, r1, #1                  @ count the exception
    str     r1, [r0]
    pop     {{r1}}
    mrc     p15, 0, r0, c13, c0, 4      @ r0 = TPIDRPRW: the running tgid
    movs    pc, lr                      @ return, CPSR from SPSR
    .ltorg
    KML_ENTRY kml_prefetch_entry,   4, {kind_prefetch}
    @ The Cortex-A9's erratum 775420 (Linux: ARM_ERRATA_775420): a data
    @ cache maintenance operation that aborts, then an ISB with no DSB in
    @ between, can deadlock the core. Trusted (SYSTEM-mode) programs may
    @ issue such operations on any address, so the data abort entry starts
    @ with the DSB ARM prescribes; no other entry needs it.
    KML_ENTRY kml_data_abort_entry, 8, {kind_data}, dsb
    KML_ENTRY kml_irq_entry,        4, {kind_irq}
    KML_ENTRY kml_fiq_entry,        4, {kind_fiq}

// kml_direct_entry: the KML way into the kernel, without an exception.
// A SYSTEM-mode program's vDSO calls it with `blx` (abi::vdso: "Direct
// entry"); it builds the very frame an svc would have built and goes the
// same way: kml_exception_entry (kind DirectCall: the system call
// dispatch, then the preemption point) and kml_return_from_exception,
// whose rfe returns to the caller in SYSTEM mode.
// In: SYSTEM mode, ARM state, IRQs as the program had them; r7 = the call's
//     number, r0-r6 = its arguments, lr = where to return, sp = the
//     program's stack (never touched here).
// Out: r0 = the result; every other register as on entry (r1-r3, ip and
//     the flags as an svc leaves them), in SYSTEM mode with the caller's
//     CPSR. Anything may have run in between, as across an svc.
    .section .text.kml_vectors.direct, "ax"
    .global kml_direct_entry
kml_direct_entry:
    cmp     r7, #{getpid}               @ getpid: the running tgid from
    mrceq   p15, 0, r0, c13, c0, 4      @ TPIDRPRW, as kml_svc_fast answers
    bxeq    lr                          @ it (and, like it, not counted per
                                        @ process); gettid goes the full way
    mrs     ip, cpsr                    @ ip = the caller's CPSR (SYSTEM)
    cpsid   i, #{mode_svc}              @ mask IRQs, SVC mode: sp = the top
                                        @ of this thread's kernel stack
    sub     sp, sp, #16                 @ room for sp, lr, pc and psr
    push    {{r0-r12}}                  @ r0-r12 (r12: the CPSR, for below)
    add     r0, sp, #{user_registers}   @ r0 = &frame.sp
    stmia   r0, {{sp, lr}}^             @ the SYSTEM-mode sp and lr
    ldr     r1, [r0, #4]                @ pc = the SYSTEM lr just saved:
    str     r1, [r0, #8]                @ where the call returns
    str     ip, [r0, #12]               @ psr = the caller's CPSR
    sub     sp, sp, #4                  @ padding: the frame is 72 bytes
    mov     r0, sp                      @ arg 0: the frame
    mov     r1, #{kind_direct}          @ arg 1: the kind
    mov     r2, lr                      @ arg 2: SVC lr (unused for calls)
    bl      kml_exception_entry
    b       kml_return_from_exception

// kml_return_from_exception: leave the kernel through a trap frame.
// In: SVC mode, sp = the frame (as built above). Out: the frame's mode, pc
// and registers; the SVC sp is back at the top of the kernel stack.
    .section .text.kml_vectors.return, "ax"
    .global kml_return_from_exception
kml_return_from_exception:
    add     sp, sp, #4                  @ skip the padding
    add     r0, sp, #{user_registers}   @ r0 = &frame.sp
    ldmia   r0, {{sp, lr}}^             @ restore the User/System sp and lr
    pop     {{r0-r12}}                  @ restore r0-r12
    add     sp, sp, #8                  @ skip sp and lr
    rfeia   sp!                         @ pc and cpsr: back to the process

// The table itself: eight branches, 32-byte aligned as VBAR requires.
    .section .text.kml_vectors, "ax"
    .balign 32
    .global kml_vectors
kml_vectors:
    b       kml_reset_entry             @ 0x00 reset (never taken through VBAR)
    b       kml_undefined_entry         @ 0x04 undefined instruction
    b       kml_svc_fast                @ 0x08 supervisor call
    b       kml_prefetch_entry          @ 0x0C prefetch abort
    b       kml_data_abort_entry        @ 0x10 data abort
    b       kml_reset_entry             @ 0x14 not used (hyp trap in HYP only)
    b       kml_irq_entry               @ 0x18 IRQ
    b       kml_fiq_entry               @ 0x1C FIQ
"#,
    mode_svc = const MODE_SVC,
    user_registers = const FRAME_SP - FRAME_R0,
    kind_reset = const ExceptionKind::Reset as u32,
    kind_undefined = const ExceptionKind::UndefinedInstruction as u32,
    kind_svc = const ExceptionKind::SupervisorCall as u32,
    kind_prefetch = const ExceptionKind::PrefetchAbort as u32,
    kind_data = const ExceptionKind::DataAbort as u32,
    kind_irq = const ExceptionKind::Irq as u32,
    kind_fiq = const ExceptionKind::Fiq as u32,
    kind_direct = const ExceptionKind::DirectCall as u32,
    getpid = const Sysnum::Getpid.number(),
);

/// Exceptions taken since boot: `kml_svc_fast` counts the calls it
/// answers, [`count_exception`] the rest.
#[unsafe(no_mangle)]
static KML_EXCEPTIONS: AtomicU32 = AtomicU32::new(0);

/// Counts an exception that reached the Rust entry.
pub fn count_exception() {
    // One core, IRQs masked in the kernel: a plain read-modify-write.
    KML_EXCEPTIONS.store(
        KML_EXCEPTIONS.load(Ordering::Relaxed).wrapping_add(1),
        Ordering::Relaxed,
    );
}

/// Exceptions taken since boot (wrapping).
pub fn exceptions_taken() -> u32 {
    KML_EXCEPTIONS.load(Ordering::Relaxed)
}

unsafe extern "C" {
    /// The trampoline above; only its address is used.
    fn kml_direct_entry();
}

/// The address of the direct-entry trampoline, for SYSTEM-mode processes'
/// vDSO data page.
pub fn direct_entry_address() -> u32 {
    kml_direct_entry as *const () as usize as u32
}

// `srsdb` puts pc and psr right above sp and lr, and the padding word
// below r0: the layout the pushes above produce.
const _: () = assert!(FRAME_R0 == 4 && FRAME_PC == FRAME_SP + 8);
