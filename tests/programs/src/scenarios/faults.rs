// SPDX-License-Identifier: MIT OR Apache-2.0
//! Scenarios the kernel must survive: faults in children, bad pointers.
//!
//! `segv-kernel-write`, `null-jump` and `undefined` make a forked child
//! fault and expect it killed by the right signal; `bad-pointer` hands the
//! kernel pointers that are not ours and expects `-EFAULT` each time.

use alloc::format;
use alloc::vec::Vec;

use userlib::Errno;
use userlib::syscall::{self, Fd, Signal, Sysnum, WaitStatus, raw};

use super::{Outcome, Passed, failed};
use crate::{Launcher, errno_name, in_child, wait_for};

/// The first address of kernel memory (TTBR1 half), never user-accessible.
const KERNEL_ADDRESS: usize = 0xC000_0000;

/// Runs `body` in a child and expects the kernel to kill it with `signal`.
fn expect_signal(body: impl FnOnce() -> i32, signal: Signal) -> Outcome {
    let child = in_child(body)?;
    let status: WaitStatus = wait_for(child)?;
    match status.term_signal() {
        Some(actual) if actual == signal => Ok(Passed::Yes),
        _ => Err(format!("child: {status}, expected signal {}", signal.0)),
    }
}

/// A child writes to kernel memory: SIGSEGV.
pub fn segv_kernel_write(_launcher: &Launcher) -> Outcome {
    expect_signal(
        || {
            // SAFETY: deliberately invalid: kernel memory is not ours, so
            // the write cannot corrupt this program; the kernel must kill us.
            unsafe { core::ptr::write_volatile(KERNEL_ADDRESS as *mut u32, 0xDEAD_BEEF) };
            0
        },
        Signal::SIGSEGV,
    )
}

/// A child calls a function at address 0: SIGSEGV.
pub fn null_jump(_launcher: &Launcher) -> Outcome {
    expect_signal(
        || {
            // SAFETY: page 0 is never mapped (linker/user.ld starts at
            // 0x10000), so nothing runs there; the kernel must kill us.
            unsafe { userlib::fault::jump_to(0) }
        },
        Signal::SIGSEGV,
    )
}

/// A child executes an undefined instruction: SIGILL.
pub fn undefined(_launcher: &Launcher) -> Outcome {
    expect_signal(|| userlib::fault::undefined_instruction(), Signal::SIGILL)
}

/// A system call number Linux has not assigned and `abi` does not know.
const UNKNOWN_NUMBER: u32 = 0x7fff;
const _: () = assert!(Sysnum::from_number(UNKNOWN_NUMBER).is_none());

/// System calls with pointers that are not ours: each must give `-EFAULT`
/// (and an unknown number `-ENOSYS`), and the kernel must not fault.
pub fn bad_pointer(_launcher: &Launcher) -> Outcome {
    let pipe = syscall::pipe().map_err(failed("pipe"))?;
    let (read_end, write_end) = (pipe.read.0 as usize, pipe.write.0 as usize);
    let stdout = Fd::STDOUT.0 as usize;
    let enosys = Errno::ENOSYS;
    let efault = Errno::EFAULT;
    // Numbers, not `Sysnum`s: the last case is one the table does not have.
    type Case = (&'static str, u32, [usize; 6], Errno);
    let cases: [Case; 9] = [
        (
            "write(1, 0xc0000000, 10)",
            Sysnum::Write.number(),
            [stdout, KERNEL_ADDRESS, 10, 0, 0, 0],
            efault,
        ),
        (
            "write(1, NULL, 10)",
            Sysnum::Write.number(),
            [stdout, 0, 10, 0, 0, 0],
            efault,
        ),
        (
            "read(pipe, 0x10, 10)",
            Sysnum::Read.number(),
            [read_end, 0x10, 10, 0, 0, 0],
            efault,
        ),
        (
            "read(pipe, 0xc0000000, 10)",
            Sysnum::Read.number(),
            [read_end, KERNEL_ADDRESS, 10, 0, 0, 0],
            efault,
        ),
        (
            "writev(1, 0xc0000000, 1)",
            Sysnum::Writev.number(),
            [stdout, KERNEL_ADDRESS, 1, 0, 0, 0],
            efault,
        ),
        ("uname(NULL)", Sysnum::Uname.number(), [0; 6], efault),
        (
            "open(0xc0000000, O_RDONLY)",
            Sysnum::Open.number(),
            [KERNEL_ADDRESS, 0, 0, 0, 0, 0],
            efault,
        ),
        (
            "clock_gettime(1, 0xc0000000)",
            Sysnum::ClockGettime.number(),
            [1, KERNEL_ADDRESS, 0, 0, 0, 0],
            efault,
        ),
        ("syscall 0x7fff", UNKNOWN_NUMBER, [0; 6], enosys),
    ];
    let mut problems = Vec::new();
    for (what, number, words, expected) in cases {
        // The reads need data waiting, or they would block before they
        // ever look at the buffer.
        if number == Sysnum::Read.number() {
            syscall::write_all(Fd(write_end as i32), b"0123456789")
                .map_err(failed("pipe write"))?;
        }
        // SAFETY: every pointer argument is deliberately invalid (page 0
        // or kernel space), never memory of ours, so whatever the kernel
        // does it cannot corrupt this program; the fds are our pipe and
        // stdout, and the unknown number has no effect.
        let r0 = unsafe { raw::syscall_by_number(number, words) };
        match syscall::decode(r0) {
            Err(error) if error == expected => {}
            result => problems.push(format!(
                "{what} gave {result:?}, expected {}",
                errno_name(expected)
            )),
        }
    }
    let _ = syscall::close(pipe.read);
    let _ = syscall::close(pipe.write);
    if problems.is_empty() {
        Ok(Passed::Yes)
    } else {
        Err(problems.join("; "))
    }
}
