// SPDX-License-Identifier: MIT OR Apache-2.0
//! What happens after an exception's entry code: process traps and kernel
//! fault reports.
//!
//! An exception from User or System mode belongs to a process: a supervisor
//! call goes to the core's system call dispatch; an abort is decoded
//! (DFSR/IFSR, DFAR/IFAR) into a `kernel::trap::UserFault` for the core's
//! fault handling (demand paging, copy-on-write, or a signal); an undefined
//! instruction is SIGILL. An exception taken in kernel code is a kernel
//! fault: reported with a register dump, and the kernel stops, unless it
//! is one that a hardware probe (`crate::probe`) expects.

use crate::cpu;
use crate::fault_status::{FaultCause, FaultStatus};
use crate::mode::{MODE_MASK, MODE_SYS, MODE_USR, PSR_T, mode_name};
use crate::trap_frame::{FRAME_SIZE, TrapFrame};
use kernel::console::write_emergency;
use kernel::platform::ExitStatus;
use kernel::syscall::{Entry, Resume};
use kernel::trap::{Access, FaultKind, UserFault};

/// The exception kinds, numbered as the entry code passes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum ExceptionKind {
    /// The reset vector (or the unused slot) was reached through VBAR.
    Reset = 0,
    /// An undefined instruction.
    UndefinedInstruction = 1,
    /// A supervisor call.
    SupervisorCall = 2,
    /// An instruction fetch abort.
    PrefetchAbort = 3,
    /// A data access abort.
    DataAbort = 4,
    /// An interrupt request.
    Irq = 5,
    /// A fast interrupt request.
    Fiq = 6,
    /// Not an exception: a SYSTEM-mode program's system call through the
    /// direct-entry trampoline (`kml_direct_entry`).
    DirectCall = 7,
}

impl ExceptionKind {
    /// Maps the number the entry code passes back to a kind.
    fn from_number(number: u32) -> ExceptionKind {
        match number {
            1 => ExceptionKind::UndefinedInstruction,
            2 => ExceptionKind::SupervisorCall,
            3 => ExceptionKind::PrefetchAbort,
            4 => ExceptionKind::DataAbort,
            5 => ExceptionKind::Irq,
            6 => ExceptionKind::Fiq,
            7 => ExceptionKind::DirectCall,
            _ => ExceptionKind::Reset,
        }
    }

    fn description(self) -> &'static str {
        match self {
            ExceptionKind::Reset => "reset vector taken",
            ExceptionKind::UndefinedInstruction => "undefined instruction",
            ExceptionKind::SupervisorCall => "unexpected supervisor call",
            ExceptionKind::PrefetchAbort => "prefetch abort",
            ExceptionKind::DataAbort => "data abort",
            ExceptionKind::Irq => "unexpected IRQ",
            ExceptionKind::Fiq => "unexpected FIQ",
            ExceptionKind::DirectCall => "direct kernel entry",
        }
    }
}

/// Called by every vector's entry code with the frame it built.
///
/// # Safety
/// `frame` must point at the trap frame the entry code just built on the
/// SVC stack; `svc_lr` is the SVC-mode lr at entry.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kml_exception_entry(frame: *mut TrapFrame, kind: u32, svc_lr: u32) {
    // SAFETY: the entry code passes its own, fully written frame, which
    // nothing else references while we handle it.
    let frame = unsafe { &mut *frame };
    let kind = ExceptionKind::from_number(kind);
    if kind != ExceptionKind::DirectCall {
        crate::vectors::count_exception();
    }
    if !matches!(frame.psr & MODE_MASK, MODE_USR | MODE_SYS) {
        // A probe of the hardware (`crate::probe`) expects this fault and
        // resumes with an error result; the return path restores the frame
        // as it stands, User sp and lr untouched.
        if crate::probe::recover(frame, kind) {
            return;
        }
        // The frame's sp/lr slots hold User registers; the kernel's own were
        // the SVC stack above the frame and the SVC lr.
        frame.sp = frame as *mut TrapFrame as u32 + FRAME_SIZE as u32;
        frame.lr = svc_lr;
        fix_up_pc(frame, kind);
        report_kernel_fault(frame, kind);
        kernel::fatal::stop(ExitStatus::KernelFault);
    }
    let resume = handle_user_exception(frame, kind);
    // Every way back to a process passes here: switch if a higher-priority
    // thread became runnable or the time slice ran out.
    kernel::sched::preemption_point();
    // Then, back on this thread, its pending signals: a handler's frame,
    // an interrupted call's EINTR or restart, or the end of the process.
    kernel::signal::delivery::on_return(frame, resume);
}

/// Routes an exception taken from User or System mode to the core; says
/// how the process resumes (a system call's result may be restarted).
fn handle_user_exception(frame: &mut TrapFrame, kind: ExceptionKind) -> Resume {
    match kind {
        ExceptionKind::SupervisorCall => return kernel::syscall::handle(frame, Entry::Trap),
        ExceptionKind::DirectCall => return kernel::syscall::handle(frame, Entry::Direct),
        ExceptionKind::DataAbort => {
            let status = FaultStatus::from_dfsr(cpu::dfsr());
            let access = if status.write {
                Access::Write
            } else {
                Access::Read
            };
            kernel::process::fault::handle_user_fault(
                frame,
                user_fault(status, cpu::dfar(), access),
            );
        }
        ExceptionKind::PrefetchAbort => {
            let status = FaultStatus::from_ifsr(cpu::ifsr());
            kernel::process::fault::handle_user_fault(
                frame,
                user_fault(status, cpu::ifar(), Access::Execute),
            );
        }
        ExceptionKind::UndefinedInstruction => {
            fix_up_pc(frame, kind);
            kernel::process::fault::handle_undefined_instruction(frame);
        }
        ExceptionKind::Irq => crate::interrupts::dispatch_pending(),
        ExceptionKind::Fiq | ExceptionKind::Reset => {
            report_kernel_fault(frame, kind);
            kernel::fatal::stop(ExitStatus::KernelFault);
        }
    }
    Resume::Other
}

/// Reduces a decoded fault status to what the core acts on.
fn user_fault(status: FaultStatus, address: u32, access: Access) -> UserFault {
    let kind = match status.cause {
        FaultCause::TranslationSection | FaultCause::TranslationPage => FaultKind::Translation,
        FaultCause::PermissionSection | FaultCause::PermissionPage => FaultKind::Permission,
        FaultCause::DomainSection | FaultCause::DomainPage => FaultKind::Permission,
        FaultCause::Alignment => FaultKind::Alignment,
        other => FaultKind::Other(other.description()),
    };
    UserFault {
        address,
        access,
        kind,
    }
}

/// The entry code subtracts the ARM-state offset; an undefined Thumb
/// instruction and an SVC sit 2 and 4 bytes further back than that.
fn fix_up_pc(frame: &mut TrapFrame, kind: ExceptionKind) {
    let thumb = frame.psr & PSR_T != 0;
    match kind {
        ExceptionKind::UndefinedInstruction => frame.pc -= if thumb { 2 } else { 4 },
        ExceptionKind::SupervisorCall => frame.pc -= if thumb { 2 } else { 4 },
        _ => {}
    }
}

fn report_kernel_fault(frame: &TrapFrame, kind: ExceptionKind) {
    write_emergency(format_args!(
        "\nKERNEL FAULT: {} at pc {:#010x} in {} mode\n",
        kind.description(),
        frame.pc,
        mode_name(frame.psr)
    ));
    match kind {
        ExceptionKind::DataAbort => {
            let status = FaultStatus::from_dfsr(cpu::dfsr());
            let access = if status.write { "write to" } else { "read of" };
            write_emergency(format_args!(
                "  cause: {status}, {access} {:#010x} (DFSR {:#010x}, DFAR {:#010x})\n",
                cpu::dfar(),
                status.raw,
                cpu::dfar()
            ));
        }
        ExceptionKind::PrefetchAbort => {
            let status = FaultStatus::from_ifsr(cpu::ifsr());
            write_emergency(format_args!(
                "  cause: {status}, instruction fetch from {:#010x} (IFSR {:#010x}, IFAR {:#010x})\n",
                cpu::ifar(),
                status.raw,
                cpu::ifar()
            ));
        }
        _ => {}
    }
    dump_registers(frame);
}

fn dump_registers(frame: &TrapFrame) {
    for (row, values) in frame.r.chunks(4).enumerate() {
        write_emergency(format_args!(" "));
        for (column, value) in values.iter().enumerate() {
            let register = row * 4 + column;
            write_emergency(format_args!(" r{register:<2} {value:#010x}"));
        }
        write_emergency(format_args!("\n"));
    }
    write_emergency(format_args!(
        "  sp  {:#010x}  lr  {:#010x}  pc  {:#010x}  psr {:#010x}\n",
        frame.sp, frame.lr, frame.pc, frame.psr
    ));
}
