// SPDX-License-Identifier: MIT OR Apache-2.0
//! Library for programs that run on KML-rs: start, system calls, print, heap.
//!
//! Programs are ordinary ARM Linux EABI static executables: the kernel (or
//! Linux, or `qemu-arm`) jumps to `_start` with the initial stack Linux
//! builds, and every request to the kernel is a Linux system call (number
//! in r7), made through the vDSO where the kernel provides KML-rs's. This crate is everything such a program needs besides `core` and
//! `alloc`:
//!
//! - [`entry!`] names the program's `main`; userlib's `_start` reads argc,
//!   argv, envp and auxv off the initial stack into [`Args`], calls it and
//!   hands its result to `exit_group`;
//! - [`syscall`] holds the system calls, each a safe function returning
//!   `Result<_, Errno>` over an `unsafe` stub that calls the kernel
//!   through the vDSO's `__vdso_syscall` ([`vdso`]): `svc` in USR mode, a
//!   direct call in SYSTEM mode (programs under `/trusted/`), or `svc`
//!   straight from the stub where there is no vDSO;
//! - [`print!`], [`println!`], [`eprint!`] and [`eprintln!`] format through a
//!   small stack buffer into fd 1 or 2, so printing never allocates;
//! - a `#[global_allocator]` over `brk` and a `#[panic_handler]` that prints
//!   `panic: <message> at <file>:<line>` and exits with status 101.
//!
//! Design principles:
//! - **The ABI is Linux's.** Numbers, structures and error conventions are
//!   exactly those of Linux ARM EABI, so the same binary runs on KML-rs and
//!   under `qemu-arm`, which is how this crate is tested before the kernel
//!   can run it.
//! - **Unsafe at the edge.** `unsafe` lives in the `svc` stubs
//!   (`syscall::raw`), the one step that turns the initial stack into
//!   slices (`args`), the start code, the heap and the deliberate faults of
//!   [`fault`]. The wrappers above the stubs are safe functions over slices
//!   and references; the few calls no signature can make safe (`brk`,
//!   `mmap2`, `munmap`, `mprotect`, `ioctl`) stay `unsafe fn`s.
//! - **Host-testable.** The pieces that only make sense on the target (the
//!   `svc` instruction, `_start`, the allocator, the panic handler) are
//!   behind `cfg`; everything else, the initial-stack parser above all,
//!   builds and is tested with `cargo test -p userlib` on the host, where
//!   every system call returns `-ENOSYS`.
#![no_std]

pub use abi;
pub use abi::errno::Errno;

pub mod args;
pub mod fault;
pub mod print;
pub mod syscall;
pub mod vdso;

#[cfg(all(target_arch = "arm", target_os = "none"))]
mod heap;
#[cfg(all(target_arch = "arm", target_os = "none"))]
mod panic;
#[cfg(all(target_arch = "arm", target_os = "none"))]
mod start;

pub use args::Args;
pub use syscall::{Fd, Pid};

/// Names the program's `main`, which userlib's `_start` calls.
///
/// `main` has the type `fn(&userlib::Args) -> i32`; its result becomes the
/// process's exit status (`exit_group`). Use it once, at the crate root of a
/// `#![no_std]`, `#![no_main]` binary:
///
/// ```ignore
/// #![no_std]
/// #![no_main]
/// userlib::entry!(main);
/// fn main(args: &userlib::Args) -> i32 { userlib::println!("hi"); 0 }
/// ```
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        /// The program's `main`, called by userlib's `_start`.
        //
        // The symbol is declared on userlib's side (`start.rs`) with this
        // exact signature; the `let` checks the type of `$main` here, where a
        // mismatch is an ordinary type error.
        #[unsafe(export_name = "__userlib_main")]
        fn __userlib_main(args: &$crate::Args) -> i32 {
            let main: fn(&$crate::Args) -> i32 = $main;
            main(args)
        }
    };
}
