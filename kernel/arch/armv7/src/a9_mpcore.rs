// SPDX-License-Identifier: MIT OR Apache-2.0
//! Cortex-A9 MPCore bring-up: errata, the SCU, and the L2C-310 outer cache.
//!
//! Runs once at boot on the i.MX6Q (a board names the addresses in
//! [`A9MpCore`]), with the console up, before the GIC and timers, and says
//! what it found and did:
//!
//! 1. the security state, by trying to read SCR (`probe`): the SCU's and
//!    the L2C-310's set-up registers and the core's Diagnostic Control
//!    Register accept writes from the Secure state only, so in the
//!    Non-secure state we only report;
//! 2. the Diagnostic Control Register bits of the single-core errata that
//!    affect this core (`a9_errata`; 743622 on the i.MX6Q's r2p10);
//! 3. the SCU: if off, the migratory-line diagnostic bit (764369), its tag
//!    RAM invalidated for this core, enable, then this core's L1 data cache
//!    cleaned and invalidated so its earlier lines are known to the SCU;
//! 4. the L2C-310: its Cache ID read through a probe, since QEMU's
//!    `sabrelite` models no controller (reads there return 0, and a bus
//!    could abort instead). If already enabled (by the boot loader) its
//!    configuration is kept; else it is set up as Linux sets it up on the
//!    i.MX6 and enabled. Either way it becomes the outer cache, drained
//!    before every idle wait where erratum 769419 applies.
//!
//! Why the L2 needs no other maintenance from the kernel today is in
//! `cache.rs`.

use crate::a9_errata;
use crate::cache::{self, OuterCache};
use crate::midr::MainId;
use crate::{cpu, mmu, probe};
use drivers::a9_scu::{self, A9Scu};
use drivers::pl310::{self, Pl310};
use kernel::addr::PhysAddr;
use kernel::println;
use spin::{Mutex, Once};

/// Where a board's Cortex-A9 MPCore blocks are.
pub struct A9MpCore {
    /// The Snoop Control Unit (PERIPHBASE + 0x00).
    pub scu: PhysAddr,
    /// The L2C-310, if the SoC has one, and how to set it up.
    pub l2_cache: Option<L2Cache>,
}

/// An L2C-310 and the board's settings for it (from the SoC's device tree
/// and Linux's machine code).
pub struct L2Cache {
    /// Its register block.
    pub physical: PhysAddr,
    /// What to program when it is found off.
    pub settings: pl310::Settings,
}

/// The L2C-310 as the outer cache: one lock around every operation, since
/// the controller refuses an operation while a background one runs.
struct LockedPl310 {
    controller: Mutex<Pl310>,
}

impl OuterCache for LockedPl310 {
    fn clean_range(&self, start: PhysAddr, end: PhysAddr) {
        self.controller.lock().clean_range(start, end);
    }
    fn invalidate_range(&self, start: PhysAddr, end: PhysAddr) {
        self.controller.lock().invalidate_range(start, end);
    }
    fn flush_range(&self, start: PhysAddr, end: PhysAddr) {
        self.controller.lock().flush_range(start, end);
    }
    fn sync(&self) {
        self.controller.lock().sync();
    }
}

static L2_CACHE: Once<LockedPl310> = Once::new();

/// Brings up the errata workarounds, the SCU and the L2 of `mpcore`, and
/// prints a line about each.
pub fn bring_up(mpcore: &A9MpCore) {
    let midr = cpu::main_id();
    if !midr.is_arm_part(MainId::CORTEX_A9) {
        println!("A9 MPCore: the CPU is {midr}, not a Cortex-A9; SCU and L2 left alone");
        return;
    }
    let secure = probe::in_secure_state();
    apply_core_errata(midr, secure);
    bring_up_scu(mpcore.scu, secure);
    if let Some(l2) = &mpcore.l2_cache {
        bring_up_l2(l2, secure);
    }
}

/// Sets the diagnostic bits of the errata that matter here (Secure state
/// only) and reports the rest.
fn apply_core_errata(midr: MainId, secure: bool) {
    let state = if secure { "Secure" } else { "Non-secure" };
    let (variant, revision) = (midr.variant(), midr.revision());
    println!(
        "errata: Cortex-A9 r{variant}p{revision} in the {state} state; 754322, 775420, 764369: worked around in code"
    );
    let wanted = a9_errata::diagnostic_bits_to_set(midr);
    let Some(diagnostic) = probe::read_a9_diagnostic() else {
        println!("errata: the diagnostic register cannot be read here; left to the boot loader");
        return;
    };
    let missing = wanted & !diagnostic;
    let outcome = if wanted == 0 {
        "743622 does not affect this revision"
    } else if missing == 0 {
        "743622: bit 6 already set (by the boot loader)"
    } else if !secure {
        "743622: bit 6 is clear, and only the Secure state may set it"
    } else {
        // SAFETY: a Cortex-A9 (checked by the caller) in the Secure state;
        // the bits are those ARM's errata notices prescribe for it.
        match unsafe { probe::write_a9_diagnostic(diagnostic | missing) } {
            true => "743622: bit 6 set",
            false => "743622: setting bit 6 was refused",
        }
    };
    println!(
        "errata: diagnostic register {diagnostic:#010x}: {outcome}; 751472, 761320, 794072, 845369: several cores only, left to the boot loader"
    );
}

/// Enables the SCU if it is off and the state allows; reports.
fn bring_up_scu(physical: PhysAddr, secure: bool) {
    // SAFETY: the board names its SCU; a device.
    let Ok(base) = (unsafe { mmu::map_device(physical, a9_scu::REGISTER_BLOCK_SIZE) }) else {
        println!("SCU: cannot map {physical}");
        return;
    };
    // SAFETY: just mapped, for good; this is its only handle.
    let scu = unsafe { A9Scu::new(base.as_usize()) };
    let configuration = scu.configuration();
    let cores = configuration.cores;
    if scu.is_enabled() {
        println!("SCU: {cores} cores, already enabled");
    } else if !secure {
        println!("SCU: {cores} cores, off; only the Secure state may enable it: left off");
    } else {
        // SAFETY: the SCU is off, the core Secure and alone (the others
        // are parked by the reset code with their caches off). The L1
        // clean that the contract asks for follows.
        unsafe {
            scu.disable_migratory_lines();
            scu.enable(cpu_number());
        }
        cache::clean_invalidate_data_cache_all();
        println!(
            "SCU: {cores} cores, enabled (tags of core {} invalidated first)",
            cpu_number()
        );
    }
}

/// This core's number in the cluster (MPIDR.Aff0).
fn cpu_number() -> u32 {
    let mpidr: u32;
    // SAFETY: reading MPIDR has no side effects.
    unsafe {
        core::arch::asm!("mrc p15, 0, {}, c0, c0, 5", out(reg) mpidr, options(nomem, nostack, preserves_flags))
    };
    mpidr & 0xFF
}

/// Finds, sets up if needed, and registers the L2C-310; reports.
fn bring_up_l2(l2: &L2Cache, secure: bool) {
    let physical = l2.physical;
    // SAFETY: the board names its L2 controller's block; a device.
    let Ok(base) = (unsafe { mmu::map_device(physical, pl310::REGISTER_BLOCK_SIZE) }) else {
        println!("L2 cache: cannot map {physical}");
        return;
    };
    // SAFETY: mapped just above and word-aligned; reading the Cache ID
    // Register has no side effect.
    let Some(raw) = (unsafe { probe::read_word(base.as_usize()) }) else {
        println!("L2 cache: nothing answered at {physical} (the read aborted); none used");
        return;
    };
    let id = pl310::CacheId { raw };
    if !id.is_l2c310() {
        println!(
            "L2 cache: nothing at {physical} (Cache ID reads {raw:#010x}, not an L2C-310; QEMU models none); none used"
        );
        return;
    }
    // SAFETY: an L2C-310 answered at the mapping, which stays for good;
    // this is its only handle.
    let controller = unsafe { Pl310::new(base.as_usize()) };
    let revision = id.revision_name();
    if controller.is_enabled() {
        println!(
            "L2 cache: L2C-310 {revision} (Cache ID {raw:#010x}) already enabled by the boot loader; configuration kept (AUX_CTRL {:#010x})",
            controller.auxiliary_control()
        );
    } else if !secure {
        println!(
            "L2 cache: L2C-310 {revision} is off, and only the Secure state may configure it: left off"
        );
        return;
    } else {
        // SAFETY: off (checked), Secure (checked), and nothing else uses
        // it: this is boot, on the only running core.
        match unsafe { controller.enable(&l2.settings) } {
            Ok(aux) => println!(
                "L2 cache: L2C-310 {revision} (Cache ID {raw:#010x}) set up and enabled, AUX_CTRL {aux:#010x}"
            ),
            Err(pl310::Timeout) => {
                println!("L2 cache: L2C-310 {revision}: invalidation never finished; left off");
                return;
            }
        }
    }
    report_geometry_and_errata(&controller);
    let drain = controller.errata().store_buffer_not_drained;
    let locked = L2_CACHE.call_once(|| LockedPl310 {
        controller: Mutex::new(controller),
    });
    cache::register_outer(locked, drain);
}

/// Prints the cache's size and the controller errata that apply.
fn report_geometry_and_errata(controller: &Pl310) {
    let geometry = controller.geometry();
    println!(
        "L2 cache: {} ways x {} KiB = {} KiB",
        geometry.ways,
        geometry.way_size >> 10,
        geometry.size() >> 10
    );
    for number in controller.errata().numbers() {
        let handling = match number {
            588369 => "clean and invalidate by PA done as clean, then invalidate",
            727915 => "clean and invalidate by way under DEBUG_CTRL",
            752271 => "double linefill kept off (when the kernel sets it up)",
            753970 => "syncs go through the dummy register",
            769419 => "DSB and cache sync before every idle wait",
            _ => "no workaround known",
        };
        println!("L2 cache: erratum {number}: {handling}");
    }
}
