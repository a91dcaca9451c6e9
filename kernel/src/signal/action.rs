// SPDX-License-Identifier: MIT OR Apache-2.0
//! The handler table, and what a signal does when it is delivered.
//!
//! A [`SignalAction`] is Linux's ARM `struct k_sigaction` (handler, flags,
//! restorer, an 8-byte mask: 20 bytes). The table of 64 is shared by the
//! threads of a process created with `CLONE_SIGHAND`, so `Process` holds
//! it behind an `Arc<Mutex<_>>`; fork copies it, execve resets caught
//! signals to their default and leaves ignored ones ignored (POSIX).

use super::set::SignalSet;
use abi::signal::{
    DefaultAction, LAST, SA_NODEFER, SA_RESETHAND, SIG_DFL, SIG_IGN, SIGKILL, default_action,
};

/// One signal's action: Linux's ARM `struct k_sigaction`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignalAction {
    /// `SIG_DFL`, `SIG_IGN` or the handler's address (low bit: Thumb).
    pub handler: u32,
    /// `SA_*` flags.
    pub flags: u32,
    /// Where the handler returns, with `SA_RESTORER`.
    pub restorer: u32,
    /// Signals blocked while the handler runs (besides the signal itself).
    pub mask: SignalSet,
}

/// Bytes of a user `struct k_sigaction` on ARM.
pub const SIGACTION_SIZE: usize = 20;

impl SignalAction {
    /// The default action.
    pub const DEFAULT: SignalAction = SignalAction {
        handler: SIG_DFL,
        flags: 0,
        restorer: 0,
        mask: SignalSet::EMPTY,
    };

    /// Decodes a user `struct k_sigaction`.
    pub fn from_bytes(bytes: &[u8; SIGACTION_SIZE]) -> SignalAction {
        let word = |index: usize| {
            u32::from_le_bytes(bytes[index * 4..index * 4 + 4].try_into().expect("4 bytes"))
        };
        SignalAction {
            handler: word(0),
            flags: word(1),
            restorer: word(2),
            mask: SignalSet(u64::from(word(3)) | u64::from(word(4)) << 32),
        }
    }

    /// Encodes it as a user `struct k_sigaction`.
    pub fn to_bytes(&self) -> [u8; SIGACTION_SIZE] {
        let mut bytes = [0; SIGACTION_SIZE];
        bytes[0..4].copy_from_slice(&self.handler.to_le_bytes());
        bytes[4..8].copy_from_slice(&self.flags.to_le_bytes());
        bytes[8..12].copy_from_slice(&self.restorer.to_le_bytes());
        bytes[12..20].copy_from_slice(&self.mask.to_bytes());
        bytes
    }
}

/// What delivering a signal does, given its action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Nothing (ignored, or a default that does nothing here).
    Ignore,
    /// The process ends, killed by the signal.
    Terminate,
    /// The handler runs with this action.
    Handler(SignalAction),
}

/// The disposition of `signal` under `action`. Stop signals are ignored
/// by default (no job control: see the module doc of `signal`).
pub fn disposition(signal: u32, action: &SignalAction) -> Disposition {
    if signal == SIGKILL {
        return Disposition::Terminate;
    }
    match action.handler {
        SIG_IGN => Disposition::Ignore,
        SIG_DFL => match default_action(signal) {
            Some(DefaultAction::Terminate | DefaultAction::Core) => Disposition::Terminate,
            _ => Disposition::Ignore,
        },
        _ => Disposition::Handler(*action),
    }
}

/// The mask a handler of `signal` runs with: the thread's `blocked`, the
/// action's mask and, unless `SA_NODEFER`, the signal itself.
pub fn handler_mask(blocked: SignalSet, signal: u32, action: &SignalAction) -> SignalSet {
    let mut mask = blocked.union(action.mask);
    if action.flags & SA_NODEFER == 0 {
        mask.insert(signal);
    }
    mask.blockable()
}

/// Every signal's action, 1 to 64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignalActions {
    actions: [SignalAction; LAST as usize],
}

impl Default for SignalActions {
    fn default() -> Self {
        Self::new()
    }
}

impl SignalActions {
    /// Every signal at its default.
    pub const fn new() -> SignalActions {
        SignalActions {
            actions: [SignalAction::DEFAULT; LAST as usize],
        }
    }

    /// The action of `signal` (1 to 64).
    pub fn get(&self, signal: u32) -> SignalAction {
        self.actions
            .get((signal as usize).wrapping_sub(1))
            .copied()
            .unwrap_or(SignalAction::DEFAULT)
    }

    /// Sets the action of `signal` (1 to 64; the caller refuses SIGKILL
    /// and SIGSTOP). SIGKILL and SIGSTOP can never be in a handler's mask.
    pub fn set(&mut self, signal: u32, action: SignalAction) {
        if let Some(slot) = self.actions.get_mut((signal as usize).wrapping_sub(1)) {
            *slot = SignalAction {
                mask: action.mask.blockable(),
                ..action
            };
        }
    }

    /// What delivering `signal` does now.
    pub fn disposition(&self, signal: u32) -> Disposition {
        disposition(signal, &self.get(signal))
    }

    /// A handler that is being run with `SA_RESETHAND` goes back to the
    /// default.
    pub fn on_delivery(&mut self, signal: u32) {
        if self.get(signal).flags & SA_RESETHAND != 0 {
            self.set(signal, SignalAction::DEFAULT);
        }
    }

    /// The table a new program starts with (execve): handlers become
    /// defaults, ignored signals stay ignored, flags and masks go.
    pub fn for_exec(&self) -> SignalActions {
        let mut fresh = SignalActions::new();
        for signal in 1..=LAST {
            if self.get(signal).handler == SIG_IGN {
                fresh.set(
                    signal,
                    SignalAction {
                        handler: SIG_IGN,
                        ..SignalAction::DEFAULT
                    },
                );
            }
        }
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi::signal::{
        SA_RESTART, SA_SIGINFO, SIGCHLD, SIGCONT, SIGSEGV, SIGSTOP, SIGTERM, SIGTSTP, SIGUSR1,
        SIGUSR2,
    };

    fn handler(address: u32, flags: u32) -> SignalAction {
        SignalAction {
            handler: address,
            flags,
            restorer: 0x1234,
            mask: SignalSet::of(SIGUSR2),
        }
    }

    #[test]
    fn k_sigaction_round_trips() {
        let action = SignalAction {
            handler: 0x1_0001,
            flags: SA_SIGINFO | SA_RESTART,
            restorer: 0x2_0000,
            mask: SignalSet(0x8000_0000_0000_0201),
        };
        let bytes = action.to_bytes();
        assert_eq!(&bytes[..4], &0x1_0001u32.to_le_bytes());
        assert_eq!(&bytes[12..16], &0x201u32.to_le_bytes());
        assert_eq!(&bytes[16..20], &0x8000_0000u32.to_le_bytes());
        assert_eq!(SignalAction::from_bytes(&bytes), action);
    }

    #[test]
    fn defaults_terminate_or_do_nothing() {
        let table = SignalActions::new();
        assert_eq!(table.disposition(SIGTERM), Disposition::Terminate);
        assert_eq!(table.disposition(SIGSEGV), Disposition::Terminate);
        assert_eq!(table.disposition(SIGCHLD), Disposition::Ignore);
        assert_eq!(table.disposition(SIGCONT), Disposition::Ignore);
        assert_eq!(table.disposition(SIGTSTP), Disposition::Ignore);
        assert_eq!(table.disposition(SIGSTOP), Disposition::Ignore);
        assert_eq!(table.disposition(40), Disposition::Terminate);
    }

    #[test]
    fn handlers_and_ignore_and_kill() {
        let mut table = SignalActions::new();
        table.set(SIGUSR1, handler(0x8000, 0));
        table.set(
            SIGTERM,
            SignalAction {
                handler: SIG_IGN,
                ..SignalAction::DEFAULT
            },
        );
        assert_eq!(
            table.disposition(SIGUSR1),
            Disposition::Handler(handler(0x8000, 0))
        );
        assert_eq!(table.disposition(SIGTERM), Disposition::Ignore);
        // Even a table that says otherwise cannot save SIGKILL.
        assert_eq!(
            disposition(
                SIGKILL,
                &SignalAction {
                    handler: SIG_IGN,
                    ..SignalAction::DEFAULT
                }
            ),
            Disposition::Terminate
        );
    }

    #[test]
    fn handler_masks() {
        let blocked = SignalSet::of(SIGCHLD);
        let mask = handler_mask(blocked, SIGUSR1, &handler(0x8000, 0));
        assert_eq!(
            mask,
            SignalSet::of(SIGCHLD)
                .union(SignalSet::of(SIGUSR2))
                .union(SignalSet::of(SIGUSR1))
        );
        let nodefer = handler_mask(blocked, SIGUSR1, &handler(0x8000, SA_NODEFER));
        assert!(!nodefer.contains(SIGUSR1));
        let all = SignalAction {
            mask: SignalSet(u64::MAX),
            ..handler(0x8000, 0)
        };
        assert!(!handler_mask(blocked, SIGUSR1, &all).contains(SIGKILL));
    }

    #[test]
    fn resethand_and_exec() {
        let mut table = SignalActions::new();
        table.set(SIGUSR1, handler(0x8000, SA_RESETHAND));
        table.set(SIGUSR2, handler(0x8000, 0));
        table.set(
            SIGTERM,
            SignalAction {
                handler: SIG_IGN,
                ..SignalAction::DEFAULT
            },
        );
        let exec = table.for_exec();
        assert_eq!(exec.get(SIGUSR2), SignalAction::DEFAULT);
        assert_eq!(exec.get(SIGTERM).handler, SIG_IGN);
        table.on_delivery(SIGUSR1);
        table.on_delivery(SIGUSR2);
        assert_eq!(table.get(SIGUSR1), SignalAction::DEFAULT);
        assert_eq!(table.get(SIGUSR2).handler, 0x8000);
    }
}
