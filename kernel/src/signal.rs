// SPDX-License-Identifier: MIT OR Apache-2.0
//! POSIX signals with Linux ARM semantics: state, decisions, delivery.
//!
//! The pure parts are plain data and functions with host tests: signal
//! sets ([`set`]), the handler table and what a signal does ([`action`]),
//! `siginfo_t` ([`info`]), a thread's blocked mask, pending set and
//! alternate stack ([`state`]) and the bytes of Linux's `struct
//! rt_sigframe` ([`frame`]). [`delivery`] applies them to the process
//! table and the trap frame on every return to a process.
//!
//! Who owns what: the blocked mask, the pending set and the alternate
//! stack are per thread ([`state::ThreadSignals`], a field of each
//! thread's `Process` entry); the handler table is shared by the threads
//! of a process (`CLONE_SIGHAND`: [`action::SignalActions`] behind an
//! `Arc<Mutex<_>>`, copied at fork, reset at execve). A signal sent to a
//! process (kill) goes to one of its threads that does not block it, else
//! to its first live thread (`delivery::send_to_process`); tkill and
//! tgkill reach one thread.
//!
//! Decisions:
//! - Ignored signals are dropped when sent, unless blocked (as Linux).
//! - A signal whose default is to stop (SIGSTOP, SIGTSTP, SIGTTIN,
//!   SIGTTOU) is ignored by default: there is no job control, nothing
//!   stops. SIGCONT's default does nothing; its handler runs if one is
//!   installed.
//! - Real-time signals (32-64) do not queue: one of each may be pending,
//!   like the classic ones.
//! - A fault (SIGSEGV, SIGBUS, SIGILL) runs a handler if one is installed
//!   and the signal is not blocked; otherwise the process dies with the
//!   one-line report of `process::fault`, as before.

pub mod action;
pub mod delivery;
pub mod frame;
pub mod info;
pub mod set;
pub mod state;

pub use action::{SignalAction, SignalActions};
pub use info::SignalInfo;
pub use set::SignalSet;
pub use state::ThreadSignals;
