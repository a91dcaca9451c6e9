// SPDX-License-Identifier: MIT OR Apache-2.0
//! Deliberate faults, for tests that check how the kernel handles them.
//!
//! Rust has no way to say "execute an undefined instruction" or "jump to
//! this address" without undefined behaviour, so these are single-instruction
//! `asm!` wrappers (STYLE rule 4). Each ends the process by a signal on a
//! working kernel; if it does not, we spin instead of running on.

#[cfg(target_arch = "arm")]
use core::arch::asm;

/// Executes `udf #0` (0xe7f000f0), an architecturally undefined instruction:
/// the kernel should kill us with SIGILL. (Linux treats `udf #16` as a
/// breakpoint, so the immediate matters.) A kernel that skipped the
/// instruction would find us spinning on the next one.
pub fn undefined_instruction() -> ! {
    #[cfg(target_arch = "arm")]
    // SAFETY: `udf` only raises an exception; it touches no memory or
    // register of ours. Inputs and outputs: none. `noreturn`: control does
    // not come back (the process dies), and `nomem`/`nostack` since it
    // accesses neither memory nor the stack.
    unsafe {
        asm!(
            "udf #0", // undefined instruction: SIGILL
            "b .",    // should the kernel resume us past it, spin here
            options(noreturn, nomem, nostack),
        )
    }
    #[cfg(not(target_arch = "arm"))]
    spin()
}

/// Branches to `address` in ARM state (`bx`), as a call through a bad
/// function pointer would.
///
/// # Safety
/// Whatever is at `address` runs with our registers and memory: the caller
/// must be sure nothing executable is mapped there (a NULL page, kernel
/// memory), so the kernel kills us with SIGSEGV.
pub unsafe fn jump_to(address: usize) -> ! {
    #[cfg(target_arch = "arm")]
    // SAFETY: the caller promises nothing runs at `address`. Input: the
    // address in any register; `noreturn` because the jump does not come
    // back; no memory or stack access by this instruction itself.
    unsafe {
        asm!("bx {address}", address = in(reg) address, options(noreturn, nomem, nostack)) // jump
    }
    #[cfg(not(target_arch = "arm"))]
    {
        let _ = address;
        spin()
    }
}

/// The host's stand-in: there is nothing to fault, so wait forever.
#[cfg(not(target_arch = "arm"))]
fn spin() -> ! {
    #[allow(clippy::empty_loop)]
    loop {}
}
