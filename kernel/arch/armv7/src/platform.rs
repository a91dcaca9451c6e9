// SPDX-License-Identifier: MIT OR Apache-2.0
//! The part of `kernel::platform::Platform` that only the CPU decides.
//!
//! Identifying the core, asking the MMU, provoking a fault and halting are
//! the same on every ARMv7-A board, so one type implements them; a board
//! crate makes a `static` of it with its own name.

use crate::address_space::Armv7AddressSpace;
use crate::{context, cpu, mmu, probe, semihosting, vfp};
use alloc::boxed::Box;
use core::sync::atomic::{AtomicU32, Ordering};
use kernel::addr::{PhysAddr, VirtAddr};
use kernel::platform::{ExitStatus, Hwcaps, InjectedFault, Platform};
use kernel::time::Clock;
use kernel::trap::UserFrame;
use kernel::vfp::VfpState;
use kernel::vm::address_space::AddressSpace;
use spin::Once;

/// A kernel virtual address that no mapping covers: the hole between the
/// user half and the linear map.
const UNMAPPED_KERNEL_ADDRESS: u32 = 0xBAD0_0000;

/// `Platform` for an ARMv7-A board, named after it.
pub struct Armv7Platform {
    board_name: &'static str,
    clock: Once<&'static dyn Clock>,
    /// The frequency of the user-readable counter the clock reads; 0: none.
    user_counter: AtomicU32,
    /// What the auxiliary vector tells programs about the CPU, computed
    /// once at boot after the VFP unit was opened.
    hwcaps: Once<Hwcaps>,
}

impl Armv7Platform {
    /// The platform of the board called `board_name`.
    pub const fn new(board_name: &'static str) -> Armv7Platform {
        Armv7Platform {
            board_name,
            clock: Once::new(),
            user_counter: AtomicU32::new(0),
            hwcaps: Once::new(),
        }
    }

    /// Records the CPU's capabilities (once, at boot).
    pub fn set_hwcaps(&self, hwcaps: Hwcaps) {
        self.hwcaps.call_once(|| hwcaps);
    }

    /// Records that the clock is a counter of `frequency` Hz that programs
    /// may read themselves (the generic timer with CNTKCTL.PL0VCTEN).
    pub fn set_user_counter(&self, frequency: u32) {
        self.user_counter.store(frequency, Ordering::Relaxed);
    }

    /// Sets the clock `monotonic_nanoseconds` reads (once, at boot).
    pub fn set_clock(&self, clock: &'static dyn Clock) {
        self.clock.call_once(|| clock);
    }
}

impl Platform for Armv7Platform {
    fn board_name(&self) -> &'static str {
        self.board_name
    }

    fn describe_cpu(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, "{}", cpu::main_id())
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

    fn fault_recovery_works(&self) -> bool {
        static WORD: u32 = 0x4B4D_4C3F;
        // SAFETY: both reads have no side effect: one of a static word,
        // one of an address nothing maps, whose translation fault the
        // probe turns into `None`.
        let (mapped, unmapped) = unsafe {
            (
                probe::read_word(&raw const WORD as usize),
                probe::read_word(UNMAPPED_KERNEL_ADDRESS as usize),
            )
        };
        // Also the UNDEFINED path: reading SCR is UNDEFINED in the
        // Non-secure state and on cores without the Security Extensions
        // (QEMU's virt), and reads fine in the Secure state (sabrelite);
        // either way it must come back here.
        let _ = probe::secure_configuration();
        mapped == Some(WORD) && unmapped.is_none()
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

    fn new_address_space(&self) -> Option<Box<dyn AddressSpace>> {
        Armv7AddressSpace::create()
    }

    unsafe fn prepare_thread(
        &self,
        stack_top: usize,
        initialize: &mut dyn FnMut(&mut dyn UserFrame),
    ) -> u32 {
        // SAFETY: forwarded from the caller.
        unsafe { context::prepare_thread(stack_top, initialize) }
    }

    unsafe fn switch_thread(&self, save: *mut u32, load: u32, token: u32) {
        // SAFETY: forwarded from the caller.
        unsafe { context::switch(save, load, token) }
    }

    fn set_thread_pointer(&self, value: u32) {
        // SAFETY: TPIDRURO is a software register user code reads; it
        // holds no kernel state.
        unsafe {
            core::arch::asm!("mcr p15, 0, {}, c13, c0, 3", in(reg) value, options(nomem, nostack, preserves_flags))
        };
    }

    fn monotonic_nanoseconds(&self) -> u64 {
        self.clock.get().map_or(0, |clock| clock.nanoseconds())
    }

    fn exceptions_taken(&self) -> u32 {
        crate::vectors::exceptions_taken()
    }

    fn user_counter_frequency(&self) -> Option<u32> {
        match self.user_counter.load(Ordering::Relaxed) {
            0 => None,
            frequency => Some(frequency),
        }
    }

    fn direct_entry_address(&self) -> u32 {
        crate::vectors::direct_entry_address()
    }

    fn clock_resolution(&self) -> u64 {
        self.clock.get().map_or(1, |clock| clock.resolution())
    }

    fn set_timer(&self, deadline: Option<u64>) {
        crate::interrupts::set_timer(deadline, || self.monotonic_nanoseconds());
    }

    fn wait_for_interrupt(&self) {
        crate::interrupts::wait_for_interrupt();
    }

    fn vfp_present(&self) -> bool {
        vfp::present()
    }

    fn vfp_enabled(&self) -> bool {
        vfp::enabled()
    }

    fn vfp_set_enabled(&self, enabled: bool) {
        if vfp::present() {
            vfp::set_enabled(enabled);
        }
    }

    fn vfp_save(&self, state: &mut VfpState) {
        vfp::save(state);
    }

    fn vfp_load(&self, state: &VfpState) {
        vfp::load(state);
    }

    fn hwcaps(&self) -> Hwcaps {
        self.hwcaps.get().copied().unwrap_or_default()
    }
}
