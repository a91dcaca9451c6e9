// SPDX-License-Identifier: MIT OR Apache-2.0
//! Decoding of MIDR, the Main ID Register: which core we run on.
//!
//! The banner names the CPU, and code that must apply errata or per-core
//! set-up (ACTLR.SMP on the Cortex-A9) asks what the part is. Field layout
//! from the ARM Architecture Reference Manual ARMv7-A/R, B4.1.105; part
//! numbers from each core's Technical Reference Manual. Pure code, tested on
//! the host.

use core::fmt;

/// A decoded Main ID Register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MainId {
    /// The raw register value.
    pub raw: u32,
}

/// ARM Limited's implementer code.
const IMPLEMENTER_ARM: u8 = 0x41;

impl MainId {
    /// Part number of the Cortex-A9 (MIDR.PartNum).
    pub const CORTEX_A9: u16 = 0xC09;
    /// Part number of the Cortex-A15 (MIDR.PartNum).
    pub const CORTEX_A15: u16 = 0xC0F;

    /// Wraps a raw MIDR value.
    pub const fn new(raw: u32) -> MainId {
        MainId { raw }
    }
    /// Implementer code (0x41 is ARM).
    pub const fn implementer(self) -> u8 {
        (self.raw >> 24) as u8
    }
    /// Major revision (the `r` in rNpM).
    pub const fn variant(self) -> u8 {
        ((self.raw >> 20) & 0xF) as u8
    }
    /// Architecture code (0xF: defined by the CPUID scheme).
    pub const fn architecture(self) -> u8 {
        ((self.raw >> 16) & 0xF) as u8
    }
    /// Primary part number.
    pub const fn part_number(self) -> u16 {
        ((self.raw >> 4) & 0xFFF) as u16
    }
    /// Minor revision (the `p` in rNpM).
    pub const fn revision(self) -> u8 {
        (self.raw & 0xF) as u8
    }
    /// Whether this is an ARM-designed core with the given part number.
    pub const fn is_arm_part(self, part: u16) -> bool {
        self.implementer() == IMPLEMENTER_ARM && self.part_number() == part
    }

    /// The marketing name of the core, when we know it.
    pub const fn name(self) -> Option<&'static str> {
        if self.implementer() != IMPLEMENTER_ARM {
            return None;
        }
        match self.part_number() {
            0xC05 => Some("Cortex-A5"),
            0xC07 => Some("Cortex-A7"),
            0xC08 => Some("Cortex-A8"),
            0xC09 => Some("Cortex-A9"),
            0xC0D => Some("Cortex-A12"),
            0xC0E => Some("Cortex-A17"),
            0xC0F => Some("Cortex-A15"),
            _ => None,
        }
    }
}

impl fmt::Display for MainId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "ARM {name}")?,
            None => write!(
                f,
                "unknown core (implementer {:#04x}, part {:#05x})",
                self.implementer(),
                self.part_number()
            )?,
        }
        write!(
            f,
            " r{}p{} (MIDR {:#010x})",
            self.variant(),
            self.revision(),
            self.raw
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qemu_cores_decode() {
        // QEMU's cortex-a9 reports r0p0; its cortex-a15 r2p1.
        let a9 = MainId::new(0x410F_C090);
        assert!(a9.is_arm_part(MainId::CORTEX_A9));
        assert_eq!(a9.to_string(), "ARM Cortex-A9 r0p0 (MIDR 0x410fc090)");
        let a15 = MainId::new(0x412F_C0F1);
        assert_eq!(a15.name(), Some("Cortex-A15"));
        assert_eq!((a15.variant(), a15.revision()), (2, 1));
        assert_eq!(a15.architecture(), 0xF);
    }

    #[test]
    fn i_mx6q_silicon_revision_decodes() {
        // The i.MX6Q's Cortex-A9 is r2p10.
        let id = MainId::new(0x412F_C09A);
        assert_eq!(id.to_string(), "ARM Cortex-A9 r2p10 (MIDR 0x412fc09a)");
    }

    #[test]
    fn unknown_parts_say_so() {
        let id = MainId::new(0x5100_0000);
        assert_eq!(id.name(), None);
        assert!(id.to_string().starts_with("unknown core (implementer 0x51"));
        assert!(!id.is_arm_part(0));
    }
}
