// SPDX-License-Identifier: MIT OR Apache-2.0
//! `vdso-call`: finds the vDSO through the auxv and calls into it.
//!
//! The vDSO suite's program (staged as `/bin/vdso-call` and
//! `/trusted/vdso-call`, so it runs once in USR and once in SYSTEM mode).
//! It reads `AT_SYSINFO_EHDR`, walks the ELF image found there the way a C
//! library's dynamic linker would (program headers, then `PT_DYNAMIC`, then
//! `DT_SYMTAB`, `DT_STRTAB` and `DT_HASH`), looks up four `__vdso_*`
//! entry points and calls them through plain function pointers:
//!
//! ```text
//! vdso-call: hello through the vDSO          (written by __vdso_write)
//! vdso-call: getpid <n> matches              (__vdso_getpid, __vdso_getppid)
//! vdso-call: clock_gettime ok                (__vdso_clock_gettime)
//! ```
//!
//! and exits 0. Every result is compared with the `svc` wrappers' answer;
//! a mismatch prints `vdso-call: FAIL <what>` and exits 1, as does a
//! missing vDSO (`vdso-call: no vDSO`).
//!
//! The walk is userlib's (`userlib::vdso::Symbols`), which trusts nothing
//! it reads. userlib itself makes every other call through
//! `__vdso_syscall`, so this program's `svc` wrappers are vDSO calls too.

#![no_std]
#![no_main]

use userlib::abi::clock::{CLOCK_MONOTONIC, Timespec};
use userlib::args::AT_SYSINFO_EHDR;
use userlib::syscall;
use userlib::vdso::Symbols;
use userlib::{Args, println};

userlib::entry!(main);

/// Exit status when the vDSO is missing or disagrees with the kernel.
const FAILED: i32 = 1;
/// What the vDSO's `write` must put on stdout.
const HELLO: &[u8] = b"vdso-call: hello through the vDSO\n";

/// `__vdso_getpid` and `__vdso_getppid`: the raw r0 of the call.
type PidFn = unsafe extern "C" fn() -> i32;
/// `__vdso_clock_gettime(clock, timespec)`: 0 or `-errno`.
type ClockGettimeFn = unsafe extern "C" fn(u32, *mut u8) -> i32;
/// `__vdso_write(fd, buffer, length)`: bytes written or `-errno`.
type WriteFn = unsafe extern "C" fn(i32, *const u8, usize) -> i32;

fn main(args: &Args) -> i32 {
    let Some(base) = args.auxv(AT_SYSINFO_EHDR).filter(|&base| base != 0) else {
        println!("vdso-call: no vDSO");
        return FAILED;
    };
    match check(base) {
        Ok(()) => 0,
        Err(what) => {
            println!("vdso-call: FAIL {what}");
            FAILED
        }
    }
}

/// Finds and calls each entry point; the first failure, as a message.
fn check(base: usize) -> Result<(), &'static str> {
    // SAFETY: the kernel's AT_SYSINFO_EHDR, as `image` requires.
    let image =
        unsafe { userlib::vdso::image(base) }.ok_or("AT_SYSINFO_EHDR is not page-aligned")?;
    let symbols = Symbols::find(image)?;
    let entry = |name: &'static str| symbols.lookup(name.as_bytes()).map(|offset| base + offset);
    let write = entry("__vdso_write").ok_or("no __vdso_write")?;
    let getpid = entry("__vdso_getpid").ok_or("no __vdso_getpid")?;
    let getppid = entry("__vdso_getppid").ok_or("no __vdso_getppid")?;
    let clock_gettime = entry("__vdso_clock_gettime").ok_or("no __vdso_clock_gettime")?;

    // SAFETY: `write` is the address of the defined function symbol
    // __vdso_write inside the mapped vDSO text, which has this signature
    // (abi::vdso: Linux arguments in r0-r3, raw r0 back).
    let write = unsafe { core::mem::transmute::<usize, WriteFn>(write) };
    // SAFETY: HELLO is a live static of HELLO.len() bytes, only read.
    let written = unsafe { write(1, HELLO.as_ptr(), HELLO.len()) };
    if usize::try_from(written) != Ok(HELLO.len()) {
        return Err("write");
    }

    // SAFETY: as for `write`: defined function symbols of this signature.
    let (getpid, getppid) = unsafe {
        (
            core::mem::transmute::<usize, PidFn>(getpid),
            core::mem::transmute::<usize, PidFn>(getppid),
        )
    };
    // SAFETY: neither call takes an argument or touches our memory.
    let (pid, ppid) = unsafe { (getpid(), getppid()) };
    if pid != syscall::getpid().0 {
        return Err("getpid");
    }
    if ppid != syscall::getppid().0 {
        return Err("getppid");
    }
    println!("vdso-call: getpid {pid} matches");

    // SAFETY: as for `write`: a defined function symbol of this signature.
    let clock_gettime = unsafe { core::mem::transmute::<usize, ClockGettimeFn>(clock_gettime) };
    check_clock(clock_gettime)?;
    println!("vdso-call: clock_gettime ok");
    Ok(())
}

/// `CLOCK_MONOTONIC` through the vDSO lies between two `svc` readings.
fn check_clock(clock_gettime: ClockGettimeFn) -> Result<(), &'static str> {
    let before = syscall::monotonic_nanoseconds().map_err(|_| "svc clock_gettime")?;
    let mut bytes = [0u8; Timespec::SIZE];
    // SAFETY: the call writes one timespec, Timespec::SIZE bytes, into our
    // buffer of exactly that size.
    let result = unsafe { clock_gettime(CLOCK_MONOTONIC, bytes.as_mut_ptr()) };
    let after = syscall::monotonic_nanoseconds().map_err(|_| "svc clock_gettime")?;
    if result != 0 {
        return Err("clock_gettime returned an error");
    }
    let now = Timespec::from_bytes(&bytes)
        .to_nanoseconds()
        .map_err(|_| "clock_gettime: malformed timespec")?;
    if now < before || now > after {
        return Err("clock_gettime: time outside the svc readings");
    }
    Ok(())
}
