// SPDX-License-Identifier: MIT OR Apache-2.0
//! Accesses that may fault, for finding out what the hardware is.
//!
//! Two questions at boot have no architectural non-faulting answer: "is
//! there a device at this address?" (QEMU's `sabrelite` has no PL310 at
//! 0x00A0_2000, and a read there is a synchronous external abort) and
//! "does the kernel run in the Secure state?" (SCR can be read only there;
//! in the Non-secure state `mrc` of it is UNDEFINED). Each question is one
//! instruction in the assembly below; the exception entry asks
//! [`recover`] before it treats a kernel-mode abort or undefined
//! instruction as fatal, and if the faulting pc is one of those
//! instructions the exception is turned into an error result instead, as
//! Linux's exception tables do for user copies.
//!
//! The exception entry code clobbers the SVC lr (it calls
//! `kml_exception_entry` with `bl`), so each probe keeps its return address
//! in r2, which the trap frame saves and restores. The Cortex-A9's
//! undocumented Diagnostic Control Register, which errata workarounds set
//! and which only the Secure state may write, goes through probes too.

use crate::exception::ExceptionKind;
use crate::mode::PSR_T;
use crate::trap_frame::TrapFrame;

core::arch::global_asm!(
    r#"
    .arch armv7-a
    .arch_extension sec
    .arm
    .section .text.kml_probe, "ax"

// KML_PROBE name, instruction: a routine around one instruction that may
// fault, with labels \name\()_access (the instruction) and
// \name\()_resume (the next one) for the fixup table below.
// In:  r0 = the instruction's operand, if it takes one. PL1, IRQs masked.
// Out: r0 = its result (0 if it faulted), r1 = 0 if it completed, 1 if it
//      faulted. Clobbers r2, which holds the return address: lr does not
//      survive an exception taken here (the entry code calls with bl).
//      No stack.
    .macro KML_PROBE name, instruction:vararg
    .global \name
    .type \name, %function
\name:
    mov     r2, lr                      @ return address, safe from the entry code
    mov     r1, #0                      @ assume the instruction completes
    .global \name\()_access
\name\()_access:
    \instruction                        @ may fault: then r0 = 0, r1 = 1, and
    .global \name\()_resume
\name\()_resume:                        @ execution resumes here
    bx      r2
    .endm

    @ A word read from the virtual address in r0; a bus error aborts.
    KML_PROBE kml_probe_read_word, ldr r0, [r0]
    @ SCR: UNDEFINED in the Non-secure state.
    KML_PROBE kml_probe_read_scr, mrc p15, 0, r0, c1, c1, 0
    @ The Cortex-A9 Diagnostic Control Register (undocumented, c15 c0 1).
    KML_PROBE kml_probe_read_a9_diagnostic, mrc p15, 0, r0, c15, c0, 1
    @ Writing it (r0): UNDEFINED in the Non-secure state.
    KML_PROBE kml_probe_write_a9_diagnostic, mcr p15, 0, r0, c15, c0, 1
"#
);

unsafe extern "C" {
    // Each returns the instruction's result in the low half and the fault
    // flag in the high half (r0, r1, as AAPCS returns a `u64`).
    fn kml_probe_read_word(address: usize) -> u64;
    fn kml_probe_read_scr() -> u64;
    fn kml_probe_read_a9_diagnostic() -> u64;
    fn kml_probe_write_a9_diagnostic(value: u32) -> u64;
    // The instructions that may fault, and where each resumes.
    static kml_probe_read_word_access: u8;
    static kml_probe_read_word_resume: u8;
    static kml_probe_read_scr_access: u8;
    static kml_probe_read_scr_resume: u8;
    static kml_probe_read_a9_diagnostic_access: u8;
    static kml_probe_read_a9_diagnostic_resume: u8;
    static kml_probe_write_a9_diagnostic_access: u8;
    static kml_probe_write_a9_diagnostic_resume: u8;
}

/// Splits a probe's `u64` result into the value, if it did not fault.
fn result(raw: u64) -> Option<u32> {
    let (value, faulted) = (raw as u32, (raw >> 32) as u32);
    (faulted == 0).then_some(value)
}

/// Reads the word at `address`, or `None` if the read aborted (nothing
/// answered there).
///
/// # Safety
/// `address` must be word-aligned, and reading it must have no side effect
/// the caller is not prepared for: a device register whose read changes
/// state still changes it. It may be unmapped: a translation fault is an
/// abort like a bus error, and also reads as `None`.
pub unsafe fn read_word(address: usize) -> Option<u32> {
    // SAFETY: the caller vouches for the address; the routine touches no
    // memory but that word and, if it faults, `recover` resumes it.
    result(unsafe { kml_probe_read_word(address) })
}

/// The Secure Configuration Register, or `None` in the Non-secure state
/// (where reading it is UNDEFINED). Only says something on a core with
/// the Security Extensions; without them, the read is UNDEFINED too.
pub fn secure_configuration() -> Option<u32> {
    // SAFETY: an mrc with no side effects; if it is UNDEFINED, `recover`
    // resumes after it with the fault flag set.
    result(unsafe { kml_probe_read_scr() })
}

/// Whether this core runs in the Secure state: it can read SCR and SCR.NS
/// (bit 0) is clear (it is set while the Secure monitor runs Non-secure
/// code, but only monitor mode could then read SCR).
pub fn in_secure_state() -> bool {
    secure_configuration().is_some_and(|scr| scr & 1 == 0)
}

/// The Cortex-A9 Diagnostic Control Register (CP15 c15, 0, c0, 1), or
/// `None` if reading it is UNDEFINED here.
///
/// The register is undocumented; ARM's errata notices name its bits. Call
/// this only on a Cortex-A9 (elsewhere the encoding may mean something
/// else, or nothing).
pub fn read_a9_diagnostic() -> Option<u32> {
    // SAFETY: an mrc with no side effects; if it is UNDEFINED, `recover`
    // resumes after it with the fault flag set.
    result(unsafe { kml_probe_read_a9_diagnostic() })
}

/// Writes the Cortex-A9 Diagnostic Control Register; `false` if the write
/// was UNDEFINED (the Non-secure state) and so did nothing.
///
/// # Safety
/// Only on a Cortex-A9, and only bits an ARM errata notice prescribes:
/// they change how the core's store buffer, caches and coherency behave.
pub unsafe fn write_a9_diagnostic(value: u32) -> bool {
    // SAFETY: the caller vouches for the core and the value; if the write
    // is UNDEFINED, `recover` resumes after it with the fault flag set.
    let raw = unsafe { kml_probe_write_a9_diagnostic(value) };
    result(raw).is_some()
}

/// Called by the exception entry for an abort or undefined instruction
/// taken in a privileged mode: if the faulting instruction is one of the
/// probes', makes the frame resume after it with the fault flag (r1) set
/// and returns `true`; otherwise `false`, and the fault is the kernel's.
pub(crate) fn recover(frame: &mut TrapFrame, kind: ExceptionKind) -> bool {
    if frame.psr & PSR_T != 0 {
        return false;
    }
    // Where the faulting instruction is: the data abort entry leaves its
    // address in the frame's pc; the undefined instruction entry leaves
    // the next one (ARM state, checked above).
    let found = match kind {
        ExceptionKind::DataAbort => find(&data_abort_fixups(), frame.pc),
        ExceptionKind::UndefinedInstruction => find(&undefined_fixups(), frame.pc.wrapping_sub(4)),
        _ => None,
    };
    match found {
        Some(resume) => {
            frame.r[0] = 0;
            frame.r[1] = 1;
            frame.pc = resume;
            true
        }
        None => false,
    }
}

/// The resume address for a fault at `faulting`, if `table` has one.
fn find(table: &[(u32, u32)], faulting: u32) -> Option<u32> {
    table
        .iter()
        .find(|(access, _)| *access == faulting)
        .map(|&(_, resume)| resume)
}

/// (faulting instruction, resume address) of the probes that may abort.
fn data_abort_fixups() -> [(u32, u32); 1] {
    // Only the symbols' addresses are taken, never their contents.
    [(
        &raw const kml_probe_read_word_access as u32,
        &raw const kml_probe_read_word_resume as u32,
    )]
}

/// (faulting instruction, resume address) of the probes that may be
/// UNDEFINED.
fn undefined_fixups() -> [(u32, u32); 3] {
    // Only the symbols' addresses are taken, never their contents.
    [
        (
            &raw const kml_probe_read_scr_access as u32,
            &raw const kml_probe_read_scr_resume as u32,
        ),
        (
            &raw const kml_probe_read_a9_diagnostic_access as u32,
            &raw const kml_probe_read_a9_diagnostic_resume as u32,
        ),
        (
            &raw const kml_probe_write_a9_diagnostic_access as u32,
            &raw const kml_probe_write_a9_diagnostic_resume as u32,
        ),
    ]
}
