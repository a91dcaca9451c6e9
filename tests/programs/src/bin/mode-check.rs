// SPDX-License-Identifier: MIT OR Apache-2.0
//! `mode-check [ACTION]`: says which CPU mode it runs in, then does ACTION.
//!
//! The trusted suites' program (issue 5). The same binary is staged as
//! `/bin/mode-check` and `/trusted/mode-check` (and inside `/jail`), so
//! whatever differs between runs is the kernel's doing. It reads CPSR.M
//! first and prints
//!
//! ```text
//! mode-check: <argv[0]> runs in USR mode      (or SYSTEM)
//! ```
//!
//! then, by ACTION:
//!
//! - none: makes the calls a trusted program leans on (getpid, a 1 ms
//!   nanosleep checked against clock_gettime, a pipe to itself, sched_yield),
//!   prints `mode-check: calls ok` and exits with the mode number, 16 for
//!   USR and 31 for SYSTEM, so the parent learns the mode from wait4. A
//!   failing call prints `mode-check: FAIL <call>: <why>` and exits 1.
//! - `fault-null`: stores to address 0; `fault-udf`: executes `udf #0`;
//!   `fault-stack`: overflows a stack buffer over its saved return address
//!   and returns through it. A working kernel kills us (SIGSEGV, SIGILL,
//!   SIGSEGV); if we live on we say so and exit 2.
//! - `spin`: counts in a loop forever, never entering the kernel, for a
//!   parent that checks it still gets the CPU, then kills us.
//! - `fork`: forks; the child exits with its own mode number, and we print
//!   `mode-check: forked child runs in <MODE> mode` and exit with it.
//! - `exec PATH`: execs PATH (argv[0] = PATH); its exit status is ours.
//!
//! Anything else prints a usage line and exits 64.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use core::arch::asm;

use test_programs::cpu_mode::{self, CpuMode};
use test_programs::{EXEC_FAILED, Launcher, errno_name, in_child, wait_for};
use userlib::syscall::{self, NSEC_PER_SEC};
use userlib::{Args, eprintln, println};

userlib::entry!(main);

/// Exit status when a call failed.
const CALL_FAILED: i32 = 1;
/// Exit status when a fault did not kill us.
const FAULT_SURVIVED: i32 = 2;
/// Exit status for an unknown action (`EX_USAGE`).
const USAGE: i32 = 64;
/// The plain run's sleep, in nanoseconds.
const MILLISECOND: u64 = NSEC_PER_SEC / 1000;

fn main(args: &Args) -> i32 {
    let name = args.arg_str(0).unwrap_or("mode-check");
    let mode = cpu_mode::current();
    println!("mode-check: {name} runs in {mode} mode");
    match (args.arg_str(1), args.arg_str(2)) {
        (None, _) => match calls() {
            Ok(()) => {
                println!("mode-check: calls ok");
                mode.exit_status()
            }
            Err(why) => {
                println!("mode-check: FAIL {why}");
                CALL_FAILED
            }
        },
        (Some("fault-null"), None) => survived("fault-null", store_to_null),
        (Some("fault-udf"), None) => userlib::fault::undefined_instruction(),
        (Some("fault-stack"), None) => smash_stack(),
        (Some("spin"), None) => spin(),
        (Some("fork"), None) => fork_and_report(),
        (Some("exec"), Some(path)) => {
            let error = Launcher::from_args(args).exec(path, &[path], &[]);
            eprintln!("mode-check: execve {path}: {}", errno_name(error));
            EXEC_FAILED
        }
        _ => {
            eprintln!("usage: mode-check [fault-null|fault-udf|fault-stack|spin|fork|exec PATH]");
            USAGE
        }
    }
}

/// The calls of a plain run, in order; the first failure ends them with
/// `"<call>: <why>"`.
fn calls() -> Result<(), String> {
    let failed = |call: &'static str| move |error| format!("{call}: {}", errno_name(error));

    if syscall::getpid().0 <= 0 {
        return Err(format!("getpid: {} is not a pid", syscall::getpid().0));
    }
    let before = syscall::monotonic_nanoseconds().map_err(failed("clock_gettime"))?;
    syscall::sleep_nanoseconds(MILLISECOND).map_err(failed("nanosleep"))?;
    let slept = syscall::monotonic_nanoseconds().map_err(failed("clock_gettime"))? - before;
    if slept < MILLISECOND {
        return Err(format!("nanosleep: 1 ms took {slept} ns"));
    }

    let pipe = syscall::pipe().map_err(failed("pipe"))?;
    let sent = *b"KML!";
    let mut received = [0u8; 4];
    let read = syscall::write_all(pipe.write, &sent)
        .map_err(failed("write"))
        .and_then(|()| syscall::read(pipe.read, &mut received).map_err(failed("read")));
    let _ = syscall::close(pipe.read);
    let _ = syscall::close(pipe.write);
    if read? != sent.len() || received != sent {
        return Err(format!("pipe: wrote {sent:?}, read back {received:?}"));
    }

    syscall::sched_yield();
    Ok(())
}

/// Runs a fault that should have killed us; reports that it did not.
fn survived(action: &str, fault: fn()) -> i32 {
    fault();
    println!("mode-check: still alive after {action}");
    FAULT_SURVIVED
}

/// Stores a word at address 0, which is never mapped (page 0 stays empty,
/// kernel/src/vm/layout.rs): SIGSEGV, in USR mode and in SYSTEM mode.
///
/// A Rust store through a null pointer would be undefined behaviour, which
/// the compiler may turn into anything (a trap, nothing at all); one
/// `str` is exactly the access we mean.
fn store_to_null() {
    // Inputs: the value and the address 0 in any registers. Outputs: none.
    // Clobbers: nothing. Not `nomem`: it writes memory (or means to).
    // SAFETY: page 0 is never mapped, so the store changes nothing of ours;
    // the kernel kills us. Were it to resume us, nothing would be lost.
    unsafe {
        asm!(
            "str {value}, [{address}]", // *(u32 *)0 = value
            value = in(reg) 0xDEAD_BEEF_u32,
            address = in(reg) 0_usize,
            options(nostack, preserves_flags),
        );
    }
}

/// The garbage the overflow writes: "AAAA" with bit 0 clear, so returning
/// through it stays in ARM state and faults at exactly this pc. It lies in
/// the heap's range, far above any break a program this small reaches, and
/// below the kernel's half: unmapped, in USR and SYSTEM mode alike.
const GARBAGE: u32 = 0x4141_4140;
/// The overflowing buffer, in bytes.
const BUFFER_BYTES: u32 = 64;
/// The registers a prologue saves (r4-r11, lr), in bytes.
const SAVED_BYTES: u32 = 9 * 4;
/// Words the overflow writes: the buffer, then every saved word through lr.
const SMASHED_WORDS: u32 = (BUFFER_BYTES + SAVED_BYTES) / 4;

/// The classic stack smash, done where the compiler cannot interfere: a
/// function frame (saved r4-r11 and lr, then a 64-byte buffer) is built
/// on our stack, a copy loop runs off the end of the buffer over the
/// saved registers, and the epilogue "returns" through the smashed lr:
/// pc = [`GARBAGE`], a prefetch abort, SIGSEGV.
///
/// In Rust the overflow would be undefined behaviour with no promise of
/// where the bytes land, so the frame and the loop are assembly. Only the
/// frame this block pushed below our stack pointer is overwritten.
fn smash_stack() -> ! {
    // Inputs: r1 = GARBAGE, r2 = words to write. Mode and stack: ours
    // (USR or SYSTEM), the frame is pushed below sp. Clobbers r0-r2 and
    // r4-r11, but control never comes back (`noreturn`). Not `nostack`:
    // it pushes onto the stack.
    // SAFETY: everything written lies in the 100 bytes this block pushed
    // below the stack pointer, memory no Rust code uses; the final `pop`
    // jumps to unmapped memory and the kernel kills us.
    unsafe {
        asm!(
            "push {{r4-r11, lr}}",       // a prologue: save registers and the return address
            "sub sp, sp, #{buffer}",     // then a local buffer below them
            "mov r0, sp",                // r0: the copy's destination, the buffer's start
            "1:",
            "str r1, [r0], #4",          // copy one garbage word, step up
            "subs r2, r2, #1",           // one word fewer to go
            "bne 1b",                    // until the saved lr is garbage too
            "add sp, sp, #{buffer}",     // the epilogue: drop the buffer
            "pop {{r4-r11, pc}}",        // and return through the smashed lr
            buffer = const BUFFER_BYTES,
            in("r1") GARBAGE,
            in("r2") SMASHED_WORDS,
            options(noreturn),
        )
    }
}

/// Counts forever without a system call: only the timer can take the CPU
/// from us, and only a signal can end us. The volatile counter keeps the
/// loop real work (not a `wfe` hint, not an empty loop the compiler may
/// treat as undefined).
fn spin() -> ! {
    let mut counter = 0u32;
    loop {
        // SAFETY: both pointers come from a live local we own.
        unsafe {
            let next = core::ptr::read_volatile(&counter).wrapping_add(1);
            core::ptr::write_volatile(&mut counter, next);
        }
    }
}

/// Forks; the child exits with its mode number, we report and return it.
fn fork_and_report() -> i32 {
    let status = in_child(|| cpu_mode::current().exit_status()).and_then(wait_for);
    match status.map(|status| status.exit_status().and_then(CpuMode::from_exit_status)) {
        Ok(Some(mode)) => {
            println!("mode-check: forked child runs in {mode} mode");
            mode.exit_status()
        }
        Ok(None) => {
            println!("mode-check: FAIL fork: the child did not report a mode");
            CALL_FAILED
        }
        Err(why) => {
            println!("mode-check: FAIL {why}");
            CALL_FAILED
        }
    }
}
