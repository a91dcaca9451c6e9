// SPDX-License-Identifier: MIT OR Apache-2.0
//! Who owns the VFP unit: the decisions of lazy switching, as pure code.
//!
//! `crate::vfp` applies these to the hardware and the process table; here
//! they are plain functions of the owner, the running thread and the
//! unit's enable bit, so the host tests can walk through the cases (a
//! switch, a first use, a real undefined instruction, an exit, a flush).

use crate::process::Pid;

/// The thread whose registers are in the unit, if any.
pub type Owner = Option<Pid>;

/// What an undefined instruction taken by the running thread means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Claim {
    /// The unit was on for this thread: the instruction is really
    /// undefined (SIGILL).
    Undefined,
    /// The thread owns the unit and its registers are still in it, but the
    /// unit was off: turn it on, nothing to move.
    Enable,
    /// Move the unit to the running thread: save the registers into
    /// `save_into`'s entry (if someone owned them), load the running
    /// thread's, make it the owner, turn the unit on.
    Take {
        /// The previous owner, whose registers the unit holds.
        save_into: Owner,
    },
}

/// Whether the unit is on while `running` runs.
pub fn enabled_for(owner: Owner, running: Pid) -> bool {
    owner == Some(running)
}

/// The running thread `running` took an undefined instruction with the
/// unit on (`enabled`) or off.
pub fn claim(owner: Owner, running: Pid, enabled: bool) -> Claim {
    if enabled {
        Claim::Undefined
    } else if owner == Some(running) {
        Claim::Enable
    } else {
        Claim::Take { save_into: owner }
    }
}

/// Whether the unit holds newer values of `running`'s registers than its
/// process entry (so a flush must save them).
pub fn holds_newer(owner: Owner, running: Pid) -> bool {
    owner == Some(running)
}

/// The owner after `gone` exited or exec'd: nobody, if it was `gone`.
pub fn after_forget(owner: Owner, gone: Pid) -> Owner {
    owner.filter(|&pid| pid != gone)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Pid = Pid(2);
    const B: Pid = Pid(3);

    #[test]
    fn the_unit_is_on_only_for_its_owner() {
        assert!(enabled_for(Some(A), A));
        assert!(!enabled_for(Some(A), B));
        assert!(!enabled_for(None, A));
    }

    #[test]
    fn first_use_takes_the_unit_from_the_owner() {
        assert_eq!(claim(None, A, false), Claim::Take { save_into: None });
        assert_eq!(
            claim(Some(B), A, false),
            Claim::Take { save_into: Some(B) }
        );
    }

    #[test]
    fn an_undefined_instruction_with_the_unit_on_is_real() {
        assert_eq!(claim(Some(A), A, true), Claim::Undefined);
    }

    #[test]
    fn an_owner_with_the_unit_off_just_turns_it_on() {
        assert_eq!(claim(Some(A), A, false), Claim::Enable);
    }

    #[test]
    fn only_the_owner_has_newer_registers_in_the_unit() {
        assert!(holds_newer(Some(A), A));
        assert!(!holds_newer(Some(B), A));
        assert!(!holds_newer(None, A));
    }

    #[test]
    fn exit_and_exec_drop_only_their_own_ownership() {
        assert_eq!(after_forget(Some(A), A), None);
        assert_eq!(after_forget(Some(A), B), Some(A));
        assert_eq!(after_forget(None, A), None);
    }

    #[test]
    fn two_threads_alternating_trap_once_per_turn() {
        // A uses the unit, B runs and uses it, A comes back.
        let mut owner = None;
        assert!(!enabled_for(owner, A));
        assert_eq!(claim(owner, A, false), Claim::Take { save_into: None });
        owner = Some(A);
        assert!(!enabled_for(owner, B));
        assert_eq!(
            claim(owner, B, false),
            Claim::Take { save_into: Some(A) }
        );
        owner = Some(B);
        // A integer-only thread in between leaves the owner alone.
        assert!(enabled_for(owner, B));
        assert_eq!(
            claim(owner, A, false),
            Claim::Take { save_into: Some(B) }
        );
    }
}
