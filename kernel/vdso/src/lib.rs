// SPDX-License-Identifier: MIT OR Apache-2.0
//! The vDSO: the entry points every process finds mapped at `VDSO_BASE`.
//!
//! This crate is assembly (in `entry.rs`), one Rust function that reads
//! the time from the counter (`clock.rs`), and the checks that tie it to
//! `abi`. It builds as a static library for `armv7a-none-eabi`; xtask
//! (`xtask/src/vdso.rs`) links that library with `linker/vdso.ld` into
//! `vdso.so`, a shared object with soname `linux-vdso.so.1` whose symbols,
//! each also as `__vdso_<name>`, sit at version `LINUX_2.6`. Apps are linked
//! against that file; the kernel maps its one page at `VDSO_BASE` with a
//! read-only data page (`abi::vdso::VdsoData`) right after it.
//!
//! Design principles:
//! - **One binary, both modes.** Every entry point reads `direct_entry` from
//!   the data page: 0 (a USR-mode process) means trap with `svc #0`, as any
//!   Linux program would; otherwise (a SYSTEM-mode process) it is the
//!   kernel's trampoline, called with `blx` and the same registers. The
//!   page differs per process, the code never does.
//! - **Position-independent, no relocations.** The code finds the data page
//!   PC-relatively, so the object links at 0 like Linux's vDSO, needs no
//!   dynamic relocations and runs wherever the kernel maps it.
//! - **Numbers from `abi`, never by hand.** System call numbers come from
//!   `abi::syscall::Sysnum`, the data-page offset from `abi::vdso`, both as
//!   `const` operands; the list of names is checked against
//!   `abi::vdso::SYMBOLS` when this crate compiles.
//! - **Tiny.** Each entry point is eight instructions and a literal (a few
//!   more for `kernel_sched_timeout`, `clock_gettime` and `syscall`); the
//!   text, headers included, must fit in the page before the data page
//!   (the linker script and xtask both check). The Rust function must use
//!   no static data (that would need relocations); xtask's check refuses
//!   any.
//! - **The time without the kernel.** Where the data page names a counter
//!   programs may read (the generic timer), `clock_gettime` reads it
//!   itself, in both modes, and computes exactly what the kernel would.
//!
//! `unsafe` (the lint counts `global_asm!`) is allowed in `entry` and
//! `clock` only.
#![no_std]
#![deny(unsafe_code)]

// Reads the counter and the caller's pointer: what the assembly checked.
#[cfg(target_arch = "arm")]
#[allow(unsafe_code)]
mod clock;
// The assembly must keep to what its header promises: the AAPCS registers
// of its callers, the stack it was given and the data-page layout of `abi`.
#[allow(unsafe_code)]
mod entry;

/// Whether two lists of names are equal, usable in a `const` assertion.
const fn same_names(left: &[&str], right: &[&str]) -> bool {
    if left.len() != right.len() {
        return false;
    }
    let mut index = 0;
    while index < left.len() {
        let (a, b) = (left[index].as_bytes(), right[index].as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut byte = 0;
        while byte < a.len() {
            if a[byte] != b[byte] {
                return false;
            }
            byte += 1;
        }
        index += 1;
    }
    true
}

// The entry points are exactly the names `abi` promises, in its order.
const _: () = assert!(
    same_names(entry::NAMES, &abi::vdso::SYMBOLS),
    "kernel/vdso/src/entry.rs and abi::vdso::SYMBOLS list different names"
);

/// Required of a `no_std` library; nothing here can panic, and the linker
/// drops it from `vdso.so` (`--gc-sections`: nothing refers to it).
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
