// SPDX-License-Identifier: MIT OR Apache-2.0
//! Program start: `_start` to `Args`, the program's `main`, `exit_group`.
//!
//! The kernel enters `_start` in ARM state with sp at the initial stack
//! image (see `args`) and nothing else defined: no frame, no return address.
//! `_start` passes that sp to [`userlib_start`] in r0; the Rust side parses
//! the image once and calls the program's `main`, named by `entry!`, and
//! hands its result to `exit_group`. Neither ever returns. Before `main`,
//! the system calls are pointed at the vDSO (`crate::vdso::init`).

use crate::args::Args;
use crate::syscall::exit_group;

unsafe extern "Rust" {
    /// The program's `main`, defined by `userlib::entry!` with exactly this
    /// signature (its expansion type-checks the program's function).
    // `safe`: the definition is an ordinary safe Rust function.
    safe fn __userlib_main(args: &Args) -> i32;
}

// _start: the ELF entry point.
// Inputs: sp = initial stack image (argc, argv, envp, auxv), 8-aligned on
//   Linux but not relied on. All other registers are undefined.
// Outputs: none; it does not return.
// Overwrites: r0, fp, lr, sp (aligned down to 8 for the AAPCS).
// Mode and stack: USR (or SYSTEM for trusted programs), the process's own
//   initial stack, on entry and throughout.
core::arch::global_asm!(
    ".section .text._start, \"ax\", %progbits",
    ".global _start",
    ".type _start, %function",
    ".arm",
    "_start:",
    "    mov fp, #0",         // end of the frame-pointer chain for debuggers
    "    mov lr, #0",         // and of the return-address chain
    "    mov r0, sp",         // argument: the initial stack image
    "    bic sp, sp, #7",     // AAPCS: sp 8-aligned at a public call
    "    bl {start}",         // userlib_start(sp), never returns
    "    udf #0",             // unreachable: fault loudly if it ever does
    ".size _start, . - _start",
    start = sym userlib_start,
);

/// Called by `_start` with the initial sp: parses it and runs `main`.
///
/// # Safety
/// `sp` must be the stack pointer the kernel gave `_start`: an initial
/// stack image as `Args::from_initial_stack` requires, which the program
/// never writes (nothing but `_start` knows where it is).
unsafe extern "C" fn userlib_start(sp: *const usize) -> ! {
    // SAFETY: forwarded from our caller, `_start`, which passes the
    // kernel's initial sp untouched.
    match unsafe { Args::from_initial_stack(sp) } {
        Ok(args) => {
            if let Some(base) = args.auxv(crate::args::AT_SYSINFO_EHDR) {
                // SAFETY: the kernel's own AT_SYSINFO_EHDR, as `init`
                // requires.
                unsafe { crate::vdso::init(base) };
            }
            exit_group(__userlib_main(&args))
        }
        Err(error) => {
            crate::eprintln!("userlib: bad initial stack: {error:?}");
            exit_group(127)
        }
    }
}
