// SPDX-License-Identifier: MIT OR Apache-2.0
//! `siginfo_t`: why a signal came, as the handler reads it.
//!
//! Linux's 32-bit layout (include/uapi/asm-generic/siginfo.h): 128 bytes,
//! `si_signo`, `si_errno`, `si_code`, then a union at byte 12 whose fields
//! depend on the sender: `si_pid`, `si_uid` for kill and tkill; `si_pid`,
//! `si_uid`, `si_status`, `si_utime`, `si_stime` for SIGCHLD; `si_addr`
//! for a fault.

use abi::signal::{CLD_DUMPED, CLD_EXITED, CLD_KILLED, SI_KERNEL, SI_TKILL, SI_USER, SIGCHLD};

/// Bytes of a `siginfo_t`.
pub const SIGINFO_SIZE: usize = 128;

/// One pending signal's `siginfo_t`, in the words the kernel fills in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignalInfo {
    /// `si_signo`.
    pub signal: u32,
    /// `si_code`.
    pub code: i32,
    /// The union's first five words (`si_pid`, `si_uid`, `si_status`, ...
    /// or `si_addr`).
    pub fields: [u32; 5],
}

impl SignalInfo {
    /// Sent by kill from process `pid` (uid 0: there are no users).
    pub const fn user(signal: u32, pid: u32) -> SignalInfo {
        SignalInfo {
            signal,
            code: SI_USER,
            fields: [pid, 0, 0, 0, 0],
        }
    }

    /// Sent by tkill or tgkill from thread `pid`.
    pub const fn thread(signal: u32, pid: u32) -> SignalInfo {
        SignalInfo {
            signal,
            code: SI_TKILL,
            fields: [pid, 0, 0, 0, 0],
        }
    }

    /// Sent by the kernel itself, for no process.
    pub const fn kernel(signal: u32) -> SignalInfo {
        SignalInfo {
            signal,
            code: SI_KERNEL,
            fields: [0; 5],
        }
    }

    /// A fault at `address` with `si_code` `code` (SEGV_MAPERR, ...).
    pub const fn fault(signal: u32, code: i32, address: u32) -> SignalInfo {
        SignalInfo {
            signal,
            code,
            fields: [address, 0, 0, 0, 0],
        }
    }

    /// SIGCHLD for child `pid` that ended: `exit_code` if it exited,
    /// otherwise killed by `signal` (`core`: with a core dump).
    pub const fn child(pid: u32, ending: ChildEnding) -> SignalInfo {
        let (code, status) = match ending {
            ChildEnding::Exited(code) => (CLD_EXITED, code),
            ChildEnding::Killed(signal) => (CLD_KILLED, signal),
            ChildEnding::Dumped(signal) => (CLD_DUMPED, signal),
        };
        SignalInfo {
            signal: SIGCHLD,
            code,
            fields: [pid, 0, status, 0, 0],
        }
    }

    /// The 128 bytes of the user `siginfo_t`.
    pub fn to_bytes(&self) -> [u8; SIGINFO_SIZE] {
        let mut bytes = [0; SIGINFO_SIZE];
        bytes[0..4].copy_from_slice(&self.signal.to_le_bytes());
        bytes[8..12].copy_from_slice(&self.code.to_le_bytes());
        for (index, field) in self.fields.iter().enumerate() {
            let at = 12 + index * 4;
            bytes[at..at + 4].copy_from_slice(&field.to_le_bytes());
        }
        bytes
    }
}

/// How a child ended, for its SIGCHLD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildEnding {
    /// exit with this code.
    Exited(u32),
    /// Killed by this signal.
    Killed(u32),
    /// Killed by this signal, which dumps core by default.
    Dumped(u32),
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi::signal::{SEGV_MAPERR, SIGSEGV, SIGUSR1};

    #[test]
    fn kill_info_has_the_sender() {
        let bytes = SignalInfo::user(SIGUSR1, 7).to_bytes();
        assert_eq!(&bytes[0..4], &10u32.to_le_bytes());
        assert_eq!(&bytes[4..8], &[0; 4]);
        assert_eq!(&bytes[8..12], &0u32.to_le_bytes());
        assert_eq!(&bytes[12..16], &7u32.to_le_bytes());
        let tkill = SignalInfo::thread(SIGUSR1, 7).to_bytes();
        assert_eq!(&tkill[8..12], &(-6i32).to_le_bytes());
    }

    #[test]
    fn fault_and_child_info() {
        let fault = SignalInfo::fault(SIGSEGV, SEGV_MAPERR, 0xdead_beef).to_bytes();
        assert_eq!(&fault[8..12], &1u32.to_le_bytes());
        assert_eq!(&fault[12..16], &0xdead_beefu32.to_le_bytes());
        let child = SignalInfo::child(9, ChildEnding::Exited(3)).to_bytes();
        assert_eq!(&child[0..4], &17u32.to_le_bytes());
        assert_eq!(&child[8..12], &1u32.to_le_bytes());
        assert_eq!(&child[12..16], &9u32.to_le_bytes());
        assert_eq!(&child[20..24], &3u32.to_le_bytes());
    }
}
