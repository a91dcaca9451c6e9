// SPDX-License-Identifier: MIT OR Apache-2.0
//! Faults taken by processes: demand paging, copy-on-write, or a signal.
//!
//! A translation or permission fault first asks the process's memory to
//! resolve the page (fill it on first touch, grow the stack, copy a shared
//! page on write). If that is not allowed, the process gets SIGSEGV;
//! misaligned accesses and external aborts give SIGBUS, undefined
//! instructions SIGILL. A handler for the signal runs if one is installed
//! and the signal is not blocked (delivered on the way out, like any
//! signal); otherwise the process dies, and each death prints one line:
//! pid, program, pc, address, cause. The kernel goes on.

use super::exit::exit_current;
use super::with_current;
use crate::println;
use crate::signal::SignalInfo;
use crate::trap::{Access, FaultKind, UserFault, UserFrame};
use abi::signal;
use abi::wait;

/// Handles a data or prefetch abort taken by the running process.
pub fn handle_user_fault(frame: &mut dyn UserFrame, fault: UserFault) {
    let (signal_number, code, cause) = match fault.kind {
        FaultKind::Translation | FaultKind::Permission => {
            match with_current(|process| process.memory.lock().resolve(fault.address, fault.access))
            {
                Ok(_) => return,
                Err(reason) => {
                    let code = if fault.kind == FaultKind::Translation {
                        signal::SEGV_MAPERR
                    } else {
                        signal::SEGV_ACCERR
                    };
                    (signal::SIGSEGV, code, reason.description())
                }
            }
        }
        FaultKind::Alignment => (signal::SIGBUS, signal::BUS_ADRALN, "alignment fault"),
        FaultKind::Other(description) => (signal::SIGBUS, signal::BUS_ADRERR, description),
    };
    let info = SignalInfo::fault(signal_number, code, fault.address);
    if crate::signal::delivery::raise_fault(info) {
        return;
    }
    let access = match fault.access {
        Access::Read => "read",
        Access::Write => "write",
        Access::Execute => "execute",
    };
    kill_current(
        frame,
        signal_number,
        Some(fault.address),
        &format_args!("{access}: {cause}"),
    );
}

/// Handles an undefined instruction in the running process: the first
/// VFP/NEON instruction since the unit was switched away from it (the
/// lazy switch of `crate::vfp`: it gets the unit and re-executes the
/// instruction at the frame's pc), otherwise SIGILL.
pub fn handle_undefined_instruction(frame: &mut dyn UserFrame) {
    if crate::vfp::claim_for_current() {
        return;
    }
    let info = SignalInfo::fault(signal::SIGILL, signal::ILL_ILLOPC, frame.program_counter());
    if crate::signal::delivery::raise_fault(info) {
        return;
    }
    kill_current(
        frame,
        signal::SIGILL,
        None,
        &format_args!("undefined instruction"),
    );
}

/// Reports and ends the running process as killed by `signal_number`.
pub(crate) fn kill_current(
    frame: &dyn UserFrame,
    signal_number: u32,
    address: Option<u32>,
    cause: &core::fmt::Arguments<'_>,
) -> ! {
    let (pid, name) = with_current(|process| (process.pid, process.name.clone()));
    let address = match address {
        Some(address) => alloc::format!(", address {address:#010x}"),
        None => alloc::string::String::new(),
    };
    println!(
        "pid {} ({name}): killed by {} at pc {:#010x}{address} ({cause})",
        pid.0,
        signal::name(signal_number),
        frame.program_counter(),
    );
    exit_current(wait::signalled(signal_number))
}
