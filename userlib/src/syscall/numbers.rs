// SPDX-License-Identifier: MIT OR Apache-2.0
//! Linux ARM EABI system call numbers (arch/arm/tools/syscall.tbl).
//!
//! Each constant is the `__NR_<name>` of Linux's `asm/unistd-eabi.h`, the
//! name in upper case; the ARM private calls (`__ARM_NR_<name>`) sit at
//! `0x0f0000` and up. Only the calls userlib wraps are listed.
//!
//! TODO(#3): these move to `abi::syscall` once it exists, so kernel and
//! programs share one table; until then they are checked against Linux's
//! header by hand (and by running under `qemu-arm`).

/// A system call number, as the program puts it in r7.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sysnum(pub u32);

/// Base of the ARM private calls (`__ARM_NR_BASE`).
const ARM_PRIVATE_BASE: u32 = 0x000f_0000;

impl Sysnum {
    /// `exit`: end the calling thread.
    pub const EXIT: Sysnum = Sysnum(1);
    /// `fork`.
    pub const FORK: Sysnum = Sysnum(2);
    /// `read`.
    pub const READ: Sysnum = Sysnum(3);
    /// `write`.
    pub const WRITE: Sysnum = Sysnum(4);
    /// `open`.
    pub const OPEN: Sysnum = Sysnum(5);
    /// `close`.
    pub const CLOSE: Sysnum = Sysnum(6);
    /// `execve`.
    pub const EXECVE: Sysnum = Sysnum(11);
    /// `lseek` (32-bit offsets).
    pub const LSEEK: Sysnum = Sysnum(19);
    /// `getpid`.
    pub const GETPID: Sysnum = Sysnum(20);
    /// `kill`.
    pub const KILL: Sysnum = Sysnum(37);
    /// `dup`.
    pub const DUP: Sysnum = Sysnum(41);
    /// `pipe`.
    pub const PIPE: Sysnum = Sysnum(42);
    /// `brk`.
    pub const BRK: Sysnum = Sysnum(45);
    /// `ioctl`.
    pub const IOCTL: Sysnum = Sysnum(54);
    /// `dup2`.
    pub const DUP2: Sysnum = Sysnum(63);
    /// `getppid`.
    pub const GETPPID: Sysnum = Sysnum(64);
    /// `munmap`.
    pub const MUNMAP: Sysnum = Sysnum(91);
    /// `wait4`.
    pub const WAIT4: Sysnum = Sysnum(114);
    /// `uname`.
    pub const UNAME: Sysnum = Sysnum(122);
    /// `sysinfo`.
    pub const SYSINFO: Sysnum = Sysnum(116);
    /// `mprotect`.
    pub const MPROTECT: Sysnum = Sysnum(125);
    /// `writev`.
    pub const WRITEV: Sysnum = Sysnum(146);
    /// `sched_yield`.
    pub const SCHED_YIELD: Sysnum = Sysnum(158);
    /// `nanosleep`.
    pub const NANOSLEEP: Sysnum = Sysnum(162);
    /// `vfork`.
    pub const VFORK: Sysnum = Sysnum(190);
    /// `mmap2`: the offset is in 4096-byte units.
    pub const MMAP2: Sysnum = Sysnum(192);
    /// `fstat64`.
    pub const FSTAT64: Sysnum = Sysnum(197);
    /// `getuid32`.
    pub const GETUID32: Sysnum = Sysnum(199);
    /// `getgid32`.
    pub const GETGID32: Sysnum = Sysnum(200);
    /// `geteuid32`.
    pub const GETEUID32: Sysnum = Sysnum(201);
    /// `getegid32`.
    pub const GETEGID32: Sysnum = Sysnum(202);
    /// `getdents64`.
    pub const GETDENTS64: Sysnum = Sysnum(217);
    /// `gettid`.
    pub const GETTID: Sysnum = Sysnum(224);
    /// `exit_group`: end every thread of the process.
    pub const EXIT_GROUP: Sysnum = Sysnum(248);
    /// `clock_gettime` (32-bit `time_t`).
    pub const CLOCK_GETTIME: Sysnum = Sysnum(263);
    /// `openat`.
    pub const OPENAT: Sysnum = Sysnum(322);
    /// `dup3`.
    pub const DUP3: Sysnum = Sysnum(358);
    /// `pipe2`.
    pub const PIPE2: Sysnum = Sysnum(359);
    /// ARM private `set_tls`: sets TPIDRURO, the user read-only thread register.
    pub const SET_TLS: Sysnum = Sysnum(ARM_PRIVATE_BASE + 5);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arm_private_calls_sit_above_the_base() {
        assert_eq!(Sysnum::SET_TLS.0, 0x000f_0005);
    }
}
