// SPDX-License-Identifier: MIT OR Apache-2.0
//! The Cortex-A9 errata Linux and U-Boot work around on the i.MX6Q.
//!
//! Linux's `SOC_IMX6Q` selects ARM_ERRATA_754322, 775420 and (SMP) 764369;
//! U-Boot's i.MX6 start-up sets the undocumented Diagnostic Control
//! Register bits for 743622, 751472, 761320, 794072 and 845369. This table
//! says, for each, which revisions it affects (ARM's errata notices as
//! Linux's Kconfig and NXP's IMX6DQCE quote them), how it is worked
//! around and whether it can bite a kernel that runs one core. The
//! i.MX6Q's core is r2p10; QEMU's `cortex-a9` model says r0p0.
//! `boards/imx6q/README.md` has the prose; `a9_mpcore.rs` acts on it.
//!
//! Which bits the kernel itself sets: only those of errata that affect
//! this revision with one core running (743622), and only in the Secure
//! state, where the register is writable. The multi-core ones are left to
//! the boot loader, which sets them before any core runs.

use crate::midr::MainId;

/// How an erratum is worked around.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workaround {
    /// Code the kernel always runs, wherever the erratum could strike.
    Code(&'static str),
    /// A bit of the Diagnostic Control Register (CP15 c15, 0, c0, 1),
    /// writable in the Secure state only.
    DiagnosticBit(u32),
}

/// One Cortex-A9 erratum.
#[derive(Clone, Copy, Debug)]
pub struct Erratum {
    /// ARM's number.
    pub number: u32,
    /// ARM's title.
    pub title: &'static str,
    /// The revisions it affects, as the errata notices say.
    pub revisions: &'static str,
    /// Whether it needs two or more cores (or the ACP) to strike.
    pub several_cores_only: bool,
    /// The workaround.
    pub workaround: Workaround,
    /// Whether it affects a core of this variant and revision.
    affects: fn(u8, u8) -> bool,
}

impl Erratum {
    /// Whether it affects the core `midr` names (a Cortex-A9 only).
    pub fn affects(&self, midr: MainId) -> bool {
        midr.is_arm_part(MainId::CORTEX_A9) && (self.affects)(midr.variant(), midr.revision())
    }

    /// Whether the kernel must set a diagnostic bit for it on `midr`: it
    /// affects that revision, matters with one core, and its workaround is
    /// a diagnostic bit.
    pub fn kernel_sets_bit(&self, midr: MainId) -> Option<u32> {
        match self.workaround {
            Workaround::DiagnosticBit(bit) if self.affects(midr) && !self.several_cores_only => {
                Some(bit)
            }
            _ => None,
        }
    }
}

/// Every revision.
fn all(_: u8, _: u8) -> bool {
    true
}

/// The Cortex-A9 errata of Linux's and U-Boot's i.MX6 configurations.
pub const ERRATA: [Erratum; 8] = [
    Erratum {
        number: 754322,
        title: "Possible faulty MMU translations following an ASID switch",
        revisions: "r2p*, r3p*",
        several_cores_only: false,
        workaround: Workaround::Code("DSB before each CONTEXTIDR write (address_space.rs)"),
        affects: |variant, _| matches!(variant, 2 | 3),
    },
    Erratum {
        number: 775420,
        title: "A data cache maintenance operation which aborts, might lead to deadlock",
        revisions: "r2p2, r2p6, r2p8, r2p10, r3p0",
        several_cores_only: false,
        workaround: Workaround::Code("DSB first thing in the data abort entry (vectors.rs)"),
        affects: |variant, revision| matches!((variant, revision), (2, 2 | 6 | 8 | 10) | (3, 0)),
    },
    Erratum {
        number: 764369,
        title: "Data cache line maintenance operation by MVA may not succeed",
        revisions: "all (MPCore with two or more cores)",
        several_cores_only: true,
        workaround: Workaround::Code(
            "DSB before by-MVA maintenance (address_space.rs), SCU diagnostic bit 0 (a9_mpcore.rs)",
        ),
        affects: all,
    },
    Erratum {
        number: 743622,
        title: "Faulty hazard checking in the Store Buffer may lead to data corruption",
        revisions: "r2p*",
        several_cores_only: false,
        workaround: Workaround::DiagnosticBit(6),
        affects: |variant, _| variant == 2,
    },
    Erratum {
        number: 751472,
        title: "Interrupted ICIALLUIS may prevent completion of broadcasted operation",
        revisions: "before r3p0",
        several_cores_only: true,
        workaround: Workaround::DiagnosticBit(11),
        affects: |variant, _| variant < 3,
    },
    Erratum {
        number: 761320,
        title: "Full cache line writes to the same memory region from at least two processors might deadlock processor",
        revisions: "all r0, r1, r2 and r3 (fixed in r4p0)",
        several_cores_only: true,
        workaround: Workaround::DiagnosticBit(21),
        affects: |variant, _| variant < 4,
    },
    Erratum {
        number: 794072,
        title: "A short loop including a DMB instruction might cause a denial of service on another processor which executes a CP15 broadcast operation",
        revisions: "all (listed for r2p10 and r4p1; no fix)",
        several_cores_only: true,
        workaround: Workaround::DiagnosticBit(4),
        affects: all,
    },
    Erratum {
        number: 845369,
        title: "Under very rare timing circumstances transition into streaming mode might create data corruption",
        revisions: "all (listed for r2p10 and r4p1; no fix)",
        several_cores_only: true,
        workaround: Workaround::DiagnosticBit(22),
        affects: all,
    },
];

/// The Diagnostic Control Register bits the kernel sets on `midr` (in the
/// Secure state): the single-core errata's that affect its revision.
pub fn diagnostic_bits_to_set(midr: MainId) -> u32 {
    ERRATA
        .iter()
        .filter_map(|erratum| erratum.kernel_sets_bit(midr))
        .fold(0, |bits, bit| bits | (1 << bit))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The i.MX6Q's core: Cortex-A9 r2p10.
    const IMX6Q: MainId = MainId::new(0x412F_C09A);
    /// QEMU's `cortex-a9`: r0p0.
    const QEMU: MainId = MainId::new(0x410F_C090);
    /// A Cortex-A9 r4p1 (Arria 10's).
    const R4P1: MainId = MainId::new(0x414F_C091);
    /// A Cortex-A15, which none of these concern.
    const CORTEX_A15: MainId = MainId::new(0x412F_C0F2);

    fn affected(midr: MainId) -> alloc::vec::Vec<u32> {
        ERRATA
            .iter()
            .filter(|erratum| erratum.affects(midr))
            .map(|erratum| erratum.number)
            .collect()
    }

    #[test]
    fn the_imx6q_core_has_every_one_of_them() {
        assert_eq!(
            affected(IMX6Q),
            [
                754322, 775420, 764369, 743622, 751472, 761320, 794072, 845369
            ]
        );
        assert_eq!(diagnostic_bits_to_set(IMX6Q), 1 << 6, "743622 only");
    }

    #[test]
    fn qemus_r0p0_needs_no_diagnostic_bit() {
        assert_eq!(affected(QEMU), [764369, 751472, 761320, 794072, 845369]);
        assert_eq!(diagnostic_bits_to_set(QEMU), 0);
    }

    #[test]
    fn later_revisions_and_other_cores() {
        assert_eq!(affected(R4P1), [764369, 794072, 845369]);
        assert_eq!(diagnostic_bits_to_set(R4P1), 0);
        assert!(affected(CORTEX_A15).is_empty());
        assert_eq!(diagnostic_bits_to_set(CORTEX_A15), 0);
    }

    #[test]
    fn bits_match_u_boots() {
        let bit = |number| {
            ERRATA
                .iter()
                .find(|erratum| erratum.number == number)
                .map(|erratum| erratum.workaround)
        };
        assert_eq!(bit(743622), Some(Workaround::DiagnosticBit(6)));
        assert_eq!(bit(751472), Some(Workaround::DiagnosticBit(11)));
        assert_eq!(bit(761320), Some(Workaround::DiagnosticBit(21)));
        assert_eq!(bit(794072), Some(Workaround::DiagnosticBit(4)));
        assert_eq!(bit(845369), Some(Workaround::DiagnosticBit(22)));
    }
}
