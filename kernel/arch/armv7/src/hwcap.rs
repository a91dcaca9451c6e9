// SPDX-License-Identifier: MIT OR Apache-2.0
//! AT_HWCAP: what the CPU offers programs, from its ID registers.
//!
//! Linux tells a program which optional instructions it may use in the
//! auxiliary vector's `AT_HWCAP` word (arch/arm/include/uapi/asm/hwcap.h);
//! glibc picks its string functions by it (NEON `memcpy` when `HWCAP_NEON`
//! is set) and refuses nothing when a bit is missing, so a bit must only
//! be set when the instruction really works. [`hwcap`] computes the word
//! the way Linux does (`cpuid_init_hwcaps` and `elf_hwcap_fixup` in
//! arch/arm/kernel/setup.c, `vfp_init` in arch/arm/vfp/vfpmodule.c) from
//! the raw ID registers, as a pure function so the host tests can feed it
//! the values of real cores. The field positions are those of the ARM
//! Architecture Reference Manual ARMv7-A/R (B4.1.89 MIDR, B4.1.92 ID_ISAR0,
//! B4.1.89 ID_MMFR0, B6.1.5 MVFR0, B6.1.6 MVFR1).

/// HWCAP_SWP: SWP and SWPB.
pub const HWCAP_SWP: u32 = 1 << 0;
/// HWCAP_HALF: half-word loads and stores.
pub const HWCAP_HALF: u32 = 1 << 1;
/// HWCAP_THUMB: the Thumb instruction set.
pub const HWCAP_THUMB: u32 = 1 << 2;
/// HWCAP_FAST_MULT: 32x32->64 multiplies.
pub const HWCAP_FAST_MULT: u32 = 1 << 4;
/// HWCAP_VFP: a VFP unit.
pub const HWCAP_VFP: u32 = 1 << 6;
/// HWCAP_EDSP: the DSP extensions (QADD, SMLA..).
pub const HWCAP_EDSP: u32 = 1 << 7;
/// HWCAP_NEON: Advanced SIMD.
pub const HWCAP_NEON: u32 = 1 << 12;
/// HWCAP_VFPv3: VFPv3 (VMOV immediate, fixed-point conversions).
pub const HWCAP_VFPV3: u32 = 1 << 13;
/// HWCAP_VFPv3D16: VFPv3 with only 16 double registers.
pub const HWCAP_VFPV3D16: u32 = 1 << 14;
/// HWCAP_TLS: the user-readable thread ID register (TPIDRURO).
pub const HWCAP_TLS: u32 = 1 << 15;
/// HWCAP_VFPv4: fused multiply-accumulate (VFMA).
pub const HWCAP_VFPV4: u32 = 1 << 16;
/// HWCAP_IDIVA: SDIV and UDIV in ARM state.
pub const HWCAP_IDIVA: u32 = 1 << 17;
/// HWCAP_IDIVT: SDIV and UDIV in Thumb state.
pub const HWCAP_IDIVT: u32 = 1 << 18;
/// HWCAP_VFPD32: 32 double registers (d16-d31 exist).
pub const HWCAP_VFPD32: u32 = 1 << 19;
/// HWCAP_LPAE: the Large Physical Address Extension, which makes LDRD and
/// STRD single-copy atomic.
pub const HWCAP_LPAE: u32 = 1 << 20;

/// What every ARMv7-A core has (Linux's `proc-v7.S` `elf_hwcap`, without
/// SWP, which [`hwcap`] decides on its own).
const ARMV7_BASE: u32 = HWCAP_HALF | HWCAP_THUMB | HWCAP_FAST_MULT | HWCAP_EDSP | HWCAP_TLS;

/// The raw identification registers [`hwcap`] reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuIds {
    /// MIDR: its architecture field 0xF says the CPUID scheme (and so the
    /// other ID registers) exists.
    pub midr: u32,
    /// ID_ISAR0: the divide and swap instruction fields.
    pub id_isar0: u32,
    /// ID_MMFR0: the VMSA field (5 or more: LPAE).
    pub id_mmfr0: u32,
    /// SCTLR.SW (bit 10): on cores with the Multiprocessing Extensions SWP
    /// is UNDEFINED unless the kernel sets it. KML-rs does not.
    pub swp_enabled: bool,
    /// The VFP unit's media and VFP feature registers, `None` when the
    /// core has no unit (or CPACR could not open it).
    pub vfp: Option<VfpIds>,
}

/// The VFP feature registers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VfpIds {
    /// MVFR0: register bank size, single and double precision support.
    pub mvfr0: u32,
    /// MVFR1: Advanced SIMD and fused multiply-accumulate support.
    pub mvfr1: u32,
}

impl VfpIds {
    /// MVFR0.A_SIMD_registers (bits 3:0): 1 for 16 double registers, 2 for
    /// 32.
    pub const fn has_d32(self) -> bool {
        field(self.mvfr0, 0) == 2
    }
}

/// The 4-bit field of `register` starting at bit `shift`.
const fn field(register: u32, shift: u32) -> u32 {
    (register >> shift) & 0xF
}

/// The `AT_HWCAP` word for a core with these ID registers.
pub const fn hwcap(ids: &CpuIds) -> u32 {
    // Without the CPUID scheme the other registers mean nothing; every
    // ARMv7-A core has it.
    if field(ids.midr, 16) != 0xF {
        return ARMV7_BASE;
    }
    let mut caps = ARMV7_BASE;
    // ID_ISAR0.Swap_instrs (bits 3:0): 1 when SWP exists at all.
    if field(ids.id_isar0, 0) >= 1 && ids.swp_enabled {
        caps |= HWCAP_SWP;
    }
    // ID_ISAR0.Divide_instrs (bits 27:24): 1 Thumb only, 2 ARM too.
    let divide = field(ids.id_isar0, 24);
    if divide >= 1 {
        caps |= HWCAP_IDIVT;
    }
    if divide >= 2 {
        caps |= HWCAP_IDIVA;
    }
    // ID_MMFR0.VMSA support (bits 3:0): 5 is VMSAv7 with LPAE.
    if field(ids.id_mmfr0, 0) >= 5 {
        caps |= HWCAP_LPAE;
    }
    if let Some(vfp) = ids.vfp {
        caps |= vfp_hwcap(vfp);
    }
    caps
}

/// The VFP and NEON bits, as Linux's `vfp_init` sets them.
const fn vfp_hwcap(vfp: VfpIds) -> u32 {
    let mut caps = HWCAP_VFP;
    // MVFR0 Double_precision (bits 11:8) or Single_precision (7:4) of 2:
    // VFPv3 or later (VMOV immediate, the fixed-point conversions).
    if field(vfp.mvfr0, 8) == 2 || field(vfp.mvfr0, 4) == 2 {
        caps |= HWCAP_VFPV3;
        if vfp.has_d32() {
            caps |= HWCAP_VFPD32;
        } else {
            caps |= HWCAP_VFPV3D16;
        }
    }
    // MVFR1 A_SIMD load/store, integer and single precision (bits 19:8)
    // all 1: NEON. Linux asks exactly 0x00011100.
    if vfp.mvfr1 & 0x000F_FF00 == 0x0001_1100 {
        caps |= HWCAP_NEON;
    }
    // MVFR1.VFP_FMAC / A_SIMD_FMAC (bits 31:28): fused multiply-add.
    if field(vfp.mvfr1, 28) == 1 {
        caps |= HWCAP_VFPV4;
    }
    caps
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cortex-A9 r2p10 as QEMU's sabrelite models it: MIDR 0x412fc09a,
    /// ID_ISAR0 0x00101111, ID_MMFR0 0x00100103, MVFR0 0x10110222, MVFR1
    /// 0x01111111.
    const CORTEX_A9: CpuIds = CpuIds {
        midr: 0x412F_C09A,
        id_isar0: 0x0010_1111,
        id_mmfr0: 0x0010_0103,
        swp_enabled: false,
        vfp: Some(VfpIds {
            mvfr0: 0x1011_0222,
            mvfr1: 0x0111_1111,
        }),
    };

    /// Cortex-A15 r2p1 (QEMU's model): ID_ISAR0 0x02101110, ID_MMFR0
    /// 0x10201105, MVFR0 0x10110222, MVFR1 0x11111111.
    const CORTEX_A15: CpuIds = CpuIds {
        midr: 0x412F_C0F1,
        id_isar0: 0x0210_1110,
        id_mmfr0: 0x1020_1105,
        swp_enabled: false,
        vfp: Some(VfpIds {
            mvfr0: 0x1011_0222,
            mvfr1: 0x1111_1111,
        }),
    };

    #[test]
    fn cortex_a9_has_neon_vfpv3_d32_but_no_divide_or_lpae() {
        assert_eq!(
            hwcap(&CORTEX_A9),
            ARMV7_BASE | HWCAP_VFP | HWCAP_VFPV3 | HWCAP_VFPD32 | HWCAP_NEON
        );
    }

    #[test]
    fn cortex_a15_matches_linux_proc_cpuinfo() {
        // Linux on a Cortex-A15 (without swp emulation): half thumb
        // fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae.
        assert_eq!(hwcap(&CORTEX_A15), 0x001F_B0D6);
    }

    #[test]
    fn swp_needs_the_instruction_and_sctlr_sw() {
        let enabled = CpuIds {
            swp_enabled: true,
            ..CORTEX_A9
        };
        assert_ne!(hwcap(&enabled) & HWCAP_SWP, 0);
        assert_eq!(hwcap(&CORTEX_A9) & HWCAP_SWP, 0);
        let a15 = CpuIds {
            swp_enabled: true,
            ..CORTEX_A15
        };
        assert_eq!(hwcap(&a15) & HWCAP_SWP, 0, "ID_ISAR0.Swap_instrs is 0");
    }

    #[test]
    fn a_d16_unit_without_neon_says_so() {
        let d16 = CpuIds {
            vfp: Some(VfpIds {
                mvfr0: 0x1011_0221,
                mvfr1: 0x0000_0011,
            }),
            ..CORTEX_A9
        };
        let caps = hwcap(&d16);
        assert_eq!(caps & (HWCAP_VFPD32 | HWCAP_NEON), 0);
        assert_ne!(caps & HWCAP_VFPV3D16, 0);
        assert_ne!(caps & HWCAP_VFPV3, 0);
        assert!(!d16.vfp.unwrap().has_d32());
    }

    #[test]
    fn no_unit_no_vfp_bits() {
        let none = CpuIds {
            vfp: None,
            ..CORTEX_A15
        };
        let caps = hwcap(&none);
        assert_eq!(
            caps & (HWCAP_VFP | HWCAP_NEON | HWCAP_VFPV3 | HWCAP_VFPD32),
            0
        );
        assert_ne!(caps & HWCAP_IDIVA, 0);
    }

    #[test]
    fn without_the_cpuid_scheme_only_the_base() {
        let old = CpuIds {
            midr: 0x4107_B360,
            ..CORTEX_A15
        };
        assert_eq!(hwcap(&old), ARMV7_BASE);
    }
}
