// SPDX-License-Identifier: MIT OR Apache-2.0
//! `signal-check`: POSIX signals through raw system calls, in either mode.
//!
//! The signal suites' program (issue 8). Staged as `/bin/signal-check`
//! (USR mode) and `/trusted/signal-check` (SYSTEM mode), it checks with
//! raw `rt_sigaction`, `rt_sigprocmask`, `kill` and friends, no C library:
//!
//! - a handler runs for `kill(getpid(), SIGUSR1)`, in our own mode, with
//!   `si_signo`, `si_code` (SI_USER) and `si_pid` right, returning through
//!   the vDSO's sigreturn trampoline (no SA_RESTORER);
//! - a blocked signal stays pending (`rt_sigpending`) and runs at unblock;
//! - SIGCHLD's handler runs when a child exits (si_pid, si_status,
//!   CLD_EXITED), and wait4 interrupted by it is restarted (SA_RESTART);
//! - a pipe read interrupted by a signal from a child gives EINTR without
//!   SA_RESTART, and is restarted and gets the data with it;
//! - a nanosleep interrupted by a handled signal gives EINTR and the time
//!   left;
//! - SIGTERM kills a paused child, SIGKILL one blocked in a pipe read,
//!   SIGPIPE one writing to a pipe nobody reads (default actions, seen in
//!   wait4's status); with SIGPIPE ignored the write gives EPIPE;
//! - a store to NULL runs the SIGSEGV handler (SEGV_MAPERR, si_addr 0),
//!   which skips the store by editing the saved pc;
//! - a handler with SA_ONSTACK runs on the `sigaltstack` stack;
//! - a handler that rewrites the saved CPSR to SVC mode with interrupts
//!   masked returns to our own mode (sigreturn keeps the mode and masks).
//!
//! Prints `signal-check: ok (<MODE> mode)` and exits 0, or prints
//! `signal-check: FAIL <what>` and exits 1.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use test_programs::cpu_mode;
use test_programs::{errno_name, in_child, wait_for};
use userlib::abi;
use userlib::syscall::{self, Fork, Pid, Signal, Sysnum, decode, decode_unit, raw};
use userlib::{Args, Errno, println};

userlib::entry!(main);

const SIGUSR1: u32 = abi::signal::SIGUSR1;
const SIGUSR2: u32 = abi::signal::SIGUSR2;
const SIGCHLD: u32 = abi::signal::SIGCHLD;
const SIGSEGV: u32 = abi::signal::SIGSEGV;
const SIGTERM: u32 = abi::signal::SIGTERM;

/// Calls of the handler, by signal number.
static CALLS: [AtomicU32; 65] = [const { AtomicU32::new(0) }; 65];
/// The last handler call's si_signo, si_code, first union word
/// (si_pid or si_addr), si_status, CPU mode and a stack address.
static LAST: [AtomicU32; 6] = [const { AtomicU32::new(0) }; 6];
/// The handler rewrites the saved CPSR to SVC mode, IRQs and FIQs masked.
static TAMPER: AtomicBool = AtomicBool::new(false);

/// Word offsets in the `ucontext` of the saved pc and cpsr
/// (`uc_mcontext` at byte 20, `arm_pc` and `arm_cpsr` at 72 and 76).
const UC_PC: usize = (20 + 72) / 4;
const UC_CPSR: usize = (20 + 76) / 4;

/// The one handler: records what it got, and does what the test asks.
extern "C" fn handler(signal: u32, info: *const u32, context: *mut u32) {
    let local = 0u32;
    // SAFETY: the kernel passes a `siginfo_t` (128 bytes) and a ucontext
    // it wrote on our stack for this call; we read and write words of them.
    unsafe {
        LAST[0].store(info.read_volatile(), Ordering::SeqCst);
        LAST[1].store(info.add(2).read_volatile(), Ordering::SeqCst);
        LAST[2].store(info.add(3).read_volatile(), Ordering::SeqCst);
        LAST[3].store(info.add(5).read_volatile(), Ordering::SeqCst);
        let cpsr = context.add(UC_CPSR);
        if signal == SIGSEGV {
            // Skip the faulting store: 2 bytes in Thumb state, else 4.
            let step = if cpsr.read_volatile() & 0x20 != 0 {
                2
            } else {
                4
            };
            let pc = context.add(UC_PC);
            pc.write_volatile(pc.read_volatile() + step);
        }
        if TAMPER.swap(false, Ordering::SeqCst) {
            cpsr.write_volatile((cpsr.read_volatile() & !0x1f) | 0x13 | 0xC0);
        }
    }
    LAST[4].store(u32::from(cpu_mode::current().number()), Ordering::SeqCst);
    LAST[5].store(core::ptr::addr_of!(local) as u32, Ordering::SeqCst);
    CALLS[signal as usize % 65].fetch_add(1, Ordering::SeqCst);
}

fn calls(signal: u32) -> u32 {
    CALLS[signal as usize].load(Ordering::SeqCst)
}

fn last(index: usize) -> u32 {
    LAST[index].load(Ordering::SeqCst)
}

/// rt_sigaction(signal, {handler, flags, no restorer, mask}, NULL, 8).
fn sigaction(signal: u32, handler: usize, flags: u32) -> Result<(), Errno> {
    let action = [handler as u32, flags, 0, 0, 0];
    // SAFETY: `action` is a valid k_sigaction for the call to read; the
    // handler, if any, is `handler` above, sound for any signal.
    decode_unit(unsafe {
        raw::syscall4(
            Sysnum::RtSigaction,
            signal as usize,
            action.as_ptr() as usize,
            0,
            8,
        )
    })
}

fn catch(signal: u32, flags: u32) -> Result<(), String> {
    sigaction(signal, handler as *const () as usize, flags)
        .map_err(|e| format!("rt_sigaction: {}", errno_name(e)))
}

/// rt_sigprocmask(how, set, &old, 8): the old mask.
fn sigprocmask(how: u32, set: u64) -> Result<u64, Errno> {
    let mut old = 0u64;
    // SAFETY: both sets are 8 bytes of ours.
    decode_unit(unsafe {
        raw::syscall4(
            Sysnum::RtSigprocmask,
            how as usize,
            core::ptr::addr_of!(set) as usize,
            core::ptr::addr_of_mut!(old) as usize,
            8,
        )
    })?;
    Ok(old)
}

fn bit(signal: u32) -> u64 {
    1 << (signal - 1)
}

fn kill(pid: i32, signal: u32) -> Result<(), Errno> {
    syscall::kill(Pid(pid), Signal(signal as i32))
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok { Ok(()) } else { Err(String::from(what)) }
}

/// One check: `Err` with what went wrong.
type Check = fn() -> Result<(), String>;

fn main(args: &Args) -> i32 {
    let name = args.arg_str(0).unwrap_or("signal-check");
    let mode = cpu_mode::current();
    let checks: [(&str, Check); 10] = [
        ("handler", self_kill),
        ("blocked", blocked),
        ("sigchld", sigchld),
        ("eintr", pipe_eintr),
        ("restart", pipe_restart),
        ("nanosleep", nanosleep_eintr),
        ("default-kill", default_kill),
        ("segv-handler", segv_handler),
        ("altstack", altstack),
        ("tampered-cpsr", tampered_cpsr),
    ];
    for (check_name, body) in checks {
        if let Err(why) = body() {
            println!("signal-check: FAIL {check_name} ({name}): {why}");
            return 1;
        }
        println!("signal-check: {check_name} ok");
    }
    println!("signal-check: ok ({mode} mode)");
    0
}

fn self_kill() -> Result<(), String> {
    catch(SIGUSR1, 0)?;
    let me = syscall::getpid().0;
    kill(me, SIGUSR1).map_err(|e| format!("kill: {}", errno_name(e)))?;
    check(calls(SIGUSR1) == 1, "the handler did not run once")?;
    check(
        last(0) == SIGUSR1 && last(1) == 0,
        "si_signo or si_code wrong",
    )?;
    check(last(2) == me as u32, "si_pid is not ours")?;
    check(
        last(4) == u32::from(cpu_mode::current().number()),
        "the handler ran in another mode",
    )?;
    // Signal 0 and bad numbers.
    check(kill(me, 0).is_ok(), "kill(self, 0) failed")?;
    check(
        kill(me, 65) == Err(Errno::EINVAL),
        "kill(self, 65) not EINVAL",
    )?;
    check(
        kill(0x7fff, 0) == Err(Errno::ESRCH),
        "kill(nobody) not ESRCH",
    )?;
    check(
        sigaction(abi::signal::SIGKILL, handler as *const () as usize, 0) == Err(Errno::EINVAL),
        "SIGKILL caught",
    )
}

fn blocked() -> Result<(), String> {
    catch(SIGUSR2, 0)?;
    sigprocmask(abi::signal::SIG_BLOCK, bit(SIGUSR2)).map_err(errno_name)?;
    kill(syscall::getpid().0, SIGUSR2).map_err(errno_name)?;
    check(calls(SIGUSR2) == 0, "a blocked signal ran")?;
    let mut pending = 0u64;
    // SAFETY: 8 bytes of ours.
    let r0 = unsafe {
        raw::syscall2(
            Sysnum::RtSigpending,
            core::ptr::addr_of_mut!(pending) as usize,
            8,
        )
    };
    decode(r0).map_err(|e| format!("rt_sigpending: {}", errno_name(e)))?;
    check(pending == bit(SIGUSR2), "rt_sigpending does not show it")?;
    let old = sigprocmask(abi::signal::SIG_UNBLOCK, bit(SIGUSR2)).map_err(errno_name)?;
    check(old == bit(SIGUSR2), "the old mask is wrong")?;
    check(calls(SIGUSR2) == 1, "not delivered at unblock")
}

fn sigchld() -> Result<(), String> {
    catch(SIGCHLD, abi::signal::SA_RESTART)?;
    let child = in_child(|| 3)?;
    let status = wait_for(child)?;
    check(status.exit_status() == Some(3), "the child's status")?;
    check(calls(SIGCHLD) == 1, "no SIGCHLD handler call")?;
    check(last(2) == child.0 as u32, "si_pid is not the child")?;
    check(
        last(1) == abi::signal::CLD_EXITED as u32 && last(3) == 3,
        "si_code/si_status",
    )?;
    sigaction(SIGCHLD, 0, 0).map_err(errno_name)
}

/// A child that signals us with SIGUSR1 after 20 ms, then sends `data`
/// (if any) 20 ms later.
fn nudge(write_end: syscall::Fd, data: &'static [u8]) -> Result<Pid, String> {
    let parent = syscall::getpid().0;
    in_child(move || {
        let _ = syscall::sleep_nanoseconds(20_000_000);
        if kill(parent, SIGUSR1).is_err() {
            return 2;
        }
        let _ = syscall::sleep_nanoseconds(20_000_000);
        if !data.is_empty() && syscall::write(write_end, data).is_err() {
            return 3;
        }
        0
    })
}

fn pipe_eintr() -> Result<(), String> {
    catch(SIGUSR1, 0)?;
    let pipe = syscall::pipe().map_err(errno_name)?;
    let before = calls(SIGUSR1);
    let child = nudge(pipe.write, b"")?;
    let mut buffer = [0u8; 4];
    let result = syscall::read(pipe.read, &mut buffer);
    let status = wait_for(child)?;
    let _ = (syscall::close(pipe.read), syscall::close(pipe.write));
    check(status.exit_status() == Some(0), "the child failed")?;
    check(calls(SIGUSR1) == before + 1, "the handler did not run")?;
    check(result == Err(Errno::EINTR), "read did not give EINTR")
}

fn pipe_restart() -> Result<(), String> {
    catch(SIGUSR1, abi::signal::SA_RESTART)?;
    let pipe = syscall::pipe().map_err(errno_name)?;
    let before = calls(SIGUSR1);
    let child = nudge(pipe.write, b"x")?;
    let mut buffer = [0u8; 4];
    let result = syscall::read(pipe.read, &mut buffer);
    let status = wait_for(child)?;
    let _ = (syscall::close(pipe.read), syscall::close(pipe.write));
    check(status.exit_status() == Some(0), "the child failed")?;
    check(calls(SIGUSR1) == before + 1, "the handler did not run")?;
    check(
        result == Ok(1) && buffer[0] == b'x',
        "the read was not restarted",
    )
}

fn nanosleep_eintr() -> Result<(), String> {
    catch(SIGUSR1, abi::signal::SA_RESTART)?;
    let pipe = syscall::pipe().map_err(errno_name)?;
    let child = nudge(pipe.write, b"")?;
    let request = [2u32, 0];
    let mut left = [0u32; 2];
    // SAFETY: two timespecs of ours.
    let r0 = unsafe {
        raw::syscall2(
            Sysnum::Nanosleep,
            request.as_ptr() as usize,
            left.as_mut_ptr() as usize,
        )
    };
    let status = wait_for(child)?;
    let _ = (syscall::close(pipe.read), syscall::close(pipe.write));
    check(status.exit_status() == Some(0), "the child failed")?;
    check(
        decode(r0) == Err(Errno::EINTR),
        "nanosleep did not give EINTR",
    )?;
    check(left[0] == 1 && left[1] > 0, "the time left is wrong")
}

fn default_kill() -> Result<(), String> {
    let child = in_child(|| {
        // SAFETY: pause touches no memory.
        let _ = unsafe { raw::syscall0(Sysnum::Pause) };
        4
    })?;
    let _ = syscall::sleep_nanoseconds(10_000_000);
    kill(child.0, SIGTERM).map_err(|e| format!("kill: {}", errno_name(e)))?;
    let status = wait_for(child)?;
    check(
        status.term_signal() == Some(Signal(SIGTERM as i32)),
        "the child was not killed by SIGTERM",
    )?;
    // And one blocked in a pipe read, by SIGKILL.
    let pipe = syscall::pipe().map_err(errno_name)?;
    let child = match syscall::fork().map_err(errno_name)? {
        Fork::Child => {
            let mut buffer = [0u8; 1];
            let _ = syscall::read(pipe.read, &mut buffer);
            syscall::exit_group(5)
        }
        Fork::Parent(child) => child,
    };
    let _ = syscall::sleep_nanoseconds(10_000_000);
    kill(child.0, abi::signal::SIGKILL).map_err(errno_name)?;
    let status = wait_for(child)?;
    let _ = (syscall::close(pipe.read), syscall::close(pipe.write));
    check(
        status.term_signal() == Some(Signal::SIGKILL),
        "not killed by SIGKILL",
    )?;
    // A write to a pipe nobody reads: SIGPIPE kills by default; ignored,
    // the write gives EPIPE.
    let child = in_child(|| {
        let Ok(pipe) = syscall::pipe() else { return 6 };
        let _ = syscall::close(pipe.read);
        if sigaction(abi::signal::SIGPIPE, abi::signal::SIG_IGN as usize, 0).is_err()
            || syscall::write(pipe.write, b"x") != Err(Errno::EPIPE)
            || sigaction(abi::signal::SIGPIPE, abi::signal::SIG_DFL as usize, 0).is_err()
        {
            return 7;
        }
        let _ = syscall::write(pipe.write, b"x");
        8
    })?;
    let status = wait_for(child)?;
    check(
        status.term_signal() == Some(Signal(abi::signal::SIGPIPE as i32)),
        "a write to a closed pipe was not killed by SIGPIPE",
    )
}

fn segv_handler() -> Result<(), String> {
    catch(SIGSEGV, abi::signal::SA_SIGINFO)?;
    store_to_null();
    check(calls(SIGSEGV) == 1, "the SIGSEGV handler did not run")?;
    check(
        last(1) == abi::signal::SEGV_MAPERR as u32,
        "si_code is not SEGV_MAPERR",
    )?;
    check(last(2) == 0, "si_addr is not 0")?;
    sigaction(SIGSEGV, 0, 0).map_err(errno_name)
}

/// Stores to address 0 with one 16-bit (Thumb) or 32-bit (ARM) `str`.
#[cfg(target_arch = "arm")]
fn store_to_null() {
    // Input: r0 = 0 (the address), r1 = the value. Output: none.
    // SAFETY: the store faults and the SIGSEGV handler skips it; no memory
    // of ours is written.
    unsafe {
        core::arch::asm!(
            "str r1, [r0]",                    // fault: nothing at 0
            in("r0") 0u32,
            in("r1") 0x5a5a_5a5au32,
            options(nostack),
        );
    }
}

#[cfg(not(target_arch = "arm"))]
fn store_to_null() {}

fn altstack() -> Result<(), String> {
    static mut STACK: [u64; 1024] = [0; 1024];
    let base = core::ptr::addr_of_mut!(STACK) as u32;
    let size = 8192u32;
    let stack = [base, 0, size];
    // SAFETY: `stack` describes a static buffer only signal handlers use.
    let r0 = unsafe { raw::syscall2(Sysnum::Sigaltstack, stack.as_ptr() as usize, 0) };
    decode(r0).map_err(|e| format!("sigaltstack: {}", errno_name(e)))?;
    catch(SIGUSR2, abi::signal::SA_ONSTACK)?;
    kill(syscall::getpid().0, SIGUSR2).map_err(errno_name)?;
    let sp = last(5);
    check(
        sp >= base && sp < base + size,
        "the handler did not run on the alternate stack",
    )?;
    let mut old = [0u32; 3];
    // SAFETY: 12 bytes of ours.
    let r0 = unsafe { raw::syscall2(Sysnum::Sigaltstack, 0, old.as_mut_ptr() as usize) };
    decode(r0).map_err(errno_name)?;
    check(old == [base, 0, size], "sigaltstack reads back wrong")
}

fn tampered_cpsr() -> Result<(), String> {
    catch(SIGUSR1, 0)?;
    let mode = cpu_mode::current();
    TAMPER.store(true, Ordering::SeqCst);
    kill(syscall::getpid().0, SIGUSR1).map_err(errno_name)?;
    check(!TAMPER.load(Ordering::SeqCst), "the handler did not run")?;
    check(cpu_mode::current() == mode, "sigreturn changed our mode")?;
    // Interrupts still come: a 5 ms sleep ends (the timer is an IRQ).
    syscall::sleep_nanoseconds(5_000_000).map_err(errno_name)
}
