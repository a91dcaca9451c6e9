// SPDX-License-Identifier: MIT OR Apache-2.0
//! What the core asks of the CPU and board beneath it.
//!
//! The core never tests a board with `cfg`: it talks to the hardware only
//! through [`Platform`], which a board crate implements (forwarding CPU
//! questions to the arch crate). The trait stays small on purpose; each
//! method is something the generic boot sequence cannot do in safe code.

use crate::addr::{PhysAddr, PhysRange, VirtAddr};
use alloc::string::String;

/// How the kernel ends, and the status QEMU exits with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Every self-check passed (later: init exited with this status).
    Success,
    /// A Rust panic in the kernel.
    Panic,
    /// An exception taken in kernel code (abort, undefined instruction).
    KernelFault,
}

impl ExitStatus {
    /// The numeric status reported to the host (semihosting exit code).
    pub const fn code(self) -> u32 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Panic => 101,
            ExitStatus::KernelFault => 102,
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

    /// One line naming the CPU: core, revision, raw MIDR.
    fn cpu_description(&self) -> String;

    /// Asks the MMU which physical address `address` translates to, as a
    /// privileged read would (a self-check of the page tables).
    fn translate(&self, address: VirtAddr) -> Option<PhysAddr>;

    /// Provokes `fault` in kernel mode. Returns only if the fault did not
    /// happen, which is itself a failure.
    fn inject_fault(&self, fault: InjectedFault);

    /// Stops the machine with `status`. With `semihosting` (QEMU) the
    /// emulator exits with the status; otherwise the CPU halts.
    fn halt(&self, status: ExitStatus, semihosting: bool) -> !;
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
