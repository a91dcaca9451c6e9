// SPDX-License-Identifier: MIT OR Apache-2.0
//! Processor modes and program status register bits.
//!
//! The numbers of the CPSR.M field and the mask bits, from the ARM
//! Architecture Reference Manual ARMv7-A/R, B1.3.1 (table B1-1) and B1.3.3.
//! The assembly gets these as `const` operands; nobody types them twice.

/// Mask of the mode field CPSR.M[4:0].
pub const MODE_MASK: u32 = 0x1F;
/// User mode: unprivileged programs.
pub const MODE_USR: u32 = 0x10;
/// FIQ mode.
pub const MODE_FIQ: u32 = 0x11;
/// IRQ mode.
pub const MODE_IRQ: u32 = 0x12;
/// Supervisor mode: the kernel.
pub const MODE_SVC: u32 = 0x13;
/// Monitor mode (Secure state only).
pub const MODE_MON: u32 = 0x16;
/// Abort mode: data and prefetch aborts.
pub const MODE_ABT: u32 = 0x17;
/// Hypervisor mode (Virtualization Extensions).
pub const MODE_HYP: u32 = 0x1A;
/// Undefined mode: undefined instructions.
pub const MODE_UND: u32 = 0x1B;
/// System mode: privileged, with the User mode registers. Trusted programs
/// run here.
pub const MODE_SYS: u32 = 0x1F;

/// CPSR.T: Thumb state.
pub const PSR_T: u32 = 1 << 5;
/// CPSR.F: FIQs masked.
pub const PSR_F: u32 = 1 << 6;
/// CPSR.I: IRQs masked.
pub const PSR_I: u32 = 1 << 7;
/// CPSR.A: asynchronous aborts masked.
pub const PSR_A: u32 = 1 << 8;

/// The name of a mode, for fault reports.
pub const fn mode_name(psr: u32) -> &'static str {
    match psr & MODE_MASK {
        MODE_USR => "USR",
        MODE_FIQ => "FIQ",
        MODE_IRQ => "IRQ",
        MODE_SVC => "SVC",
        MODE_MON => "MON",
        MODE_ABT => "ABT",
        MODE_HYP => "HYP",
        MODE_UND => "UND",
        MODE_SYS => "SYS",
        _ => "invalid mode",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_mode_field_only() {
        assert_eq!(mode_name(0x6000_01D3), "SVC");
        assert_eq!(mode_name(MODE_SYS | PSR_I), "SYS");
        assert_eq!(mode_name(0x15), "invalid mode");
    }
}
