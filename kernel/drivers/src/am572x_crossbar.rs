// SPDX-License-Identifier: MIT OR Apache-2.0
//! AM572x IRQ crossbar: which device interrupt drives each MPU GIC line.
//!
//! The AM572x has up to 399 device interrupts and only 160 GIC lines for
//! the Cortex-A15s (MPU_IRQ_0 to 159, which are GIC SPI 0 to 159, IDs 32 to
//! 191). Most lines are fed by the IRQ_CROSSBAR, programmed through the
//! CTRL_CORE_MPU_IRQ_* registers of the control module (CTRL_MODULE_CORE,
//! base 0x4A00_2000; AM572x TRM SPRUHZ6, chapter "Control Module",
//! "IRQ_CROSSBAR"). Each 32-bit register serves two lines: the even line
//! in bits 8:0, the odd line in bits 24:16, each holding a crossbar input
//! number (1 to 399; 0 is the "safe", unconnected setting).
//!
//! The registers are not one per line pair from MPU_IRQ_0. Lines 0-3, 5,
//! 6, 131 and 132 are hardwired and have no register at all, so the first
//! register, at 0xA48, serves MPU_IRQ_4 and MPU_IRQ_7 and the sequence
//! closes up around the gaps: 152 lines in 76 registers, to 0xB77. Lines
//! 10, 133, 139 and 140 have a register but bypass the crossbar anyway.
//! [`register_and_field`] is that map as a pure function.
//!
//! Sources checked (the TRM's own MPU_IRQ table we could not read):
//! - Linux `drivers/irqchip/irq-crossbar.c` with the `crossbar_mpu` node
//!   of `arch/arm/boot/dts/dra7.dtsi` (the AM57xx device trees include it):
//!   `reg = <0x4a002a48 0x130>`, `ti,reg-size = <2>`,
//!   `ti,irqs-reserved = <0 1 2 3 5 6 131 132>`,
//!   `ti,irqs-skip = <10 133 139 140>`; the driver gives each line not
//!   reserved the next 2-byte slot, and writes the number a device's
//!   `interrupts = <GIC_SPI n ...>` names as the crossbar input.
//! - TI's Processor SDK CSL (the TDA2Ex `csl_device_xbar.h`, and
//!   `CSL_xbarIrqConfigure`, shared by AM571x/AM572x): instance k of the
//!   MPU crossbar is register (k - 1) / 2, bits 16 * ((k - 1) % 2) up,
//!   with MPU_IRQ_4 = 1, MPU_IRQ_7 = 2, MPU_IRQ_130 = 125,
//!   MPU_IRQ_133 = 126, MPU_IRQ_159 = 152. It unlocks
//!   CTRL_CORE_MMR_LOCK_2 (0x544) around each write, and so do we; the
//!   key values are those of TI's and QNX's DRA74x headers.
//! - The DRA75x TRM (SPRUI30H), same silicon family: field widths 8:0 and
//!   24:16, values 0x190-0x1FF reserved.
//! - UART3 (the console) is crossbar input 69: `uart3` in dra7.dtsi has
//!   `interrupts = <GIC_SPI 69 ...>` under `crossbar_mpu`, and the CSL
//!   has `CSL_XBAR_UART3_IRQ = 69`. (Input 72 is USB1_IRQ_INTR1 there.)

use tock_registers::fields::Field;
use tock_registers::interfaces::{ReadWriteable, Readable, Writeable};
use tock_registers::registers::ReadWrite;
use tock_registers::{register_bitfields, register_structs};

use crate::mmio::Mmio;

/// Offset of the first crossbar register from the control module base.
/// TI's headers name it CTRL_CORE_MPU_IRQ_4_5, though it serves lines 4
/// and 7.
const FIRST_REGISTER: usize = 0xA48;

/// Crossbar registers for the MPU: 152 lines, two per register.
const REGISTERS: usize = 76;

/// MPU interrupt lines (GIC SPIs) the GIC-400 of the AM572x has.
pub const MPU_LINES: u32 = 160;

/// Lines hardwired to a device, with no crossbar register.
const NO_REGISTER: [u32; 8] = [0, 1, 2, 3, 5, 6, 131, 132];

/// Lines with a register that the hardware ignores (Linux `ti,irqs-skip`).
const BYPASSED: [u32; 4] = [10, 133, 139, 140];

/// The largest crossbar input number.
pub const MAX_INPUT: u16 = 399;

/// Crossbar input of UART3's interrupt, the AM572x console.
pub const UART3_INPUT: u16 = 69;

/// CTRL_CORE_MMR_LOCK_2 value that unlocks control module offsets 0x7A0
/// to 0xD9F, the crossbar registers among them.
const MMR_LOCK_2_UNLOCK: u32 = 0xF757_FDC0;

/// CTRL_CORE_MMR_LOCK_2 value that locks them again.
const MMR_LOCK_2_LOCK: u32 = 0xFDF4_5530;

register_bitfields! {
    u32,

    /// CTRL_CORE_MPU_IRQ_*: crossbar inputs for two MPU lines (the TRM's
    /// generic CTRL_CORE_X_IRQ_B_A, X = MPU).
    CTRL_CORE_MPU_IRQ [
        /// Input driving the register's even line (TRM: X_IRQ_B).
        MPU_IRQ_B OFFSET(0) NUMBITS(9) [],
        /// Input driving the register's odd line (TRM: X_IRQ_A).
        MPU_IRQ_A OFFSET(16) NUMBITS(9) []
    ]
}

register_structs! {
    /// The part of CTRL_MODULE_CORE the crossbar needs.
    #[allow(non_snake_case)]
    ControlCoreRegisters {
        (0x000 => _reserved0),
        /// Write-protection key for offsets 0x7A0 to 0xD9F.
        (0x544 => CTRL_CORE_MMR_LOCK_2: ReadWrite<u32>),
        (0x548 => _reserved1),
        /// The 76 crossbar registers, lines 4 and 7 up to 158 and 159.
        (0xA48 => CTRL_CORE_MPU_IRQ: [ReadWrite<u32, CTRL_CORE_MPU_IRQ::Register>; REGISTERS]),
        (0xB78 => @END),
    }
}

/// The register (byte offset from the control module base) and bit shift
/// of the crossbar field for MPU line `mpu_irq`, or `None` if the line has
/// no register (0-3, 5, 6, 131, 132, and 160 up).
pub fn register_and_field(mpu_irq: u32) -> Option<(usize, u32)> {
    if mpu_irq >= MPU_LINES || NO_REGISTER.contains(&mpu_irq) {
        return None;
    }
    // Fields are packed in line order, skipping the lines without one.
    let earlier_gaps = NO_REGISTER.iter().filter(|&&gap| gap < mpu_irq).count();
    let slot = mpu_irq as usize - earlier_gaps;
    Some((FIRST_REGISTER + 4 * (slot / 2), 16 * (slot % 2) as u32))
}

/// Why a line was not routed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteError {
    /// The line has no crossbar register or ignores it.
    NotRoutable(u32),
    /// The input number is 0 (use `disconnect`) or above [`MAX_INPUT`].
    NoSuchInput(u16),
}

/// The MPU half of the IRQ crossbar.
pub struct Crossbar {
    registers: Mmio<ControlCoreRegisters>,
}

impl Crossbar {
    /// Makes the handle for the crossbar in the control module whose
    /// CTRL_MODULE_CORE registers start at virtual address `base`
    /// (physical 0x4A00_2000 on the AM572x).
    ///
    /// # Safety
    ///
    /// `base` must be the virtual address of the AM572x CTRL_MODULE_CORE
    /// block (at least 0xB78 bytes), mapped as device memory for
    /// `'static`, and no other code may change CTRL_CORE_MMR_LOCK_2 or the
    /// MPU crossbar registers while a call here runs.
    pub const unsafe fn new(base: usize) -> Self {
        Self {
            // SAFETY: the caller promises a mapped control module at
            // `base` for 'static, which is what `Mmio::new` needs.
            registers: unsafe { Mmio::new(base) },
        }
    }

    /// Connects crossbar input `input` to MPU line `mpu_irq`, which is
    /// then GIC SPI `mpu_irq`. The other line of the register is kept.
    pub fn route(&self, mpu_irq: u32, input: u16) -> Result<(), RouteError> {
        if input == 0 || input > MAX_INPUT {
            return Err(RouteError::NoSuchInput(input));
        }
        self.write_field(mpu_irq, input)
    }

    /// Returns MPU line `mpu_irq` to the safe setting, input 0.
    pub fn disconnect(&self, mpu_irq: u32) -> Result<(), RouteError> {
        self.write_field(mpu_irq, 0)
    }

    /// The input currently routed to `mpu_irq`, if it has a register.
    pub fn routed_input(&self, mpu_irq: u32) -> Option<u16> {
        let (index, field) = Self::locate(mpu_irq)?;
        // The field is 9 bits wide, so the value fits.
        Some(self.registers.CTRL_CORE_MPU_IRQ[index].read(field) as u16)
    }

    /// The register index and field of a line that has one.
    fn locate(mpu_irq: u32) -> Option<(usize, Field<u32, CTRL_CORE_MPU_IRQ::Register>)> {
        let (offset, shift) = register_and_field(mpu_irq)?;
        let field = if shift == 0 {
            CTRL_CORE_MPU_IRQ::MPU_IRQ_B
        } else {
            CTRL_CORE_MPU_IRQ::MPU_IRQ_A
        };
        Some(((offset - FIRST_REGISTER) / 4, field))
    }

    /// Writes `input` into the field of `mpu_irq`, unlocking the control
    /// module's MMR2 region around the write if it was locked, and
    /// leaving it as it was found, as TI's CSL does.
    fn write_field(&self, mpu_irq: u32, input: u16) -> Result<(), RouteError> {
        let located = Self::locate(mpu_irq).filter(|_| !BYPASSED.contains(&mpu_irq));
        let (index, field) = located.ok_or(RouteError::NotRoutable(mpu_irq))?;
        let lock = &self.registers.CTRL_CORE_MMR_LOCK_2;
        let was_locked = lock.get() != MMR_LOCK_2_UNLOCK;
        if was_locked {
            lock.set(MMR_LOCK_2_UNLOCK);
        }
        self.registers.CTRL_CORE_MPU_IRQ[index].modify(field.val(u32::from(input)));
        if was_locked {
            lock.set(MMR_LOCK_2_LOCK);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_registers::FakeRegisters;

    /// Offset of CTRL_CORE_MMR_LOCK_2.
    const LOCK_OFFSET: usize = 0x544;

    /// A crossbar handle on zeroed memory standing in for the control
    /// module.
    fn fake_crossbar() -> (FakeRegisters, Crossbar) {
        let fake = FakeRegisters::with_size(0x1000);
        // SAFETY: the fake block is leaked, so it lives for 'static, and it
        // is 0x1000 bytes, covering the 0xB78 the handle decodes.
        let crossbar = unsafe { Crossbar::new(fake.base()) };
        (fake, crossbar)
    }

    /// Where TI's CSL puts instance `k` (1-based) of the MPU crossbar.
    fn csl_position(k: usize) -> (usize, u32) {
        (
            FIRST_REGISTER + 4 * ((k - 1) / 2),
            16 * ((k - 1) % 2) as u32,
        )
    }

    #[test]
    fn hardwired_lines_have_no_register() {
        for line in [0, 1, 2, 3, 5, 6, 131, 132, 160, 1000] {
            assert_eq!(register_and_field(line), None, "MPU_IRQ_{line}");
        }
    }

    #[test]
    fn mapping_matches_the_csl_instance_numbers() {
        // (MPU_IRQ_n, CSL_XBAR_INST_MPU_IRQ_n) pairs from the CSL header.
        let pairs = [
            (4, 1),
            (7, 2),
            (8, 3),
            (9, 4),
            (74, 69),
            (129, 124),
            (130, 125),
            (133, 126),
            (138, 131),
            (141, 134),
            (159, 152),
        ];
        for (line, instance) in pairs {
            assert_eq!(
                register_and_field(line),
                Some(csl_position(instance)),
                "MPU_IRQ_{line}"
            );
        }
    }

    #[test]
    fn mapping_matches_linux_and_fills_0x130_bytes() {
        // Linux: the i-th line with a register gets bytes 2i and 2i + 1.
        let mut slot = 0;
        for line in 0..MPU_LINES {
            let Some((offset, shift)) = register_and_field(line) else {
                continue;
            };
            let byte = offset - FIRST_REGISTER + (shift / 8) as usize;
            assert_eq!(byte, 2 * slot, "MPU_IRQ_{line}");
            assert_eq!(shift == 0, line % 2 == 0, "even lines low: {line}");
            slot += 1;
        }
        assert_eq!(2 * slot, 0x130, "dra7.dtsi: reg = <0x4a002a48 0x130>");
    }

    #[test]
    fn route_writes_one_field_and_relocks() {
        let (fake, crossbar) = fake_crossbar();
        fake.write(LOCK_OFFSET, MMR_LOCK_2_LOCK);
        // MPU_IRQ_74 is the low half of 0xA48 + 4 * 34 = 0xAD0.
        fake.write(0xAD0, 0x0123_0000 | 0x1FF);
        assert_eq!(crossbar.route(74, UART3_INPUT), Ok(()));
        assert_eq!(fake.read(0xAD0), 0x0123_0000 | 69);
        assert_eq!(crossbar.routed_input(74), Some(69));
        assert_eq!(fake.read(LOCK_OFFSET), MMR_LOCK_2_LOCK, "locked again");
        assert_eq!(crossbar.route(75, MAX_INPUT), Ok(()));
        assert_eq!(fake.read(0xAD0), (399 << 16) | 69);
    }

    #[test]
    fn route_leaves_an_unlocked_module_unlocked() {
        let (fake, crossbar) = fake_crossbar();
        fake.write(LOCK_OFFSET, MMR_LOCK_2_UNLOCK);
        assert_eq!(crossbar.route(159, 217), Ok(()));
        assert_eq!(fake.read(0xB74), 217 << 16, "MPU_IRQ_159: RTC alarm");
        assert_eq!(fake.read(LOCK_OFFSET), MMR_LOCK_2_UNLOCK);
        assert_eq!(crossbar.disconnect(159), Ok(()));
        assert_eq!(fake.read(0xB74), 0);
    }

    #[test]
    fn route_refuses_fixed_lines_and_bad_inputs() {
        let (fake, crossbar) = fake_crossbar();
        for line in [3, 5, 10, 131, 133, 139, 140, 160] {
            assert_eq!(crossbar.route(line, 69), Err(RouteError::NotRoutable(line)));
        }
        assert_eq!(crossbar.route(74, 0), Err(RouteError::NoSuchInput(0)));
        assert_eq!(crossbar.route(74, 400), Err(RouteError::NoSuchInput(400)));
        assert_eq!(crossbar.routed_input(5), None);
        assert_eq!(fake.read(LOCK_OFFSET), 0, "nothing unlocked");
    }
}
