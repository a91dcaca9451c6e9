// SPDX-License-Identifier: MIT OR Apache-2.0
//! The system call stubs: a number and up to six words in, r0 out.
//!
//! Each call goes through the vDSO's `__vdso_syscall` once userlib's start
//! code has found it (`crate::vdso`): the vDSO traps with `svc` in a
//! USR-mode process and calls the kernel directly in a SYSTEM-mode one.
//! Without a vDSO the stub makes the `svc` itself.
//!
//! Linux ARM EABI: number in r7, arguments in r0-r5, result in r0; the
//! kernel preserves every other register (r1-r12, sp, lr), the flags
//! included, so the only clobber is r0 and the only operand written back.
//! None of the stubs touch the stack (`nostack`). They are not `pure` or
//! `readonly`: a system call reads and writes memory we name by address,
//! so the compiler must assume any memory may change.
//!
//! Every stub is `unsafe`: the kernel does whatever the number says with
//! whatever the words point at, so the caller vouches for the whole call.
//! On the host (tests) there is no kernel: every stub returns `-ENOSYS`.
//!
//! The stubs take an [`abi::syscall::Sysnum`], the table the kernel decodes
//! r7 with, so a call userlib makes is a call the kernel knows by the same
//! number. The one way to put any other number in r7 is
//! [`syscall_by_number`], for tests that check the kernel refuses it.

#[cfg(target_arch = "arm")]
use core::arch::asm;

use super::Sysnum;

/// `-ENOSYS` as r0 holds it, the host stubs' only answer.
#[cfg(not(target_arch = "arm"))]
const HOST_ENOSYS: usize = (abi::errno::Errno::ENOSYS.0 as usize).wrapping_neg();

/// Makes system call `call` with no arguments; returns the raw r0.
///
/// # Safety
/// As [`syscall6`]: the call must be sound with no arguments.
#[inline(always)]
pub unsafe fn syscall0(call: Sysnum) -> usize {
    // SAFETY: forwarded; the caller upholds syscall6's contract.
    unsafe { syscall6(call, [0; 6]) }
}

/// Makes system call `call` with one argument; returns the raw r0.
///
/// # Safety
/// As [`syscall6`]; any pointer argument must be what the call expects.
#[inline(always)]
pub unsafe fn syscall1(call: Sysnum, a0: usize) -> usize {
    // SAFETY: forwarded; the caller upholds syscall6's contract.
    unsafe { syscall6(call, [a0, 0, 0, 0, 0, 0]) }
}

/// Makes system call `call` with two arguments; returns the raw r0.
///
/// # Safety
/// As [`syscall6`]; any pointer argument must be what the call expects.
#[inline(always)]
pub unsafe fn syscall2(call: Sysnum, a0: usize, a1: usize) -> usize {
    // SAFETY: forwarded; the caller upholds syscall6's contract.
    unsafe { syscall6(call, [a0, a1, 0, 0, 0, 0]) }
}

/// Makes system call `call` with three arguments; returns the raw r0.
///
/// # Safety
/// As [`syscall6`]; any pointer argument must be what the call expects.
#[inline(always)]
pub unsafe fn syscall3(call: Sysnum, a0: usize, a1: usize, a2: usize) -> usize {
    // SAFETY: forwarded; the caller upholds syscall6's contract.
    unsafe { syscall6(call, [a0, a1, a2, 0, 0, 0]) }
}

/// Makes system call `call` with four arguments; returns the raw r0.
///
/// # Safety
/// As [`syscall6`]; any pointer argument must be what the call expects.
#[inline(always)]
pub unsafe fn syscall4(call: Sysnum, a0: usize, a1: usize, a2: usize, a3: usize) -> usize {
    // SAFETY: forwarded; the caller upholds syscall6's contract.
    unsafe { syscall6(call, [a0, a1, a2, a3, 0, 0]) }
}

/// Makes system call `call` with six arguments (r0-r5); returns the raw r0.
///
/// Unused trailing arguments are passed as zero, which no call we make
/// reads. Six is Linux ARM's maximum for the calls userlib wraps (`mmap2`).
///
/// # Safety
/// `call` must be sound with these words: pointers must
/// point at memory of the size and mutability the call expects (or be
/// deliberately bad, when the point is to see `-EFAULT`), and the call may
/// not change memory the program still uses or end the process unexpectedly.
#[inline(always)]
pub unsafe fn syscall6(call: Sysnum, args: [usize; 6]) -> usize {
    // SAFETY: forwarded; the caller upholds this function's contract.
    unsafe { syscall_by_number(call.number(), args) }
}

/// Puts any `number` in r7, known to [`Sysnum`] or not, and makes the call.
///
/// Wrappers use [`syscall6`] and friends; this exists for tests that hand
/// the kernel a number it must answer with `-ENOSYS`.
///
/// # Safety
/// As [`syscall6`], for whatever call `number` turns out to be. That an
/// unknown number does nothing is what such a test checks, so it cannot be
/// relied on: pass arguments that are harmless whatever the kernel makes
/// of them.
#[cfg(target_arch = "arm")]
#[inline(always)]
pub unsafe fn syscall_by_number(number: u32, args: [usize; 6]) -> usize {
    match crate::vdso::syscall() {
        // SAFETY: the vDSO's `syscall` makes exactly the call `svc` would
        // (abi::vdso); the caller vouches for the call itself.
        Some(call) => unsafe { call(number, args[0], args[1], args[2], args[3], args[4], args[5]) },
        // SAFETY: forwarded.
        None => unsafe { svc(number, args) },
    }
}

/// The `svc #0` itself: what the stubs use without a vDSO, and what a
/// benchmark uses to time the trap itself.
///
/// # Safety
/// As [`syscall_by_number`].
#[cfg(target_arch = "arm")]
#[inline(always)]
pub unsafe fn svc(number: u32, args: [usize; 6]) -> usize {
    let r0: usize;
    // Inputs: r7 = number, r0-r5 = arguments. Output: r0 = result.
    // Clobbers: nothing else (Linux restores r1-r12 and the flags on return).
    // Mode and stack: USR (or SYSTEM through the same instruction), any
    // stack; the kernel switches to its own.
    // SAFETY: the caller vouches for the call's effect on our memory.
    unsafe {
        asm!(
            "svc #0",                          // trap to the kernel
            inlateout("r0") args[0] => r0,
            in("r1") args[1],
            in("r2") args[2],
            in("r3") args[3],
            in("r4") args[4],
            in("r5") args[5],
            in("r7") number,
            // No `nomem`: the kernel reads and writes our memory. The stack
            // pointer is untouched, so `nostack`.
            options(nostack),
        );
    }
    r0
}

/// Host stand-in for [`svc`]: there is no kernel, so `-ENOSYS`.
///
/// # Safety
/// None needed on the host; `unsafe` only to match the target's signature.
#[cfg(not(target_arch = "arm"))]
#[inline(always)]
pub unsafe fn svc(number: u32, args: [usize; 6]) -> usize {
    let _ = (number, args);
    HOST_ENOSYS
}

/// Host stand-in for the `svc` stub: there is no kernel, so `-ENOSYS`.
///
/// # Safety
/// None needed on the host; `unsafe` only to match the target's signature.
#[cfg(not(target_arch = "arm"))]
#[inline(always)]
pub unsafe fn syscall_by_number(number: u32, args: [usize; 6]) -> usize {
    let _ = (number, args);
    HOST_ENOSYS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_stub_says_enosys() {
        // SAFETY: the host stub touches nothing.
        let r0 = unsafe { syscall1(Sysnum::Getpid, 0) };
        assert_eq!(super::super::decode(r0), Err(abi::errno::Errno::ENOSYS));
    }
}
