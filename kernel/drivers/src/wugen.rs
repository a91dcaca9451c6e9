// SPDX-License-Identifier: MIT OR Apache-2.0
//! AM572x MPU wakeup generator (WUGEN): a per-CPU mask on the GIC's SPIs.
//!
//! The MPU subsystem's WakeupGen (MPU_WUGEN, 0x4828_1000 on the AM572x;
//! AM572x TRM SPRUHZ6, chapter "MPU Subsystem", "MPU_WUGEN") holds, for
//! each Cortex-A15, one enable bit per shared interrupt line: bit b of
//! WKG_ENB_x_0 is MPU_IRQ (GIC SPI) 32 * x + b, with x = A to E for lines 0
//! to 159. A masked line cannot wake its CPU from a low-power state. Linux
//! treats WUGEN as an interrupt controller stacked in front of the GIC and
//! sets a line's bit whenever it unmasks the line in the GIC
//! (`arch/arm/mach-omap2/omap-wakeupgen.c`, `wakeupgen_unmask`); offsets
//! here are that file's `OMAP_WKG_*` and its DRA7 bank count, five. We are
//! simpler: every line is unmasked for CPU0 once, at boot, and the GIC
//! alone decides what is enabled. CPU1's bank (0x400 up) and WKG_CONTROL_0
//! are left alone.

use tock_registers::interfaces::Writeable;
use tock_registers::register_structs;
use tock_registers::registers::ReadWrite;

use crate::mmio::Mmio;

register_structs! {
    /// CPU0's WakeupGen registers.
    #[allow(non_snake_case)]
    WakeupGenRegisters {
        /// WakeupGen control for CPU0; not touched here.
        (0x000 => WKG_CONTROL_0: ReadWrite<u32>),
        (0x004 => _reserved0),
        /// Enables for MPU_IRQ 0-31, one bit each.
        (0x010 => WKG_ENB_A_0: ReadWrite<u32>),
        /// Enables for MPU_IRQ 32-63.
        (0x014 => WKG_ENB_B_0: ReadWrite<u32>),
        /// Enables for MPU_IRQ 64-95.
        (0x018 => WKG_ENB_C_0: ReadWrite<u32>),
        /// Enables for MPU_IRQ 96-127.
        (0x01C => WKG_ENB_D_0: ReadWrite<u32>),
        /// Enables for MPU_IRQ 128-159.
        (0x020 => WKG_ENB_E_0: ReadWrite<u32>),
        (0x024 => @END),
    }
}

/// The MPU wakeup generator, as CPU0 sees it.
pub struct WakeupGen {
    registers: Mmio<WakeupGenRegisters>,
}

impl WakeupGen {
    /// Makes the handle for the wakeup generator at virtual address
    /// `base` (physical 0x4828_1000 on the AM572x).
    ///
    /// # Safety
    ///
    /// `base` must be the virtual address of the MPU WakeupGen block,
    /// mapped as device memory for `'static`, and no other handle may
    /// change CPU0's enables.
    pub const unsafe fn new(base: usize) -> Self {
        Self {
            // SAFETY: the caller promises a mapped WakeupGen at `base` for
            // 'static, which is what `Mmio::new` needs.
            registers: unsafe { Mmio::new(base) },
        }
    }

    /// Unmasks all 160 lines for CPU0.
    pub fn enable_all(&self) {
        let registers = &*self.registers;
        for enables in [
            &registers.WKG_ENB_A_0,
            &registers.WKG_ENB_B_0,
            &registers.WKG_ENB_C_0,
            &registers.WKG_ENB_D_0,
            &registers.WKG_ENB_E_0,
        ] {
            enables.set(u32::MAX);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_registers::FakeRegisters;

    #[test]
    fn enable_all_sets_every_bit_of_cpu0s_five_banks() {
        let fake = FakeRegisters::new();
        fake.write(0x000, 0x5A);
        // SAFETY: the fake block is leaked, so it lives for 'static, and it
        // is 0x100 bytes, covering the 0x24 the handle decodes.
        let wakeup_gen = unsafe { WakeupGen::new(fake.base()) };
        wakeup_gen.enable_all();
        for offset in [0x10, 0x14, 0x18, 0x1C, 0x20] {
            assert_eq!(fake.read(offset), u32::MAX, "WKG_ENB at {offset:#x}");
        }
        assert_eq!(fake.read(0x000), 0x5A, "WKG_CONTROL_0 untouched");
        assert_eq!(fake.read(0x024), 0, "nothing past bank E");
    }
}
