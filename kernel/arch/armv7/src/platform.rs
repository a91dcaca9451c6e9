// SPDX-License-Identifier: MIT OR Apache-2.0
//! The part of `kernel::platform::Platform` that only the CPU decides.
//!
//! Identifying the core, asking the MMU, provoking a fault and halting are
//! the same on every ARMv7-A board, so one type implements them; a board
//! crate makes a `static` of it with its own name.

use crate::{cpu, mmu, semihosting};
use alloc::string::{String, ToString};
use kernel::addr::{PhysAddr, VirtAddr};
use kernel::platform::{ExitStatus, InjectedFault, Platform};

/// A kernel virtual address that no mapping covers: the hole between the
/// user half and the linear map.
const UNMAPPED_KERNEL_ADDRESS: u32 = 0xBAD0_0000;

/// `Platform` for an ARMv7-A board, named after it.
pub struct Armv7Platform {
    board_name: &'static str,
}

impl Armv7Platform {
    /// The platform of the board called `board_name`.
    pub const fn new(board_name: &'static str) -> Armv7Platform {
        Armv7Platform { board_name }
    }
}

impl Platform for Armv7Platform {
    fn board_name(&self) -> &'static str {
        self.board_name
    }

    fn cpu_description(&self) -> String {
        cpu::main_id().to_string()
    }

    fn translate(&self, address: VirtAddr) -> Option<PhysAddr> {
        mmu::translate(address)
    }

    fn inject_fault(&self, fault: InjectedFault) {
        match fault {
            InjectedFault::DataAbort => {
                // SAFETY: deliberately reads an unmapped address: the data
                // abort is the point. The exception handler reports it and
                // stops the kernel, so execution never continues here.
                let _ = unsafe { (UNMAPPED_KERNEL_ADDRESS as *const u32).read_volatile() };
            }
            InjectedFault::PrefetchAbort => {
                // SAFETY: deliberately branches to an unmapped address; the
                // prefetch abort handler reports it and stops the kernel.
                unsafe {
                    core::arch::asm!("blx {}", in(reg) UNMAPPED_KERNEL_ADDRESS, options(noreturn))
                }
            }
            InjectedFault::UndefinedInstruction => {
                // SAFETY: UDF is permanently undefined; the undefined
                // instruction handler reports it and stops the kernel.
                unsafe { core::arch::asm!("udf #0xcafe", options(nomem, nostack)) };
            }
        }
    }

    fn halt(&self, status: ExitStatus, semihosting: bool) -> ! {
        // Without the console lock: the code that faulted may hold it.
        kernel::console::write_emergency(format_args!(
            "KML-rs: stopping with status {}\n",
            status.code()
        ));
        if semihosting {
            semihosting::exit(status.code());
        }
        loop {
            cpu::wait_for_interrupt();
        }
    }
}
