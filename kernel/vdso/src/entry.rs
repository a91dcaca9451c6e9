// SPDX-License-Identifier: MIT OR Apache-2.0
//! The entry points: one assembler macro, expanded once per exported name.
//!
//! Every entry point is the same nine words with a different system call
//! number, so the sequence is written once, as the GNU assembler macro
//! `kml_vdso_entry`, and the table at the bottom expands it for each name
//! with the number as a `const` operand from [`Sysnum`]. The only entry
//! point with more to do is `kernel_sched_timeout`, whose arguments are
//! rearranged first (`kml_vdso_sleep_monotonic`).
//!
//! Each entry point is an ordinary AAPCS function, so C calls it directly:
//! arguments in r0-r3, result in r0. The result is the kernel's, unchanged:
//! `>= 0` on success, `-errno` on failure, as Linux's own vDSO functions
//! return it.

use abi::syscall::Sysnum;
// Only the assembly uses these; a host build (clippy) has none.
#[cfg(target_arch = "arm")]
use abi::{
    clock::CLOCK_MONOTONIC,
    vdso::{VDSO_DATA_OFFSET, VdsoData},
};

/// Where `VdsoData::direct_entry` lies, in bytes from the vDSO's first byte
/// (the ELF header, which the linker script puts at `__kml_vdso_start`).
#[cfg(target_arch = "arm")]
const DIRECT_ENTRY: u32 = VDSO_DATA_OFFSET + VdsoData::DIRECT_ENTRY_OFFSET as u32;

/// Declares the entry points: `name = Call` exports `name` and
/// `__vdso_name` making system call `Sysnum::Call`; `with macro` runs the
/// assembler macro `macro` first, to rearrange the arguments.
macro_rules! entry_points {
    ($($name:ident = $call:ident $(with $setup:ident)?;)*) => {
        /// The exported names, without the `__vdso_` prefix, in table order.
        pub(crate) const NAMES: &[&str] = &[$(stringify!($name)),*];

        // `movw` takes a 16-bit immediate; the ARM private calls
        // (0xf0000 and up) would need a `movt` too.
        $(const _: () = assert!(Sysnum::$call.number() <= 0xFFFF);)*

        // kml_vdso_entry NAME, NUMBER[, SETUP]: the entry point NAME (and
        //   __vdso_NAME), making system call NUMBER after macro SETUP.
        // Inputs: r0-r3 = the call's arguments (none takes more than four);
        //   lr = return address; the data page mapped at __kml_vdso_start +
        //   VDSO_DATA_OFFSET.
        // Outputs: r0 = the kernel's result.
        // Overwrites: r0 (the result), r1-r3 in SETUP or the trampoline
        //   (AAPCS caller-saved), ip, the flags. r7 and lr are restored.
        // Mode and stack: USR or SYSTEM, the caller's stack (8-aligned at
        //   the call, as AAPCS requires), 8 bytes pushed and popped. The
        //   `svc` leaves and returns in the caller's mode; the trampoline is
        //   entered by `blx` in SYSTEM mode on that stack (it switches to
        //   the thread's kernel stack itself) and returns the same way.
        #[cfg(target_arch = "arm")]
        core::arch::global_asm!(
            ".macro kml_vdso_entry name, number, setup",
            "    .text",
            "    .arm",                            // ARM state: `blx`/`svc` as below
            "    .p2align 2",
            "    .global \\name, __vdso_\\name",
            "    .type \\name, %function",
            "    .type __vdso_\\name, %function",
            "\\name:",
            "__vdso_\\name:",
            "    .ifnb \\setup",
            "    \\setup",                         // rearrange the arguments
            "    .endif",
            "    push {{r7, lr}}",                 // save r7 (callee-saved) and
                                                   // the return address; sp
                                                   // stays 8-aligned
            "    movw r7, #\\number",              // r7 = system call number
            "    ldr ip, 1f",                      // ip = &direct_entry - (0f + 8)
            "0:  ldr ip, [pc, ip]",                // ip = direct_entry (pc reads
                                                   // as 0b + 8)
            "    cmp ip, #0",                      // 0: a USR-mode process
            "    svceq #0",                        // USR: trap, r0 = result
            "    blxne ip",                        // SYSTEM: call the trampoline
            "    pop {{r7, pc}}",                  // restore r7, return (an
                                                   // interworking load of pc)
            "1:  .word __kml_vdso_start + {direct_entry} - (0b + 8)",
                                                   // PC-relative: resolved by
                                                   // the linker, no relocation
                                                   // left in vdso.so
            "    .size \\name, . - \\name",
            "    .size __vdso_\\name, . - __vdso_\\name",
            ".endm",
            "",
            // kml_vdso_sleep_monotonic: kernel_sched_timeout(ts) becomes
            //   clock_nanosleep(CLOCK_MONOTONIC, 0, ts, NULL): the old KML
            //   call sleeps for the relative time *ts on the monotonic clock.
            // Inputs: r0 = ts. Outputs: r0-r3 = clock_nanosleep's arguments.
            ".macro kml_vdso_sleep_monotonic",
            "    mov r2, r0",                      // request = ts
            "    mov r0, #{monotonic}",            // clock = CLOCK_MONOTONIC
            "    mov r1, #0",                      // flags = 0: relative time
            "    mov r3, #0",                      // remain = NULL
            ".endm",
            "",
            // For the linker script's check that the text fits before the
            // data page: an absolute, hidden (never exported) symbol.
            ".global __kml_vdso_data_offset",
            ".hidden __kml_vdso_data_offset",
            ".set __kml_vdso_data_offset, {data_offset}",
            "",
            $(concat!(
                "kml_vdso_entry ", stringify!($name), ", {", stringify!($name), "}"
                $(, ", ", stringify!($setup))?
            ),)*
            $($name = const Sysnum::$call.number(),)*
            direct_entry = const DIRECT_ENTRY,
            data_offset = const VDSO_DATA_OFFSET,
            monotonic = const CLOCK_MONOTONIC,
        );
    };
}

entry_points! {
    clock_gettime = ClockGettime;
    gettimeofday = Gettimeofday;
    sched_yield = SchedYield;
    nanosleep = Nanosleep;
    kernel_sched_timeout = ClockNanosleep with kml_vdso_sleep_monotonic;
    getpid = Getpid;
    gettid = Gettid;
    getppid = Getppid;
    read = Read;
    write = Write;
    clock_nanosleep = ClockNanosleep;
    clock_getres = ClockGetres;
    sched_setscheduler = SchedSetscheduler;
    sched_getscheduler = SchedGetscheduler;
    sched_setparam = SchedSetparam;
    sched_getparam = SchedGetparam;
    // Linux's `exit` (1) ends the calling thread, which in a one-thread
    // process is the process; it never returns.
    exit = Exit;
}
