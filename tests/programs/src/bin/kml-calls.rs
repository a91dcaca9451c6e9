// SPDX-License-Identifier: MIT OR Apache-2.0
//! `kml-calls [sleep]`: the calls that schedule, made the KML way.
//!
//! The KML suite's program (issue 5). The same binary is staged as
//! `/bin/kml-calls` (USR mode: its calls trap with `svc` inside the vDSO)
//! and `/trusted/kml-calls` (SYSTEM mode: the vDSO calls the kernel
//! directly). The old Kernel-Mode Linux froze or crashed when a trusted
//! program made a call that blocks; each check here blocks or schedules,
//! and prints one line that does not depend on the mode, the pid or the
//! time, so the two runs' outputs must be byte-for-byte identical:
//!
//! ```text
//! kml-calls: getpid, gettid, getppid agree
//! kml-calls: write from kernel and unmapped addresses: EFAULT
//! kml-calls: clock_gettime in the vDSO lies between two kernel readings
//! kml-calls: nanosleep 2 ms slept at least 2 ms
//! ...
//! kml-calls: done
//! ```
//!
//! A failed check prints `kml-calls: FAIL <what>` and the program exits 1.
//! With `sleep` it prints `kml-calls: sleeping` and sleeps for an hour in
//! nanosleep, for a parent that kills it while it is blocked in the
//! kernel.
//!
//! Every call goes through the vDSO: userlib's through `__vdso_syscall`,
//! and `__vdso_clock_gettime` and `__vdso_kernel_sched_timeout` by name.

#![no_std]
#![no_main]

use userlib::abi::clock::{CLOCK_MONOTONIC, TIMER_ABSTIME, Timespec};
use userlib::args::AT_SYSINFO_EHDR;
use userlib::syscall::{self, Fork, Pid, SCHED_FIFO, SCHED_OTHER, Sysnum};
use userlib::vdso::Symbols;
use userlib::{Args, Errno, println};

userlib::entry!(main);

/// The sleeps' length: long enough to be sure it blocked, short for tests.
const SLEEP_NS: u64 = 2_000_000;
/// How long the forked writer waits before writing, so the read blocks.
const WRITER_DELAY_NS: u64 = 5_000_000;
/// The writer's exit status, which wait4 must report.
const WRITER_STATUS: i32 = 7;

/// `__vdso_clock_gettime(clock, ts)`.
type ClockGettimeFn = unsafe extern "C" fn(u32, *mut u8) -> i32;
/// `__vdso_kernel_sched_timeout(ts)`: the old KML call.
type SchedTimeoutFn = unsafe extern "C" fn(*const u8) -> i32;

fn main(args: &Args) -> i32 {
    if args.argv_str().nth(1) == Some("sleep") {
        println!("kml-calls: sleeping");
        let _ = syscall::sleep_nanoseconds(3_600_000_000_000);
        println!("kml-calls: FAIL woke from an hour's sleep");
        return 1;
    }
    match run_checks(args) {
        Ok(()) => {
            println!("kml-calls: done");
            0
        }
        Err(what) => {
            println!("kml-calls: FAIL {what}");
            1
        }
    }
}

fn run_checks(args: &Args) -> Result<(), &'static str> {
    identities()?;
    bad_pointers()?;
    let (clock_gettime, sched_timeout) = vdso_functions(args)?;
    vdso_clock(clock_gettime)?;
    sleeps(sched_timeout)?;
    for _ in 0..3 {
        syscall::sched_yield();
    }
    println!("kml-calls: sched_yield returned three times");
    blocking_read_and_wait()?;
    scheduling_parameters()
}

fn identities() -> Result<(), &'static str> {
    let (pid, tid, parent) = (syscall::getpid(), syscall::gettid(), syscall::getppid());
    if pid != tid || pid.0 <= 1 || parent.0 < 1 {
        return Err("getpid/gettid/getppid");
    }
    println!("kml-calls: getpid, gettid, getppid agree");
    Ok(())
}

/// A pointer into the kernel's half or to nothing gets EFAULT, in SYSTEM
/// mode too: the kernel reaches user memory only through the process's
/// own page tables, whatever the caller's privilege.
fn bad_pointers() -> Result<(), &'static str> {
    for address in [0xC000_0000usize, 0xFFFF_0000, 0x10] {
        // SAFETY: write only reads the buffer, and this one is refused.
        let r0 = unsafe { syscall::raw::syscall3(Sysnum::Write, 1, address, 4) };
        if syscall::decode(r0) != Err(Errno::EFAULT) {
            return Err("write from a kernel or unmapped address");
        }
    }
    println!("kml-calls: write from kernel and unmapped addresses: EFAULT");
    Ok(())
}

/// `__vdso_clock_gettime` and `__vdso_kernel_sched_timeout`, by name.
fn vdso_functions(args: &Args) -> Result<(ClockGettimeFn, SchedTimeoutFn), &'static str> {
    let base = args.auxv(AT_SYSINFO_EHDR).ok_or("no AT_SYSINFO_EHDR")?;
    // SAFETY: the kernel's own AT_SYSINFO_EHDR, as `image` requires.
    let image = unsafe { userlib::vdso::image(base) }.ok_or("AT_SYSINFO_EHDR unaligned")?;
    let symbols = Symbols::find(image)?;
    let clock = symbols
        .lookup(b"__vdso_clock_gettime")
        .ok_or("no __vdso_clock_gettime")?;
    let timeout = symbols
        .lookup(b"__vdso_kernel_sched_timeout")
        .ok_or("no __vdso_kernel_sched_timeout")?;
    // SAFETY: defined function symbols of the mapped vDSO, with these
    // signatures (abi::vdso::SYMBOLS).
    Ok(unsafe {
        (
            core::mem::transmute::<usize, ClockGettimeFn>(base + clock),
            core::mem::transmute::<usize, SchedTimeoutFn>(base + timeout),
        )
    })
}

fn now() -> Result<u64, &'static str> {
    syscall::monotonic_nanoseconds().map_err(|_| "clock_gettime")
}

/// The vDSO's own clock_gettime (the counter where there is one) agrees
/// with the kernel's.
fn vdso_clock(clock_gettime: ClockGettimeFn) -> Result<(), &'static str> {
    for _ in 0..100 {
        let before = now()?;
        let mut bytes = [0u8; Timespec::SIZE];
        // SAFETY: writes one timespec into a buffer of exactly its size.
        if unsafe { clock_gettime(CLOCK_MONOTONIC, bytes.as_mut_ptr()) } != 0 {
            return Err("__vdso_clock_gettime returned an error");
        }
        let after = now()?;
        let reading = Timespec::from_bytes(&bytes)
            .to_nanoseconds()
            .map_err(|_| "__vdso_clock_gettime: malformed timespec")?;
        if reading < before || reading > after {
            return Err("__vdso_clock_gettime outside two kernel readings");
        }
    }
    println!("kml-calls: clock_gettime in the vDSO lies between two kernel readings");
    Ok(())
}

/// Runs `sleep` and checks it lasted at least `SLEEP_NS`.
fn timed(what: &'static str, sleep: impl FnOnce() -> Result<(), ()>) -> Result<(), &'static str> {
    let start = now()?;
    sleep().map_err(|()| what)?;
    if now()? - start < SLEEP_NS {
        return Err(what);
    }
    println!("kml-calls: {what} 2 ms slept at least 2 ms");
    Ok(())
}

fn sleeps(sched_timeout: SchedTimeoutFn) -> Result<(), &'static str> {
    let request = Timespec::from_nanoseconds(SLEEP_NS);
    timed("nanosleep", || syscall::nanosleep(&request).map_err(|_| ()))?;
    timed("clock_nanosleep", || {
        syscall::clock_nanosleep(CLOCK_MONOTONIC, 0, &request).map_err(|_| ())
    })?;
    timed("clock_nanosleep TIMER_ABSTIME", || {
        let deadline = Timespec::from_nanoseconds(now().map_err(|_| ())? + SLEEP_NS);
        syscall::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline).map_err(|_| ())
    })?;
    timed("kernel_sched_timeout", || {
        let bytes = request.to_bytes();
        // SAFETY: reads one timespec from a buffer of exactly its size.
        match unsafe { sched_timeout(bytes.as_ptr()) } {
            0 => Ok(()),
            _ => Err(()),
        }
    })
}

/// A child writes to a pipe after 5 ms and exits 7: our read blocks until
/// it writes, our wait4 until it ends.
fn blocking_read_and_wait() -> Result<(), &'static str> {
    let pipe = syscall::pipe().map_err(|_| "pipe")?;
    let child = match syscall::fork().map_err(|_| "fork")? {
        Fork::Child => {
            let _ = syscall::sleep_nanoseconds(WRITER_DELAY_NS);
            let _ = syscall::write(pipe.write, b"k");
            syscall::exit_group(WRITER_STATUS)
        }
        Fork::Parent(child) => child,
    };
    let _ = syscall::close(pipe.write);
    let start = now()?;
    let mut byte = [0u8; 1];
    let read = syscall::read(pipe.read, &mut byte);
    let waited = now()? - start;
    let _ = syscall::close(pipe.read);
    if read != Ok(1) || byte != *b"k" || waited < WRITER_DELAY_NS / 2 {
        return Err("blocking read on a pipe");
    }
    println!("kml-calls: read blocked until the child wrote");
    match syscall::wait4(child, 0) {
        Ok((pid, status)) if pid == child && status.exit_status() == Some(WRITER_STATUS) => {}
        _ => return Err("wait4 on the child"),
    }
    println!("kml-calls: wait4 reported the child's exit status 7");
    Ok(())
}

fn scheduling_parameters() -> Result<(), &'static str> {
    let me = Pid(0);
    syscall::sched_setscheduler(me, SCHED_FIFO, 10).map_err(|_| "sched_setscheduler FIFO")?;
    if syscall::sched_getscheduler(me) != Ok(SCHED_FIFO) {
        return Err("sched_getscheduler");
    }
    syscall::sched_setparam(me, 20).map_err(|_| "sched_setparam")?;
    if syscall::sched_getparam(me) != Ok(20) {
        return Err("sched_getparam");
    }
    syscall::sched_setscheduler(me, SCHED_OTHER, 0).map_err(|_| "sched_setscheduler OTHER")?;
    println!("kml-calls: SCHED_FIFO 10, then 20, then SCHED_OTHER again");
    Ok(())
}
