// SPDX-License-Identifier: MIT OR Apache-2.0
//! The `svc #0` stubs: a system call number and up to six words in, r0 out.
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

#[cfg(target_arch = "arm")]
use core::arch::asm;

use super::Sysnum;

/// `-ENOSYS` as r0 holds it, the host stubs' only answer.
#[cfg(not(target_arch = "arm"))]
const HOST_ENOSYS: usize = 38usize.wrapping_neg();

/// Makes system call `number` with no arguments; returns the raw r0.
///
/// # Safety
/// As [`syscall6`]: the call must be sound for this number.
#[inline(always)]
pub unsafe fn syscall0(number: Sysnum) -> usize {
    // SAFETY: forwarded; the caller upholds syscall6's contract.
    unsafe { syscall6(number, [0; 6]) }
}

/// Makes system call `number` with one argument; returns the raw r0.
///
/// # Safety
/// As [`syscall6`]; any pointer argument must be what the call expects.
#[inline(always)]
pub unsafe fn syscall1(number: Sysnum, a0: usize) -> usize {
    // SAFETY: forwarded; the caller upholds syscall6's contract.
    unsafe { syscall6(number, [a0, 0, 0, 0, 0, 0]) }
}

/// Makes system call `number` with two arguments; returns the raw r0.
///
/// # Safety
/// As [`syscall6`]; any pointer argument must be what the call expects.
#[inline(always)]
pub unsafe fn syscall2(number: Sysnum, a0: usize, a1: usize) -> usize {
    // SAFETY: forwarded; the caller upholds syscall6's contract.
    unsafe { syscall6(number, [a0, a1, 0, 0, 0, 0]) }
}

/// Makes system call `number` with three arguments; returns the raw r0.
///
/// # Safety
/// As [`syscall6`]; any pointer argument must be what the call expects.
#[inline(always)]
pub unsafe fn syscall3(number: Sysnum, a0: usize, a1: usize, a2: usize) -> usize {
    // SAFETY: forwarded; the caller upholds syscall6's contract.
    unsafe { syscall6(number, [a0, a1, a2, 0, 0, 0]) }
}

/// Makes system call `number` with four arguments; returns the raw r0.
///
/// # Safety
/// As [`syscall6`]; any pointer argument must be what the call expects.
#[inline(always)]
pub unsafe fn syscall4(number: Sysnum, a0: usize, a1: usize, a2: usize, a3: usize) -> usize {
    // SAFETY: forwarded; the caller upholds syscall6's contract.
    unsafe { syscall6(number, [a0, a1, a2, a3, 0, 0]) }
}

/// Makes system call `number` with six arguments (r0-r5); returns the raw r0.
///
/// Unused trailing arguments are passed as zero, which no call we make
/// reads. Six is Linux ARM's maximum for the calls userlib wraps (`mmap2`).
///
/// # Safety
/// The call must be sound for this number and these words: pointers must
/// point at memory of the size and mutability the call expects (or be
/// deliberately bad, when the point is to see `-EFAULT`), and the call may
/// not change memory the program still uses or end the process unexpectedly.
#[cfg(target_arch = "arm")]
#[inline(always)]
pub unsafe fn syscall6(number: Sysnum, args: [usize; 6]) -> usize {
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
            in("r7") number.0,
            // No `nomem`: the kernel reads and writes our memory. The stack
            // pointer is untouched, so `nostack`.
            options(nostack),
        );
    }
    r0
}

/// Host stand-in for the `svc` stub: there is no kernel, so `-ENOSYS`.
///
/// # Safety
/// None needed on the host; `unsafe` only to match the target's signature.
#[cfg(not(target_arch = "arm"))]
#[inline(always)]
pub unsafe fn syscall6(number: Sysnum, args: [usize; 6]) -> usize {
    let _ = (number, args);
    HOST_ENOSYS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_stub_says_enosys() {
        // SAFETY: the host stub touches nothing.
        let r0 = unsafe { syscall1(Sysnum::GETPID, 0) };
        assert_eq!(super::super::decode(r0), Err(abi::errno::Errno::ENOSYS));
    }
}
