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
