// SPDX-License-Identifier: MIT OR Apache-2.0
//! What happens after an exception's entry code: the kernel fault report.
//!
//! For now every exception is taken in the kernel and is fatal: the report
//! names the exception, decodes DFSR/IFSR with the faulting address, dumps
//! the registers, and stops the kernel with the kernel-fault status. Issue 3
//! will route exceptions from processes to their own handling; faults inside
//! kernel code stay fatal.

use crate::cpu;
use crate::fault_status::FaultStatus;
use crate::mode::{PSR_T, mode_name};
use crate::trap_frame::TrapFrame;
use kernel::console::write_emergency;
use kernel::platform::ExitStatus;

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
        }
    }
}

/// Called by every vector's entry code with the frame it built.
///
/// # Safety
/// `frame` must point at the trap frame the entry code just built on this
/// mode's stack; it is only read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kml_exception_entry(frame: *mut TrapFrame, kind: u32) -> ! {
    // SAFETY: the entry code passes its own, fully written frame.
    let frame = unsafe { &mut *frame };
    let kind = ExceptionKind::from_number(kind);
    fix_up_pc(frame, kind);
    report_kernel_fault(frame, kind);
    kernel::fatal::stop(ExitStatus::KernelFault)
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
    for row in frame.r.chunks(4).enumerate() {
        let (index, values) = row;
        write_emergency(format_args!(" "));
        for (column, value) in values.iter().enumerate() {
            let register = index * 4 + column;
            write_emergency(format_args!(" r{register:<2} {value:#010x}"));
        }
        write_emergency(format_args!("\n"));
    }
    write_emergency(format_args!(
        "  sp  {:#010x}  lr  {:#010x}  pc  {:#010x}  psr {:#010x}\n",
        frame.sp, frame.lr, frame.pc, frame.psr
    ));
}
