// SPDX-License-Identifier: MIT OR Apache-2.0
//! clone in its process shapes, vfork, and futex without threads.
//!
//! `clone` makes the calls static glibc's fork() and posix_spawn make
//! (clone with CHILD_SETTID|CHILD_CLEARTID, PARENT_SETTID, CLONE_VM|
//! CLONE_VFORK), checks which tid lands where, and that half-thread flag
//! sets are refused. `futex` checks the answers a futex gives a single
//! thread: EAGAIN for a changed word, ETIMEDOUT after a relative and an
//! absolute timeout, 0 woken with nobody waiting, EFAULT, EINVAL. The
//! threaded cases are the C program `glibc-threads`.

use alloc::format;

use userlib::Errno;
use userlib::abi::clone::*;
use userlib::abi::futex::*;
use userlib::syscall::{self, Sysnum, decode, raw};

use super::{Outcome, Passed};
use crate::{Launcher, errno_name, expect_exit, wait_for};

/// SIGCHLD, the exit signal fork asks for.
const SIGCHLD: u32 = 17;

/// clone(flags, newsp, parent_tid, tls, child_tid), raw.
fn clone(flags: u32, parent_tid: *mut u32, child_tid: *mut u32) -> Result<usize, Errno> {
    // SAFETY: no new stack and no shared memory: the child runs on a copy
    // of our stack; the tid pointers are our locals, alive in both.
    decode(unsafe {
        raw::syscall6(
            Sysnum::Clone,
            [
                flags as usize,
                0,
                parent_tid as usize,
                0,
                child_tid as usize,
                0,
            ],
        )
    })
}

/// The fork-like clones, vfork, and refused flags.
pub fn clone_calls(_launcher: &Launcher) -> Outcome {
    // glibc's fork(): the child finds its tid at child_tid.
    let mut child_word = 0u32;
    let flags = SIGCHLD | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
    match clone(flags, core::ptr::null_mut(), &raw mut child_word) {
        Ok(0) => {
            // SAFETY: our own local, written by the kernel before we ran.
            let seen = unsafe { core::ptr::read_volatile(&raw const child_word) };
            let tid = syscall::gettid().0 as u32;
            syscall::exit_group(if seen == tid && tid != 0 { 5 } else { 6 });
        }
        Ok(child) => {
            let status = wait_for(syscall::Pid(child as i32))?;
            expect_exit("clone(CHILD_SETTID) child", status, 5)?;
            if child_word != 0 {
                return Err(format!("CHILD_SETTID wrote {child_word} in the parent"));
            }
        }
        Err(error) => return Err(format!("clone(fork flags): {}", errno_name(error))),
    }
    // PARENT_SETTID: the parent finds the child's pid.
    let mut parent_word = 0u32;
    match clone(
        SIGCHLD | CLONE_PARENT_SETTID,
        &raw mut parent_word,
        core::ptr::null_mut(),
    ) {
        Ok(0) => syscall::exit_group(0),
        Ok(child) => {
            let status = wait_for(syscall::Pid(child as i32))?;
            expect_exit("clone(PARENT_SETTID) child", status, 0)?;
            if parent_word != child as u32 {
                return Err(format!("PARENT_SETTID wrote {parent_word}, child {child}"));
            }
        }
        Err(error) => return Err(format!("clone(PARENT_SETTID): {}", errno_name(error))),
    }
    // posix_spawn's vfork: the parent goes on once the child exited.
    match clone(
        CLONE_VM | CLONE_VFORK | SIGCHLD,
        core::ptr::null_mut(),
        core::ptr::null_mut(),
    ) {
        Ok(0) => syscall::exit_group(9),
        Ok(child) => {
            // The child has ended already: WNOHANG finds it.
            match syscall::wait4(syscall::Pid(child as i32), syscall::WNOHANG) {
                Ok((pid, status)) if pid.0 == child as i32 => {
                    expect_exit("vfork child", status, 9)?
                }
                other => return Err(format!("after vfork, wait4(WNOHANG) gave {other:?}")),
            }
        }
        Err(error) => return Err(format!("clone(VM|VFORK): {}", errno_name(error))),
    }
    for refused in [
        CLONE_VM | SIGCHLD,
        CLONE_THREAD | CLONE_VM | CLONE_SIGHAND,
        CLONE_FS,
    ] {
        match clone(refused, core::ptr::null_mut(), core::ptr::null_mut()) {
            Err(Errno::EINVAL) => {}
            Ok(0) => syscall::exit_group(99),
            other => return Err(format!("clone({refused:#x}) gave {other:?}, not EINVAL")),
        }
    }
    Ok(Passed::Yes)
}

/// futex(uaddr, op, val, timeout, uaddr2, val3), raw.
fn futex(
    word: *const u32,
    operation: u32,
    value: u32,
    timeout: usize,
    value3: u32,
) -> Result<usize, Errno> {
    // SAFETY: the kernel reads the word (and the timeout) only.
    decode(unsafe {
        raw::syscall6(
            Sysnum::FutexTime64,
            [
                word as usize,
                operation as usize,
                value as usize,
                timeout,
                0,
                value3 as usize,
            ],
        )
    })
}

/// A futex's answers to a lone thread.
pub fn futex_calls(_launcher: &Launcher) -> Outcome {
    let word = 5u32;
    let private = FUTEX_PRIVATE_FLAG;
    let expect = |what: &str, got: Result<usize, Errno>, wanted: Result<usize, Errno>| {
        if got == wanted {
            Ok(())
        } else {
            Err(format!("{what}: got {got:?}, expected {wanted:?}"))
        }
    };
    expect(
        "WAIT on a changed word",
        futex(&word, FUTEX_WAIT | private, 4, 0, 0),
        Err(Errno::EAGAIN),
    )?;
    let relative: [u64; 2] = [0, 20_000_000];
    let clock = || {
        syscall::monotonic_nanoseconds().map_err(|error| format!("clock: {}", errno_name(error)))
    };
    let before = clock()?;
    expect(
        "WAIT with 20 ms",
        futex(
            &word,
            FUTEX_WAIT | private,
            5,
            relative.as_ptr() as usize,
            0,
        ),
        Err(Errno::ETIMEDOUT),
    )?;
    let after = clock()?;
    let waited = after.saturating_sub(before);
    if waited < 20_000_000 {
        return Err(format!("WAIT with 20 ms came back after {waited} ns"));
    }
    // struct __kernel_timespec: 64-bit seconds and nanoseconds.
    let deadline: [u64; 2] = [after / 1_000_000_000, after % 1_000_000_000];
    expect(
        "WAIT_BITSET with a past deadline",
        futex(
            &word,
            FUTEX_WAIT_BITSET | private,
            5,
            deadline.as_ptr() as usize,
            u32::MAX,
        ),
        Err(Errno::ETIMEDOUT),
    )?;
    expect(
        "WAKE with nobody waiting",
        futex(&word, FUTEX_WAKE | private, 1, 0, 0),
        Ok(0),
    )?;
    expect(
        "WAKE_BITSET of 0",
        futex(&word, FUTEX_WAKE_BITSET, 1, 0, 0),
        Err(Errno::EINVAL),
    )?;
    let misaligned = (&raw const word as usize + 1) as *const u32;
    expect(
        "WAIT misaligned",
        futex(misaligned, FUTEX_WAIT, 5, 0, 0),
        Err(Errno::EINVAL),
    )?;
    expect(
        "WAIT on NULL",
        futex(core::ptr::null(), FUTEX_WAIT, 5, 0, 0),
        Err(Errno::EFAULT),
    )?;
    expect(
        "an unknown operation",
        futex(&word, 77, 0, 0, 0),
        Err(Errno::ENOSYS),
    )?;
    Ok(Passed::Yes)
}
