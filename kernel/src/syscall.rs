// SPDX-License-Identifier: MIT OR Apache-2.0
//! System call dispatch: Linux ARM EABI numbers to kernel functions.
//!
//! A process calls `svc #0` with the number in r7 and arguments in r0-r6;
//! the result, or a negated errno, goes back in r0. [`handle`] is the one
//! place that decodes the number and applies the result, in the shape of
//! Hubris's `syscalls.rs`: each call is a function returning
//! `Result<u32, Errno>`. Unknown numbers return `-ENOSYS` and are logged
//! once per number, never a panic. A USR-mode program enters by `svc`, a
//! SYSTEM-mode one by a direct call from the vDSO ([`Entry`]): the same
//! frame, the same dispatch.

mod access;
mod attributes;
mod entry;
mod fcntl;
mod files;
mod groups;
mod information;
mod memory;
mod poll;
mod process;
mod scheduling;
mod signal;
mod statx;
mod transfer;

use crate::println;
use crate::trap::UserFrame;
use abi::errno::Errno;
use abi::syscall::Sysnum;
use spin::Mutex;

pub use crate::signal::delivery::Resume;
pub use entry::{Entry, SyscallCounts};

/// What a system call did with the frame.
#[must_use]
pub enum Outcome {
    /// Return this value (or error) in r0.
    Return(Result<u32, Errno>),
    /// The call rewrote the frame itself (a successful execve).
    FrameReplaced,
}

impl From<Result<u32, Errno>> for Outcome {
    fn from(result: Result<u32, Errno>) -> Outcome {
        Outcome::Return(result)
    }
}

/// Handles the system call the running process made with `frame`,
/// entering by `entry`.
///
/// Returns how the process resumes, for signal delivery: a call that
/// returned a value may be restarted (see `signal::delivery`).
pub fn handle(frame: &mut dyn UserFrame, entry: Entry) -> Resume {
    crate::process::with_current(|process| process.syscalls.record(entry));
    let first_argument = frame.argument(0);
    let number = frame.syscall_number();
    let outcome = match Sysnum::from_number(number) {
        Some(call) => dispatch(call, frame),
        None => {
            report_unknown(number);
            Outcome::Return(Err(Errno::ENOSYS))
        }
    };
    match outcome {
        Outcome::Return(result) => {
            frame.set_result(match result {
                Ok(value) => value,
                Err(error) => error.as_return_value() as u32,
            });
            Resume::Syscall {
                entry,
                first_argument,
            }
        }
        Outcome::FrameReplaced => Resume::Other,
    }
}

fn dispatch(call: Sysnum, frame: &mut dyn UserFrame) -> Outcome {
    let [a0, a1, a2, a3, a4, a5] = frame.arguments();
    match call {
        Sysnum::Exit => process::exit(a0),
        Sysnum::ExitGroup => process::exit_group(a0),
        Sysnum::Fork => process::fork(frame).into(),
        Sysnum::Vfork => process::vfork(frame).into(),
        Sysnum::Clone => process::clone(frame, a0, a1, a2, a3, a4).into(),
        Sysnum::Futex => {
            let layout = crate::futex::TimeLayout::Time32;
            crate::futex::futex(a0, a1, a2, a3, a4, a5, layout).into()
        }
        Sysnum::FutexTime64 => {
            let layout = crate::futex::TimeLayout::Time64;
            crate::futex::futex(a0, a1, a2, a3, a4, a5, layout).into()
        }
        Sysnum::Execve => process::execve(frame, a0, a1, a2),
        Sysnum::Wait4 => process::wait4(a0, a1, a2, a3).into(),
        Sysnum::Getpid => process::getpid().into(),
        Sysnum::Gettid => process::gettid().into(),
        Sysnum::Getppid => process::getppid().into(),
        Sysnum::Kill => signal::kill(a0, a1).into(),
        Sysnum::Tkill => signal::tkill(a0, a1).into(),
        Sysnum::Tgkill => signal::tgkill(a0, a1, a2).into(),
        Sysnum::RtSigaction => signal::rt_sigaction(a0, a1, a2, a3).into(),
        Sysnum::RtSigprocmask => signal::rt_sigprocmask(a0, a1, a2, a3).into(),
        Sysnum::RtSigpending => signal::rt_sigpending(a0, a1).into(),
        Sysnum::RtSigsuspend => signal::rt_sigsuspend(a0, a1).into(),
        Sysnum::Pause => signal::pause().into(),
        Sysnum::RtSigreturn => signal::rt_sigreturn(frame),
        Sysnum::Sigreturn => signal::sigreturn(frame),
        Sysnum::Sigaltstack => signal::sigaltstack(a0, a1, frame.stack_pointer()).into(),
        Sysnum::Getpgid => groups::getpgid(a0).into(),
        Sysnum::Getpgrp => groups::getpgid(0).into(),
        Sysnum::Setpgid => groups::setpgid(a0, a1).into(),
        Sysnum::Getsid => groups::getsid(a0).into(),
        Sysnum::Setsid => groups::setsid().into(),
        Sysnum::SchedYield => scheduling::sched_yield().into(),
        Sysnum::SchedSetscheduler => scheduling::sched_setscheduler(a0, a1, a2).into(),
        Sysnum::SchedGetscheduler => scheduling::sched_getscheduler(a0).into(),
        Sysnum::SchedSetparam => scheduling::sched_setparam(a0, a1).into(),
        Sysnum::SchedGetparam => scheduling::sched_getparam(a0, a1).into(),
        Sysnum::SchedGetPriorityMax => scheduling::sched_get_priority_max(a0).into(),
        Sysnum::SchedGetPriorityMin => scheduling::sched_get_priority_min(a0).into(),
        Sysnum::SchedRrGetInterval => scheduling::sched_rr_get_interval(a0, a1).into(),
        Sysnum::Getuid32 | Sysnum::Geteuid32 | Sysnum::Getgid32 | Sysnum::Getegid32 => Ok(0).into(),
        Sysnum::SetTls => process::set_tls(a0).into(),
        Sysnum::SetTidAddress => attributes::set_tid_address(a0).into(),
        Sysnum::SetRobustList => attributes::set_robust_list(a0, a1).into(),
        Sysnum::Umask => attributes::umask(a0).into(),
        Sysnum::Ugetrlimit => attributes::ugetrlimit(a0, a1).into(),
        Sysnum::Setrlimit => attributes::setrlimit(a0, a1).into(),
        Sysnum::Prlimit64 => attributes::prlimit64(a0, a1, a2, a3).into(),
        Sysnum::Prctl => attributes::prctl(a0, a1).into(),
        Sysnum::Getrandom => information::getrandom(a0, a1, a2).into(),
        Sysnum::Read => files::read(a0, a1, a2).into(),
        Sysnum::Write => files::write(a0, a1, a2).into(),
        Sysnum::Writev => files::writev(a0, a1, a2).into(),
        Sysnum::Open => files::openat(abi::fcntl::AT_FDCWD as u32, a0, a1).into(),
        Sysnum::Openat => files::openat(a0, a1, a2).into(),
        Sysnum::Close => files::close(a0).into(),
        Sysnum::Lseek => files::lseek(a0, a1, a2).into(),
        Sysnum::Llseek => transfer::llseek(a0, a1, a2, a3, a4).into(),
        Sysnum::Readv => transfer::readv(a0, a1, a2).into(),
        Sysnum::Poll => poll::poll(a0, a1, a2).into(),
        Sysnum::Ppoll => poll::ppoll(a0, a1, a2, false).into(),
        Sysnum::PpollTime64 => poll::ppoll(a0, a1, a2, true).into(),
        Sysnum::Sendfile => transfer::sendfile(a0, a1, a2, a3, transfer::Offset::Long).into(),
        Sysnum::Sendfile64 => transfer::sendfile(a0, a1, a2, a3, transfer::Offset::LongLong).into(),
        Sysnum::Fstat64 => files::fstat64(a0, a1).into(),
        Sysnum::Stat64 => files::fstatat64(abi::fcntl::AT_FDCWD as u32, a0, a1, 0).into(),
        Sysnum::Lstat64 => {
            let nofollow = abi::fcntl::AT_SYMLINK_NOFOLLOW;
            files::fstatat64(abi::fcntl::AT_FDCWD as u32, a0, a1, nofollow).into()
        }
        Sysnum::Fstatat64 => files::fstatat64(a0, a1, a2, a3).into(),
        Sysnum::Access => access::faccessat(abi::fcntl::AT_FDCWD as u32, a0, a1).into(),
        Sysnum::Faccessat => access::faccessat(a0, a1, a2).into(),
        Sysnum::Statx => statx::statx(a0, a1, a2, a3, a4).into(),
        Sysnum::Fcntl | Sysnum::Fcntl64 => fcntl::fcntl(a0, a1, a2).into(),
        Sysnum::Getdents64 => files::getdents64(a0, a1, a2).into(),
        Sysnum::Pipe => files::pipe2(a0, 0).into(),
        Sysnum::Pipe2 => files::pipe2(a0, a1).into(),
        Sysnum::Dup => files::dup(a0).into(),
        Sysnum::Dup2 => files::dup2(a0, a1).into(),
        Sysnum::Dup3 => files::dup3(a0, a1, a2).into(),
        Sysnum::Ioctl => files::ioctl(a0, a1, a2).into(),
        Sysnum::Getcwd => files::getcwd(a0, a1).into(),
        Sysnum::Chdir => files::chdir(a0).into(),
        Sysnum::Chroot => files::chroot(a0).into(),
        Sysnum::Readlink => files::readlinkat(abi::fcntl::AT_FDCWD as u32, a0, a1, a2).into(),
        Sysnum::Readlinkat => files::readlinkat(a0, a1, a2, a3).into(),
        Sysnum::Brk => memory::brk(a0).into(),
        Sysnum::Mmap2 => memory::mmap2(a0, a1, a2, a3, a4, a5).into(),
        Sysnum::Munmap => memory::munmap(a0, a1).into(),
        Sysnum::Mprotect => memory::mprotect(a0, a1, a2).into(),
        Sysnum::Madvise => memory::madvise(a0, a1, a2).into(),
        Sysnum::Uname => information::uname(a0).into(),
        Sysnum::Sysinfo => information::sysinfo(a0).into(),
        Sysnum::ClockGettime => crate::time::clock_gettime(a0, a1).into(),
        Sysnum::Nanosleep => crate::time::nanosleep(a0, a1).into(),
        Sysnum::ClockGetres => crate::time::clock_getres(a0, a1).into(),
        Sysnum::ClockNanosleep => crate::time::clock_nanosleep(a0, a1, a2, a3).into(),
        Sysnum::Gettimeofday => crate::time::gettimeofday(a0, a1).into(),
        Sysnum::ClockGettime64 => crate::time::clock_gettime64(a0, a1).into(),
        Sysnum::ClockGetresTime64 => crate::time::clock_getres64(a0, a1).into(),
        Sysnum::ClockNanosleepTime64 => crate::time::clock_nanosleep64(a0, a1, a2, a3).into(),
        other => {
            report_unknown(other as u32);
            Outcome::Return(Err(Errno::ENOSYS))
        }
    }
}

/// Logs an unimplemented call once per number.
fn report_unknown(number: u32) {
    static REPORTED: Mutex<alloc::collections::BTreeSet<u32>> =
        Mutex::new(alloc::collections::BTreeSet::new());
    if REPORTED.lock().insert(number) {
        let name = Sysnum::from_number(number).map_or("unknown", Sysnum::name);
        let pid = crate::process::with_table(|table| table.current.0);
        println!("pid {pid}: system call {number} ({name}) not implemented: ENOSYS");
    }
}
