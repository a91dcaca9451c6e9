// SPDX-License-Identifier: MIT OR Apache-2.0
//! Cortex-A9 MPCore Snoop Control Unit: coherency between the cores' L1s.
//!
//! The SCU sits at PERIPHBASE + 0x00 (Cortex-A9 MPCore TRM, ARM DDI 0407,
//! chapter 2 "Snoop Control Unit", table 2-1). It keeps a copy of every
//! core's L1 data tags and answers coherent requests from the others (and
//! the ACP) out of them; until SCU_CTRL.SCU_ENABLE is set, nothing is
//! coherent. The TRM asks that its tag RAMs be invalidated (SCU Invalidate
//! All Registers in Secure State) before it is enabled, since their
//! content is unknown after reset; Linux's `scu_enable` also sets bit 0 of
//! the undocumented diagnostic register at 0x30 for erratum 764369, and
//! cleans the caches afterwards so data written before is seen by all.
//!
//! Most SCU registers are writable only from the Secure state (or with the
//! Non-secure Access Control Register's consent); the caller checks.

use tock_registers::interfaces::{ReadWriteable, Readable, Writeable};
use tock_registers::registers::{ReadOnly, ReadWrite, WriteOnly};
use tock_registers::{register_bitfields, register_structs};

use crate::mmio::Mmio;

register_bitfields! {
    u32,

    /// SCU Control Register.
    SCU_CTRL [
        /// SCU enable.
        SCU_ENABLE OFFSET(0) NUMBITS(1) [],
        /// Address filtering enable.
        ADDRESS_FILTERING OFFSET(1) NUMBITS(1) [],
        /// SCU RAMs parity enable.
        PARITY OFFSET(2) NUMBITS(1) [],
        /// SCU speculative linefills enable.
        SPECULATIVE_LINEFILLS OFFSET(3) NUMBITS(1) [],
        /// Force all Device to port 0 enable.
        FORCE_DEVICE_TO_PORT0 OFFSET(4) NUMBITS(1) [],
        /// SCU standby enable.
        SCU_STANDBY OFFSET(5) NUMBITS(1) [],
        /// IC standby enable.
        IC_STANDBY OFFSET(6) NUMBITS(1) []
    ],

    /// SCU Configuration Register.
    SCU_CONFIG [
        /// CPU number: the number of Cortex-A9 cores, minus one.
        CPU_NUMBER OFFSET(0) NUMBITS(2) [],
        /// Which cores are in SMP mode (their ACTLR.SMP), one bit each.
        CPU_SMP OFFSET(4) NUMBITS(4) [],
        /// Tag RAM sizes, two bits per core.
        TAG_RAM_SIZES OFFSET(8) NUMBITS(8) []
    ]
}

register_structs! {
    /// The SCU's registers.
    #[allow(non_snake_case)]
    ScuRegisters {
        /// SCU Control Register.
        (0x00 => SCU_CTRL: ReadWrite<u32, SCU_CTRL::Register>),
        /// SCU Configuration Register.
        (0x04 => SCU_CONFIG: ReadOnly<u32, SCU_CONFIG::Register>),
        /// SCU CPU Power Status Register.
        (0x08 => SCU_CPU_POWER_STATUS: ReadWrite<u32>),
        /// SCU Invalidate All Registers in Secure State: four bits per
        /// core, one per way of its tag RAM.
        (0x0C => SCU_INVALIDATE_ALL: WriteOnly<u32>),
        (0x10 => _reserved0),
        /// The undocumented diagnostic control register of ARM's errata
        /// notices (bit 0: erratum 764369). Writes only; reads as zero.
        (0x30 => SCU_DIAGNOSTIC_CONTROL: WriteOnly<u32>),
        (0x34 => _reserved1),
        /// Filtering Start Address Register.
        (0x40 => FILTERING_START: ReadWrite<u32>),
        /// Filtering End Address Register.
        (0x44 => FILTERING_END: ReadWrite<u32>),
        (0x48 => _reserved2),
        /// SCU Access Control Register.
        (0x50 => SCU_ACCESS_CONTROL: ReadWrite<u32>),
        /// SCU Non-secure Access Control Register.
        (0x54 => SCU_NONSECURE_ACCESS_CONTROL: ReadWrite<u32>),
        (0x58 => @END),
    }
}

/// Bytes of the register block, for the board's mapping.
pub const REGISTER_BLOCK_SIZE: u32 = 0x100;

/// The SCU_INVALIDATE_ALL value that invalidates every way of core
/// `cpu`'s tag RAM (cores 0 to 3; others get nothing).
pub fn invalidate_all_ways_of(cpu: u32) -> u32 {
    if cpu < 4 { 0xF << (cpu * 4) } else { 0 }
}

/// What SCU_CONFIG says about the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Configuration {
    /// Cortex-A9 cores in the cluster (1 to 4).
    pub cores: u32,
    /// Bit n set: core n is in SMP mode (takes part in coherency).
    pub smp_cores: u32,
}

impl Configuration {
    /// Decodes SCU_CONFIG.
    pub fn from_register(raw: u32) -> Configuration {
        let config = tock_registers::LocalRegisterCopy::<u32, SCU_CONFIG::Register>::new(raw);
        Configuration {
            cores: config.read(SCU_CONFIG::CPU_NUMBER) + 1,
            smp_cores: config.read(SCU_CONFIG::CPU_SMP),
        }
    }
}

/// The Snoop Control Unit.
pub struct A9Scu {
    registers: Mmio<ScuRegisters>,
}

impl A9Scu {
    /// The SCU at virtual address `base` (PERIPHBASE + 0x00).
    ///
    /// # Safety
    /// `base` must be the mapped SCU registers (Device memory) for
    /// 'static, and this the only handle that changes them.
    pub const unsafe fn new(base: usize) -> A9Scu {
        A9Scu {
            // SAFETY: the caller's promise is `Mmio::new`'s.
            registers: unsafe { Mmio::new(base) },
        }
    }

    /// The cluster's cores and which are coherent.
    pub fn configuration(&self) -> Configuration {
        Configuration::from_register(self.registers.SCU_CONFIG.get())
    }

    /// Whether the SCU is on.
    pub fn is_enabled(&self) -> bool {
        self.registers.SCU_CTRL.is_set(SCU_CTRL::SCU_ENABLE)
    }

    /// Invalidates core `cpu`'s tag RAM in the SCU and turns the SCU on,
    /// leaving the other control bits as they are.
    ///
    /// # Safety
    /// The SCU must be off (invalidating the tags of a running SCU loses
    /// coherency), the core in the Secure state, and no other core may be
    /// running with its caches on. Afterwards, clean and invalidate the
    /// calling core's L1 data cache, so lines it holds from before are
    /// known to the SCU's fresh tags (Linux's `flush_cache_all`).
    pub unsafe fn enable(&self, cpu: u32) {
        self.registers
            .SCU_INVALIDATE_ALL
            .set(invalidate_all_ways_of(cpu));
        self.registers.SCU_CTRL.modify(SCU_CTRL::SCU_ENABLE::SET);
    }

    /// Sets the diagnostic bit that disables the migratory-line
    /// optimisation (erratum 764369: a data cache maintenance operation
    /// by MVA may not reach the point of coherency when another core holds
    /// the line). The bit reads as zero, so it is written every time.
    ///
    /// # Safety
    /// Secure state only; a Cortex-A9 MPCore SCU only.
    pub unsafe fn disable_migratory_lines(&self) {
        self.registers.SCU_DIAGNOSTIC_CONTROL.set(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_registers::FakeRegisters;

    #[test]
    fn invalidation_masks_pick_one_cores_four_ways() {
        assert_eq!(invalidate_all_ways_of(0), 0x000F);
        assert_eq!(invalidate_all_ways_of(3), 0xF000);
        assert_eq!(invalidate_all_ways_of(4), 0);
    }

    #[test]
    fn configuration_counts_cores() {
        // QEMU's sabrelite with -smp 4: 0xF3. An i.MX6 Solo: one core.
        assert_eq!(
            Configuration::from_register(0xF3),
            Configuration {
                cores: 4,
                smp_cores: 0xF
            }
        );
        assert_eq!(Configuration::from_register(0x10).cores, 1);
    }

    #[test]
    fn enable_invalidates_this_cores_tags_then_sets_the_enable_bit() {
        let fake = FakeRegisters::new();
        fake.write(0x00, 0x20); // SCU standby, set by a loader
        fake.write(0x04, 0x5501);
        // SAFETY: the fake block is leaked (lives for 'static) and covers
        // the 0x58 bytes decoded; this is its only handle.
        let scu = unsafe { A9Scu::new(fake.base()) };
        assert!(!scu.is_enabled());
        assert_eq!(scu.configuration().cores, 2);
        // SAFETY: a fake; "off, Secure, alone" hold trivially.
        unsafe { scu.enable(1) };
        assert_eq!(fake.read(0x0C), 0x00F0, "core 1's four ways");
        assert_eq!(fake.read(0x00), 0x21, "enabled, standby kept");
        assert!(scu.is_enabled());
        // SAFETY: as above.
        unsafe { scu.disable_migratory_lines() };
        assert_eq!(fake.read(0x30), 1);
    }
}
