// SPDX-License-Identifier: MIT OR Apache-2.0
//! A thread's own signal state: blocked, pending, alternate stack.
//!
//! These are per thread in POSIX and Linux, so they live in the thread's
//! entry (`Process` today). A pending signal keeps the `siginfo_t` of its
//! first sending; sending it again while pending changes nothing (the
//! classic signals' rule, applied to the real-time ones too: they do not
//! queue here). Delivery takes the synchronous signals (faults) first,
//! then the lowest number, as Linux does.

use super::info::SignalInfo;
use super::set::SignalSet;
use abi::errno::Errno;
use abi::signal::{
    MINSIGSTKSZ, SA_ONSTACK, SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGSYS, SIGTRAP, SS_DISABLE,
    SS_ONSTACK,
};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicUsize, Ordering};

/// The signals a fault raises: delivered before any other.
const SYNCHRONOUS: SignalSet = SignalSet(
    1 << (SIGSEGV - 1)
        | 1 << (SIGBUS - 1)
        | 1 << (SIGILL - 1)
        | 1 << (SIGTRAP - 1)
        | 1 << (SIGFPE - 1)
        | 1 << (SIGSYS - 1),
);

/// A thread's alternate signal stack (`sigaltstack`); size 0: none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AlternateStack {
    /// Its lowest address (`ss_sp`).
    pub base: u32,
    /// Its size in bytes (`ss_size`); 0 when disabled.
    pub size: u32,
}

impl AlternateStack {
    /// Whether `sp` lies on it (the thread runs a handler there now).
    pub fn contains(&self, sp: u32) -> bool {
        self.size != 0 && sp.wrapping_sub(self.base) < self.size
    }

    /// The `stack_t` a thread at `sp` reads back: `(ss_sp, ss_flags,
    /// ss_size)`.
    pub fn to_user(&self, sp: u32) -> [u32; 3] {
        let flags = if self.size == 0 {
            SS_DISABLE
        } else if self.contains(sp) {
            SS_ONSTACK
        } else {
            0
        };
        [self.base, flags, self.size]
    }

    /// The stack a thread at `sp` asks for with `stack_t` `(ss_sp,
    /// ss_flags, ss_size)`: EPERM while it runs on its current one,
    /// EINVAL for unknown flags, ENOMEM below MINSIGSTKSZ.
    pub fn from_user(&self, sp: u32, requested: [u32; 3]) -> Result<AlternateStack, Errno> {
        let [base, flags, size] = requested;
        if self.contains(sp) {
            return Err(Errno::EPERM);
        }
        match flags {
            SS_DISABLE => Ok(AlternateStack::default()),
            // SS_ONSTACK is accepted and means nothing, as on Linux.
            0 | SS_ONSTACK => {
                if size < MINSIGSTKSZ {
                    Err(Errno::ENOMEM)
                } else if base.checked_add(size).is_none() {
                    Err(Errno::EINVAL)
                } else {
                    Ok(AlternateStack { base, size })
                }
            }
            _ => Err(Errno::EINVAL),
        }
    }
}

/// Where a signal frame of `size` bytes goes for a thread at `sp`: on the
/// alternate stack if the action asks (`SA_ONSTACK` in `flags`) and the
/// thread is not on it already, else below `sp`; 8-byte aligned.
pub fn frame_address(sp: u32, size: u32, flags: u32, stack: &AlternateStack) -> u32 {
    let top = if flags & SA_ONSTACK != 0 && stack.size != 0 && !stack.contains(sp) {
        stack.base.wrapping_add(stack.size)
    } else {
        sp
    };
    top.wrapping_sub(size) & !7
}

/// How many signals are pending in all threads together, or more (a
/// thread that ends gives its count back when its state is dropped). When
/// it is zero the return path to a process skips the signal check and its
/// lock: most system calls pay nothing for signals.
static PENDING_ANYWHERE: AtomicUsize = AtomicUsize::new(0);

/// Whether no thread has a signal pending (an exact "no"; a "yes" may be
/// stale).
pub fn none_pending_anywhere() -> bool {
    PENDING_ANYWHERE.load(Ordering::Relaxed) == 0
}

/// One thread's signal state. Not `Clone`: each pending signal is counted
/// once in `PENDING_ANYWHERE`.
#[derive(Debug, PartialEq, Eq)]
pub struct ThreadSignals {
    /// Signals it blocks.
    pub blocked: SignalSet,
    /// Signals sent to it and not yet delivered.
    pub pending: SignalSet,
    /// Each pending signal's information (one entry per pending signal:
    /// a `Vec`, not an array of 64, keeps `Process` small, since it is
    /// built on 8 KiB kernel stacks).
    infos: Vec<SignalInfo>,
    /// Its alternate stack.
    pub alternate_stack: AlternateStack,
    /// The mask to restore once a handler interrupted rt_sigsuspend or
    /// pause has run (the handler's frame records it).
    pub saved_mask: Option<SignalSet>,
}

impl Default for ThreadSignals {
    fn default() -> Self {
        Self::new()
    }
}

impl ThreadSignals {
    /// Nothing blocked, nothing pending, no alternate stack.
    pub const fn new() -> ThreadSignals {
        ThreadSignals {
            blocked: SignalSet::EMPTY,
            pending: SignalSet::EMPTY,
            infos: Vec::new(),
            alternate_stack: AlternateStack { base: 0, size: 0 },
            saved_mask: None,
        }
    }

    /// The state of a forked child: the same mask and alternate stack,
    /// nothing pending (POSIX).
    pub fn for_child(&self) -> ThreadSignals {
        let mut child = ThreadSignals::new();
        child.blocked = self.blocked;
        child.alternate_stack = self.alternate_stack;
        child
    }

    /// The state across execve: the mask and pending signals stay, the
    /// alternate stack goes (it was in the old program's memory).
    pub fn on_exec(&mut self) {
        self.alternate_stack = AlternateStack::default();
        self.saved_mask = None;
    }

    /// Records `info` as pending (a signal already pending keeps its
    /// first information).
    pub fn post(&mut self, info: SignalInfo) {
        let signal = info.signal;
        if self.pending.contains(signal) {
            return;
        }
        self.pending.insert(signal);
        self.infos.push(info);
        PENDING_ANYWHERE.fetch_add(1, Ordering::Relaxed);
    }

    /// Pending signals it does not block.
    pub fn deliverable(&self) -> SignalSet {
        self.pending.minus(self.blocked)
    }

    /// The pending signal to deliver next, if any is unblocked.
    pub fn next(&self) -> Option<u32> {
        let ready = self.deliverable();
        SignalSet(ready.0 & SYNCHRONOUS.0)
            .lowest()
            .or_else(|| ready.lowest())
    }

    /// Takes `signal` off the pending set; its information.
    pub fn take(&mut self, signal: u32) -> SignalInfo {
        if self.pending.contains(signal) {
            PENDING_ANYWHERE.fetch_sub(1, Ordering::Relaxed);
        }
        self.pending.remove(signal);
        match self.infos.iter().position(|info| info.signal == signal) {
            Some(index) => self.infos.swap_remove(index),
            None => SignalInfo::default(),
        }
    }

    /// Sets the blocked mask (never SIGKILL or SIGSTOP).
    pub fn set_blocked(&mut self, mask: SignalSet) {
        self.blocked = mask.blockable();
    }
}

impl Drop for ThreadSignals {
    fn drop(&mut self) {
        let count = self.pending.0.count_ones() as usize;
        if count > 0 {
            PENDING_ANYWHERE.fetch_sub(count, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi::signal::{SIGCHLD, SIGKILL, SIGUSR1, SIGUSR2};

    #[test]
    fn pending_blocked_and_order() {
        let mut state = ThreadSignals::new();
        state.post(SignalInfo::user(SIGUSR2, 3));
        state.post(SignalInfo::user(SIGCHLD, 4));
        state.post(SignalInfo::user(SIGUSR2, 5));
        state.set_blocked(SignalSet::of(SIGUSR2).union(SignalSet::of(SIGKILL)));
        assert!(!state.blocked.contains(SIGKILL));
        assert_eq!(state.next(), Some(SIGCHLD));
        assert_eq!(state.take(SIGCHLD).fields[0], 4);
        assert_eq!(state.next(), None);
        state.set_blocked(SignalSet::EMPTY);
        // The first sending's information stays.
        assert_eq!(state.take(SIGUSR2).fields[0], 3);
        state.post(SignalInfo::user(SIGUSR1, 1));
        state.post(SignalInfo::fault(SIGSEGV, 1, 0));
        assert_eq!(state.next(), Some(SIGSEGV), "faults first");
    }

    #[test]
    fn fork_keeps_the_mask_not_the_pending() {
        let mut state = ThreadSignals::new();
        state.set_blocked(SignalSet::of(SIGUSR1));
        state.post(SignalInfo::user(SIGUSR1, 1));
        let child = state.for_child();
        assert_eq!(child.blocked, SignalSet::of(SIGUSR1));
        assert!(child.pending.is_empty());
    }

    #[test]
    fn alternate_stacks() {
        let none = AlternateStack::default();
        assert_eq!(none.to_user(0x1000), [0, SS_DISABLE, 0]);
        assert_eq!(
            none.from_user(0x1000, [0x8000, 0, 1024]),
            Err(Errno::ENOMEM)
        );
        assert_eq!(
            none.from_user(0x1000, [0x8000, 7, 4096]),
            Err(Errno::EINVAL)
        );
        let stack = none.from_user(0x1000, [0x8000, 0, 4096]).unwrap();
        assert_eq!(stack.to_user(0x1000), [0x8000, 0, 4096]);
        assert_eq!(stack.to_user(0x8800), [0x8000, SS_ONSTACK, 4096]);
        assert_eq!(
            stack.from_user(0x8800, [0, SS_DISABLE, 0]),
            Err(Errno::EPERM)
        );
        assert_eq!(stack.from_user(0x1000, [0, SS_DISABLE, 0]), Ok(none));
    }

    #[test]
    fn frames_go_below_sp_or_on_the_alternate_stack() {
        let stack = AlternateStack {
            base: 0x8000,
            size: 0x1000,
        };
        assert_eq!(
            frame_address(0x2_0004, 888, 0, &stack),
            (0x2_0004 - 888) & !7
        );
        assert_eq!(
            frame_address(0x2_0000, 888, SA_ONSTACK, &stack),
            0x9000 - 888
        );
        // Already on it: nest below the current sp.
        assert_eq!(frame_address(0x8800, 888, SA_ONSTACK, &stack), 0x8800 - 888);
        let none = AlternateStack::default();
        assert_eq!(
            frame_address(0x2_0000, 888, SA_ONSTACK, &none),
            0x2_0000 - 888
        );
    }
}
