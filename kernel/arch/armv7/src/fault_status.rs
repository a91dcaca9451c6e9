// SPDX-License-Identifier: MIT OR Apache-2.0
//! Decoding of the fault status registers DFSR and IFSR (short format).
//!
//! When an abort is taken the CPU records why in DFSR (data) or IFSR
//! (instruction fetch) and where in DFAR or IFAR. This module turns the
//! status word into words a person can act on. Encodings are those of the
//! ARM Architecture Reference Manual ARMv7-A/R, B4.1.52 (DFSR) and B4.1.96
//! (IFSR), table B3-23 "Short-descriptor format FSR encodings". Pure code,
//! tested on the host.

use core::fmt;

/// The cause field FS[4:0] of a short-format fault status register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultCause {
    /// The access was not aligned as the instruction requires.
    Alignment,
    /// A cache maintenance instruction faulted (DFSR only).
    InstructionCacheMaintenance,
    /// No valid first-level (section) descriptor.
    TranslationSection,
    /// No valid second-level (page) descriptor.
    TranslationPage,
    /// Access flag not set in a section descriptor.
    AccessFlagSection,
    /// Access flag not set in a page descriptor.
    AccessFlagPage,
    /// The section's domain forbids the access.
    DomainSection,
    /// The page's domain forbids the access.
    DomainPage,
    /// The section's access permissions forbid the access.
    PermissionSection,
    /// The page's access permissions forbid the access.
    PermissionPage,
    /// A debug event (breakpoint or watchpoint).
    Debug,
    /// The memory system signalled an error for this access.
    SynchronousExternal,
    /// External abort while walking the first-level table.
    TableWalkExternalFirstLevel,
    /// External abort while walking the second-level table.
    TableWalkExternalSecondLevel,
    /// Parity error while walking the first-level table.
    TableWalkParityFirstLevel,
    /// Parity error while walking the second-level table.
    TableWalkParitySecondLevel,
    /// An external abort reported after the fact (DFSR only).
    AsynchronousExternal,
    /// Parity error on a memory access.
    SynchronousParity,
    /// Parity error reported after the fact (DFSR only).
    AsynchronousParity,
    /// Two TLB entries matched the address.
    TlbConflict,
    /// An encoding the architecture leaves to the implementation or reserves.
    Other(u8),
}

impl FaultCause {
    /// Decodes FS[4:0] (bit 10 and bits 3:0 of the status register).
    pub const fn from_status(status: u32) -> FaultCause {
        let fs = (((status >> 6) & 0x10) | (status & 0xF)) as u8;
        match fs {
            0b00001 => FaultCause::Alignment,
            0b00100 => FaultCause::InstructionCacheMaintenance,
            0b00101 => FaultCause::TranslationSection,
            0b00111 => FaultCause::TranslationPage,
            0b00011 => FaultCause::AccessFlagSection,
            0b00110 => FaultCause::AccessFlagPage,
            0b01001 => FaultCause::DomainSection,
            0b01011 => FaultCause::DomainPage,
            0b01101 => FaultCause::PermissionSection,
            0b01111 => FaultCause::PermissionPage,
            0b00010 => FaultCause::Debug,
            0b01000 => FaultCause::SynchronousExternal,
            0b01100 => FaultCause::TableWalkExternalFirstLevel,
            0b01110 => FaultCause::TableWalkExternalSecondLevel,
            0b11100 => FaultCause::TableWalkParityFirstLevel,
            0b11110 => FaultCause::TableWalkParitySecondLevel,
            0b10110 => FaultCause::AsynchronousExternal,
            0b11001 => FaultCause::SynchronousParity,
            0b11000 => FaultCause::AsynchronousParity,
            0b10000 => FaultCause::TlbConflict,
            other => FaultCause::Other(other),
        }
    }

    /// A short description, as the manual names the fault.
    pub const fn description(self) -> &'static str {
        match self {
            FaultCause::Alignment => "alignment fault",
            FaultCause::InstructionCacheMaintenance => "fault on instruction cache maintenance",
            FaultCause::TranslationSection => "translation fault (section)",
            FaultCause::TranslationPage => "translation fault (page)",
            FaultCause::AccessFlagSection => "access flag fault (section)",
            FaultCause::AccessFlagPage => "access flag fault (page)",
            FaultCause::DomainSection => "domain fault (section)",
            FaultCause::DomainPage => "domain fault (page)",
            FaultCause::PermissionSection => "permission fault (section)",
            FaultCause::PermissionPage => "permission fault (page)",
            FaultCause::Debug => "debug event",
            FaultCause::SynchronousExternal => "synchronous external abort",
            FaultCause::TableWalkExternalFirstLevel => {
                "external abort on translation table walk (first level)"
            }
            FaultCause::TableWalkExternalSecondLevel => {
                "external abort on translation table walk (second level)"
            }
            FaultCause::TableWalkParityFirstLevel => {
                "parity error on translation table walk (first level)"
            }
            FaultCause::TableWalkParitySecondLevel => {
                "parity error on translation table walk (second level)"
            }
            FaultCause::AsynchronousExternal => "asynchronous external abort",
            FaultCause::SynchronousParity => "synchronous parity error",
            FaultCause::AsynchronousParity => "asynchronous parity error",
            FaultCause::TlbConflict => "TLB conflict abort",
            FaultCause::Other(_) => "reserved or implementation-defined fault",
        }
    }

    /// Whether the fault address register (DFAR/IFAR) is meaningful.
    pub const fn has_valid_address(self) -> bool {
        !matches!(
            self,
            FaultCause::AsynchronousExternal | FaultCause::AsynchronousParity | FaultCause::Debug
        )
    }
}

/// A decoded DFSR or IFSR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultStatus {
    /// The raw register value.
    pub raw: u32,
    /// Why the access faulted.
    pub cause: FaultCause,
    /// The access was a write (DFSR.WnR; always false for IFSR).
    pub write: bool,
    /// The abort was external and the implementation classified it (ExT).
    pub external: bool,
    /// The fault came from a cache maintenance operation (DFSR.CM).
    pub cache_maintenance: bool,
    /// The domain of the faulting mapping (meaningful for domain and
    /// permission faults on sections).
    pub domain: u8,
}

impl FaultStatus {
    /// Decodes a DFSR value.
    pub const fn from_dfsr(raw: u32) -> FaultStatus {
        FaultStatus {
            raw,
            cause: FaultCause::from_status(raw),
            write: raw & (1 << 11) != 0,
            external: raw & (1 << 12) != 0,
            cache_maintenance: raw & (1 << 13) != 0,
            domain: ((raw >> 4) & 0xF) as u8,
        }
    }

    /// Decodes an IFSR value (no WnR, CM or domain field).
    pub const fn from_ifsr(raw: u32) -> FaultStatus {
        FaultStatus {
            raw,
            cause: FaultCause::from_status(raw),
            write: false,
            external: raw & (1 << 12) != 0,
            cache_maintenance: false,
            domain: 0,
        }
    }
}

impl fmt::Display for FaultStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cause.description())?;
        if let FaultCause::Other(fs) = self.cause {
            write!(f, " FS={fs:#07b}")?;
        }
        if self.external {
            f.write_str(", external")?;
        }
        if self.cache_maintenance {
            f.write_str(", during cache maintenance")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation_faults_decode() {
        // A read of an unmapped section: FS = 0b00101.
        let status = FaultStatus::from_dfsr(0x0000_0005);
        assert_eq!(status.cause, FaultCause::TranslationSection);
        assert!(!status.write);
        assert_eq!(status.to_string(), "translation fault (section)");
        // A write to an unmapped page: WnR set, FS = 0b00111.
        let status = FaultStatus::from_dfsr(0x0000_0807);
        assert_eq!(status.cause, FaultCause::TranslationPage);
        assert!(status.write);
    }

    #[test]
    fn bit_ten_selects_the_upper_encodings() {
        // FS[4] lives in bit 10: 0b10110 is an asynchronous external abort.
        let status = FaultStatus::from_dfsr(0x0000_0406);
        assert_eq!(status.cause, FaultCause::AsynchronousExternal);
        assert!(!status.cause.has_valid_address());
        // Without bit 10 the same low bits are an access flag fault.
        assert_eq!(FaultCause::from_status(0x6), FaultCause::AccessFlagPage);
    }

    #[test]
    fn permission_and_domain_faults_keep_the_domain() {
        let status = FaultStatus::from_dfsr(0x0000_08FD);
        assert_eq!(status.cause, FaultCause::PermissionSection);
        assert_eq!(status.domain, 0xF);
        assert!(status.write);
        assert_eq!(FaultCause::from_status(0x9), FaultCause::DomainSection);
        assert_eq!(FaultCause::from_status(0xB), FaultCause::DomainPage);
        assert_eq!(FaultCause::from_status(0xF), FaultCause::PermissionPage);
    }

    #[test]
    fn ifsr_ignores_data_only_bits() {
        let status = FaultStatus::from_ifsr(0x0000_280D);
        assert_eq!(status.cause, FaultCause::PermissionSection);
        assert!(!status.write && !status.cache_maintenance);
        assert_eq!(status.domain, 0);
    }

    #[test]
    fn every_encoding_decodes_without_panicking() {
        for fs in 0..32u32 {
            let raw = ((fs & 0x10) << 6) | (fs & 0xF);
            let cause = FaultCause::from_status(raw);
            assert!(!cause.description().is_empty());
        }
        assert_eq!(FaultCause::from_status(0x400), FaultCause::TlbConflict);
        assert_eq!(FaultCause::from_status(0x0), FaultCause::Other(0));
        assert_eq!(
            FaultStatus::from_dfsr(0x1000 | 0x8).to_string(),
            "synchronous external abort, external"
        );
    }
}
