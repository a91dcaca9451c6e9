// SPDX-License-Identifier: MIT OR Apache-2.0
//! Single-instruction CPU operations and identification registers.
//!
//! Tiny wrappers, each around one instruction, with its options spelled out;
//! and the reads of the identification registers the banner needs.

use crate::midr::MainId;
use core::arch::asm;

/// Waits for an interrupt (WFI). With interrupts masked this halts the core
/// until a debugger or reset intervenes.
pub fn wait_for_interrupt() {
    // SAFETY: WFI has no effect on memory or registers.
    unsafe { asm!("wfi", options(nomem, nostack, preserves_flags)) };
}

/// The Main ID Register of this core.
pub fn main_id() -> MainId {
    MainId::new(aarch32_cpu::register::Midr::read().raw_value())
}

/// The current program status register.
pub fn current_psr() -> u32 {
    let psr: u32;
    // SAFETY: reading CPSR has no side effects.
    unsafe { asm!("mrs {}, cpsr", out(reg) psr, options(nomem, nostack, preserves_flags)) };
    psr
}

/// Data Fault Status Register: why the last data abort happened.
pub fn dfsr() -> u32 {
    aarch32_cpu::register::Dfsr::read().raw_value()
}

/// Data Fault Address Register: where the last data abort happened.
pub fn dfar() -> u32 {
    aarch32_cpu::register::Dfar::read().0
}

/// Instruction Fault Status Register: why the last prefetch abort happened.
pub fn ifsr() -> u32 {
    aarch32_cpu::register::Ifsr::read().raw_value()
}

/// Instruction Fault Address Register: where the last prefetch abort was.
pub fn ifar() -> u32 {
    aarch32_cpu::register::Ifar::read().0
}

/// The identification registers `crate::hwcap` reads, with the VFP
/// unit's (from `crate::vfp::init`).
pub fn ids(vfp: Option<crate::hwcap::VfpIds>) -> crate::hwcap::CpuIds {
    use aarch32_cpu::register::{IdIsar0, IdMmfr0, Sctlr};
    /// SCTLR.SW (bit 10): SWP and SWPB enabled.
    const SCTLR_SW: u32 = 1 << 10;
    crate::hwcap::CpuIds {
        midr: aarch32_cpu::register::Midr::read().raw_value(),
        id_isar0: IdIsar0::read().0,
        id_mmfr0: IdMmfr0::read().0,
        swp_enabled: Sctlr::read().raw_value() & SCTLR_SW != 0,
        vfp,
    }
}
