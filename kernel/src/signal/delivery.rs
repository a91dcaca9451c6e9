// SPDX-License-Identifier: MIT OR Apache-2.0
//! Sending signals, interrupting waits, and delivery on the way out.
//!
//! [`send`] applies a signal to a process: dropped if ignored (and not
//! blocked), the process killed at once if its default is to terminate
//! (and it is another process), otherwise recorded as pending and the
//! thread woken from an interruptible wait. A wait that a signal
//! interrupts ([`wait`], [`wait_until`]) ends with one of the internal
//! restart errors below; the system call returns it, and [`on_return`]
//! (called by the arch crate on every return to a process, after the
//! preemption point) turns it into EINTR or a restart, as Linux's
//! `do_signal` does:
//!
//! | error | a handler runs | no handler runs |
//! |---|---|---|
//! | `ERESTARTSYS` | restart with `SA_RESTART`, else EINTR | restart |
//! | `ERESTARTNOHAND` | EINTR | restart |
//! | `ERESTARTNOINTR` | restart | restart |
//!
//! A restart puts r0 back to the call's first argument and re-enters the
//! call: back over the `svc`, or into the direct-entry trampoline again
//! for a SYSTEM-mode program's direct call (`UserFrame::restart_syscall`),
//! so restarts work the same in both modes. Then each pending, unblocked
//! signal is delivered: ignored, the process killed, or a handler's frame
//! built on the user stack (`frame`) and the registers set to run it.

use super::action::{Disposition, handler_mask};
use super::frame::{self, FRAME_SIZE, UCONTEXT_OFFSET, UCONTEXT_SIZE, UserContext};
use super::info::{ChildEnding, SignalInfo};
use super::state::frame_address;
use crate::process::exit::{exit_current, terminate};
use crate::process::thread::{Event, ThreadState};
use crate::process::{Pid, ProcessTable, with_current, with_table};
use crate::syscall::{Entry, Outcome};
use crate::trap::UserFrame;
use crate::{sched, uaccess};
use abi::errno::Errno;
use abi::signal::{SA_RESTART, SA_RESTORER, SIGSEGV};
use abi::wait;

/// Internal: restart the call if no handler runs or it has `SA_RESTART`
/// (Linux's 512; never seen by a program).
pub const ERESTARTSYS: Errno = Errno(512);
/// Internal: restart the call whatever happens (Linux's 513).
pub const ERESTARTNOINTR: Errno = Errno(513);
/// Internal: restart the call if no handler runs, else EINTR (514).
pub const ERESTARTNOHAND: Errno = Errno(514);

/// How the process entered the kernel this time, for [`on_return`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resume {
    /// A system call that returns a value in r0, with its first argument
    /// (for a restart).
    Syscall {
        /// How it entered.
        entry: Entry,
        /// r0 at entry.
        first_argument: u32,
    },
    /// An interrupt, a fault, or a call that rewrote the frame (execve,
    /// sigreturn): nothing to restart.
    Other,
}

/// Sends `info` to process `pid`; false if there is no such live process.
pub fn send(table: &mut ProcessTable, pid: Pid, info: SignalInfo) -> bool {
    let current_group = table.current().tgid;
    let Some(process) = table.processes.get_mut(&pid) else {
        return false;
    };
    if process.has_ended() {
        return false;
    }
    let signal = info.signal;
    let group = process.tgid;
    let blocked = process.signals.blocked.contains(signal);
    let disposition = process.signal_actions.lock().disposition(signal);
    if !blocked {
        match disposition {
            Disposition::Ignore => return true,
            // Another process: end it now (all its threads). The caller's
            // own process ends when the signal is taken on the way out.
            Disposition::Terminate if group != current_group => {
                terminate(table, pid, wait::signalled(signal));
                return true;
            }
            _ => {}
        }
    }
    process.signals.post(info);
    if !blocked && matches!(process.state, ThreadState::Blocked(_)) {
        table.make_runnable(pid);
    }
    true
}

/// Sends `info` to the process (thread group) `tgid`: to a thread that
/// does not block it, else to the first live one (where it stays pending
/// until that thread unblocks it), as Linux picks a thread for a
/// process-directed signal.
pub fn send_to_process(table: &mut ProcessTable, tgid: Pid, info: SignalInfo) -> bool {
    let threads = table.live_threads(tgid);
    let chosen = threads
        .iter()
        .copied()
        .find(|tid| {
            table
                .processes
                .get(tid)
                .is_some_and(|thread| !thread.signals.blocked.contains(info.signal))
        })
        .or_else(|| threads.first().copied());
    chosen.is_some_and(|tid| send(table, tid, info))
}

/// SIGCHLD for the parent of `child`, which just ended with `status`.
pub fn notify_parent(table: &mut ProcessTable, parent: Pid, child: Pid, status: u32) {
    let ending = if wait::exited(status) {
        ChildEnding::Exited(wait::exit_code(status))
    } else {
        let signal = wait::terminating_signal(status);
        match abi::signal::default_action(signal) {
            Some(abi::signal::DefaultAction::Core) => ChildEnding::Dumped(signal),
            _ => ChildEnding::Killed(signal),
        }
    };
    send_to_process(table, parent, SignalInfo::child(child.0, ending));
}

/// A fault raised `info` in the running process: true if a handler will
/// run for it (installed, not blocked; it is now pending), false if the
/// process must die as before.
pub fn raise_fault(info: SignalInfo) -> bool {
    with_current(|process| {
        let signal = info.signal;
        let catches = matches!(
            process.signal_actions.lock().disposition(signal),
            Disposition::Handler(_)
        );
        let runs = catches && !process.signals.blocked.contains(signal);
        if runs {
            process.signals.post(info);
        }
        runs
    })
}

/// Whether the running thread has a signal to take (pending, unblocked).
pub fn pending() -> bool {
    with_current(|process| !process.signals.deliverable().is_empty())
}

/// Blocks until `event`, unless a signal comes first: then
/// `ERESTARTSYS`, which the call returns (see the module doc).
pub fn wait(event: Event) -> Result<(), Errno> {
    if pending() {
        return Err(ERESTARTSYS);
    }
    sched::block_on(event);
    if pending() { Err(ERESTARTSYS) } else { Ok(()) }
}

/// Blocks until `event` or the `deadline`, unless a signal comes first:
/// `Ok(true)` if the deadline passed, `Err(ERESTARTSYS)` for a signal.
pub fn wait_until(event: Event, deadline: u64) -> Result<bool, Errno> {
    if pending() {
        return Err(ERESTARTSYS);
    }
    let timed_out = sched::block_until(event, deadline);
    if pending() {
        Err(ERESTARTSYS)
    } else {
        Ok(timed_out)
    }
}

/// The restart error a system call left in r0, if any.
fn restart_error(frame: &dyn UserFrame) -> Option<Errno> {
    let value = frame.argument(0) as i32;
    [ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND]
        .into_iter()
        .find(|error| value == error.as_return_value() as i32)
}

/// Whether a call that failed with restart error `error` is entered again:
/// `handler_flags` are the `sa_flags` of the handler about to run, `None`
/// if none runs (the table in the module doc). Otherwise it gives EINTR.
pub fn restarts(error: Errno, handler_flags: Option<u32>) -> bool {
    match handler_flags {
        None => true,
        Some(flags) => error == ERESTARTNOINTR || (error == ERESTARTSYS && flags & SA_RESTART != 0),
    }
}

/// Delivers what is pending to the running process before it resumes
/// with `frame`; `resume` says how it entered the kernel.
pub fn on_return(frame: &mut dyn UserFrame, resume: Resume) {
    let mut restart = match resume {
        Resume::Syscall {
            entry,
            first_argument,
        } => restart_error(frame).map(|error| (error, entry, first_argument)),
        Resume::Other => None,
    };
    if restart.is_none() && super::state::none_pending_anywhere() {
        return;
    }
    loop {
        let next = with_current(|process| {
            let signal = process.signals.next()?;
            let info = process.signals.take(signal);
            let disposition = process.signal_actions.lock().disposition(signal);
            Some((info, disposition))
        });
        let Some((info, disposition)) = next else {
            break;
        };
        match disposition {
            Disposition::Ignore => {}
            Disposition::Terminate => exit_current(wait::signalled(info.signal)),
            Disposition::Handler(action) => {
                if let Some((error, entry, first_argument)) = restart.take() {
                    if restarts(error, Some(action.flags)) {
                        frame.restart_syscall(first_argument, entry);
                    } else {
                        frame.set_result(Errno::EINTR.as_return_value() as u32);
                    }
                }
                run_handler(frame, info, &action);
            }
        }
    }
    if let Some((_, entry, first_argument)) = restart {
        // No handler ran: the call goes on as if nothing had happened,
        // with the mask it had before an interrupted rt_sigsuspend.
        with_current(|process| {
            if let Some(mask) = process.signals.saved_mask.take() {
                process.signals.set_blocked(mask);
            }
        });
        frame.restart_syscall(first_argument, entry);
    }
}

/// Builds the frame for `info`'s handler and points the registers at it;
/// kills the process with SIGSEGV if the frame cannot be written.
fn run_handler(frame: &mut dyn UserFrame, info: SignalInfo, action: &super::SignalAction) {
    crate::vfp::flush_current();
    let registers = frame.general_registers();
    let fault_address = if info.signal == SIGSEGV || info.code > 0 {
        info.fields[0]
    } else {
        0
    };
    let written = with_current(|process| {
        let stack = process.signals.alternate_stack;
        let address = frame_address(registers.sp, FRAME_SIZE as u32, action.flags, &stack);
        let saved_mask = process
            .signals
            .saved_mask
            .take()
            .unwrap_or(process.signals.blocked);
        let context = UserContext {
            stack: stack.to_user(registers.sp),
            registers,
            trap_number: 0,
            error_code: 0,
            fault_address,
            mask: saved_mask,
            vfp: process.vfp,
        };
        let bytes = frame::encode(&info.to_bytes(), &context);
        uaccess::copy_to_user(&mut process.memory.lock(), address, &bytes).ok()?;
        let mask = handler_mask(process.signals.blocked, info.signal, action);
        process.signals.set_blocked(mask);
        process.signal_actions.lock().on_delivery(info.signal);
        Some(address)
    });
    let return_address = if action.flags & SA_RESTORER != 0 {
        Some(action.restorer)
    } else {
        crate::vdso::sigreturn_trampoline()
    };
    match (written, return_address) {
        (Some(address), Some(return_address)) => frame.enter_signal_handler(
            action.handler,
            address,
            return_address,
            [
                info.signal,
                address + frame::INFO_OFFSET as u32,
                address + UCONTEXT_OFFSET as u32,
            ],
        ),
        _ => crate::process::fault::kill_current(
            frame,
            SIGSEGV,
            Some(registers.sp),
            &format_args!(
                "cannot set up the frame of a handler of {}",
                abi::signal::name(info.signal)
            ),
        ),
    }
}

/// rt_sigreturn and sigreturn: restores what the handler's frame at sp
/// holds. Both read the `ucontext` at sp + 128 (the kernel builds only rt
/// frames, so that is where it is for either call); a frame that cannot
/// be read or is not a kernel frame kills the process with SIGSEGV.
pub fn sigreturn(frame: &mut dyn UserFrame, restore_stack: bool) -> Outcome {
    let sp = frame.stack_pointer();
    let mut bytes = alloc::vec![0u8; UCONTEXT_SIZE];
    let context = if sp & 7 == 0 {
        let source = sp.wrapping_add(UCONTEXT_OFFSET as u32);
        with_current(|process| {
            uaccess::copy_from_user(&mut process.memory.lock(), source, &mut bytes)
        })
        .ok()
        .and_then(|()| frame::decode_ucontext(&bytes).ok())
    } else {
        None
    };
    let Some(context) = context else {
        crate::process::fault::kill_current(
            frame,
            SIGSEGV,
            Some(sp),
            &format_args!("bad signal frame"),
        );
    };
    with_current(|process| {
        process.signals.set_blocked(context.mask);
        // d0-d31 and FPSCR are the program's to set anyway (vmov, vmsr);
        // FPEXC is not (EN, EX and the pending-exception state belong to
        // the kernel's VFP switching), so the frame's FPEXC is ignored,
        // as Linux sanitises it.
        process.vfp.d = context.vfp.d;
        process.vfp.fpscr = context.vfp.fpscr;
        if restore_stack {
            // As Linux's restore_altstack: a refused stack is no error.
            let stack = &process.signals.alternate_stack;
            if let Ok(stack) = stack.from_user(context.registers.sp, context.stack) {
                process.signals.alternate_stack = stack;
            }
        }
    });
    crate::vfp::reload_current();
    frame.return_from_signal(&context.registers);
    Outcome::FrameReplaced
}

/// Sends `signal` to every live process `select` accepts, with
/// information `info`; the number that got it.
pub fn send_to_each(select: impl Fn(Pid) -> bool, info: SignalInfo) -> usize {
    with_table(|table| {
        let targets: alloc::vec::Vec<Pid> = table
            .processes
            .values()
            .filter(|process| process.is_leader() && select(process.pid))
            .map(|process| process.pid)
            .filter(|&tgid| !table.live_threads(tgid).is_empty())
            .collect();
        targets
            .into_iter()
            .filter(|&tgid| info.signal == 0 || send_to_process(table, tgid, info))
            .count()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_table() {
        for error in [ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND] {
            assert!(restarts(error, None), "no handler: always restart");
        }
        assert!(restarts(ERESTARTSYS, Some(SA_RESTART)));
        assert!(!restarts(ERESTARTSYS, Some(0)));
        assert!(!restarts(ERESTARTNOHAND, Some(SA_RESTART)), "sleeps: EINTR");
        assert!(restarts(ERESTARTNOINTR, Some(0)));
    }

    #[test]
    fn restart_errors_are_linuxs_and_never_real_errnos() {
        assert_eq!(
            (ERESTARTSYS.0, ERESTARTNOINTR.0, ERESTARTNOHAND.0),
            (512, 513, 514)
        );
        assert_eq!(ERESTARTSYS.as_return_value(), -512);
    }
}
