// SPDX-License-Identifier: MIT OR Apache-2.0
//! The kernel's first-level translation table and the maintenance around it.
//!
//! One 16 KiB first-level table maps the kernel half of the address space
//! for every process (TTBR1). The boot code fills it through physical
//! addresses; after that, this module is the only writer. Kernel mappings
//! here are 1 MiB sections: RAM (linear map), device windows, and the device
//! tree window (see [`crate::layout`]). Every change is followed by the
//! barrier and TLB maintenance sequence of ARM ARM B3.10.1, so real hardware
//! sees it, not just QEMU.

use crate::descriptor::{self, Attributes, L1_ENTRIES, SECTION_SIZE};
use crate::layout::{DEVICE_WINDOW_END, DEVICE_WINDOW_START, TTBCR_SPLIT};
use core::arch::asm;
use core::cell::UnsafeCell;
use kernel::addr::{PhysAddr, VirtAddr};
use spin::Mutex;

/// A first-level table: 4096 section or page-table descriptors, aligned to
/// its size as TTBR requires.
#[repr(C, align(16384))]
pub struct L1Table(UnsafeCell<[u32; L1_ENTRIES]>);

// SAFETY: the table is written only by this module under `TABLE_LOCK` (and
// by the boot code before any other code runs); the MMU reads it.
unsafe impl Sync for L1Table {}

/// The kernel's table. The boot code finds it by this symbol.
#[unsafe(no_mangle)]
#[unsafe(link_section = ".bss.kml_l1_table")]
pub static KERNEL_L1_TABLE: L1Table = L1Table(UnsafeCell::new([0; L1_ENTRIES]));

/// Serialises writers of the table and of the device window cursor.
static TABLE_LOCK: Mutex<DeviceWindow> = Mutex::new(DeviceWindow {
    next: DEVICE_WINDOW_START,
});

/// Where the next device mapping goes.
struct DeviceWindow {
    next: u32,
}

/// Why a mapping could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapError {
    /// The virtual range is already mapped to something else.
    AlreadyMapped(VirtAddr),
    /// The device window is full.
    DeviceWindowFull,
    /// The range wraps past the end of the address space.
    Overflow,
}

/// Reads the descriptor that translates `address`.
pub fn entry(address: VirtAddr) -> u32 {
    let table = KERNEL_L1_TABLE.0.get();
    // SAFETY: the index is below 4096 by construction of l1_index; a racy
    // read of an aligned u32 is at worst stale, never torn.
    unsafe { (*table)[descriptor::l1_index(address.as_u32())] }
}

/// Writes one descriptor and makes the MMU see it.
///
/// # Safety
/// The caller holds `TABLE_LOCK` and the change must not unmap memory that
/// live references or running code still use.
unsafe fn write_entry(address: u32, value: u32) {
    let table = KERNEL_L1_TABLE.0.get();
    // SAFETY: in bounds (l1_index < 4096); exclusive by the caller's lock.
    unsafe { (*table)[descriptor::l1_index(address)] = value };
    // SAFETY: barriers and TLB invalidation by MVA for all ASIDs (TLBIMVAA)
    // only affect translation caching; the sequence is B3.10.1's.
    unsafe {
        asm!(
            "dsb",                          // the table write reaches memory
            "mcr p15, 0, {va}, c8, c7, 3",  // TLBIMVAA: drop the old entry
            "mcr p15, 0, {zero}, c7, c5, 6", // BPIALL: branch predictor
            "dsb",                          // TLB maintenance complete
            "isb",                          // refetch with the new mapping
            va = in(reg) address & !(SECTION_SIZE - 1),
            zero = in(reg) 0,
            options(nostack, preserves_flags),
        )
    };
}

/// Maps `[virtual_start, +size)` to `[physical_start, +size)` with 1 MiB
/// sections (both starts rounded down to 1 MiB, size rounded up).
///
/// # Safety
/// The physical range must be what `attributes` claims (RAM as RAM, device
/// registers as Device); mapping RAM that the frame allocator also hands out
/// creates aliases the caller must account for.
pub unsafe fn map_sections(
    virtual_start: VirtAddr,
    physical_start: PhysAddr,
    size: u32,
    attributes: Attributes,
) -> Result<(), MapError> {
    let _guard = TABLE_LOCK.lock();
    let first_va = virtual_start.align_down(SECTION_SIZE).as_u32();
    let first_pa = physical_start.align_down(SECTION_SIZE).as_u32();
    let count = sections_covering(virtual_start.as_u32(), size)?;
    for index in 0..count {
        let va = first_va + index * SECTION_SIZE;
        let wanted = descriptor::section(first_pa + index * SECTION_SIZE, attributes);
        let present = entry(VirtAddr(va));
        if present != 0 && present != wanted {
            return Err(MapError::AlreadyMapped(VirtAddr(va)));
        }
        // SAFETY: we hold the lock; the entry was empty or identical.
        unsafe { write_entry(va, wanted) };
    }
    Ok(())
}

/// Removes the sections covering `[virtual_start, +size)`.
///
/// # Safety
/// Nothing may use the range afterwards: no references into it, no code
/// running from it.
pub unsafe fn unmap_sections(virtual_start: VirtAddr, size: u32) -> Result<(), MapError> {
    let _guard = TABLE_LOCK.lock();
    let first_va = virtual_start.align_down(SECTION_SIZE).as_u32();
    for index in 0..sections_covering(virtual_start.as_u32(), size)? {
        // SAFETY: we hold the lock; the caller vouches nothing uses it.
        unsafe { write_entry(first_va + index * SECTION_SIZE, 0) };
    }
    Ok(())
}

/// How many sections cover `[start, start + size)`.
fn sections_covering(start: u32, size: u32) -> Result<u32, MapError> {
    let end = start
        .checked_add(size.max(1) - 1)
        .ok_or(MapError::Overflow)?;
    Ok((end >> 20) - (start >> 20) + 1)
}

/// Maps a device's registers at `physical` (`size` bytes) into the device
/// window as Device memory and returns their virtual address.
///
/// # Safety
/// `physical` must be a device's register block, not RAM.
pub unsafe fn map_device(physical: PhysAddr, size: u32) -> Result<VirtAddr, MapError> {
    let offset = physical.as_u32() & (SECTION_SIZE - 1);
    let count = sections_covering(physical.as_u32(), size)?;
    let base = {
        let mut window = TABLE_LOCK.lock();
        let base = window.next;
        let next = base
            .checked_add(count * SECTION_SIZE)
            .ok_or(MapError::Overflow)?;
        if next > DEVICE_WINDOW_END {
            return Err(MapError::DeviceWindowFull);
        }
        window.next = next;
        base
    };
    // SAFETY: the window range was just reserved for this device alone and
    // the caller vouches `physical` is device memory.
    unsafe { map_sections(VirtAddr(base), physical, size, Attributes::KERNEL_DEVICE)? };
    Ok(VirtAddr(base + offset))
}

/// Moves from the boot regime (TTBR0 translating everything) to the split
/// one: TTBCR.N = 1 so TTBR1's table serves the upper 2 GiB, and TTBR0
/// walks disabled (PD0) until a process supplies its own table.
///
/// # Safety
/// No code or data below 2 GiB may be in use (the boot identity section is
/// removed here too: `identity` is its virtual = physical address).
pub unsafe fn split_address_space(identity: VirtAddr) {
    // SAFETY: the caller vouches the identity section is no longer used.
    unsafe { unmap_sections(identity, 1).expect("one section never overflows") };
    const PD0: u32 = 1 << 4;
    // SAFETY: TTBR1 already holds the kernel table (boot code); every
    // kernel address is above 2 GiB, so the split keeps them all mapped.
    unsafe {
        asm!(
            "mcr p15, 0, {ttbcr}, c2, c0, 2", // TTBCR: N = 1, no TTBR0 walks
            "isb",
            "mcr p15, 0, {zero}, c8, c7, 0",  // TLBIALL
            "dsb",
            "isb",
            ttbcr = in(reg) TTBCR_SPLIT | PD0,
            zero = in(reg) 0,
            options(nostack, preserves_flags),
        )
    };
}

/// Translates `address` as a privileged read would (ATS1CPR), or `None`
/// if that read would fault.
pub fn translate(address: VirtAddr) -> Option<PhysAddr> {
    let par: u32;
    // SAFETY: ATS1CPR only writes PAR; no memory is accessed.
    unsafe {
        asm!(
            "mcr p15, 0, {va}, c7, c8, 0", // ATS1CPR: stage 1, PL1, read
            "isb",
            "mrc p15, 0, {par}, c7, c4, 0", // PAR
            va = in(reg) address.as_u32(),
            par = lateout(reg) par,
            options(nostack, preserves_flags),
        )
    };
    if par & 1 != 0 {
        return None;
    }
    Some(PhysAddr((par & 0xFFFF_F000) | (address.as_u32() & 0xFFF)))
}
