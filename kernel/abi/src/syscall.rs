// SPDX-License-Identifier: MIT OR Apache-2.0
//! Linux ARM EABI system call numbers, as programs put them in r7.
//!
//! The numbers are Linux's, from arch/arm/tools/syscall.tbl (the `common`
//! and `eabi` rows; `oabi`-only calls such as `time` are left out, as an
//! EABI kernel leaves them out). The ARM private calls (`__ARM_NR_*` in
//! arch/arm/include/uapi/asm/unistd.h) sit at [`ARM_PRIVATE_BASE`] and up.
//!
//! The list is the calls KML-rs implements or expects programs (the C
//! library's start-up code among them) to try; a number not listed here is
//! `None` from [`Sysnum::from_number`] and gets `-ENOSYS`. Each row is
//! written once, in the macro below, so the enum, the decoder and the names
//! cannot disagree.

/// Base of the ARM private calls (`__ARM_NR_BASE`).
pub const ARM_PRIVATE_BASE: u32 = 0x000f_0000;

/// Declares the enum, its decoder and its names from one table.
macro_rules! sysnums {
    ($($variant:ident = $number:expr, $name:literal;)*) => {
        /// A Linux ARM EABI system call, by number (`Sysnum::Write as u32 == 4`).
        #[repr(u32)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Sysnum {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant = $number,
            )*
        }

        impl Sysnum {
            /// Every call, in table order (for tests and tools).
            pub const ALL: &'static [Sysnum] = &[$(Sysnum::$variant),*];

            /// The call with number `number` (r7), if we know it.
            // The constants below are named after the variants.
            #[allow(non_upper_case_globals)]
            pub const fn from_number(number: u32) -> Option<Sysnum> {
                // A `match` on the constants, not a search: this runs on
                // every system call.
                $(const $variant: u32 = $number;)*
                match number {
                    $($variant => Some(Sysnum::$variant),)*
                    _ => None,
                }
            }

            /// Linux's name for the call (`"exit_group"`), for log lines.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Sysnum::$variant => $name,)*
                }
            }
        }
    };
}

sysnums! {
    RestartSyscall = 0, "restart_syscall";
    Exit = 1, "exit";
    Fork = 2, "fork";
    Read = 3, "read";
    Write = 4, "write";
    Open = 5, "open";
    Close = 6, "close";
    Execve = 11, "execve";
    Chdir = 12, "chdir";
    Lseek = 19, "lseek";
    Getpid = 20, "getpid";
    Pause = 29, "pause";
    Access = 33, "access";
    Kill = 37, "kill";
    Dup = 41, "dup";
    Pipe = 42, "pipe";
    Brk = 45, "brk";
    Ioctl = 54, "ioctl";
    Fcntl = 55, "fcntl";
    Setpgid = 57, "setpgid";
    Umask = 60, "umask";
    Chroot = 61, "chroot";
    Dup2 = 63, "dup2";
    Getppid = 64, "getppid";
    Getpgrp = 65, "getpgrp";
    Setsid = 66, "setsid";
    Setrlimit = 75, "setrlimit";
    Gettimeofday = 78, "gettimeofday";
    Readlink = 85, "readlink";
    Munmap = 91, "munmap";
    Wait4 = 114, "wait4";
    Sysinfo = 116, "sysinfo";
    Sigreturn = 119, "sigreturn";
    Clone = 120, "clone";
    Uname = 122, "uname";
    Mprotect = 125, "mprotect";
    Getpgid = 132, "getpgid";
    Fchdir = 133, "fchdir";
    Llseek = 140, "_llseek";
    Readv = 145, "readv";
    Writev = 146, "writev";
    Getsid = 147, "getsid";
    SchedSetparam = 154, "sched_setparam";
    SchedGetparam = 155, "sched_getparam";
    SchedSetscheduler = 156, "sched_setscheduler";
    SchedGetscheduler = 157, "sched_getscheduler";
    SchedYield = 158, "sched_yield";
    SchedGetPriorityMax = 159, "sched_get_priority_max";
    SchedGetPriorityMin = 160, "sched_get_priority_min";
    SchedRrGetInterval = 161, "sched_rr_get_interval";
    Nanosleep = 162, "nanosleep";
    Mremap = 163, "mremap";
    Poll = 168, "poll";
    Prctl = 172, "prctl";
    RtSigreturn = 173, "rt_sigreturn";
    RtSigaction = 174, "rt_sigaction";
    RtSigprocmask = 175, "rt_sigprocmask";
    RtSigpending = 176, "rt_sigpending";
    RtSigsuspend = 179, "rt_sigsuspend";
    Getcwd = 183, "getcwd";
    Sigaltstack = 186, "sigaltstack";
    Sendfile = 187, "sendfile";
    Vfork = 190, "vfork";
    Ugetrlimit = 191, "ugetrlimit";
    Mmap2 = 192, "mmap2";
    Stat64 = 195, "stat64";
    Lstat64 = 196, "lstat64";
    Fstat64 = 197, "fstat64";
    Getuid32 = 199, "getuid32";
    Getgid32 = 200, "getgid32";
    Geteuid32 = 201, "geteuid32";
    Getegid32 = 202, "getegid32";
    Getdents64 = 217, "getdents64";
    Madvise = 220, "madvise";
    Fcntl64 = 221, "fcntl64";
    Gettid = 224, "gettid";
    Tkill = 238, "tkill";
    Sendfile64 = 239, "sendfile64";
    Futex = 240, "futex";
    ExitGroup = 248, "exit_group";
    SetTidAddress = 256, "set_tid_address";
    ClockGettime = 263, "clock_gettime";
    ClockGetres = 264, "clock_getres";
    ClockNanosleep = 265, "clock_nanosleep";
    Tgkill = 268, "tgkill";
    Openat = 322, "openat";
    Fstatat64 = 327, "fstatat64";
    Readlinkat = 332, "readlinkat";
    Faccessat = 334, "faccessat";
    Ppoll = 336, "ppoll";
    SetRobustList = 338, "set_robust_list";
    Dup3 = 358, "dup3";
    Pipe2 = 359, "pipe2";
    Prlimit64 = 369, "prlimit64";
    Getrandom = 384, "getrandom";
    Statx = 397, "statx";
    Rseq = 398, "rseq";
    ClockGettime64 = 403, "clock_gettime64";
    ClockGetresTime64 = 406, "clock_getres_time64";
    ClockNanosleepTime64 = 407, "clock_nanosleep_time64";
    PpollTime64 = 414, "ppoll_time64";
    FutexTime64 = 422, "futex_time64";
    Breakpoint = ARM_PRIVATE_BASE + 1, "breakpoint";
    Cacheflush = ARM_PRIVATE_BASE + 2, "cacheflush";
    SetTls = ARM_PRIVATE_BASE + 5, "set_tls";
    GetTls = ARM_PRIVATE_BASE + 6, "get_tls";
}

impl Sysnum {
    /// The number a program puts in r7 for this call.
    pub const fn number(self) -> u32 {
        self as u32
    }
}

impl core::fmt::Display for Sysnum {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_the_arm_table() {
        // Spot checks against arch/arm/tools/syscall.tbl and asm/unistd.h.
        let expected = [
            (Sysnum::RestartSyscall, 0),
            (Sysnum::Exit, 1),
            (Sysnum::Execve, 11),
            (Sysnum::Brk, 45),
            (Sysnum::Ioctl, 54),
            (Sysnum::Munmap, 91),
            (Sysnum::Wait4, 114),
            (Sysnum::Sysinfo, 116),
            (Sysnum::Uname, 122),
            (Sysnum::Writev, 146),
            (Sysnum::SchedYield, 158),
            (Sysnum::Nanosleep, 162),
            (Sysnum::Getcwd, 183),
            (Sysnum::Vfork, 190),
            (Sysnum::Mmap2, 192),
            (Sysnum::Fstat64, 197),
            (Sysnum::Getuid32, 199),
            (Sysnum::Getegid32, 202),
            (Sysnum::Getdents64, 217),
            (Sysnum::Gettid, 224),
            (Sysnum::ExitGroup, 248),
            (Sysnum::ClockGettime, 263),
            (Sysnum::Openat, 322),
            (Sysnum::Dup3, 358),
            (Sysnum::Pipe2, 359),
            (Sysnum::Statx, 397),
            (Sysnum::ClockGettime64, 403),
            (Sysnum::ClockGetresTime64, 406),
            (Sysnum::ClockNanosleepTime64, 407),
            (Sysnum::Setrlimit, 75),
            (Sysnum::Prctl, 172),
            (Sysnum::Ugetrlimit, 191),
            (Sysnum::Madvise, 220),
            (Sysnum::SetTidAddress, 256),
            (Sysnum::Readlinkat, 332),
            (Sysnum::SetRobustList, 338),
            (Sysnum::Prlimit64, 369),
            (Sysnum::Getrandom, 384),
            (Sysnum::Breakpoint, 0x000f_0001),
            (Sysnum::Cacheflush, 0x000f_0002),
            (Sysnum::SetTls, 0x000f_0005),
            (Sysnum::Pause, 29),
            (Sysnum::RtSigreturn, 173),
            (Sysnum::RtSigpending, 176),
            (Sysnum::RtSigsuspend, 179),
            (Sysnum::Sigaltstack, 186),
            (Sysnum::Tgkill, 268),
        ];
        for (call, number) in expected {
            assert_eq!(call.number(), number, "{call}");
        }
    }

    #[test]
    fn numbers_round_trip() {
        for &call in Sysnum::ALL {
            assert_eq!(Sysnum::from_number(call.number()), Some(call));
        }
        // Obsolete or unassigned: 7 was waitpid, 13 is OABI-only time.
        for number in [7, 13, 402, 0x000f_0000, 0x000f_0007, u32::MAX] {
            assert_eq!(Sysnum::from_number(number), None, "{number}");
        }
    }

    #[test]
    fn numbers_and_names_are_unique() {
        for (index, call) in Sysnum::ALL.iter().enumerate() {
            for other in &Sysnum::ALL[..index] {
                assert_ne!(call.number(), other.number());
                assert_ne!(call.name(), other.name());
            }
        }
    }

    #[test]
    fn names_are_linux_names() {
        assert_eq!(Sysnum::ExitGroup.name(), "exit_group");
        assert_eq!(Sysnum::Llseek.name(), "_llseek");
        assert_eq!(Sysnum::SetTls.name(), "set_tls");
        assert_eq!(Sysnum::from_number(4).map(Sysnum::name), Some("write"));
    }
}
