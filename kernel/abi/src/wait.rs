// SPDX-License-Identifier: MIT OR Apache-2.0
//! Wait statuses and wait4's options.
//!
//! A wait status is the word wait4 stores for the parent, encoded as Linux
//! (and every C library's `WIFEXITED` family) expects:
//!
//! | how the child ended | status                      |
//! |---------------------|-----------------------------|
//! | exit(code)          | `(code & 0xff) << 8`        |
//! | killed by signal s  | `s`, plus `0x80` if core    |
//! | stopped by signal s | `(s << 8) \| 0x7f`          |
//! | continued           | `0xffff`                    |
//!
//! The constructors build them; the predicates read them, named after the C
//! macros. KML-rs writes no core files, so [`signalled`] leaves the core
//! bit clear, as Linux does with `ulimit -c 0`.

/// wait4: return at once if no child has ended.
pub const WNOHANG: u32 = 0x0000_0001;
/// wait4: also report stopped children (also `WSTOPPED`).
pub const WUNTRACED: u32 = 0x0000_0002;
/// waitid: report ended children.
pub const WEXITED: u32 = 0x0000_0004;
/// wait4: also report children continued by SIGCONT.
pub const WCONTINUED: u32 = 0x0000_0008;
/// waitid: leave the child waitable.
pub const WNOWAIT: u32 = 0x0100_0000;
/// wait4: only children of this thread (`__WNOTHREAD`).
pub const WNOTHREAD: u32 = 0x2000_0000;
/// wait4: any child, clone or not (`__WALL`).
pub const WALL: u32 = 0x4000_0000;
/// wait4: only clone children (`__WCLONE`).
pub const WCLONE: u32 = 0x8000_0000;
/// Every option wait4 accepts; others give EINVAL.
pub const WAIT4_OPTIONS: u32 = WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE;

/// The bit set in a killed child's status when a core file was written.
pub const CORE_FLAG: u32 = 0x80;
/// The status of a child continued by SIGCONT.
pub const CONTINUED: u32 = 0xffff;
/// Size of `struct rusage` on ARM (two 8-byte timevals, 14 longs), which
/// wait4 fills when given a pointer.
pub const RUSAGE_SIZE: usize = 72;

/// The status of a child that called exit(code); only the low byte counts.
pub const fn exit_status(code: u32) -> u32 {
    (code & 0xff) << 8
}

/// The status of a child killed by `signal` (no core file).
pub const fn signalled(signal: u32) -> u32 {
    signal & 0x7f
}

/// The status of a child killed by `signal` that left a core file.
pub const fn signalled_with_core(signal: u32) -> u32 {
    signalled(signal) | CORE_FLAG
}

/// The status of a child stopped by `signal`.
pub const fn stop_status(signal: u32) -> u32 {
    ((signal & 0xff) << 8) | 0x7f
}

/// `WIFEXITED`: the child called exit.
pub const fn exited(status: u32) -> bool {
    status & 0x7f == 0
}

/// `WEXITSTATUS`: the code the child passed to exit (0 to 255).
pub const fn exit_code(status: u32) -> u32 {
    (status >> 8) & 0xff
}

/// `WIFSIGNALED`: a signal ended the child.
pub const fn was_signalled(status: u32) -> bool {
    let low = status & 0x7f;
    low != 0 && low != 0x7f
}

/// `WTERMSIG`: the signal that ended the child.
pub const fn terminating_signal(status: u32) -> u32 {
    status & 0x7f
}

/// `WCOREDUMP`: the child left a core file.
pub const fn core_dump(status: u32) -> bool {
    status & CORE_FLAG != 0
}

/// `WIFSTOPPED`: the child is stopped.
pub const fn is_stopped(status: u32) -> bool {
    status & 0xff == 0x7f
}

/// `WSTOPSIG`: the signal that stopped the child.
pub const fn stop_signal(status: u32) -> u32 {
    (status >> 8) & 0xff
}

/// `WIFCONTINUED`: the child was continued.
pub const fn is_continued(status: u32) -> bool {
    status == CONTINUED
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signal::{SIGKILL, SIGSEGV, SIGTSTP};

    #[test]
    fn exit_codes_encode_like_linux() {
        assert_eq!(exit_status(0), 0);
        assert_eq!(exit_status(1), 0x100);
        assert_eq!(exit_status(101), 0x6500);
        assert_eq!(exit_status(0x1ff), 0xff00, "only the low byte");
        for code in [0, 1, 42, 255] {
            let status = exit_status(code);
            assert!(exited(status));
            assert!(!was_signalled(status) && !is_stopped(status) && !is_continued(status));
            assert_eq!(exit_code(status), code);
        }
    }

    #[test]
    fn signals_encode_like_linux() {
        assert_eq!(signalled(SIGKILL), 9);
        assert_eq!(signalled_with_core(SIGSEGV), 0x8b);
        for status in [signalled(SIGSEGV), signalled_with_core(SIGSEGV)] {
            assert!(was_signalled(status));
            assert!(!exited(status) && !is_stopped(status));
            assert_eq!(terminating_signal(status), SIGSEGV);
        }
        assert!(!core_dump(signalled(SIGSEGV)));
        assert!(core_dump(signalled_with_core(SIGSEGV)));
    }

    #[test]
    fn stops_and_continues_encode_like_linux() {
        let status = stop_status(SIGTSTP);
        assert_eq!(status, 0x147f);
        assert!(is_stopped(status) && !was_signalled(status) && !exited(status));
        assert_eq!(stop_signal(status), SIGTSTP);
        assert!(is_continued(CONTINUED) && !exited(CONTINUED) && !was_signalled(CONTINUED));
    }

    #[test]
    fn options_are_linux_values() {
        assert_eq!(WNOHANG, 1);
        assert_eq!(WAIT4_OPTIONS & WNOWAIT, 0);
        assert_eq!(WAIT4_OPTIONS & WEXITED, 0);
    }
}
