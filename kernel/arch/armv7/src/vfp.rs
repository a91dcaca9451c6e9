// SPDX-License-Identifier: MIT OR Apache-2.0
//! The VFP/NEON unit: opening it at boot, FPEXC.EN, saving and loading.
//!
//! The kernel is soft-float (`armv7a-none-eabi`): the compiler never emits
//! a VFP instruction, so the only ones in the kernel are the few in this
//! file, written out in `asm!` under an explicit `.fpu neon` directive.
//! [`init`] gives PL0 and PL1 full access to cp10 and cp11 in CPACR (B4.1.40
//! in the ARMv7-A/R ARM) and leaves the unit off (FPEXC.EN = 0, B6.1.4);
//! the core's lazy switching (`kernel::vfp`) turns it on for the thread
//! that owns it. FPEXC, MVFR0 and MVFR1 are readable and writable at PL1
//! while EN is 0; FPSCR and the d registers are not, so [`save`] turns the
//! unit on for the moment it copies them.
//!
//! The register bank is 16 or 32 doubles (MVFR0.A_SIMD_registers); only
//! the registers that exist are touched: VSTM/VLDM of d16-d31 are
//! UNDEFINED on a D16 unit.

use crate::hwcap::VfpIds;
use core::arch::asm;
use core::sync::atomic::{AtomicU8, Ordering};
use kernel::vfp::VfpState;

/// CPACR.cp10 and cp11 (bits 23:20) = 0b11 each: full access from PL0
/// and PL1.
const CPACR_CP10_CP11_FULL: u32 = 0xF << 20;
/// CPACR.D32DIS (bit 30): d16-d31 disabled.
const CPACR_D32DIS: u32 = 1 << 30;
/// CPACR.ASEDIS (bit 31): Advanced SIMD disabled.
const CPACR_ASEDIS: u32 = 1 << 31;
/// FPEXC.EN (bit 30): the unit is on.
pub const FPEXC_EN: u32 = 1 << 30;

/// What [`init`] found: 0 not yet looked, 1 no unit, 2 D16, 3 D32.
static UNIT: AtomicU8 = AtomicU8::new(0);
const UNIT_NONE: u8 = 1;
const UNIT_D16: u8 = 2;
const UNIT_D32: u8 = 3;

/// Opens cp10/cp11 to PL0 and PL1 and turns the unit off; returns its
/// feature registers, or `None` if the core has no unit (CPACR's cp10
/// bits read back as zero). Call once at boot, before any process runs.
pub fn init() -> Option<VfpIds> {
    let cpacr = aarch32_cpu::register::Cpacr::read().0;
    let wanted = (cpacr | CPACR_CP10_CP11_FULL) & !(CPACR_D32DIS | CPACR_ASEDIS);
    // SAFETY: CPACR only controls access to coprocessors 10 and 11 (and
    // the Advanced SIMD and D32 disables); the kernel never uses them
    // itself, so opening them changes nothing the kernel relies on.
    unsafe { aarch32_cpu::register::Cpacr::write(aarch32_cpu::register::Cpacr(wanted)) };
    instruction_barrier();
    if aarch32_cpu::register::Cpacr::read().0 & CPACR_CP10_CP11_FULL != CPACR_CP10_CP11_FULL {
        UNIT.store(UNIT_NONE, Ordering::Relaxed);
        return None;
    }
    set_enabled(false);
    let ids = VfpIds {
        mvfr0: mvfr0(),
        mvfr1: mvfr1(),
    };
    let unit = if ids.has_d32() { UNIT_D32 } else { UNIT_D16 };
    UNIT.store(unit, Ordering::Relaxed);
    Some(ids)
}

/// Whether [`init`] found a unit.
pub fn present() -> bool {
    matches!(UNIT.load(Ordering::Relaxed), UNIT_D16 | UNIT_D32)
}

/// ISB: makes the CPACR write visible to the instructions after it.
fn instruction_barrier() {
    // SAFETY: a barrier; no memory or register effects.
    unsafe { asm!("isb", options(nomem, nostack, preserves_flags)) };
}

/// MVFR0 (VMRS from the media and VFP feature register 0).
fn mvfr0() -> u32 {
    let value: u32;
    // SAFETY: reading MVFR0 at PL1 is allowed with EN off and has no side
    // effects; `.fpu` only lets the assembler accept the mnemonic.
    unsafe {
        asm!(".fpu neon", "vmrs {}, mvfr0", out(reg) value, options(nomem, nostack, preserves_flags))
    };
    value
}

/// MVFR1.
fn mvfr1() -> u32 {
    let value: u32;
    // SAFETY: as for `mvfr0`.
    unsafe {
        asm!(".fpu neon", "vmrs {}, mvfr1", out(reg) value, options(nomem, nostack, preserves_flags))
    };
    value
}

/// FPEXC.
fn fpexc() -> u32 {
    let value: u32;
    // SAFETY: reading FPEXC at PL1 is allowed with EN off, no side effects.
    unsafe {
        asm!(".fpu neon", "vmrs {}, fpexc", out(reg) value, options(nomem, nostack, preserves_flags))
    };
    value
}

/// Writes FPEXC.
fn set_fpexc(value: u32) {
    // SAFETY: FPEXC only decides whether user VFP instructions execute
    // (EN) and holds exception state of the VFP unit, which the kernel
    // does not use; the write is allowed at PL1 with EN off.
    unsafe {
        asm!(".fpu neon", "vmsr fpexc, {}", in(reg) value, options(nomem, nostack, preserves_flags))
    };
}

/// Whether the unit is on (FPEXC.EN).
pub fn enabled() -> bool {
    present() && fpexc() & FPEXC_EN != 0
}

/// Turns the unit on or off (FPEXC.EN; the other bits cleared: no
/// exception pending, as VFPv3 and VFPv4 without trapped exceptions
/// keep them).
pub fn set_enabled(on: bool) {
    set_fpexc(if on { FPEXC_EN } else { 0 });
}

/// Saves the unit's registers into `state`, leaving FPEXC as it was.
pub fn save(state: &mut VfpState) {
    let unit = UNIT.load(Ordering::Relaxed);
    if !matches!(unit, UNIT_D16 | UNIT_D32) {
        return;
    }
    let fpexc = fpexc();
    set_fpexc(FPEXC_EN);
    let registers = state.d.as_mut_ptr();
    let fpscr: u32;
    if unit == UNIT_D32 {
        // In: r = &state.d (32 words of 8 bytes). Overwrites only memory
        // there; the d registers are read, not changed.
        // SAFETY: `registers` points at 32 writable u64s (256 bytes);
        // the unit is on and has d0-d31.
        unsafe {
            asm!(
                ".fpu neon",
                "vstmia {r}!, {{d0-d15}}    @ d0-d15, r += 128",
                "vstmia {r}, {{d16-d31}}    @ d16-d31",
                "vmrs {s}, fpscr            @ status and control",
                r = inout(reg) registers => _,
                s = out(reg) fpscr,
                options(nostack, preserves_flags),
            )
        };
    } else {
        // SAFETY: as above, the first 16 of the 32 u64s; a D16 unit.
        unsafe {
            asm!(
                ".fpu vfpv3-d16",
                "vstmia {r}, {{d0-d15}}     @ d0-d15",
                "vmrs {s}, fpscr            @ status and control",
                r = in(reg) registers,
                s = out(reg) fpscr,
                options(nostack, preserves_flags),
            )
        };
    }
    state.fpscr = fpscr;
    state.fpexc = fpexc;
    set_fpexc(fpexc);
}

/// Loads `state` into the unit and turns it on.
pub fn load(state: &VfpState) {
    let unit = UNIT.load(Ordering::Relaxed);
    if !matches!(unit, UNIT_D16 | UNIT_D32) {
        return;
    }
    set_fpexc(FPEXC_EN);
    let registers = state.d.as_ptr();
    if unit == UNIT_D32 {
        // In: r = &state.d, s = FPSCR. Overwrites d0-d31 and FPSCR, which
        // belong to user threads only (the kernel is soft-float).
        // SAFETY: `registers` points at 32 readable u64s; the unit is on
        // and has d0-d31.
        unsafe {
            asm!(
                ".fpu neon",
                "vldmia {r}!, {{d0-d15}}    @ d0-d15, r += 128",
                "vldmia {r}, {{d16-d31}}    @ d16-d31",
                "vmsr fpscr, {s}            @ status and control",
                r = inout(reg) registers => _,
                s = in(reg) state.fpscr,
                options(nostack, preserves_flags, readonly),
            )
        };
    } else {
        // SAFETY: as above, the first 16 u64s; a D16 unit.
        unsafe {
            asm!(
                ".fpu vfpv3-d16",
                "vldmia {r}, {{d0-d15}}     @ d0-d15",
                "vmsr fpscr, {s}            @ status and control",
                r = in(reg) registers,
                s = in(reg) state.fpscr,
                options(nostack, preserves_flags, readonly),
            )
        };
    }
}
