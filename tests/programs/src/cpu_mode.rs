// SPDX-License-Identifier: MIT OR Apache-2.0
//! The CPU mode a program runs in: CPSR.M, read and named.
//!
//! KML-rs runs a program exec'd from `/trusted/` in SYSTEM mode and every
//! other one in USR mode (issue 5). `mode-check` reads the mode with
//! [`current`] and exits with its number, which a parent turns back into a
//! [`CpuMode`] with [`CpuMode::from_exit_status`]: the number is the
//! channel, so no pipe is needed to learn how a child ran.
//!
//! `mrs rX, cpsr` is allowed in USR mode (it reads the flags and M, and
//! reads the A, I, F bits without being able to change them), so the same
//! instruction works in both modes and under `qemu-arm` on a Linux host,
//! where it always says USR.

#[cfg(target_arch = "arm")]
use core::arch::asm;
use core::fmt;

/// CPSR.M, the mode field: bits 4..0 (ARM ARM B1.3.1).
const MODE_MASK: u32 = 0x1F;
/// CPSR.M for USR mode.
const USR: u8 = 0x10;
/// CPSR.M for SYSTEM mode: USR's registers, with privilege.
const SYSTEM: u8 = 0x1F;

/// A processor mode, as CPSR.M names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpuMode {
    /// USR (0x10): unprivileged, every program but a trusted one.
    User,
    /// SYSTEM (0x1F): privileged with USR's registers, a trusted program.
    System,
    /// Any other mode number; a program should never see one.
    Other(u8),
}

impl CpuMode {
    /// The mode CPSR value `cpsr` says.
    pub const fn from_cpsr(cpsr: u32) -> CpuMode {
        match (cpsr & MODE_MASK) as u8 {
            USR => CpuMode::User,
            SYSTEM => CpuMode::System,
            other => CpuMode::Other(other),
        }
    }

    /// The mode number, CPSR.M (0x10 to 0x1F for the modes ARMv7-A has).
    pub const fn number(self) -> u8 {
        match self {
            CpuMode::User => USR,
            CpuMode::System => SYSTEM,
            CpuMode::Other(number) => number,
        }
    }

    /// The status `mode-check` exits with when it ran in this mode: the
    /// mode number (16 for USR, 31 for SYSTEM).
    pub const fn exit_status(self) -> i32 {
        self.number() as i32
    }

    /// The mode a `mode-check` exit status reports, if it is one (the
    /// modes' numbers are 16 to 31; other statuses are its failures).
    pub const fn from_exit_status(status: i32) -> Option<CpuMode> {
        if status >= 0x10 && status <= MODE_MASK as i32 {
            Some(CpuMode::from_cpsr(status as u32))
        } else {
            None
        }
    }
}

impl fmt::Display for CpuMode {
    /// `USR`, `SYSTEM`, or the number (`0x13`) for any other mode.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CpuMode::User => f.write_str("USR"),
            CpuMode::System => f.write_str("SYSTEM"),
            CpuMode::Other(number) => write!(f, "{number:#04x}"),
        }
    }
}

/// The mode we run in, from CPSR.
pub fn current() -> CpuMode {
    CpuMode::from_cpsr(cpsr())
}

/// Reads CPSR with `mrs`.
#[cfg(target_arch = "arm")]
fn cpsr() -> u32 {
    let value: u32;
    // Input: none. Output: CPSR in any register. Clobbers: nothing.
    // SAFETY: `mrs` only reads a status register, legal in every mode;
    // `nomem` and `nostack` because it touches neither, `preserves_flags`
    // because reading the flags does not change them.
    unsafe {
        asm!(
            "mrs {value}, cpsr", // value = CPSR
            value = out(reg) value,
            options(nomem, nostack, preserves_flags),
        );
    }
    value
}

/// A host build's stand-in (there is no CPSR to read): USR, as Linux runs us.
#[cfg(not(target_arch = "arm"))]
fn cpsr() -> u32 {
    u32::from(USR)
}

// The library has no host tests (it is built for the target only), so
// the exit-status channel is checked where it is built: at compile time.
const _: () = assert!(CpuMode::User.exit_status() == 16);
const _: () = assert!(CpuMode::System.exit_status() == 31);
const _: () = assert!(matches!(
    CpuMode::from_exit_status(31),
    Some(CpuMode::System)
));
const _: () = assert!(matches!(CpuMode::from_cpsr(0x6000_01D0), CpuMode::User));
const _: () = assert!(CpuMode::from_exit_status(1).is_none());
const _: () = assert!(CpuMode::from_exit_status(127).is_none());
