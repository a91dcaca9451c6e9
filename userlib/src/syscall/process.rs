// SPDX-License-Identifier: MIT OR Apache-2.0
//! Processes: fork, execve, wait4, exit, identities, signals, set_tls.
//!
//! [`fork`] returns which side of the fork we are on as an enum, and
//! [`WaitStatus`] decodes the `wait4` status word the Linux way (exit code
//! in bits 8-15, terminating signal in bits 0-6), so test code never does
//! bit arithmetic on statuses; the decoding and the signal numbers are
//! `abi`'s, the same the kernel encodes with.

use core::ffi::{CStr, c_char};

use super::{Sysnum, decode, decode_unit, raw};
use crate::Errno;

/// A process (or thread) id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pid(pub i32);

impl Pid {
    /// `wait4`'s "any child" (-1).
    pub const ANY_CHILD: Pid = Pid(-1);
}

/// A signal number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signal(pub i32);

impl Signal {
    /// Illegal instruction.
    pub const SIGILL: Signal = Signal::from_abi(abi::signal::SIGILL);
    /// Bus error (alignment).
    pub const SIGBUS: Signal = Signal::from_abi(abi::signal::SIGBUS);
    /// Kill, cannot be caught.
    pub const SIGKILL: Signal = Signal::from_abi(abi::signal::SIGKILL);
    /// Invalid memory reference.
    pub const SIGSEGV: Signal = Signal::from_abi(abi::signal::SIGSEGV);
    /// Termination request.
    pub const SIGTERM: Signal = Signal::from_abi(abi::signal::SIGTERM);

    /// The signal `abi` numbers `number` (1 to 64, so the cast is exact).
    const fn from_abi(number: u32) -> Signal {
        Signal(number as i32)
    }
}

/// `exit(status)`: ends the calling thread (the process, when it has one).
pub fn exit(status: i32) -> ! {
    // SAFETY: exit does not return, so nothing of ours is used afterwards.
    unsafe { raw::syscall1(Sysnum::Exit, status as usize) };
    unreachable_after_exit()
}

/// `exit_group(status)`: ends the process with `status & 0xff`.
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group does not return.
    unsafe { raw::syscall1(Sysnum::ExitGroup, status as usize) };
    unreachable_after_exit()
}

/// What to do if an exit call came back (a kernel bug): spin in place
/// rather than run on into code that assumed we were gone.
#[cold]
fn unreachable_after_exit() -> ! {
    #[allow(clippy::empty_loop)]
    loop {}
}

/// Which side of a [`fork`] we are on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fork {
    /// We are the new process.
    Child,
    /// We are the original; this is the child's pid.
    Parent(Pid),
}

/// `fork()`: duplicates the process (copy-on-write).
pub fn fork() -> Result<Fork, Errno> {
    // SAFETY: the child gets a copy of our whole address space, so every
    // reference stays valid on both sides; we have a single thread, so no
    // lock can be held by a thread that does not exist in the child.
    let pid = decode(unsafe { raw::syscall0(Sysnum::Fork) })?;
    Ok(match pid {
        0 => Fork::Child,
        pid => Fork::Parent(Pid(pid as i32)),
    })
}

/// The most arguments (and, separately, environment strings) [`execve`]
/// passes; more is `E2BIG`.
pub const EXECVE_MAX_STRINGS: usize = 64;

/// `execve(path, argv, envp)`: replaces the program. It only returns on
/// failure, so the result is the error.
pub fn execve(path: &CStr, argv: &[&CStr], envp: &[&CStr]) -> Errno {
    let mut argv_pointers = [core::ptr::null::<c_char>(); EXECVE_MAX_STRINGS + 1];
    let mut envp_pointers = [core::ptr::null::<c_char>(); EXECVE_MAX_STRINGS + 1];
    if !fill_pointers(argv, &mut argv_pointers) || !fill_pointers(envp, &mut envp_pointers) {
        return Errno::E2BIG;
    }
    // SAFETY: path and every string are NUL-terminated and borrowed for the
    // call; both pointer arrays end in NULL; the kernel only reads them.
    let r0 = unsafe {
        raw::syscall3(
            Sysnum::Execve,
            path.as_ptr() as usize,
            argv_pointers.as_ptr() as usize,
            envp_pointers.as_ptr() as usize,
        )
    };
    match decode(r0) {
        Err(error) => error,
        // A successful execve does not come back; treat a 0 as a failure.
        Ok(_) => Errno::EINVAL,
    }
}

/// Copies the string pointers into a NULL-terminated array; false if they
/// do not fit with the NULL.
fn fill_pointers(strings: &[&CStr], out: &mut [*const c_char]) -> bool {
    if strings.len() >= out.len() {
        return false;
    }
    for (slot, string) in out.iter_mut().zip(strings) {
        *slot = string.as_ptr();
    }
    out[strings.len()] = core::ptr::null();
    true
}

pub use abi::wait::WNOHANG;

/// The status word `wait4` reports for a child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitStatus(pub u32);

impl WaitStatus {
    /// `WIFEXITED`: the child called exit.
    pub fn exited(self) -> bool {
        abi::wait::exited(self.0)
    }

    /// `WEXITSTATUS`, when the child exited.
    pub fn exit_status(self) -> Option<i32> {
        self.exited().then_some(abi::wait::exit_code(self.0) as i32)
    }

    /// `WIFSIGNALED`: a signal ended the child.
    pub fn signaled(self) -> bool {
        abi::wait::was_signalled(self.0)
    }

    /// `WTERMSIG`, when a signal ended the child.
    pub fn term_signal(self) -> Option<Signal> {
        self.signaled()
            .then_some(Signal::from_abi(abi::wait::terminating_signal(self.0)))
    }
}

impl core::fmt::Display for WaitStatus {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if let Some(code) = self.exit_status() {
            write!(f, "exit status {code}")
        } else if let Some(signal) = self.term_signal() {
            write!(f, "killed by signal {}", signal.0)
        } else {
            write!(f, "status {:#x}", self.0)
        }
    }
}

/// `wait4(pid, &status, options, NULL)`: waits for a child (`pid`, or any
/// with [`Pid::ANY_CHILD`]) and returns its pid and status. With
/// [`WNOHANG`] and nothing to report, the pid is 0.
pub fn wait4(pid: Pid, options: u32) -> Result<(Pid, WaitStatus), Errno> {
    let mut status = 0u32;
    // SAFETY: the kernel writes one int into our local; rusage is NULL.
    let child = decode(unsafe {
        raw::syscall4(
            Sysnum::Wait4,
            pid.0 as usize,
            &raw mut status as usize,
            options as usize,
            0,
        )
    })?;
    Ok((Pid(child as i32), WaitStatus(status)))
}

/// Makes a call that cannot fail and only returns a number.
fn plain(number: Sysnum) -> usize {
    // SAFETY: used only for calls without arguments that touch no memory
    // (getpid, getppid, gettid, the uid/gid queries, sched_yield).
    unsafe { raw::syscall0(number) }
}

/// `getpid()`.
pub fn getpid() -> Pid {
    Pid(plain(Sysnum::Getpid) as i32)
}

/// `getppid()`.
pub fn getppid() -> Pid {
    Pid(plain(Sysnum::Getppid) as i32)
}

/// `gettid()`.
pub fn gettid() -> Pid {
    Pid(plain(Sysnum::Gettid) as i32)
}

/// `getuid32()`.
pub fn getuid() -> u32 {
    plain(Sysnum::Getuid32) as u32
}

/// `geteuid32()`.
pub fn geteuid() -> u32 {
    plain(Sysnum::Geteuid32) as u32
}

/// `getgid32()`.
pub fn getgid() -> u32 {
    plain(Sysnum::Getgid32) as u32
}

/// `getegid32()`.
pub fn getegid() -> u32 {
    plain(Sysnum::Getegid32) as u32
}

/// `kill(pid, signal)`.
pub fn kill(pid: Pid, signal: Signal) -> Result<(), Errno> {
    // SAFETY: touches no memory of ours (a signal to ourselves ends us
    // with its default action, which is fine).
    decode_unit(unsafe { raw::syscall2(Sysnum::Kill, pid.0 as usize, signal.0 as usize) })
}

/// ARM private `set_tls(value)`: sets TPIDRURO, which user code reads with
/// `mrc p15, 0, rX, c13, c0, 3`.
pub fn set_tls(value: usize) -> Result<(), Errno> {
    // SAFETY: only changes a register that userlib's code never reads.
    decode_unit(unsafe { raw::syscall1(Sysnum::SetTls, value) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_statuses_decode() {
        // Statuses as the kernel encodes them.
        let status = WaitStatus(abi::wait::exit_status(7));
        assert!(status.exited() && !status.signaled());
        assert_eq!(status.exit_status(), Some(7));
        assert_eq!(status.term_signal(), None);
    }

    #[test]
    fn signals_decode() {
        let status = WaitStatus(abi::wait::signalled_with_core(abi::signal::SIGSEGV));
        assert!(status.signaled() && !status.exited());
        assert_eq!(status.term_signal(), Some(Signal::SIGSEGV));
        // Stopped is neither exited nor signaled.
        let stopped = WaitStatus(abi::wait::stop_status(abi::signal::SIGTSTP));
        assert!(!stopped.signaled() && !stopped.exited());
    }

    #[test]
    fn pointer_arrays_end_in_null() {
        let strings = [c"a", c"b"];
        let mut out = [core::ptr::null(); 3];
        out[2] = c"x".as_ptr();
        assert!(fill_pointers(&strings, &mut out));
        assert_eq!(out[0], strings[0].as_ptr());
        assert!(out[2].is_null());
        assert!(!fill_pointers(&strings, &mut out[..2]));
    }
}
