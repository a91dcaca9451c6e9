// SPDX-License-Identifier: MIT OR Apache-2.0
//! Whole-cache maintenance, and the outer (L2) cache beyond CP15's reach.
//!
//! Where the kernel needs cache maintenance, and why no call site needs the
//! outer cache today (the i.MX6Q's L2C-310 is the only outer cache we
//! drive; the Cortex-A15's L2 is inside the core, where CP15 reaches it):
//!
//! - Code written through the linear map and then run from a user mapping
//!   (`address_space::synchronize_instruction_cache`): DCCMVAU cleans the
//!   L1 D-cache to the point of unification, ICIALLU drops stale L1
//!   instructions. Instruction fetches are Normal, outer write-back (the
//!   user page's TEX/C/B), so they read through the L2 and find the
//!   cleaned line there or in memory: no outer clean.
//! - Translation tables written by the CPU: TTBR0/TTBR1 say the walker's
//!   reads are inner and outer write-back cacheable (`boot::TTBR_FLAGS`,
//!   RGN = 01), so the walker reads through the L1 (coherent walks on the
//!   A9 with ACTLR.SMP, and on the A15) and the L2, never around them: a
//!   DSB after the store is enough. An outer non-cacheable walk (RGN = 00)
//!   would need each descriptor cleaned to the point of coherency, L2
//!   included.
//! - Frames zeroed or copied for processes: the CPU writes and reads them
//!   through cached mappings only; the caches keep that coherent.
//! - DMA: none yet. A driver that gives memory to a non-coherent master
//!   must clean (to device) or invalidate (from device) the buffer in the
//!   L1 (DCCMVAC/DCIMVAC) and then in the outer cache by physical address,
//!   through [`outer`]; the L2C-310 driver has those operations.
//! - A secondary core started with its caches off (SMP, later): the data
//!   it reads before its MMU is on must be cleaned to memory, L1 and L2.
//!
//! The one outer operation the kernel does make is the L2C-310 cache sync
//! before the core idles (erratum 769419; see [`before_idle`]).

use crate::set_way::SetWayGeometry;
use core::arch::asm;
use kernel::addr::PhysAddr;
use spin::{Mutex, Once};

/// An outer cache: maintenance by physical address, beyond CP15's reach.
/// Implementations serialise their own operations.
pub trait OuterCache: Sync {
    /// Writes back dirty lines of `[start, end)`.
    fn clean_range(&self, start: PhysAddr, end: PhysAddr);
    /// Discards the lines of `[start, end)` (lines only partly inside are
    /// written back first).
    fn invalidate_range(&self, start: PhysAddr, end: PhysAddr);
    /// Writes back and discards the lines of `[start, end)`.
    fn flush_range(&self, start: PhysAddr, end: PhysAddr);
    /// Drains the controller's buffers to memory.
    fn sync(&self);
}

/// The registered outer cache and whether idling must drain it first.
struct Outer {
    cache: &'static dyn OuterCache,
    drain_before_idle: bool,
}

static OUTER: Once<Outer> = Once::new();

/// Makes `cache` the outer cache (once, at boot). `drain_before_idle`:
/// sync it before every WFI (the L2C-310 before r3p2, erratum 769419).
pub fn register_outer(cache: &'static dyn OuterCache, drain_before_idle: bool) {
    OUTER.call_once(|| Outer {
        cache,
        drain_before_idle,
    });
}

/// The outer cache, if the board has one the kernel drives.
pub fn outer() -> Option<&'static dyn OuterCache> {
    OUTER.get().map(|outer| outer.cache)
}

/// What the core does before it waits for an interrupt: on an L2C-310
/// before r3p2 the store buffer does not drain by itself, so a write
/// could sit in it for the whole wait (erratum 769419). Linux's
/// `arch_cpu_idle` issues `wmb()` there, which with an outer cache is a
/// DSB and a cache sync; so do we.
pub fn before_idle() {
    if let Some(outer) = OUTER.get().filter(|outer| outer.drain_before_idle) {
        data_synchronization_barrier();
        outer.cache.sync();
    }
}

/// DSB, full system: every earlier memory access and cache or TLB
/// maintenance operation has completed.
pub fn data_synchronization_barrier() {
    // SAFETY: a barrier has no effect on memory or registers.
    unsafe { asm!("dsb", options(nostack, preserves_flags)) };
}

/// Serialises the set/way walk below: a set/way operation must not race
/// another on the same core (it is not atomic with respect to the walk).
static SET_WAY_LOCK: Mutex<()> = Mutex::new(());

/// Cleans and invalidates every data or unified cache level up to the
/// point of coherency, by set/way (ARM ARM B2.2.6, the sequence of
/// Linux's `v7_flush_dcache_all`). On the Cortex-A9 that is the L1 (the
/// L2C-310 is outside: see [`outer`]); on the Cortex-A15, L1 and L2.
///
/// Used after the SCU is enabled, so the lines the core cached before
/// are written back and refetched under the SCU's fresh tags. Only for
/// this core's private view: with other cores running, set/way
/// operations are not a coherent flush (ARM ARM B2.2.7).
pub fn clean_invalidate_data_cache_all() {
    let _guard = SET_WAY_LOCK.lock();
    let clidr: u32;
    // SAFETY: reading CLIDR has no side effects.
    unsafe {
        asm!("mrc p15, 1, {}, c0, c0, 1", out(reg) clidr, options(nomem, nostack, preserves_flags))
    };
    let point_of_coherency = (clidr >> 24) & 0x7;
    data_synchronization_barrier();
    for level in 0..point_of_coherency {
        // Ctype: 2 = data only, 3 = separate, 4 = unified; 0-1: none here.
        if (clidr >> (level * 3)) & 0x7 >= 2 {
            clean_invalidate_level(level);
        }
    }
    // SAFETY: barriers only order and complete the operations above.
    unsafe {
        asm!(
            "mcr p15, 2, {zero}, c0, c0, 0", // CSSELR: back to L1 data
            "dsb",
            "isb",
            zero = in(reg) 0,
            options(nostack, preserves_flags)
        )
    };
}

/// DCCISW on every set and way of cache `level` (0 = L1).
fn clean_invalidate_level(level: u32) {
    let ccsidr: u32;
    // SAFETY: CSSELR selects which cache CCSIDR describes; the ISB makes
    // the selection visible to the read. Neither touches memory.
    unsafe {
        asm!(
            "mcr p15, 2, {select}, c0, c0, 0", // CSSELR: data/unified cache at `level`
            "isb",
            "mrc p15, 1, {ccsidr}, c0, c0, 0", // CCSIDR
            select = in(reg) level << 1,
            ccsidr = lateout(reg) ccsidr,
            options(nostack, preserves_flags),
        )
    };
    let geometry = SetWayGeometry::from_ccsidr(ccsidr);
    for set in 0..geometry.sets {
        for way in 0..geometry.ways {
            let operand = geometry.operand(level, set, way);
            // SAFETY: DCCISW writes back and invalidates one line of this
            // core's cache; memory then holds the data the line held.
            unsafe {
                asm!("mcr p15, 0, {}, c7, c14, 2", in(reg) operand, options(nostack, preserves_flags))
            };
        }
    }
}
