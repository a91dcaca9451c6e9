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

/// CPSR.E: big-endian data accesses.
pub const PSR_E: u32 = 1 << 9;
/// CPSR.J: Jazelle state (never used, never let in).
pub const PSR_J: u32 = 1 << 24;
/// CPSR.N, Z, C, V and Q: the condition flags and saturation.
pub const PSR_FLAGS: u32 = 0xF800_0000;
/// CPSR.GE[3:0]: the SIMD greater-or-equal flags.
pub const PSR_GE: u32 = 0x000F_0000;
/// CPSR.IT[7:0]: the Thumb If-Then state, split in bits 26-25 and 15-10.
pub const PSR_IT: u32 = 0x0600_FC00;

/// The CPSR bits a program may set by itself (`msr APSR`, `setend`, a
/// branch with exchange), so a signal frame may restore them: everything
/// else (the mode, the I, F and A masks, J) stays the thread's own.
pub const PSR_USER_WRITABLE: u32 = PSR_FLAGS | PSR_GE | PSR_IT | PSR_E | PSR_T;

/// The CPSR sigreturn restores: the user-writable bits from `requested`,
/// everything else from `current`, the thread's CPSR now. A USR program
/// cannot reach SYSTEM or SVC mode or mask interrupts this way, and a
/// SYSTEM-mode one keeps its own mode and masks.
pub const fn sigreturn_psr(current: u32, requested: u32) -> u32 {
    (current & !PSR_USER_WRITABLE) | (requested & PSR_USER_WRITABLE)
}

/// The CPSR a signal handler starts with: the thread's mode and masks,
/// Thumb state if the handler's address has its low bit set, no IT block,
/// little-endian, no Jazelle; the flags are kept (Linux keeps them too).
pub const fn handler_psr(current: u32, handler: u32) -> u32 {
    let base = current & !(PSR_IT | PSR_J | PSR_E | PSR_T);
    if handler & 1 != 0 { base | PSR_T } else { base }
}

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

    #[test]
    fn sigreturn_cannot_change_mode_or_masks() {
        // A USR thread asks for SVC, then SYSTEM mode with IRQs masked.
        assert_eq!(sigreturn_psr(MODE_USR, MODE_SVC), MODE_USR);
        assert_eq!(
            sigreturn_psr(MODE_USR, MODE_SYS | PSR_I | PSR_F | PSR_A),
            MODE_USR
        );
        // A SYSTEM thread cannot drop to anything else or mask IRQs.
        assert_eq!(sigreturn_psr(MODE_SYS, MODE_USR | PSR_I), MODE_SYS);
        // Flags, GE, E, T and IT come from the frame; J never does.
        let requested = 0xF000_0000 | PSR_GE | PSR_IT | PSR_E | PSR_T | PSR_J;
        assert_eq!(
            sigreturn_psr(MODE_USR | PSR_A, requested),
            MODE_USR | PSR_A | (requested & !PSR_J)
        );
    }

    #[test]
    fn handlers_start_clean_in_the_same_mode() {
        let current = MODE_SYS | PSR_IT | PSR_T | PSR_E | 0x2000_0000;
        assert_eq!(handler_psr(current, 0x8000), MODE_SYS | 0x2000_0000);
        assert_eq!(handler_psr(MODE_USR, 0x8001), MODE_USR | PSR_T);
    }
}
