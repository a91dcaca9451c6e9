// SPDX-License-Identifier: MIT OR Apache-2.0
//! ARM Generic Interrupt Controller v2: distributor and CPU interface.
//!
//! Registers and fields follow the ARM Generic Interrupt Controller
//! Architecture Specification, version 2 (ARM IHI0048B), chapter 4
//! "Programmers' Model", and keep its names. One driver serves three parts:
//! the GIC-400 of the AM572x, QEMU virt's GICv2, and the interrupt
//! controller of the Cortex-A9 MPCore on the i.MX6Q (Cortex-A9 MPCore TRM,
//! ARM DDI0407, chapter 3), a GICv1 whose registers sit at the same offsets
//! with the same meaning for everything used here.
//!
//! The kernel runs either Secure (i.MX6Q, QEMU) or Non-secure (AM572x
//! entered in HYP, where U-Boot has already put every line in Group 1).
//! Bit 0 of GICD_CTLR and of GICC_CTLR enables Group 0 in the Secure view
//! and Group 1 in the Non-secure view, so setting only that bit enables the
//! one group the kernel can see. `init` also writes every GICD_IGROUPRn to
//! 0: that makes all lines Group 0, signalled as IRQ (GICC_CTLR.FIQEn = 0),
//! when Secure, and is ignored (RAZ/WI) when Non-secure.
//!
//! Enabling, disabling and pending use the write-1-to-set and
//! write-1-to-clear registers, so they need no lock. The priority and
//! target registers are written a byte at a time, which the architecture
//! allows; GICD_ICFGRn is read, modified and written, so callers change
//! trigger modes from one CPU at a time (the kernel configures interrupts
//! once, at boot, with IRQs masked).

use tock_registers::interfaces::{ReadWriteable, Readable, Writeable};
use tock_registers::registers::{ReadOnly, ReadWrite, WriteOnly};
use tock_registers::{register_bitfields, register_structs};

use crate::mmio::Mmio;

register_bitfields! {
    u32,

    /// Distributor Control Register, GICD_CTLR.
    GICD_CTLR [
        /// Forward Group 0 interrupts (Non-secure view: Group 1).
        EnableGrp0 OFFSET(0) NUMBITS(1) [],
        /// Forward Group 1 interrupts (Secure view only).
        EnableGrp1 OFFSET(1) NUMBITS(1) []
    ],

    /// Interrupt Controller Type Register, GICD_TYPER.
    GICD_TYPER [
        /// Supported lines: 32 * (ITLinesNumber + 1), at most 1020.
        ITLinesNumber OFFSET(0) NUMBITS(5) [],
        /// Implemented CPU interfaces, minus one.
        CPUNumber OFFSET(5) NUMBITS(3) [],
        /// The GIC implements the Security Extensions.
        SecurityExtn OFFSET(10) NUMBITS(1) [],
        /// Lockable SPIs, with the Security Extensions.
        LSPI OFFSET(11) NUMBITS(5) []
    ],

    /// Distributor Implementer Identification Register, GICD_IIDR.
    GICD_IIDR [
        /// JEP106 code of the implementer (0x43B for ARM).
        Implementer OFFSET(0) NUMBITS(12) [],
        /// Revision number.
        Revision OFFSET(12) NUMBITS(4) [],
        /// Variant number.
        Variant OFFSET(16) NUMBITS(4) [],
        /// Product identifier.
        ProductID OFFSET(24) NUMBITS(8) []
    ],

    /// Software Generated Interrupt Register, GICD_SGIR.
    GICD_SGIR [
        /// The SGI to raise, 0 to 15.
        SGIINTID OFFSET(0) NUMBITS(4) [],
        /// Raise it only if it is Group 1 (Secure writes only).
        NSATT OFFSET(15) NUMBITS(1) [],
        /// CPU interfaces to send it to, one bit each.
        CPUTargetList OFFSET(16) NUMBITS(8) [],
        /// How CPUTargetList is used.
        TargetListFilter OFFSET(24) NUMBITS(2) [
            /// Send to the CPUs in CPUTargetList.
            TargetList = 0b00,
            /// Send to every CPU but the requester.
            AllOthers = 0b01,
            /// Send to the requester only.
            Requester = 0b10
        ]
    ],

    /// CPU Interface Control Register, GICC_CTLR (Secure view; the
    /// Non-secure view has EnableGrp1 in bit 0).
    GICC_CTLR [
        /// Signal Group 0 interrupts to the CPU.
        EnableGrp0 OFFSET(0) NUMBITS(1) [],
        /// Signal Group 1 interrupts to the CPU.
        EnableGrp1 OFFSET(1) NUMBITS(1) [],
        /// A Secure read of GICC_IAR may acknowledge a Group 1 interrupt.
        AckCtl OFFSET(2) NUMBITS(1) [],
        /// Signal Group 0 interrupts as FIQ rather than IRQ.
        FIQEn OFFSET(3) NUMBITS(1) [],
        /// GICC_BPR controls both groups.
        CBPR OFFSET(4) NUMBITS(1) [],
        /// No FIQ bypass for Group 0 while the interface is disabled.
        FIQBypDisGrp0 OFFSET(5) NUMBITS(1) [],
        /// No IRQ bypass for Group 0 while the interface is disabled.
        IRQBypDisGrp0 OFFSET(6) NUMBITS(1) [],
        /// No FIQ bypass for Group 1 while the interface is disabled.
        FIQBypDisGrp1 OFFSET(7) NUMBITS(1) [],
        /// No IRQ bypass for Group 1 while the interface is disabled.
        IRQBypDisGrp1 OFFSET(8) NUMBITS(1) [],
        /// Secure EOI mode: GICC_EOIR only drops priority.
        EOImodeS OFFSET(9) NUMBITS(1) [],
        /// Non-secure EOI mode: GICC_EOIR only drops priority.
        EOImodeNS OFFSET(10) NUMBITS(1) []
    ],

    /// Interrupt Priority Mask Register, GICC_PMR.
    GICC_PMR [
        /// Only interrupts of higher priority (lower value) are signalled.
        Priority OFFSET(0) NUMBITS(8) []
    ],

    /// Binary Point Register, GICC_BPR.
    GICC_BPR [
        /// Splits the priority into group priority and subpriority.
        Binary_Point OFFSET(0) NUMBITS(3) []
    ],

    /// Interrupt Acknowledge Register, GICC_IAR; GICC_EOIR and GICC_HPPIR
    /// share its layout.
    GICC_IAR [
        /// The interrupt ID; 1020 to 1023 are special (1023: spurious).
        InterruptID OFFSET(0) NUMBITS(10) [],
        /// For an SGI, the CPU that raised it.
        CPUID OFFSET(10) NUMBITS(3) []
    ],

    /// Running Priority Register, GICC_RPR.
    GICC_RPR [
        /// Priority of the highest-priority active interrupt (0xFF: idle).
        Priority OFFSET(0) NUMBITS(8) []
    ],

    /// CPU Interface Identification Register, GICC_IIDR.
    GICC_IIDR [
        /// JEP106 code of the implementer.
        Implementer OFFSET(0) NUMBITS(12) [],
        /// Revision number.
        Revision OFFSET(12) NUMBITS(4) [],
        /// GIC architecture version (2 for GICv2).
        ArchitectureVersion OFFSET(16) NUMBITS(4) [],
        /// Product identifier.
        ProductID OFFSET(20) NUMBITS(12) []
    ]
}

register_structs! {
    /// The distributor (IHI0048B, table 4-1), up to GICD_SGIR. Bitmap
    /// registers hold one bit per interrupt, GICD_ICFGRn two, and the
    /// priority and target registers one byte, indexed by interrupt ID.
    #[allow(non_snake_case)]
    DistributorRegisters {
        (0x000 => GICD_CTLR: ReadWrite<u32, GICD_CTLR::Register>),
        (0x004 => GICD_TYPER: ReadOnly<u32, GICD_TYPER::Register>),
        (0x008 => GICD_IIDR: ReadOnly<u32, GICD_IIDR::Register>),
        (0x00C => _reserved0),
        (0x080 => GICD_IGROUPR: [ReadWrite<u32>; 32]),
        (0x100 => GICD_ISENABLER: [ReadWrite<u32>; 32]),
        (0x180 => GICD_ICENABLER: [ReadWrite<u32>; 32]),
        (0x200 => GICD_ISPENDR: [ReadWrite<u32>; 32]),
        (0x280 => GICD_ICPENDR: [ReadWrite<u32>; 32]),
        (0x300 => GICD_ISACTIVER: [ReadWrite<u32>; 32]),
        (0x380 => GICD_ICACTIVER: [ReadWrite<u32>; 32]),
        (0x400 => GICD_IPRIORITYR: [ReadWrite<u8>; 1020]),
        (0x7FC => _reserved1),
        (0x800 => GICD_ITARGETSR: [ReadWrite<u8>; 1020]),
        (0xBFC => _reserved2),
        (0xC00 => GICD_ICFGR: [ReadWrite<u32>; 64]),
        (0xD00 => _reserved3),
        (0xF00 => GICD_SGIR: WriteOnly<u32, GICD_SGIR::Register>),
        (0xF04 => @END),
    },

    /// The CPU interface (IHI0048B, table 4-2), up to GICC_HPPIR, plus
    /// GICC_IIDR; the Cortex-A9's interface is only 0x100 bytes long.
    #[allow(non_snake_case)]
    CpuInterfaceRegisters {
        (0x00 => GICC_CTLR: ReadWrite<u32, GICC_CTLR::Register>),
        (0x04 => GICC_PMR: ReadWrite<u32, GICC_PMR::Register>),
        (0x08 => GICC_BPR: ReadWrite<u32, GICC_BPR::Register>),
        (0x0C => GICC_IAR: ReadOnly<u32, GICC_IAR::Register>),
        (0x10 => GICC_EOIR: WriteOnly<u32, GICC_IAR::Register>),
        (0x14 => GICC_RPR: ReadOnly<u32, GICC_RPR::Register>),
        (0x18 => GICC_HPPIR: ReadOnly<u32, GICC_IAR::Register>),
        (0x1C => _reserved0),
        (0xFC => GICC_IIDR: ReadOnly<u32, GICC_IIDR::Register>),
        (0x100 => @END),
    }
}

/// Priority `init` gives every line, in the middle of the range, as Linux
/// does (GICD_INT_DEF_PRI); lower values are more urgent.
pub const DEFAULT_PRIORITY: u8 = 0xA0;

/// Priority mask `init` sets: everything but the lowest priority passes.
pub const DEFAULT_PRIORITY_MASK: u8 = 0xF0;

/// The CPU interface `init` targets shared interrupts at when the
/// distributor does not say which interface is asking (uniprocessor GICs
/// make GICD_ITARGETSRn RAZ/WI): CPU interface 0.
const CPU0_TARGET: u8 = 0b0000_0001;

/// A GIC interrupt ID: SGIs 0-15, PPIs 16-31, SPIs from 32 up to 1019.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InterruptId(u16);

impl InterruptId {
    /// One past the largest ID: 1020 to 1023 are special values of
    /// GICC_IAR, not interrupts.
    pub const LIMIT: u16 = 1020;

    /// ID `id`, for constants.
    ///
    /// # Panics
    /// If `id` is 1020 or more; in a `const` this is a compile error.
    pub const fn new(id: u16) -> Self {
        assert!(id < Self::LIMIT, "GIC interrupt IDs stop at 1019");
        Self(id)
    }

    /// ID `id`, if it names an interrupt.
    pub const fn checked(id: u32) -> Option<Self> {
        if id < Self::LIMIT as u32 {
            Some(Self(id as u16))
        } else {
            None
        }
    }

    /// Private peripheral interrupt `n` (0-15), ID 16 + `n`.
    ///
    /// # Panics
    /// If `n` is 16 or more.
    pub const fn ppi(n: u16) -> Self {
        assert!(n < 16, "there are 16 PPIs");
        Self(16 + n)
    }

    /// Shared peripheral interrupt `n`, ID 32 + `n`: what a device tree
    /// writes as `<GIC_SPI n ...>`.
    ///
    /// # Panics
    /// If 32 + `n` is 1020 or more.
    pub const fn spi(n: u16) -> Self {
        Self::new(32 + n)
    }

    /// The ID as a number.
    pub const fn number(self) -> u16 {
        self.0
    }

    /// Whether this is a shared peripheral interrupt (ID 32 or more).
    pub const fn is_shared(self) -> bool {
        self.0 >= 32
    }

    /// Index of the 32-bit bitmap register holding this ID, and its bit.
    const fn bitmap_position(self) -> (usize, u32) {
        ((self.0 / 32) as usize, 1 << (self.0 % 32))
    }
}

/// An acknowledged interrupt: the GICC_IAR value, which GICC_EOIR wants
/// back unchanged (for an SGI it names the sending CPU too).
///
/// It is neither `Copy` nor `Clone`: ending an interrupt consumes it, so
/// each acknowledge is ended exactly once.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "an acknowledged interrupt stays active until it is ended"]
pub struct Interrupt(u32);

impl Interrupt {
    /// Bits of GICC_IAR that carry InterruptID and CPUID.
    const IAR_MASK: u32 = 0x1FFF;

    /// Decodes a GICC_IAR value; IDs 1020-1023 (1023 is "spurious": the
    /// interrupt was taken back, or another CPU took it) give `None`.
    pub const fn from_iar(iar: u32) -> Option<Self> {
        let iar = iar & Self::IAR_MASK;
        if iar & 0x3FF < InterruptId::LIMIT as u32 {
            Some(Self(iar))
        } else {
            None
        }
    }

    /// Which interrupt this is.
    pub const fn id(&self) -> InterruptId {
        // The InterruptID field is below 1020, checked by `from_iar`.
        InterruptId((self.0 & 0x3FF) as u16)
    }

    /// For an SGI, the CPU interface that raised it; 0 otherwise.
    pub const fn source_cpu(&self) -> u8 {
        (self.0 >> 10) as u8 & 0b111
    }
}

/// How a shared peripheral interrupt is sensed (GICD_ICFGRn).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// Pending while the line is asserted.
    Level,
    /// Pending on each rising edge of the line.
    Edge,
}

/// Why a trigger mode was not changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TriggerError {
    /// Only SPIs are configurable here; SGIs are always edge-triggered and
    /// PPIs are fixed by the implementation on the parts we drive.
    NotShared(InterruptId),
}

/// The GIC distributor: which interrupts exist, are enabled, how urgent
/// they are and which CPU gets them.
pub struct GicDistributor {
    registers: Mmio<DistributorRegisters>,
}

impl GicDistributor {
    /// Makes the handle for the distributor at virtual address `base`.
    ///
    /// # Safety
    ///
    /// `base` must be the virtual address of a GIC distributor (at least
    /// 0xF04 bytes), mapped as device memory for `'static`, and no other
    /// handle may configure it.
    pub const unsafe fn new(base: usize) -> Self {
        Self {
            // SAFETY: the caller promises a mapped distributor at `base`
            // for 'static, which is what `Mmio::new` needs.
            registers: unsafe { Mmio::new(base) },
        }
    }

    /// Interrupt IDs the distributor implements: 0 up to this number.
    pub fn number_of_lines(&self) -> u32 {
        let blocks = self.registers.GICD_TYPER.read(GICD_TYPER::ITLinesNumber) + 1;
        (32 * blocks).min(u32::from(InterruptId::LIMIT))
    }

    /// Resets every line to disabled, inactive, not pending, Group 0 when
    /// Secure, priority [`DEFAULT_PRIORITY`], level-sensitive and (SPIs)
    /// routed to this CPU, then enables the distributor. The order follows
    /// Linux's `gic_dist_init`: forwarding is off while lines change.
    pub fn init(&self) {
        self.registers.GICD_CTLR.set(0);
        let lines = self.number_of_lines();
        self.init_shared_lines(lines);
        self.init_private_lines();
        self.registers.GICD_CTLR.write(GICD_CTLR::EnableGrp0::SET);
    }

    /// Resets the SPIs, IDs 32 to `lines` - 1. The Cortex-A9's GICv1 has
    /// no GICD_ICACTIVERn (its active bits are read-only); the writes land
    /// in reserved space and are ignored, which Linux relies on as well.
    fn init_shared_lines(&self, lines: u32) {
        let registers = &*self.registers;
        let bitmap_words = lines.div_ceil(32) as usize;
        for word in 1..bitmap_words {
            registers.GICD_ICENABLER[word].set(u32::MAX);
            registers.GICD_ICPENDR[word].set(u32::MAX);
            registers.GICD_ICACTIVER[word].set(u32::MAX);
            registers.GICD_IGROUPR[word].set(0);
        }
        // Two bits per line, 0b00: level-sensitive (Linux writes 0 too).
        for word in 2..lines.div_ceil(16) as usize {
            registers.GICD_ICFGR[word].set(0);
        }
        let target = self.this_cpu_target();
        for id in 32..lines as usize {
            registers.GICD_IPRIORITYR[id].set(DEFAULT_PRIORITY);
            registers.GICD_ITARGETSR[id].set(target);
        }
    }

    /// Resets this CPU's banked SGIs and PPIs: PPIs disabled, all
    /// inactive, default priority. SGIs stay enabled, as in Linux's
    /// `gic_cpu_config`; on many parts their enable bits are fixed anyway.
    fn init_private_lines(&self) {
        let registers = &*self.registers;
        registers.GICD_ICENABLER[0].set(0xFFFF_0000);
        registers.GICD_ICPENDR[0].set(0xFFFF_0000);
        registers.GICD_ICACTIVER[0].set(u32::MAX);
        registers.GICD_IGROUPR[0].set(0);
        for id in 0..32 {
            registers.GICD_IPRIORITYR[id].set(DEFAULT_PRIORITY);
        }
    }

    /// The target byte naming the CPU that reads it: GICD_ITARGETSR0 to 7
    /// are read-only and return the reader's own interface bit (IHI0048B
    /// 4.3.12). They read as zero on a uniprocessor GIC, so we fall back
    /// to CPU interface 0.
    fn this_cpu_target(&self) -> u8 {
        match self.registers.GICD_ITARGETSR[0].get() {
            0 => CPU0_TARGET,
            own => own,
        }
    }

    /// Lets `id` be forwarded to the CPU interfaces.
    pub fn enable(&self, id: InterruptId) {
        let (word, bit) = id.bitmap_position();
        self.registers.GICD_ISENABLER[word].set(bit);
    }

    /// Stops forwarding `id`; it can still become pending.
    pub fn disable(&self, id: InterruptId) {
        let (word, bit) = id.bitmap_position();
        self.registers.GICD_ICENABLER[word].set(bit);
    }

    /// Whether `id` is enabled.
    pub fn is_enabled(&self, id: InterruptId) -> bool {
        let (word, bit) = id.bitmap_position();
        self.registers.GICD_ISENABLER[word].get() & bit != 0
    }

    /// Clears a pending `id` (an edge that should not be delivered).
    pub fn clear_pending(&self, id: InterruptId) {
        let (word, bit) = id.bitmap_position();
        self.registers.GICD_ICPENDR[word].set(bit);
    }

    /// Sets the priority of `id`; lower is more urgent. Parts implement
    /// only the top bits (five on the Cortex-A9 and GIC-400); the rest read
    /// as zero.
    pub fn set_priority(&self, id: InterruptId, priority: u8) {
        self.registers.GICD_IPRIORITYR[usize::from(id.number())].set(priority);
    }

    /// Makes the SPI `id` level- or edge-triggered. Read-modify-write: see
    /// the file comment on concurrency.
    pub fn set_trigger(&self, id: InterruptId, trigger: Trigger) -> Result<(), TriggerError> {
        if !id.is_shared() {
            return Err(TriggerError::NotShared(id));
        }
        let number = usize::from(id.number());
        // Int_config[1], the upper bit of the line's pair: 1 = edge.
        let edge_bit = 1 << (2 * (number % 16) + 1);
        let register = &self.registers.GICD_ICFGR[number / 16];
        let value = register.get();
        register.set(match trigger {
            Trigger::Level => value & !edge_bit,
            Trigger::Edge => value | edge_bit,
        });
        Ok(())
    }
}

/// A CPU's interface to the GIC: acknowledge, end, priority mask. Its
/// registers are banked, so each CPU reaches its own at the same address.
pub struct GicCpuInterface {
    registers: Mmio<CpuInterfaceRegisters>,
}

impl GicCpuInterface {
    /// Makes the handle for the CPU interface at virtual address `base`.
    ///
    /// # Safety
    ///
    /// `base` must be the virtual address of a GIC CPU interface (at least
    /// 0x100 bytes), mapped as device memory for `'static`, and only this
    /// CPU's kernel may use the handle to acknowledge and end interrupts.
    pub const unsafe fn new(base: usize) -> Self {
        Self {
            // SAFETY: the caller promises a mapped CPU interface at `base`
            // for 'static, which is what `Mmio::new` needs.
            registers: unsafe { Mmio::new(base) },
        }
    }

    /// Sets the priority mask to [`DEFAULT_PRIORITY_MASK`], no subpriority
    /// (binary point 0), and enables signalling. EOI mode 0: writing
    /// GICC_EOIR both drops the priority and deactivates. The bypass
    /// disable bits are kept as firmware left them, as Linux does.
    pub fn init(&self) {
        self.set_priority_mask(DEFAULT_PRIORITY_MASK);
        self.registers.GICC_BPR.write(GICC_BPR::Binary_Point.val(0));
        self.registers.GICC_CTLR.modify(
            GICC_CTLR::EnableGrp0::SET
                + GICC_CTLR::EnableGrp1::CLEAR
                + GICC_CTLR::AckCtl::CLEAR
                + GICC_CTLR::FIQEn::CLEAR
                + GICC_CTLR::CBPR::CLEAR
                + GICC_CTLR::EOImodeS::CLEAR
                + GICC_CTLR::EOImodeNS::CLEAR,
        );
    }

    /// Signals only interrupts more urgent (numerically lower) than
    /// `priority`.
    pub fn set_priority_mask(&self, priority: u8) {
        self.registers
            .GICC_PMR
            .write(GICC_PMR::Priority.val(u32::from(priority)));
    }

    /// Takes the most urgent pending interrupt and makes it active, or
    /// `None` if there was none (the spurious ID 1023) or the ID is one of
    /// the special values 1020-1022.
    pub fn acknowledge(&self) -> Option<Interrupt> {
        Interrupt::from_iar(self.registers.GICC_IAR.get())
    }

    /// Ends `interrupt`: drops the running priority and deactivates it.
    pub fn end_of_interrupt(&self, interrupt: Interrupt) {
        self.registers.GICC_EOIR.set(interrupt.0);
    }

    /// Priority of the most urgent active interrupt; 0xFF when none is.
    pub fn running_priority(&self) -> u8 {
        // Priority is 8 bits wide, so the value fits.
        self.registers.GICC_RPR.read(GICC_RPR::Priority) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_registers::FakeRegisters;

    /// GICD_TYPER.ITLinesNumber of the i.MX6Q's distributor: 160 lines.
    const IMX6Q_IT_LINES_NUMBER: u32 = 4;

    /// A distributor handle on zeroed memory with GICD_TYPER preset.
    fn fake_distributor(it_lines_number: u32) -> (FakeRegisters, GicDistributor) {
        let fake = FakeRegisters::with_size(0x1000);
        fake.write(0x004, it_lines_number);
        // SAFETY: the fake block is leaked, so it lives for 'static, and it
        // is 0x1000 bytes, covering the distributor's 0xF04.
        let distributor = unsafe { GicDistributor::new(fake.base()) };
        (fake, distributor)
    }

    /// A CPU interface handle on zeroed memory.
    fn fake_cpu_interface() -> (FakeRegisters, GicCpuInterface) {
        let fake = FakeRegisters::new();
        // SAFETY: the fake block is leaked, so it lives for 'static, and it
        // is 0x100 bytes, the interface's size.
        let cpu_interface = unsafe { GicCpuInterface::new(fake.base()) };
        (fake, cpu_interface)
    }

    #[test]
    fn interrupt_ids_name_sgis_ppis_and_spis() {
        const PRIVATE_TIMER: InterruptId = InterruptId::ppi(13);
        assert_eq!(PRIVATE_TIMER.number(), 29);
        assert!(!PRIVATE_TIMER.is_shared());
        assert_eq!(InterruptId::spi(69).number(), 101);
        assert!(InterruptId::spi(0).is_shared());
        assert_eq!(InterruptId::checked(1019), Some(InterruptId::new(1019)));
        assert_eq!(InterruptId::checked(1020), None);
    }

    #[test]
    fn iar_values_decode_and_spurious_ones_do_not() {
        let timer = Interrupt::from_iar(29).unwrap();
        assert_eq!((timer.id().number(), timer.source_cpu()), (29, 0));
        // SGI 5 from CPU 3; reserved upper bits are dropped.
        let sgi = Interrupt::from_iar(0xFFFF_E000 | (3 << 10) | 5).unwrap();
        assert_eq!((sgi.id().number(), sgi.source_cpu()), (5, 3));
        for special in 1020..=1023 {
            assert_eq!(Interrupt::from_iar(special), None, "ID {special}");
        }
    }

    #[test]
    fn number_of_lines_follows_typer() {
        assert_eq!(fake_distributor(0).1.number_of_lines(), 32);
        assert_eq!(
            fake_distributor(IMX6Q_IT_LINES_NUMBER).1.number_of_lines(),
            160
        );
        assert_eq!(fake_distributor(31).1.number_of_lines(), 1020);
    }

    #[test]
    fn distributor_init_resets_every_line_then_enables() {
        let (fake, distributor) = fake_distributor(IMX6Q_IT_LINES_NUMBER);
        fake.write(0xC08, u32::MAX);
        fake.write(0x084, u32::MAX);
        distributor.init();
        assert_eq!(fake.read(0x000), 1, "GICD_CTLR: enabled");
        assert_eq!(fake.read(0x180), 0xFFFF_0000, "ICENABLER0: PPIs off");
        for word in 1..5 {
            let offset = 4 * word;
            assert_eq!(fake.read(0x180 + offset), u32::MAX, "ICENABLER{word}");
            assert_eq!(fake.read(0x280 + offset), u32::MAX, "ICPENDR{word}");
            assert_eq!(fake.read(0x380 + offset), u32::MAX, "ICACTIVER{word}");
            assert_eq!(fake.read(0x080 + offset), 0, "IGROUPR{word}");
        }
        assert_eq!(fake.read(0x180 + 4 * 5), 0, "nothing past line 160");
        assert_eq!(fake.read(0xC08), 0, "ICFGR2: level-sensitive");
        for id in 0..160 {
            assert_eq!(
                fake.read_byte(0x400 + id),
                DEFAULT_PRIORITY,
                "IPRIORITYR{id}"
            );
        }
        assert_eq!(fake.read_byte(0x400 + 160), 0, "no priority past 160");
        for id in 32..160 {
            assert_eq!(fake.read_byte(0x800 + id), 1, "ITARGETSR{id}: CPU0");
        }
    }

    #[test]
    fn init_targets_the_cpu_the_distributor_reports() {
        let (fake, distributor) = fake_distributor(1);
        fake.write(0x800, 0x0202_0202);
        distributor.init();
        assert_eq!(fake.read_byte(0x800 + 32), 0b10, "CPU1 asked");
    }

    #[test]
    fn enable_and_disable_set_one_bit() {
        let (fake, distributor) = fake_distributor(IMX6Q_IT_LINES_NUMBER);
        let line = InterruptId::spi(5);
        distributor.enable(line);
        assert_eq!(fake.read(0x104), 1 << 5, "ISENABLER1");
        assert!(distributor.is_enabled(line));
        distributor.disable(line);
        assert_eq!(fake.read(0x184), 1 << 5, "ICENABLER1");
        distributor.clear_pending(InterruptId::ppi(13));
        assert_eq!(fake.read(0x280), 1 << 29, "ICPENDR0");
    }

    #[test]
    fn set_priority_writes_one_byte() {
        let (fake, distributor) = fake_distributor(IMX6Q_IT_LINES_NUMBER);
        fake.write(0x41C, 0x1111_1111);
        distributor.set_priority(InterruptId::new(29), 0x80);
        assert_eq!(fake.read_byte(0x41D), 0x80, "IPRIORITYR29");
        for neighbour in [0x41C, 0x41E, 0x41F] {
            assert_eq!(fake.read_byte(neighbour), 0x11, "{neighbour:#x} untouched");
        }
    }

    #[test]
    fn set_trigger_flips_the_upper_bit_of_the_pair() {
        let (fake, distributor) = fake_distributor(IMX6Q_IT_LINES_NUMBER);
        fake.write(0xC08, 0x5555_5555);
        let line = InterruptId::new(40);
        assert_eq!(distributor.set_trigger(line, Trigger::Edge), Ok(()));
        assert_eq!(fake.read(0xC08), 0x5555_5555 | 1 << 17);
        assert_eq!(distributor.set_trigger(line, Trigger::Level), Ok(()));
        assert_eq!(fake.read(0xC08), 0x5555_5555);
        let timer = InterruptId::ppi(13);
        assert_eq!(
            distributor.set_trigger(timer, Trigger::Edge),
            Err(TriggerError::NotShared(timer))
        );
    }

    #[test]
    fn cpu_interface_init_masks_and_enables_keeping_bypass_bits() {
        let (fake, cpu_interface) = fake_cpu_interface();
        fake.write(0x00, 0x7FE);
        fake.write(0x08, 0x3);
        cpu_interface.init();
        assert_eq!(fake.read(0x04), 0xF0, "GICC_PMR");
        assert_eq!(fake.read(0x08), 0, "GICC_BPR");
        assert_eq!(fake.read(0x00), 0x1E1, "GICC_CTLR: bypass bits, enable");
    }

    #[test]
    fn acknowledge_and_end_pass_the_iar_value_through() {
        let (fake, cpu_interface) = fake_cpu_interface();
        fake.write(0x0C, 1023);
        assert_eq!(cpu_interface.acknowledge(), None);
        fake.write(0x0C, (1 << 10) | 2);
        let interrupt = cpu_interface.acknowledge().unwrap();
        assert_eq!(interrupt.id(), InterruptId::new(2));
        cpu_interface.end_of_interrupt(interrupt);
        assert_eq!(fake.read(0x10), (1 << 10) | 2, "GICC_EOIR");
        fake.write(0x14, 0xA0);
        assert_eq!(cpu_interface.running_priority(), 0xA0);
    }
}
