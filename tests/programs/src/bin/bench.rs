// SPDX-License-Identifier: MIT OR Apache-2.0
//! `bench`: the operations `cargo xtask bench` measures (issue 7).
//!
//! xtask boots it as init (`init=/bin/bench`) under `qemu-system-arm
//! -icount shift=0,sleep=off`, where the guest's clocks advance one
//! nanosecond per instruction: a clock delta is an instruction count, the
//! same on every run. Each operation runs in a loop between two clock
//! readings and two readings of the kernel's exception count (`sysinfo`
//! `loads[1]`, [`syscall::exceptions_taken`]); the same loop with an empty
//! body, run just before, is subtracted, so what is left is the operation
//! alone. Each result is one line,
//!
//! ```text
//! bench: getpid_svc instructions=42 exceptions=1
//! ```
//!
//! and the run ends with `bench: done` (xtask parses these lines). Modes:
//!
//! - no argument: every measurement, as pid 1 at SCHED_FIFO 50 (no time
//!   slice, so no timer interrupt unless an operation asks for one);
//! - `trusted`: the SYSTEM-mode measurements, run as `/trusted/bench` by
//!   the first;
//! - `exec-chain N`: execs itself with `N - 1` until 0, then exits (for
//!   `execve_small`).

#![no_std]
#![no_main]

extern crate alloc;

use alloc::ffi::CString;
use alloc::format;
use core::hint::black_box;

use userlib::abi::clock::{CLOCK_MONOTONIC, Timespec};
use userlib::args::AT_SYSINFO_EHDR;
use userlib::syscall::raw::svc;
use userlib::syscall::{self, Fork, Pid, SCHED_FIFO, Sysnum};
use userlib::vdso::Symbols;
use userlib::{Args, println};

userlib::entry!(main);

/// Iterations of the cheap operations.
const FAST_LOOPS: u32 = 4000;
/// Iterations of the operations that switch threads.
const SWITCH_LOOPS: u32 = 1000;
/// Iterations of fork/exit/wait.
const FORK_LOOPS: u32 = 50;
/// Programs in the exec chain.
const EXEC_CHAIN: u32 = 20;
/// Samples of the 1 ms sleep.
const SLEEP_SAMPLES: u32 = 100;
/// The sleep whose overshoot is measured.
const SLEEP_NS: u64 = 1_000_000;
/// Priority of the whole run, and of the sleeps.
const BENCH_PRIORITY: u32 = 50;
const SLEEP_PRIORITY: u32 = 80;

/// `__vdso_getpid`.
type GetpidFn = unsafe extern "C" fn() -> i32;
/// `__vdso_clock_gettime`.
type ClockGettimeFn = unsafe extern "C" fn(u32, *mut u8) -> i32;

/// The two vDSO functions measured directly.
struct Vdso {
    getpid: GetpidFn,
    clock_gettime: ClockGettimeFn,
}

fn main(args: &Args) -> i32 {
    let started = now();
    let mut words = args.argv_str().skip(1);
    match (words.next(), words.next()) {
        (Some("exec-chain"), Some(count)) => return exec_chain(count.parse().unwrap_or(0)),
        (Some("trusted"), None) => {
            let Some(vdso) = vdso(args) else { return 1 };
            vdso_calls(&vdso, "trusted");
            return 0;
        }
        _ => {}
    }
    // The first thing init does: how long the boot took.
    println!("bench: boot_to_init instructions={started} exceptions=0");
    if syscall::sched_setscheduler(Pid(0), SCHED_FIFO, BENCH_PRIORITY).is_err() {
        println!("bench: FAIL sched_setscheduler");
        return 1;
    }
    let Some(vdso) = vdso(args) else { return 1 };
    trap_calls();
    vdso_calls(&vdso, "user");
    run_trusted();
    yield_switch();
    pipe_roundtrip();
    nanosleep_overshoot();
    let fork = fork_exit_wait();
    execve_small(fork);
    println!("bench: done");
    0
}

/// Nanoseconds on the monotonic clock (the vDSO's where it reads the
/// counter itself).
fn now() -> u64 {
    syscall::monotonic_nanoseconds().unwrap_or(0)
}

fn exceptions() -> u32 {
    syscall::exceptions_taken().unwrap_or(0)
}

/// Time and exceptions of `loops` runs of `body`.
fn run_loop(loops: u32, mut body: impl FnMut()) -> (u64, u32) {
    let (exceptions_before, before) = (exceptions(), now());
    for _ in 0..black_box(loops) {
        body();
    }
    let (after, exceptions_after) = (now(), exceptions());
    (
        after - before,
        exceptions_after.wrapping_sub(exceptions_before),
    )
}

/// Measures `body` per run, the empty loop subtracted, and prints it.
fn measure(name: &str, loops: u32, body: impl FnMut()) {
    let (empty_time, empty_exceptions) = run_loop(loops, || black_box(()));
    let (time, count) = run_loop(loops, body);
    report(
        name,
        time.saturating_sub(empty_time),
        count.saturating_sub(empty_exceptions),
        loops,
    );
}

/// Prints `name`'s result: `time` and `count` over `per` operations,
/// rounded to the nearest whole.
fn report(name: &str, time: u64, count: u32, per: u32) {
    let per = u64::from(per);
    let instructions = (time + per / 2) / per;
    let exceptions = (u64::from(count) + per / 2) / per;
    println!("bench: {name} instructions={instructions} exceptions={exceptions}");
}

/// `getpid` and `clock_gettime` by `svc`, and `sched_yield` alone.
fn trap_calls() {
    measure("getpid_svc", FAST_LOOPS, || {
        // SAFETY: getpid takes no argument and touches no memory.
        black_box(unsafe { svc(Sysnum::Getpid.number(), [0; 6]) });
    });
    let mut buffer = [0u8; Timespec::SIZE];
    measure("clock_gettime_svc", FAST_LOOPS, || {
        let address = buffer.as_mut_ptr() as usize;
        // SAFETY: the kernel writes one timespec into our buffer of that
        // size.
        black_box(unsafe {
            svc(
                Sysnum::ClockGettime.number(),
                [CLOCK_MONOTONIC as usize, address, 0, 0, 0, 0],
            )
        });
    });
    measure("sched_yield_alone", FAST_LOOPS, || {
        // SAFETY: sched_yield takes no argument.
        black_box(unsafe { svc(Sysnum::SchedYield.number(), [0; 6]) });
    });
}

/// `getpid` and `clock_gettime` through the vDSO, named for `mode`.
fn vdso_calls(vdso: &Vdso, mode: &str) {
    measure(&format!("getpid_vdso_{mode}"), FAST_LOOPS, || {
        // SAFETY: the vDSO's getpid takes no argument.
        black_box(unsafe { (vdso.getpid)() });
    });
    let mut buffer = [0u8; Timespec::SIZE];
    measure(&format!("clock_gettime_vdso_{mode}"), FAST_LOOPS, || {
        // SAFETY: writes one timespec into our buffer of that size.
        black_box(unsafe { (vdso.clock_gettime)(CLOCK_MONOTONIC, buffer.as_mut_ptr()) });
    });
}

/// `__vdso_getpid` and `__vdso_clock_gettime`, found through the auxv.
fn vdso(args: &Args) -> Option<Vdso> {
    let found = (|| {
        let base = args.auxv(AT_SYSINFO_EHDR)?;
        // SAFETY: the kernel's own AT_SYSINFO_EHDR, as `image` requires.
        let image = unsafe { userlib::vdso::image(base) }?;
        let symbols = Symbols::find(image).ok()?;
        let getpid = symbols.lookup(b"__vdso_getpid")?;
        let clock = symbols.lookup(b"__vdso_clock_gettime")?;
        // SAFETY: defined function symbols of the mapped vDSO with these
        // signatures (abi::vdso::SYMBOLS).
        Some(unsafe {
            Vdso {
                getpid: core::mem::transmute::<usize, GetpidFn>(base + getpid),
                clock_gettime: core::mem::transmute::<usize, ClockGettimeFn>(base + clock),
            }
        })
    })();
    if found.is_none() {
        println!("bench: FAIL no vDSO");
    }
    found
}

/// Runs `/trusted/bench trusted` and waits for it.
fn run_trusted() {
    match syscall::fork() {
        Ok(Fork::Child) => {
            let error = syscall::execve(c"/trusted/bench", &[c"/trusted/bench", c"trusted"], &[]);
            println!("bench: FAIL execve /trusted/bench: {error:?}");
            syscall::exit_group(127)
        }
        Ok(Fork::Parent(child)) => {
            let _ = syscall::wait4(child, 0);
        }
        Err(_) => println!("bench: FAIL fork"),
    }
}

/// Two processes at the same priority yield to each other: per switch.
fn yield_switch() {
    let child = match syscall::fork() {
        Ok(Fork::Child) => {
            for _ in 0..SWITCH_LOOPS {
                syscall::sched_yield();
            }
            syscall::exit_group(0)
        }
        Ok(Fork::Parent(child)) => child,
        Err(_) => return println!("bench: FAIL fork"),
    };
    let (time, count) = run_loop(SWITCH_LOOPS, syscall::sched_yield);
    let _ = syscall::wait4(child, 0);
    // Each of our yields hands the CPU to the child and its yield back.
    report("yield_switch", time, count, 2 * SWITCH_LOOPS);
}

/// One byte there and back over two pipes, to a child echoing it.
fn pipe_roundtrip() {
    let (Ok(there), Ok(back)) = (syscall::pipe(), syscall::pipe()) else {
        return println!("bench: FAIL pipe");
    };
    let child = match syscall::fork() {
        Ok(Fork::Child) => {
            // Only our ends stay open, so the parent's close ends the loop.
            let _ = (syscall::close(there.write), syscall::close(back.read));
            let mut byte = [0u8; 1];
            while syscall::read(there.read, &mut byte) == Ok(1) {
                let _ = syscall::write(back.write, &byte);
            }
            syscall::exit_group(0)
        }
        Ok(Fork::Parent(child)) => child,
        Err(_) => return println!("bench: FAIL fork"),
    };
    let _ = (syscall::close(there.read), syscall::close(back.write));
    let mut byte = [7u8; 1];
    let (time, count) = run_loop(SWITCH_LOOPS, || {
        let _ = syscall::write(there.write, &byte);
        let _ = syscall::read(back.read, &mut byte);
    });
    let _ = syscall::close(there.write);
    let _ = syscall::wait4(child, 0);
    report("pipe_roundtrip", time, count, SWITCH_LOOPS);
}

/// How late a 1 ms nanosleep at SCHED_FIFO 80 wakes: min, avg, max.
fn nanosleep_overshoot() {
    let _ = syscall::sched_setscheduler(Pid(0), SCHED_FIFO, SLEEP_PRIORITY);
    let request = Timespec::from_nanoseconds(SLEEP_NS);
    let (mut least, mut most, mut total, mut taken) = (u64::MAX, 0, 0, 0);
    // Reading the count is itself an exception (sysinfo) in USR mode.
    let reading = exceptions().wrapping_sub(exceptions()).wrapping_neg();
    for _ in 0..SLEEP_SAMPLES {
        let before = exceptions();
        let start = now();
        let _ = syscall::nanosleep(&request);
        let over = (now() - start).saturating_sub(SLEEP_NS);
        taken += (exceptions() - before).saturating_sub(reading);
        least = least.min(over);
        most = most.max(over);
        total += over;
    }
    let _ = syscall::sched_setscheduler(Pid(0), SCHED_FIFO, BENCH_PRIORITY);
    let average = total / u64::from(SLEEP_SAMPLES);
    let per_sleep = taken / SLEEP_SAMPLES;
    println!("bench: nanosleep_1ms_over_min instructions={least} exceptions={per_sleep}");
    println!("bench: nanosleep_1ms_over_avg instructions={average} exceptions={per_sleep}");
    println!("bench: nanosleep_1ms_over_max instructions={most} exceptions={per_sleep}");
}

/// fork, the child exits at once, wait4: per round. Returns the time.
fn fork_exit_wait() -> u64 {
    let (time, count) = run_loop(FORK_LOOPS, || match syscall::fork() {
        Ok(Fork::Child) => syscall::exit_group(0),
        Ok(Fork::Parent(child)) => {
            let _ = syscall::wait4(child, 0);
        }
        Err(_) => println!("bench: FAIL fork"),
    });
    report("fork_exit_wait", time, count, FORK_LOOPS);
    time / u64::from(FORK_LOOPS)
}

/// A child execs `/bin/bench exec-chain N` and so on down to 0: the whole
/// minus one fork/exit/wait, per exec.
fn execve_small(fork_exit_wait: u64) {
    let (time, count) = run_loop(1, || match syscall::fork() {
        Ok(Fork::Child) => syscall::exit_group(exec_chain(EXEC_CHAIN)),
        Ok(Fork::Parent(child)) => {
            let _ = syscall::wait4(child, 0);
        }
        Err(_) => println!("bench: FAIL fork"),
    });
    // EXEC_CHAIN + 1 execs: from N down to 0.
    report(
        "execve_small",
        time.saturating_sub(fork_exit_wait),
        count,
        EXEC_CHAIN + 1,
    );
}

/// Execs `/bin/bench exec-chain <count - 1>`, or exits at 0.
fn exec_chain(count: u32) -> i32 {
    if count == 0 {
        return 0;
    }
    let Ok(next) = CString::new(format!("{}", count - 1)) else {
        return 1;
    };
    let error = syscall::execve(c"/bin/bench", &[c"/bin/bench", c"exec-chain", &next], &[]);
    println!("bench: FAIL execve /bin/bench: {error:?}");
    1
}
