// SPDX-License-Identifier: MIT OR Apache-2.0
//! The entry points: one assembler macro, expanded once per exported name.
//!
//! Every entry point is the same nine words with a different system call
//! number, so the sequence is written once, as the GNU assembler macro
//! `kml_vdso_entry`, and the table at the bottom expands it for each name
//! with the number as a `const` operand from [`Sysnum`]. Three entry
//! points do more first, in an assembler macro of their own:
//! `kernel_sched_timeout` rearranges its arguments
//! (`kml_vdso_sleep_monotonic`), `clock_gettime` reads the counter itself
//! where it can (`kml_vdso_clock_from_counter`, then `crate::clock`), and
//! `syscall` takes the number as its first argument and three more
//! arguments from the stack (`kml_vdso_syscall_arguments`).
//!
//! Each entry point is an ordinary AAPCS function, so C calls it directly:
//! arguments in r0-r3, result in r0. The result is the kernel's, unchanged:
//! `>= 0` on success, `-errno` on failure, as Linux's own vDSO functions
//! return it.

use abi::syscall::Sysnum;
// Only the assembly uses these; a host build (clippy) has none.
#[cfg(target_arch = "arm")]
use abi::{
    clock::{CLOCK_BOOTTIME, CLOCK_MONOTONIC},
    vdso::{VDSO_DATA_OFFSET, VdsoData},
};

/// Where `VdsoData::direct_entry` lies, in bytes from the vDSO's first byte
/// (the ELF header, which the linker script puts at `__kml_vdso_start`).
#[cfg(target_arch = "arm")]
const DIRECT_ENTRY: u32 = VDSO_DATA_OFFSET + VdsoData::DIRECT_ENTRY_OFFSET as u32;

/// Where `VdsoData::counter_frequency` lies, from the data page.
#[cfg(target_arch = "arm")]
const COUNTER_FREQUENCY: u32 = VdsoData::COUNTER_FREQUENCY_OFFSET as u32;

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
        // Inputs: r0-r3 = the call's arguments (only `syscall` takes more
        //   than four); lr = return address; the data page mapped at
        //   __kml_vdso_start + VDSO_DATA_OFFSET.
        // Outputs: r0 = the kernel's result.
        // Overwrites: r0 (the result), r1-r3 in SETUP or the trampoline
        //   (AAPCS caller-saved), ip, the flags. r4, r5, r7 and lr are
        //   restored.
        // Mode and stack: USR or SYSTEM, the caller's stack (8-aligned at
        //   the call, as AAPCS requires), 16 bytes pushed and popped. The
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
            "    push {{r4, r5, r7, lr}}",         // save r4, r5, r7 (callee-
                                                   // saved; `syscall` loads
                                                   // r4 and r5) and the return
                                                   // address; sp stays 8-aligned
            "    .ifc \\name, syscall",
            "    kml_vdso_syscall_arguments",      // r7 = the number from r0,
                                                   // the arguments into place
            "    .else",
            "    movw r7, #\\number",              // r7 = system call number
            "    .endif",
            "    ldr ip, 1f",                      // ip = &direct_entry - (0f + 8)
            "0:  ldr ip, [pc, ip]",                // ip = direct_entry (pc reads
                                                   // as 0b + 8)
            "    cmp ip, #0",                      // 0: a USR-mode process
            "    svceq #0",                        // USR: trap, r0 = result
            "    blxne ip",                        // SYSTEM: call the trampoline
            "    pop {{r4, r5, r7, pc}}",          // restore them, return (an
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
            // kml_vdso_clock_from_counter: clock_gettime(clock, ts) without
            //   the kernel, where the data page names a counter and `clock`
            //   is one the kernel answers from it (every id up to
            //   CLOCK_BOOTTIME): tail-calls kml_vdso_clock_gettime_counter
            //   (crate::clock), which returns 0 to our caller. Otherwise
            //   falls through to the system call (which also gives EINVAL).
            // Inputs: r0 = clock, r1 = ts. Outputs: r2 = the data page.
            // Overwrites: r2, ip, the flags.
            ".macro kml_vdso_clock_from_counter",
            "    ldr ip, 2f",                      // ip = data page - (3f + 8)
            "3:  add r2, pc, ip",                  // r2 = the data page
            "    ldr ip, [r2, #{counter_frequency}]",
            "    cmp ip, #0",                      // no counter: the kernel
            "    beq 4f",
            "    cmp r0, #{boottime}",             // a clock it counts?
            "    bls kml_vdso_clock_gettime_counter",
            "    b 4f",
            "2:  .word __kml_vdso_start + {data_offset} - (3b + 8)",
            "4:",
            ".endm",
            "",
            // kml_vdso_syscall_arguments: syscall(number, a0, ..., a5), the
            //   C library's prototype, becomes the EABI's registers.
            // Inputs (after the entry's push of 16 bytes): r0 = number,
            //   r1-r3 = a0-a2, [sp + 16], [sp + 20], [sp + 24] = a3-a5.
            // Outputs: r7 = number, r0-r5 = a0-a5 (r6 is never an argument
            //   of a call the kernel implements with six or fewer).
            ".macro kml_vdso_syscall_arguments",
            "    mov ip, r0",                      // the number, for below
            "    mov r0, r1",
            "    mov r1, r2",
            "    mov r2, r3",
            "    ldr r3, [sp, #16]",
            "    ldr r4, [sp, #20]",
            "    ldr r5, [sp, #24]",
            "    mov r7, ip",
            ".endm",
            "",
            // kml_vdso_sigreturn: where a signal handler returns when its
            //   action has no SA_RESTORER: rt_sigreturn, which restores the
            //   registers the kernel saved in the signal frame at sp. Not
            //   exported (no symbol a program could link to): the kernel
            //   finds it in the image by these two instructions
            //   (kernel/src/vdso.rs, `find_sigreturn`), as Linux's sigpage
            //   holds the same code. `svc` in both modes: from SYSTEM mode
            //   it is a system call too in this kernel.
            // Inputs: sp = the signal frame (as the kernel set it up).
            // Outputs: none; it never returns here.
            "    .text",
            "    .arm",
            "    .p2align 3",
            "kml_vdso_sigreturn:",
            "    mov r7, #{rt_sigreturn}",         // r7 = rt_sigreturn
            "    svc #0",                          // never returns
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
            boottime = const CLOCK_BOOTTIME,
            counter_frequency = const COUNTER_FREQUENCY,
            rt_sigreturn = const Sysnum::RtSigreturn.number(),
        );
    };
}

entry_points! {
    clock_gettime = ClockGettime with kml_vdso_clock_from_counter;
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
    // The number comes in r0; `Syscall` (0, Linux's restart_syscall) only
    // fills the table's slot.
    syscall = RestartSyscall;
}
