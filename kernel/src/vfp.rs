// SPDX-License-Identifier: MIT OR Apache-2.0
//! A thread's VFP/NEON registers, and who has them in the unit (lazily).
//!
//! The kernel itself is soft-float and never touches the unit for its own
//! work; user threads (USR and SYSTEM mode) own it in turn. While a thread
//! is not the unit's owner its registers live in its process entry
//! (`Process::vfp`). Signal delivery and sigreturn read and write that
//! copy, after [`flush_current`] and before [`reload_current`].
//!
//! # Strategy: lazy switching
//!
//! The unit holds one thread's registers at a time, its *owner*'s. A
//! context switch does not save or load anything: it only turns the unit
//! on (FPEXC.EN = 1) if the incoming thread is the owner, off otherwise
//! ([`switch_to`]). The first VFP or NEON instruction of a thread that
//! does not own the unit is then UNDEFINED; [`claim_for_current`] saves
//! the owner's registers into its process entry, loads the running
//! thread's, makes it the owner and lets it execute the instruction
//! again. An undefined instruction taken while the unit was already on
//! is a real one: SIGILL.
//!
//! Why lazy, as Linux's arch/arm/vfp does on uniprocessors: the full
//! VFPv3-D32 state is 264 bytes (32 double registers, FPSCR, FPEXC), two
//! 16-register VSTM/VLDM pairs per switch, and most threads on this kernel
//! (the shells, pipes and real-time loops of the test suites) never touch
//! the unit. With lazy switching they pay one FPEXC write per switch and
//! nothing else; two FP-heavy threads that alternate pay one trap per
//! switch on top of the save and load an eager scheme would do anyway; and
//! a single FP thread among integer ones keeps its registers in the unit
//! across every switch. The kernel runs on one core, so the owner's
//! registers can never be live on another CPU (the reason SMP Linux saves
//! eagerly at each switch).
//!
//! Thread identity: a process has one thread today, so the owner is a
//! [`Pid`]; with threads it becomes the thread's identifier.
//!
//! The decisions are in [`ownership`] (pure, host-tested); this file
//! applies them to the process table and the unit, which it reaches only
//! through `platform::Platform`.

pub mod ownership;

use crate::platform;
use crate::process::{Pid, ProcessTable, TABLE};
use core::sync::atomic::{AtomicU32, Ordering};
use ownership::{Claim, Owner};

/// VFPv3-D32 / NEON state: d0-d31, FPSCR and FPEXC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VfpState {
    /// The 32 double registers (q0-q15 seen as pairs). On a unit with 16
    /// registers only d0-d15 are saved and loaded; d16-d31 stay zero.
    pub d: [u64; 32],
    /// Status and control.
    pub fpscr: u32,
    /// Exception register as it was saved (EN bit and pending exception
    /// state), for the record: loading always turns the unit on.
    pub fpexc: u32,
}

impl VfpState {
    /// The state a new program starts with: all zero, round to nearest.
    pub const fn new() -> VfpState {
        VfpState {
            d: [0; 32],
            fpscr: 0,
            fpexc: 0,
        }
    }
}

impl Default for VfpState {
    fn default() -> Self {
        Self::new()
    }
}

/// The pid whose registers are in the unit; 0: nobody's (pids start at
/// 1). An atomic rather than a field of the process table so that
/// [`switch_to`] and [`reload_current`] need no lock.
static OWNER: AtomicU32 = AtomicU32::new(0);

fn owner() -> Owner {
    match OWNER.load(Ordering::Relaxed) {
        0 => None,
        pid => Some(Pid(pid)),
    }
}

fn set_owner(owner: Owner) {
    OWNER.store(owner.map_or(0, |pid| pid.0), Ordering::Relaxed);
}

/// The scheduler is about to run `next`: the unit is on for it only if
/// it owns it. Needs no lock; the scheduler calls it just before the
/// context switch.
pub fn switch_to(next: Pid) {
    let platform = platform::get();
    if platform.vfp_present() {
        platform.vfp_set_enabled(ownership::enabled_for(owner(), next));
    }
}

/// The running thread took an undefined instruction: if that is because
/// the unit was off for it, give it the unit (saving the previous owner's
/// registers, loading its own) and return true, so it re-executes the
/// instruction. False means a real undefined instruction (SIGILL).
///
/// Locks the process table: the caller must not hold it.
pub fn claim_for_current() -> bool {
    let platform = platform::get();
    if !platform.vfp_present() {
        return false;
    }
    let mut guard = TABLE.lock();
    let Some(table) = guard.as_mut() else {
        return false;
    };
    let current = table.current;
    match ownership::claim(owner(), current, platform.vfp_enabled()) {
        Claim::Undefined => false,
        Claim::Enable => {
            platform.vfp_set_enabled(true);
            true
        }
        Claim::Take { save_into } => {
            if let Some(previous) = save_into
                && let Some(process) = table.processes.get_mut(&previous)
            {
                platform.vfp_save(&mut process.vfp);
            }
            platform.vfp_load(&table.current().vfp);
            set_owner(Some(current));
            true
        }
    }
}

/// Makes the running thread's [`VfpState`] in its process entry current:
/// if the hardware holds newer values, they are saved there first. The
/// thread keeps the unit, so it goes on without another trap.
///
/// Locks the process table: must **not** be called with `TABLE` held
/// (use [`flush_current_locked`] there).
pub fn flush_current() {
    let mut guard = TABLE.lock();
    if let Some(table) = guard.as_mut() {
        flush_current_locked(table);
    }
}

/// [`flush_current`] for a caller that already holds the process table.
pub fn flush_current_locked(table: &mut ProcessTable) {
    let platform = platform::get();
    let current = table.current;
    if platform.vfp_present() && ownership::holds_newer(owner(), current) {
        platform.vfp_save(&mut table.current().vfp);
    }
}

/// The running thread's [`VfpState`] was rewritten in memory (sigreturn):
/// the hardware copy, if any, is stale and must be reloaded before the
/// thread uses the unit again. It is: the thread gives up the unit, and
/// its next VFP instruction traps and loads the new values.
///
/// Takes no lock: may be called with or without `TABLE` held.
pub fn reload_current() {
    // The unit is on exactly when the running thread owns it (what
    // `switch_to`, `claim_for_current` and `forget` keep true), so no pid
    // and no lock is needed to know.
    let platform = platform::get();
    if platform.vfp_present() && platform.vfp_enabled() {
        set_owner(None);
        platform.vfp_set_enabled(false);
    }
}

/// `pid` ended or replaced its program (execve): its registers in the
/// unit, if any, are worthless and must never be saved over its entry.
/// The unit goes off; whoever uses it next loads their own state.
///
/// Takes no lock: may be called with or without `TABLE` held.
pub fn forget(pid: Pid) {
    let next = ownership::after_forget(owner(), pid);
    if next != owner() {
        set_owner(next);
        let platform = platform::get();
        if platform.vfp_present() {
            platform.vfp_set_enabled(false);
        }
    }
}
