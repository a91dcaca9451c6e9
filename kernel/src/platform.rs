// SPDX-License-Identifier: MIT OR Apache-2.0
//! What the core asks of the CPU and board beneath it.
//!
//! The core never tests a board with `cfg`: it talks to the hardware only
//! through [`Platform`], which a board crate implements (forwarding CPU
//! questions to the arch crate). The trait stays small on purpose; each
//! method is something the generic boot sequence cannot do in safe code.

use crate::addr::{PhysAddr, PhysRange, VirtAddr};
use crate::trap::UserFrame;
use crate::vfp::VfpState;
use crate::vm::address_space::AddressSpace;
use alloc::boxed::Box;

/// How the kernel ends, and the status QEMU exits with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Every self-check passed (later: init exited with this status).
    Success,
    /// A Rust panic in the kernel.
    Panic,
    /// An exception taken in kernel code (abort, undefined instruction).
    KernelFault,
    /// The init process ended: its exit code, or 128 + the signal that
    /// killed it, as a shell reports it.
    InitExited(u8),
    /// The kernel could not start init (missing ramdisk or program).
    NoInit,
}

impl ExitStatus {
    /// The numeric status reported to the host (semihosting exit code).
    pub const fn code(self) -> u32 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Panic => 101,
            ExitStatus::KernelFault => 102,
            ExitStatus::InitExited(code) => code as u32,
            ExitStatus::NoInit => 103,
        }
    }
}

/// A fault the kernel provokes in itself to prove that its fault reporting
/// works (`kml.selftest=` on the command line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InjectedFault {
    /// Read from an unmapped kernel address.
    DataAbort,
    /// Jump to an unmapped kernel address.
    PrefetchAbort,
    /// Execute a permanently undefined instruction.
    UndefinedInstruction,
}

/// What the CPU offers programs, as the auxiliary vector says it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hwcaps {
    /// `AT_HWCAP` (Linux's `HWCAP_*` bits for ARM).
    pub hwcap: u32,
    /// `AT_HWCAP2` (`HWCAP2_*`: the ARMv8 crypto extensions; 0 here).
    pub hwcap2: u32,
}

/// How kernel virtual addresses relate to physical RAM: one linear window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinearMap {
    /// The physical RAM the window covers.
    pub physical: PhysRange,
    /// Where `physical.start` appears in the kernel's address space.
    pub virtual_base: VirtAddr,
}

impl LinearMap {
    /// The kernel virtual address of `address`, if the window covers it.
    pub fn virtual_address(&self, address: PhysAddr) -> Option<VirtAddr> {
        self.physical
            .contains(address)
            .then(|| VirtAddr(self.virtual_base.0 + (address.0 - self.physical.start.0)))
    }

    /// The physical address behind the kernel virtual address `address`.
    pub fn physical_address(&self, address: VirtAddr) -> Option<PhysAddr> {
        let offset = address.0.checked_sub(self.virtual_base.0)?;
        (offset < self.physical.size()).then(|| PhysAddr(self.physical.start.0 + offset))
    }
}

/// The services of the CPU and board that the generic core relies on.
pub trait Platform: Sync {
    /// The board's name as users type it (`imx6q`, `qemu-virt`, ...).
    fn board_name(&self) -> &'static str;

    /// Names the CPU (core, revision, raw MIDR) on one line. Writes
    /// instead of returning a `String` because the banner prints it
    /// before the heap exists.
    fn describe_cpu(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result;

    /// Asks the MMU which physical address `address` translates to, as a
    /// privileged read would (a self-check of the page tables).
    fn translate(&self, address: VirtAddr) -> Option<PhysAddr>;

    /// Provokes `fault` in kernel mode. Returns only if the fault did not
    /// happen, which is itself a failure.
    fn inject_fault(&self, fault: InjectedFault);

    /// Checks the kernel's recovery from expected faults (how it probes
    /// hardware that may not answer): a probing read of a mapped word must
    /// return it, one of an unmapped address must come back as "nothing
    /// there" instead of a kernel fault. `true` if both did.
    fn fault_recovery_works(&self) -> bool;

    /// Stops the machine with `status`. With `semihosting` (QEMU) the
    /// emulator exits with the status; otherwise the CPU halts.
    fn halt(&self, status: ExitStatus, semihosting: bool) -> !;

    /// A new, empty user address space, or `None` without memory or ASIDs.
    fn new_address_space(&self) -> Option<Box<dyn AddressSpace>>;

    /// Lays out a new thread's kernel stack below `stack_top` (8-aligned):
    /// a user trap frame that `initialize` fills in, and a saved context
    /// that returns to user mode through it. Returns the saved sp.
    ///
    /// # Safety
    /// The 128 bytes below `stack_top` must belong to the new thread's
    /// kernel stack and be used by nothing else.
    #[allow(unsafe_code)] // the context hand-off, listed in the crate root
    unsafe fn prepare_thread(
        &self,
        stack_top: usize,
        initialize: &mut dyn FnMut(&mut dyn UserFrame),
    ) -> u32;

    /// Saves the running thread's context, storing its sp at `save`, and
    /// resumes the thread whose saved sp is `load`, recording `token` as
    /// the running thread (the core passes its thread group's id, which
    /// the arch's getpid fast paths return). Returns when something
    /// switches back.
    ///
    /// # Safety
    /// `save` must stay valid until then; `load` must come from
    /// `prepare_thread` or an earlier switch, with its stack still alive.
    #[allow(unsafe_code)] // the context hand-off, listed in the crate root
    unsafe fn switch_thread(&self, save: *mut u32, load: u32, token: u32);

    /// Sets the user-readable thread pointer (TPIDRURO) that `set_tls`
    /// gives each thread.
    fn set_thread_pointer(&self, value: u32);

    /// Nanoseconds since the board's clock started.
    fn monotonic_nanoseconds(&self) -> u64;

    /// Exceptions the CPU has taken since boot (wrapping).
    fn exceptions_taken(&self) -> u32;

    /// The frequency of the counter the monotonic clock reads, if programs
    /// may read it themselves (the vDSO then answers `clock_gettime`
    /// without entering the kernel).
    fn user_counter_frequency(&self) -> Option<u32>;

    /// The kernel address a SYSTEM-mode program's vDSO calls to enter the
    /// kernel without an exception (the KML direct-entry trampoline; see
    /// `abi::vdso`).
    fn direct_entry_address(&self) -> u32;

    /// The clock's resolution in nanoseconds.
    fn clock_resolution(&self) -> u64;

    /// Arms the one-shot timer to interrupt at `deadline` (monotonic
    /// nanoseconds), or disarms it with `None`.
    fn set_timer(&self, deadline: Option<u64>);

    /// Whether the CPU has a VFP/NEON unit that user threads may use
    /// (CPACR opened cp10 and cp11 at boot). Without one every other
    /// `vfp_` method does nothing.
    fn vfp_present(&self) -> bool;

    /// Whether the unit is on (FPEXC.EN).
    fn vfp_enabled(&self) -> bool;

    /// Turns the unit on or off (FPEXC.EN). While it is off, every VFP and
    /// NEON instruction of a user thread is UNDEFINED (the lazy switch's
    /// trap, see `crate::vfp`).
    fn vfp_set_enabled(&self, enabled: bool);

    /// Saves the unit's registers (the d registers it has, FPSCR, FPEXC)
    /// into `state`, leaving the unit on or off as it was.
    fn vfp_save(&self, state: &mut VfpState);

    /// Loads `state` into the unit and turns it on.
    fn vfp_load(&self, state: &VfpState);

    /// `AT_HWCAP` and `AT_HWCAP2` for this CPU.
    fn hwcaps(&self) -> Hwcaps;

    /// Waits in WFI with interrupts masked until one is pending, then
    /// dispatches every pending interrupt to `interrupt::handle`.
    fn wait_for_interrupt(&self);
}

/// The platform the kernel runs on, recorded once at boot.
static PLATFORM: spin::Once<&'static dyn Platform> = spin::Once::new();

/// Records the platform for the code that needs it after boot.
pub fn register(platform: &'static dyn Platform) {
    PLATFORM.call_once(|| platform);
}

/// The platform recorded at boot.
pub fn get() -> &'static dyn Platform {
    *PLATFORM.get().expect("platform::register ran at boot")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_map_translates_both_ways() {
        let map = LinearMap {
            physical: PhysRange::from_start_size(PhysAddr(0x1000_0000), 0x0200_0000).unwrap(),
            virtual_base: VirtAddr(0xC000_0000),
        };
        assert_eq!(
            map.virtual_address(PhysAddr(0x1000_1000)),
            Some(VirtAddr(0xC000_1000))
        );
        assert_eq!(map.virtual_address(PhysAddr(0x1200_0000)), None);
        assert_eq!(
            map.physical_address(VirtAddr(0xC1FF_FFFF)),
            Some(PhysAddr(0x11FF_FFFF))
        );
        assert_eq!(map.physical_address(VirtAddr(0xBFFF_FFFF)), None);
        assert_eq!(map.physical_address(VirtAddr(0xC200_0000)), None);
    }
}
