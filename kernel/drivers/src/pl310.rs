// SPDX-License-Identifier: MIT OR Apache-2.0
//! ARM CoreLink L2C-310 (PL310) level 2 cache controller: the i.MX6Q's L2.
//!
//! The Cortex-A9 has no L2 of its own; the i.MX6Q puts a 1 MiB, 16-way
//! L2C-310 (revision r3p1-50rel0 on the Dual/Quad, r3p2 on the DualLite
//! and Solo) between the SCU and the memory system at 0x00A0_2000. It is
//! an *outer* cache: CP15 maintenance stops at it, and only its own
//! registers clean or invalidate it. Offsets and fields are those of the
//! ARM CoreLink Level 2 Cache Controller L2C-310 TRM (ARM DDI 0246),
//! chapter 3 "Programmers Model", as Linux's `cache-l2x0.h` spells them.
//!
//! Set-up ([`Pl310::enable`]) follows Linux's `l2c310_enable` and
//! `l2c_enable` (arch/arm/mm/cache-l2x0.c) with the i.MX6 choices of
//! `imx6qdl.dtsi` and `mach-imx`: latencies from the device tree's
//! `arm,tag-latency` and `arm,data-latency`, shared-attribute override,
//! early BRESP, prefetch with offset 15, dynamic clock gating and standby,
//! every way unlocked and invalidated, interrupts cleared, then on. The
//! configuration registers can be written only from the Secure state;
//! the caller checks that. Maintenance by physical address and by way,
//! with the controller's errata (see [`Errata`]), is here for the callers
//! that need an outer operation (DMA, secondary-core start; none yet).
//!
//! The controller serialises nothing: a maintenance operation issued while
//! a background (by-way) one runs is answered with an error. Callers hold
//! one lock around every use (one core, interrupts masked, today).

use kernel::addr::PhysAddr;
use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::registers::{ReadOnly, ReadWrite, WriteOnly};
use tock_registers::{register_bitfields, register_structs};

use crate::mmio::Mmio;

/// Bytes in one L2C-310 cache line.
pub const LINE_SIZE: u32 = 32;

register_bitfields! {
    u32,

    /// Cache ID Register (reg0_cache_id).
    CACHE_ID [
        /// RTL release: the revision (0x7 is r3p1-50rel0, 0x8 r3p2).
        RTL_RELEASE OFFSET(0) NUMBITS(6) [],
        /// Part number: 0b0011 is the L2C-310.
        PART_NUMBER OFFSET(6) NUMBITS(4) [],
        /// Cache ID, set by the integrator.
        CACHE_ID OFFSET(10) NUMBITS(6) [],
        /// Implementer: 0x41 is ARM.
        IMPLEMENTER OFFSET(24) NUMBITS(8) []
    ],

    /// Control Register (reg1_control).
    CONTROL [
        /// L2 Cache enable.
        L2_CACHE_ENABLE OFFSET(0) NUMBITS(1) []
    ],

    /// Auxiliary Control Register (reg1_aux_control).
    AUXILIARY_CONTROL [
        /// Full Line of Zero enable (with the Cortex-A9's ACTLR.FLZ).
        FULL_LINE_OF_ZERO OFFSET(0) NUMBITS(1) [],
        /// High priority for SO and Device reads.
        HIGH_PRIORITY_SO_DEVICE OFFSET(10) NUMBITS(1) [],
        /// Store buffer device limitation enable.
        STORE_BUFFER_DEVICE_LIMITATION OFFSET(11) NUMBITS(1) [],
        /// Exclusive cache configuration.
        EXCLUSIVE_CACHE OFFSET(12) NUMBITS(1) [],
        /// Associativity: 0 = 8 ways, 1 = 16 ways.
        ASSOCIATIVITY OFFSET(16) NUMBITS(1) [],
        /// Way size: 0b001 = 16 KiB ... 0b110 = 512 KiB (16 KiB << n-1).
        WAY_SIZE OFFSET(17) NUMBITS(3) [],
        /// Event monitor bus enable.
        EVENT_MONITOR_BUS OFFSET(20) NUMBITS(1) [],
        /// Parity enable.
        PARITY OFFSET(21) NUMBITS(1) [],
        /// Shared attribute override enable: shareable Normal memory is
        /// cached like non-shared (Linux's `arm,shared-override`).
        SHARED_ATTRIBUTE_OVERRIDE OFFSET(22) NUMBITS(1) [],
        /// Force write allocate.
        FORCE_WRITE_ALLOCATE OFFSET(23) NUMBITS(2) [],
        /// Cache replacement policy: 0 = pseudo-random, 1 = round-robin.
        CACHE_REPLACEMENT_POLICY OFFSET(25) NUMBITS(1) [],
        /// Non-secure lockdown enable.
        NONSECURE_LOCKDOWN OFFSET(26) NUMBITS(1) [],
        /// Non-secure interrupt access control.
        NONSECURE_INTERRUPT_ACCESS OFFSET(27) NUMBITS(1) [],
        /// Data prefetch enable (the Prefetch Control Register's bit too).
        DATA_PREFETCH OFFSET(28) NUMBITS(1) [],
        /// Instruction prefetch enable (likewise).
        INSTRUCTION_PREFETCH OFFSET(29) NUMBITS(1) [],
        /// Early BRESP enable (r2p0 on; only with a Cortex-A9).
        EARLY_BRESP OFFSET(30) NUMBITS(1) []
    ],

    /// Tag and Data RAM Latency Control Registers: cycles minus one.
    LATENCY [
        /// Setup latency.
        SETUP OFFSET(0) NUMBITS(3) [],
        /// Read access latency.
        READ OFFSET(4) NUMBITS(3) [],
        /// Write access latency.
        WRITE OFFSET(8) NUMBITS(3) []
    ],

    /// Cache Sync, and the by-line operations' in-progress bit.
    SYNC [
        /// C: an operation is in progress.
        C OFFSET(0) NUMBITS(1) []
    ],

    /// Debug Control Register (reg15_debug_ctrl).
    DEBUG_CONTROL [
        /// DCL: disable cache linefill.
        DCL OFFSET(0) NUMBITS(1) [],
        /// DWB: disable write-back (force write-through).
        DWB OFFSET(1) NUMBITS(1) [],
        /// SPNIDEN: the secure privileged non-invasive debug input (RO).
        SPNIDEN OFFSET(2) NUMBITS(1) []
    ],

    /// Prefetch Control Register (reg15_prefetch_ctrl, r2p0 on).
    PREFETCH_CONTROL [
        /// Prefetch offset, in lines.
        PREFETCH_OFFSET OFFSET(0) NUMBITS(5) [],
        /// Not same ID on exclusive sequence enable.
        NOT_SAME_ID_ON_EXCLUSIVE OFFSET(21) NUMBITS(1) [],
        /// INCR double linefill enable.
        INCR_DOUBLE_LINEFILL OFFSET(23) NUMBITS(1) [],
        /// Prefetch drop enable.
        PREFETCH_DROP OFFSET(24) NUMBITS(1) [],
        /// Double linefill on WRAP read disable.
        DOUBLE_LINEFILL_ON_WRAP_DISABLE OFFSET(27) NUMBITS(1) [],
        /// Data prefetch enable.
        DATA_PREFETCH OFFSET(28) NUMBITS(1) [],
        /// Instruction prefetch enable.
        INSTRUCTION_PREFETCH OFFSET(29) NUMBITS(1) [],
        /// Double linefill enable.
        DOUBLE_LINEFILL OFFSET(30) NUMBITS(1) []
    ],

    /// Power Control Register (reg15_power_ctrl, r3p0 on).
    POWER_CONTROL [
        /// Standby mode enable.
        STANDBY_MODE OFFSET(0) NUMBITS(1) [],
        /// Dynamic clock gating enable.
        DYNAMIC_CLOCK_GATING OFFSET(1) NUMBITS(1) []
    ]
}

register_structs! {
    /// The L2C-310 register block (TRM table 3-1), 4 KiB.
    #[allow(non_snake_case)]
    Pl310Registers {
        /// Cache ID Register.
        (0x000 => CACHE_ID: ReadOnly<u32, CACHE_ID::Register>),
        /// Cache Type Register.
        (0x004 => CACHE_TYPE: ReadOnly<u32>),
        (0x008 => _reserved0),
        /// Control Register (Secure write only).
        (0x100 => CTRL: ReadWrite<u32, CONTROL::Register>),
        /// Auxiliary Control Register (Secure write only, while disabled).
        (0x104 => AUX_CTRL: ReadWrite<u32, AUXILIARY_CONTROL::Register>),
        /// Tag RAM Latency Control Register.
        (0x108 => TAG_RAM_CONTROL: ReadWrite<u32, LATENCY::Register>),
        /// Data RAM Latency Control Register.
        (0x10C => DATA_RAM_CONTROL: ReadWrite<u32, LATENCY::Register>),
        (0x110 => _reserved1),
        /// Interrupt Mask Register.
        (0x214 => INT_MASK: ReadWrite<u32>),
        /// Masked Interrupt Status Register.
        (0x218 => INT_MASK_STATUS: ReadOnly<u32>),
        /// Raw Interrupt Status Register.
        (0x21C => INT_RAW_STATUS: ReadOnly<u32>),
        /// Interrupt Clear Register: write 1 to clear.
        (0x220 => INT_CLEAR: WriteOnly<u32>),
        (0x224 => _reserved2),
        /// Cache Sync: write 0; C reads 1 until the buffers drain.
        (0x730 => CACHE_SYNC: ReadWrite<u32, SYNC::Register>),
        (0x734 => _reserved3),
        /// The register Linux syncs through for erratum 753970 (r3p0).
        (0x740 => DUMMY: ReadWrite<u32, SYNC::Register>),
        (0x744 => _reserved4),
        /// Invalidate Line by PA.
        (0x770 => INV_PA: ReadWrite<u32, SYNC::Register>),
        (0x774 => _reserved5),
        /// Invalidate by Way: the ways to invalidate, cleared when done.
        (0x77C => INV_WAY: ReadWrite<u32>),
        (0x780 => _reserved6),
        /// Clean Line by PA.
        (0x7B0 => CLEAN_PA: ReadWrite<u32, SYNC::Register>),
        (0x7B4 => _reserved7),
        /// Clean Line by Set/Way.
        (0x7B8 => CLEAN_INDEX: ReadWrite<u32>),
        /// Clean by Way.
        (0x7BC => CLEAN_WAY: ReadWrite<u32>),
        (0x7C0 => _reserved8),
        /// Clean and Invalidate Line by PA.
        (0x7F0 => CLEAN_INV_PA: ReadWrite<u32, SYNC::Register>),
        (0x7F4 => _reserved9),
        /// Clean and Invalidate Line by Set/Way.
        (0x7F8 => CLEAN_INV_INDEX: ReadWrite<u32>),
        /// Clean and Invalidate by Way.
        (0x7FC => CLEAN_INV_WAY: ReadWrite<u32>),
        (0x800 => _reserved10),
        /// Data and Instruction Lockdown Registers 0-7, interleaved
        /// (D at 0x900 + 8n, I at 0x904 + 8n).
        (0x900 => LOCKDOWN: [ReadWrite<u32>; 16]),
        (0x940 => _reserved11),
        /// Address Filtering Start Register.
        (0xC00 => ADDRESS_FILTERING_START: ReadWrite<u32>),
        /// Address Filtering End Register.
        (0xC04 => ADDRESS_FILTERING_END: ReadWrite<u32>),
        (0xC08 => _reserved12),
        /// Debug Control Register (Secure write only).
        (0xF40 => DEBUG_CTRL: ReadWrite<u32, DEBUG_CONTROL::Register>),
        (0xF44 => _reserved13),
        /// Prefetch Control Register (Secure write only).
        (0xF60 => PREFETCH_CTRL: ReadWrite<u32, PREFETCH_CONTROL::Register>),
        (0xF64 => _reserved14),
        /// Power Control Register (Secure write only).
        (0xF80 => POWER_CTRL: ReadWrite<u32, POWER_CONTROL::Register>),
        (0xF84 => _reserved15),
        (0x1000 => @END),
    }
}

/// Bytes of the register block, for the board's mapping.
pub const REGISTER_BLOCK_SIZE: u32 = 0x1000;

/// The PART_NUMBER of an L2C-310.
const PART_L310: u32 = 0b0011;

/// RTL_RELEASE values of the revisions the errata name (cache-l2x0.h).
pub mod revision {
    /// r0p0.
    pub const R0P0: u32 = 0x00;
    /// r1p0.
    pub const R1P0: u32 = 0x02;
    /// r2p0.
    pub const R2P0: u32 = 0x04;
    /// r3p0.
    pub const R3P0: u32 = 0x05;
    /// r3p1.
    pub const R3P1: u32 = 0x06;
    /// r3p1-50rel0 (the i.MX6 Dual/Quad's).
    pub const R3P1_50REL0: u32 = 0x07;
    /// r3p2 (the i.MX6 DualLite/Solo's).
    pub const R3P2: u32 = 0x08;
    /// r3p3.
    pub const R3P3: u32 = 0x09;
}

/// What the Cache ID Register says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheId {
    /// The raw register.
    pub raw: u32,
}

impl CacheId {
    /// Whether it names an ARM L2C-310 (implementer 0x41, part 0b0011).
    pub fn is_l2c310(self) -> bool {
        let id = tock_registers::LocalRegisterCopy::<u32, CACHE_ID::Register>::new(self.raw);
        id.read(CACHE_ID::IMPLEMENTER) == 0x41 && id.read(CACHE_ID::PART_NUMBER) == PART_L310
    }

    /// The RTL release (revision code).
    pub fn rtl_release(self) -> u32 {
        self.raw & 0x3F
    }

    /// The revision as the TRM writes it, e.g. `r3p1-50rel0`.
    pub fn revision_name(self) -> &'static str {
        match self.rtl_release() {
            revision::R0P0 => "r0p0",
            revision::R1P0 => "r1p0",
            revision::R2P0 => "r2p0",
            revision::R3P0 => "r3p0",
            revision::R3P1 => "r3p1",
            revision::R3P1_50REL0 => "r3p1-50rel0",
            revision::R3P2 => "r3p2",
            revision::R3P3 => "r3p3",
            _ => "an unknown revision",
        }
    }
}

/// The cache's shape, from the Auxiliary Control Register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    /// 8 or 16.
    pub ways: u32,
    /// Bytes per way.
    pub way_size: u32,
}

impl Geometry {
    /// Reads associativity and way size from an AUX_CTRL value, as Linux's
    /// `__l2c_init` does (way size = 8 KiB << WAY_SIZE; 0 is reserved and
    /// read as 16 KiB, the smallest the TRM defines).
    pub fn from_auxiliary_control(aux: u32) -> Geometry {
        let aux = tock_registers::LocalRegisterCopy::<u32, AUXILIARY_CONTROL::Register>::new(aux);
        let ways = if aux.is_set(AUXILIARY_CONTROL::ASSOCIATIVITY) {
            16
        } else {
            8
        };
        let bits = aux.read(AUXILIARY_CONTROL::WAY_SIZE).clamp(1, 6);
        Geometry {
            ways,
            way_size: (8 * 1024) << bits,
        }
    }

    /// The mask of all ways, as the by-way operations take it.
    pub fn way_mask(self) -> u32 {
        (1u32 << self.ways) - 1
    }

    /// The cache's size in bytes.
    pub fn size(self) -> u32 {
        self.ways * self.way_size
    }
}

/// The controller errata that depend on the revision, after Linux's
/// `l2c310_fixup` and the ARM L2C-310 errata notice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Errata {
    /// 588369 (r0p0-r1p0, fixed r2p0): clean and invalidate operations do
    /// not invalidate clean lines. Workaround: separate clean then
    /// invalidate, with DEBUG_CTRL = DCL | DWB around them.
    pub clean_invalidate_keeps_clean_lines: bool,
    /// 727915 (r2p0-r3p0, fixed r3p1): a background clean and invalidate
    /// by way can lose a write. Workaround: DEBUG_CTRL = DCL | DWB around
    /// it.
    pub background_clean_invalidate_loses_writes: bool,
    /// 752271 (r3p0-r3p1-50rel0, fixed r3p2): double linefill can corrupt
    /// data. Workaround: keep double linefill (and the INCR variant, as
    /// i.MX6 code does) off.
    pub double_linefill_corrupts: bool,
    /// 753970 (r3p0 only): a cache sync stops write merging. Workaround:
    /// sync through the dummy register at 0x740.
    pub sync_stops_merging: bool,
    /// 769419 (r0p0-r3p1-50rel0, fixed r3p2): the store buffer does not
    /// drain by itself. Workaround: a barrier and a cache sync before the
    /// core idles (Linux: `wmb()` in `arch_cpu_idle`).
    pub store_buffer_not_drained: bool,
}

impl Errata {
    /// The errata of an L2C-310 whose RTL release is `rtl`.
    pub fn for_rtl_release(rtl: u32) -> Errata {
        use revision::*;
        Errata {
            clean_invalidate_keeps_clean_lines: rtl < R2P0,
            background_clean_invalidate_loses_writes: (R2P0..R3P1).contains(&rtl),
            double_linefill_corrupts: (R3P0..R3P2).contains(&rtl),
            sync_stops_merging: rtl == R3P0,
            store_buffer_not_drained: rtl < R3P2,
        }
    }

    /// The numbers of the errata that apply, for the boot log.
    pub fn numbers(self) -> impl Iterator<Item = u32> {
        [
            (self.clean_invalidate_keeps_clean_lines, 588369),
            (self.background_clean_invalidate_loses_writes, 727915),
            (self.double_linefill_corrupts, 752271),
            (self.sync_stops_merging, 753970),
            (self.store_buffer_not_drained, 769419),
        ]
        .into_iter()
        .filter_map(|(applies, number)| applies.then_some(number))
    }
}

/// Cycles of a RAM's read, write and setup latency, as the device tree's
/// `arm,tag-latency` and `arm,data-latency` give them (1 to 8 each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency {
    /// Read access latency, in cycles.
    pub read: u32,
    /// Write access latency, in cycles.
    pub write: u32,
    /// Setup latency, in cycles.
    pub setup: u32,
}

impl Latency {
    /// The register value: each field is cycles minus one (Linux's
    /// `l2c310_of_parse`). Out-of-range cycles are clamped to 1..=8.
    pub fn register_value(self) -> u32 {
        let field = |cycles: u32| cycles.clamp(1, 8) - 1;
        let mut value = tock_registers::LocalRegisterCopy::<u32, LATENCY::Register>::new(0);
        value.write(
            LATENCY::READ.val(field(self.read))
                + LATENCY::WRITE.val(field(self.write))
                + LATENCY::SETUP.val(field(self.setup)),
        );
        value.get()
    }
}

/// What the board wants the controller set to, when it is off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Tag RAM latencies.
    pub tag_latency: Latency,
    /// Data RAM latencies.
    pub data_latency: Latency,
    /// Set the shared attribute override (`arm,shared-override`).
    pub shared_override: bool,
    /// Enable early BRESP (a Cortex-A9 feature; r2p0 on).
    pub early_bresp: bool,
    /// Instruction and data prefetch, with this offset in lines, or none.
    pub prefetch_offset: Option<u32>,
    /// Double linefill, unless erratum 752271 forbids it.
    pub double_linefill: bool,
}

/// The Auxiliary Control Register to write: what was read, with the
/// board's settings and Linux's always-on bits added. Way size and
/// associativity stay as read (the integrator's, and the cache's size).
pub fn auxiliary_control(read: u32, settings: &Settings, rtl: u32) -> u32 {
    let mut aux = tock_registers::LocalRegisterCopy::<u32, AUXILIARY_CONTROL::Register>::new(read);
    // Linux always lets the Non-secure side use the lockdown registers.
    aux.modify(AUXILIARY_CONTROL::NONSECURE_LOCKDOWN::SET);
    if settings.shared_override {
        aux.modify(AUXILIARY_CONTROL::SHARED_ATTRIBUTE_OVERRIDE::SET);
    }
    if settings.early_bresp && rtl >= revision::R2P0 {
        aux.modify(AUXILIARY_CONTROL::EARLY_BRESP::SET);
    }
    // The prefetch enables are the Prefetch Control Register's bits
    // 28-29 seen from here: keep the two in agreement.
    let prefetch = u32::from(settings.prefetch_offset.is_some());
    aux.modify(
        AUXILIARY_CONTROL::DATA_PREFETCH.val(prefetch)
            + AUXILIARY_CONTROL::INSTRUCTION_PREFETCH.val(prefetch),
    );
    aux.get()
}

/// The Prefetch Control Register to write, from what was read.
pub fn prefetch_control(read: u32, settings: &Settings, errata: Errata) -> u32 {
    let mut prefetch =
        tock_registers::LocalRegisterCopy::<u32, PREFETCH_CONTROL::Register>::new(read);
    match settings.prefetch_offset {
        Some(offset) => prefetch.modify(
            PREFETCH_CONTROL::DATA_PREFETCH::SET
                + PREFETCH_CONTROL::INSTRUCTION_PREFETCH::SET
                + PREFETCH_CONTROL::PREFETCH_OFFSET.val(offset.min(31)),
        ),
        None => prefetch.modify(
            PREFETCH_CONTROL::DATA_PREFETCH::CLEAR + PREFETCH_CONTROL::INSTRUCTION_PREFETCH::CLEAR,
        ),
    }
    if settings.double_linefill && !errata.double_linefill_corrupts {
        prefetch.modify(PREFETCH_CONTROL::DOUBLE_LINEFILL::SET);
    } else {
        prefetch.modify(
            PREFETCH_CONTROL::DOUBLE_LINEFILL::CLEAR
                + PREFETCH_CONTROL::INCR_DOUBLE_LINEFILL::CLEAR,
        );
    }
    prefetch.get()
}

/// How an invalidation of `[start, end)` runs: lines only partly inside are
/// cleaned and invalidated, so bytes of theirs outside the range survive
/// (Linux's `l2c210_inv_range`); whole lines are only invalidated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidatePlan {
    /// A partial first line, to clean and invalidate.
    pub partial_first: Option<u32>,
    /// A partial last line, to clean and invalidate.
    pub partial_last: Option<u32>,
    /// The whole lines, `start..end` by [`LINE_SIZE`].
    pub whole: core::ops::Range<u32>,
}

impl InvalidatePlan {
    /// The plan for `[start, end)`; an empty or reversed range does nothing.
    pub fn new(start: u32, end: u32) -> InvalidatePlan {
        let mask = LINE_SIZE - 1;
        if end <= start {
            return InvalidatePlan {
                partial_first: None,
                partial_last: None,
                whole: start..start,
            };
        }
        let first_line = start & !mask;
        let last_line = (end - 1) & !mask;
        let partial_first = (start & mask != 0).then_some(first_line);
        let partial_last =
            (end & mask != 0 && Some(last_line) != partial_first).then_some(last_line);
        let whole_start = if partial_first.is_some() {
            first_line + LINE_SIZE
        } else {
            first_line
        };
        let whole_end = if end & mask != 0 { last_line } else { end };
        InvalidatePlan {
            partial_first,
            partial_last,
            whole: whole_start..whole_end.max(whole_start),
        }
    }
}

/// The line addresses covering `[start, end)`.
pub fn lines(start: u32, end: u32) -> impl Iterator<Item = u32> {
    let first = start & !(LINE_SIZE - 1);
    (first..end).step_by(LINE_SIZE as usize)
}

/// A by-way operation did not finish within [`POLL_LIMIT`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeout;

/// Reads of a way register before a by-way operation counts as stuck: far
/// more than a 16-way, 1 MiB cache needs (the operation walks each way's
/// lines once), few enough that a broken controller costs well under a
/// second instead of a hang.
pub const POLL_LIMIT: u32 = 1 << 20;

/// Waits until none of `mask`'s bits are set in what `read` returns.
fn poll_until_clear(read: impl Fn() -> u32, mask: u32) -> Result<(), Timeout> {
    for _ in 0..POLL_LIMIT {
        if read() & mask == 0 {
            return Ok(());
        }
        core::hint::spin_loop();
    }
    Err(Timeout)
}

/// An L2C-310.
pub struct Pl310 {
    registers: Mmio<Pl310Registers>,
}

impl Pl310 {
    /// The controller at virtual address `base`.
    ///
    /// # Safety
    /// `base` must be the mapped register block (Device memory) of an
    /// L2C-310 for 'static, and this the only handle that changes it.
    pub const unsafe fn new(base: usize) -> Pl310 {
        Pl310 {
            // SAFETY: the caller's promise is `Mmio::new`'s.
            registers: unsafe { Mmio::new(base) },
        }
    }

    /// The Cache ID Register.
    pub fn cache_id(&self) -> CacheId {
        CacheId {
            raw: self.registers.CACHE_ID.get(),
        }
    }

    /// The Auxiliary Control Register, raw.
    pub fn auxiliary_control(&self) -> u32 {
        self.registers.AUX_CTRL.get()
    }

    /// Ways and way size, as configured.
    pub fn geometry(&self) -> Geometry {
        Geometry::from_auxiliary_control(self.auxiliary_control())
    }

    /// The errata of this controller's revision.
    pub fn errata(&self) -> Errata {
        Errata::for_rtl_release(self.cache_id().rtl_release())
    }

    /// Whether the cache is on.
    pub fn is_enabled(&self) -> bool {
        self.registers.CTRL.is_set(CONTROL::L2_CACHE_ENABLE)
    }

    /// Configures the disabled controller with `settings`, invalidates it
    /// and turns it on. Returns the AUX_CTRL value written, or
    /// [`Timeout`] (and the cache stays off) if invalidation never ends.
    ///
    /// # Safety
    /// The controller must be off ([`Pl310::is_enabled`] false; its
    /// contents are discarded) and the core in the Secure state (the
    /// configuration registers refuse Non-secure writes with an external
    /// abort). Nothing may use the controller meanwhile.
    pub unsafe fn enable(&self, settings: &Settings) -> Result<u32, Timeout> {
        let aux = self.configure(settings);
        self.invalidate_all()?;
        // Raw interrupt status bits 0-8: ECNTR ... DECERR.
        self.registers.INT_CLEAR.set(0x1FF);
        self.registers.CTRL.write(CONTROL::L2_CACHE_ENABLE::SET);
        Ok(aux)
    }

    /// Writes the configuration registers of the (disabled) controller:
    /// latencies, prefetch (r2p0 on), power (r3p0 on), auxiliary control,
    /// and unlocks every way. Returns the AUX_CTRL value written.
    fn configure(&self, settings: &Settings) -> u32 {
        let registers = &*self.registers;
        let rtl = self.cache_id().rtl_release();
        let errata = Errata::for_rtl_release(rtl);
        registers
            .TAG_RAM_CONTROL
            .set(settings.tag_latency.register_value());
        registers
            .DATA_RAM_CONTROL
            .set(settings.data_latency.register_value());
        if rtl >= revision::R2P0 {
            let prefetch = prefetch_control(registers.PREFETCH_CTRL.get(), settings, errata);
            registers.PREFETCH_CTRL.set(prefetch);
        }
        if rtl >= revision::R3P0 {
            registers
                .POWER_CTRL
                .write(POWER_CONTROL::DYNAMIC_CLOCK_GATING::SET + POWER_CONTROL::STANDBY_MODE::SET);
        }
        let aux = auxiliary_control(registers.AUX_CTRL.get(), settings, rtl);
        registers.AUX_CTRL.set(aux);
        // A loader may have locked ways; Linux's l2c_unlock frees them all.
        for lockdown in &registers.LOCKDOWN {
            lockdown.set(0);
        }
        aux
    }

    /// Invalidates every way and waits: only while the cache is off
    /// (otherwise dirty data is lost).
    fn invalidate_all(&self) -> Result<(), Timeout> {
        let mask = self.geometry().way_mask();
        self.registers.INV_WAY.set(mask);
        poll_until_clear(|| self.registers.INV_WAY.get(), mask)?;
        self.sync();
        Ok(())
    }

    /// Waits until the controller's buffers have drained to memory: after
    /// maintenance, and before idling for erratum 769419. (On the L2C-310
    /// the sync is atomic and C reads 0 at once; the bounded wait is for
    /// a controller that is not one.)
    pub fn sync(&self) {
        let register = if self.errata().sync_stops_merging {
            &self.registers.DUMMY
        } else {
            &self.registers.CACHE_SYNC
        };
        register.set(0);
        let _ = poll_until_clear(|| register.get(), 1);
    }

    /// Writes dirty lines of `[start, end)` back to memory.
    pub fn clean_range(&self, start: PhysAddr, end: PhysAddr) {
        for line in lines(start.as_u32(), end.as_u32()) {
            self.registers.CLEAN_PA.set(line);
        }
        self.sync();
    }

    /// Discards the lines of `[start, end)` (lines only partly inside are
    /// cleaned first, so their other bytes survive).
    pub fn invalidate_range(&self, start: PhysAddr, end: PhysAddr) {
        let plan = InvalidatePlan::new(start.as_u32(), end.as_u32());
        for line in plan.partial_first.into_iter().chain(plan.partial_last) {
            self.clean_invalidate_line(line);
        }
        for line in plan.whole.step_by(LINE_SIZE as usize) {
            self.registers.INV_PA.set(line);
        }
        self.sync();
    }

    /// Writes back and discards the lines of `[start, end)`.
    pub fn flush_range(&self, start: PhysAddr, end: PhysAddr) {
        for line in lines(start.as_u32(), end.as_u32()) {
            self.clean_invalidate_line(line);
        }
        self.sync();
    }

    /// Cleans and invalidates one line, the 588369 way on r0p0-r1p0.
    fn clean_invalidate_line(&self, line: u32) {
        if self.errata().clean_invalidate_keeps_clean_lines {
            self.with_debug_workaround(|| {
                self.registers.CLEAN_PA.set(line);
                self.registers.INV_PA.set(line);
            });
        } else {
            self.registers.CLEAN_INV_PA.set(line);
        }
    }

    /// Writes back and discards everything, every way (727915 workaround
    /// on r2p0-r3p0).
    pub fn flush_all(&self) -> Result<(), Timeout> {
        let mask = self.geometry().way_mask();
        let run = || {
            self.registers.CLEAN_INV_WAY.set(mask);
            poll_until_clear(|| self.registers.CLEAN_INV_WAY.get(), mask)
        };
        let done = if self.errata().background_clean_invalidate_loses_writes {
            self.with_debug_workaround(run)
        } else {
            run()
        };
        self.sync();
        done
    }

    /// Runs `operation` with linefills and write-back disabled, as errata
    /// 588369 and 727915 require (Linux's `l2c_set_debug`). DEBUG_CTRL is
    /// Secure-write-only, like the set-up registers; only revisions before
    /// r3p1 take this path, and no board we support has one.
    fn with_debug_workaround<T>(&self, operation: impl FnOnce() -> T) -> T {
        self.registers
            .DEBUG_CTRL
            .write(DEBUG_CONTROL::DCL::SET + DEBUG_CONTROL::DWB::SET);
        let result = operation();
        self.registers.DEBUG_CTRL.set(0);
        result
    }
}

#[cfg(test)]
mod tests;
