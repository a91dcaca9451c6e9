// SPDX-License-Identifier: MIT OR Apache-2.0
//! Signal sets: 64 signals in a word, as Linux's ARM `sigset_t` holds them.
//!
//! Signal `n` (1 to 64) is bit `n - 1`, which is also the byte layout of
//! the 8-byte set the `rt_sig*` calls copy (little-endian).

use abi::signal::{LAST, SIGKILL, SIGSTOP};

/// A set of signals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignalSet(pub u64);

impl SignalSet {
    /// No signal.
    pub const EMPTY: SignalSet = SignalSet(0);
    /// The signals nobody can block: SIGKILL and SIGSTOP.
    pub const UNBLOCKABLE: SignalSet = SignalSet(1 << (SIGKILL - 1) | 1 << (SIGSTOP - 1));

    /// The set holding just `signal` (empty if it is not 1 to 64).
    pub const fn of(signal: u32) -> SignalSet {
        if signal >= 1 && signal <= LAST {
            SignalSet(1 << (signal - 1))
        } else {
            SignalSet::EMPTY
        }
    }

    /// Whether `signal` is in the set.
    pub const fn contains(self, signal: u32) -> bool {
        self.0 & SignalSet::of(signal).0 != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Adds `signal`.
    pub fn insert(&mut self, signal: u32) {
        self.0 |= SignalSet::of(signal).0;
    }

    /// Removes `signal`.
    pub fn remove(&mut self, signal: u32) {
        self.0 &= !SignalSet::of(signal).0;
    }

    /// The signals in either set.
    #[must_use]
    pub const fn union(self, other: SignalSet) -> SignalSet {
        SignalSet(self.0 | other.0)
    }

    /// The signals in `self` but not in `other`.
    #[must_use]
    pub const fn minus(self, other: SignalSet) -> SignalSet {
        SignalSet(self.0 & !other.0)
    }

    /// The set as a mask a thread may hold: without SIGKILL and SIGSTOP.
    #[must_use]
    pub const fn blockable(self) -> SignalSet {
        self.minus(SignalSet::UNBLOCKABLE)
    }

    /// The lowest-numbered signal in the set.
    pub const fn lowest(self) -> Option<u32> {
        if self.0 == 0 {
            None
        } else {
            Some(self.0.trailing_zeros() + 1)
        }
    }

    /// The 8 bytes of a user `sigset_t`.
    pub const fn to_bytes(self) -> [u8; 8] {
        self.0.to_le_bytes()
    }

    /// The set from the 8 bytes of a user `sigset_t`.
    pub const fn from_bytes(bytes: [u8; 8]) -> SignalSet {
        SignalSet(u64::from_le_bytes(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi::signal::{SIGCHLD, SIGHUP, SIGUSR1};

    #[test]
    fn signal_n_is_bit_n_minus_one() {
        assert_eq!(SignalSet::of(SIGHUP).0, 1);
        assert_eq!(SignalSet::of(64).0, 1 << 63);
        assert_eq!(SignalSet::of(0), SignalSet::EMPTY);
        assert_eq!(SignalSet::of(65), SignalSet::EMPTY);
        assert_eq!(SignalSet::of(SIGUSR1).to_bytes(), [0, 2, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn set_operations() {
        let mut set = SignalSet::EMPTY;
        set.insert(SIGCHLD);
        set.insert(SIGUSR1);
        assert!(set.contains(SIGCHLD) && !set.contains(SIGHUP));
        assert_eq!(set.lowest(), Some(SIGUSR1));
        set.remove(SIGUSR1);
        assert_eq!(set.lowest(), Some(SIGCHLD));
        assert!(!SignalSet(u64::MAX).blockable().contains(SIGKILL));
        assert!(!SignalSet(u64::MAX).blockable().contains(SIGSTOP));
        assert_eq!(SignalSet::from_bytes(set.to_bytes()), set);
        assert_eq!(SignalSet::EMPTY.lowest(), None);
    }
}
