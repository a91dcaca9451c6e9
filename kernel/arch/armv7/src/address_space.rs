// SPDX-License-Identifier: MIT OR Apache-2.0
//! `kernel::vm::address_space::AddressSpace` for ARMv7-A: tables, ASIDs, TLB.
//!
//! Tables come from the kernel's frame allocator and are reached through the
//! linear map ([`FrameTables`]); the table logic itself is the host-tested
//! [`crate::page_table`]. Each address space owns an 8-bit ASID, so user
//! mappings are not global (nG) and a switch needs no TLB flush; changing
//! or removing a mapping invalidates just that page for that ASID
//! (TLBIMVA). Executable pages get their D-cache cleaned to the point of
//! unification and the I-cache invalidated, because the kernel wrote them
//! through a different virtual address (ARM ARM B2.2.7); the i.MX6Q's
//! outer L2C-310 needs nothing here, since fetches and table walks read
//! through it (`cache.rs` says why). The Cortex-A9 errata 754322 and
//! 764369 add barriers to the ASID switch and before the clean.

use crate::boot::TTBR_FLAGS;
use crate::descriptor::{Access, Attributes, MemoryType};
use crate::page_table::{TableKind, TableMemory, UserPageTable};
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::arch::asm;
use kernel::addr::{PhysAddr, VirtAddr};
use kernel::vm::address_space::{AddressSpace, MapFailure, PageAccess};
use kernel::{frame_access, memory};
use spin::Mutex;

/// Translation tables in frames from `kernel::memory`.
struct FrameTables;

impl TableMemory for FrameTables {
    fn allocate_table(&mut self, kind: TableKind) -> Option<PhysAddr> {
        let table = match kind {
            TableKind::FirstLevel => memory::allocate_contiguous(2, 2)?,
            TableKind::SecondLevel => memory::allocate()?,
        };
        frame_access::zero(table);
        if kind == TableKind::FirstLevel {
            frame_access::zero(PhysAddr(table.as_u32() + 4096));
        }
        Some(table)
    }

    fn free_table(&mut self, table: PhysAddr, kind: TableKind) {
        match kind {
            TableKind::FirstLevel => memory::release_contiguous(table, 2),
            TableKind::SecondLevel => memory::release(table),
        }
    }

    fn read(&self, table: PhysAddr, index: usize) -> u32 {
        let word = PhysAddr(table.as_u32() + index as u32 * 4);
        frame_access::with_frame(word, |bytes| read_word(bytes, word))
    }

    fn write(&mut self, table: PhysAddr, index: usize, value: u32) {
        let word = PhysAddr(table.as_u32() + index as u32 * 4);
        frame_access::with_frame_mut(word, |bytes| {
            let offset = (word.as_u32() & 0xFFF) as usize;
            bytes[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
        });
        // SAFETY: a barrier only orders memory accesses; it makes the new
        // descriptor visible to the table walker.
        unsafe { asm!("dsb", options(nostack, preserves_flags)) };
    }
}

fn read_word(bytes: &[u8], word: PhysAddr) -> u32 {
    let offset = (word.as_u32() & 0xFFF) as usize;
    u32::from_le_bytes(bytes[offset..offset + 4].try_into().expect("four bytes"))
}

/// ASIDs 1..=255 in use (0 is the reserved one used while switching).
static ASIDS: Mutex<[u32; 8]> = Mutex::new([1, 0, 0, 0, 0, 0, 0, 0]);

fn allocate_asid() -> Option<u8> {
    let mut asids = ASIDS.lock();
    for (word_index, word) in asids.iter_mut().enumerate() {
        if *word != u32::MAX {
            let bit = word.trailing_ones();
            *word |= 1 << bit;
            return Some((word_index as u32 * 32 + bit) as u8);
        }
    }
    None
}

fn free_asid(asid: u8) {
    // SAFETY: TLBIASID only drops TLB entries tagged with this ASID, which
    // belong to the address space being destroyed.
    unsafe {
        asm!("mcr p15, 0, {}, c8, c7, 2", "dsb", "isb", in(reg) u32::from(asid), options(nostack, preserves_flags))
    };
    ASIDS.lock()[usize::from(asid / 32)] &= !(1 << (asid % 32));
}

/// One process's translation tables and ASID.
pub struct Armv7AddressSpace {
    table: Option<UserPageTable>,
    asid: u8,
}

impl Armv7AddressSpace {
    /// An empty address space, or `None` when frames or ASIDs run out.
    pub fn create() -> Option<Box<dyn AddressSpace>> {
        let asid = allocate_asid()?;
        let Some(table) = UserPageTable::new(&mut FrameTables) else {
            free_asid(asid);
            return None;
        };
        Some(Box::new(Armv7AddressSpace {
            table: Some(table),
            asid,
        }))
    }

    fn table(&self) -> &UserPageTable {
        self.table.as_ref().expect("present until drop")
    }

    fn table_mut(&mut self) -> &mut UserPageTable {
        self.table.as_mut().expect("present until drop")
    }

    /// Drops the TLB entry for `page` in this address space.
    fn invalidate(&self, page: VirtAddr) {
        // SAFETY: TLBIMVA and BPIALL only drop cached translations and
        // predictions; the barriers complete them.
        unsafe {
            asm!(
                "mcr p15, 0, {entry}, c8, c7, 1", // TLBIMVA: this page, this ASID
                "mcr p15, 0, {zero}, c7, c5, 6",  // BPIALL
                "dsb",
                "isb",
                entry = in(reg) page.as_u32() | u32::from(self.asid),
                zero = in(reg) 0,
                options(nostack, preserves_flags),
            )
        };
    }
}

/// The attributes of a user page with `access`.
fn attributes(access: PageAccess) -> Attributes {
    Attributes {
        memory: MemoryType::NormalCached,
        access: if access.writable {
            Access::UserReadWrite
        } else {
            Access::UserReadOnly
        },
        executable: access.executable,
        global: false,
    }
}

fn page_access(attributes: Attributes) -> PageAccess {
    PageAccess {
        writable: matches!(
            attributes.access,
            Access::UserReadWrite | Access::KernelReadWrite
        ),
        executable: attributes.executable,
    }
}

/// Cleans `frame` from the D-cache to the point of unification and
/// invalidates the I-cache, so code written through the linear map runs.
fn synchronize_instruction_cache(frame: PhysAddr) {
    let start = memory::kernel_address(frame).as_u32();
    // The Cortex-A9's erratum 764369 (NXP ERR004325): a DSB before a loop
    // of by-MVA maintenance, so the writes being cleaned have completed.
    // It matters once a second core holds lines; free until then.
    crate::cache::data_synchronization_barrier();
    // 32 bytes is the smallest line of the cores we support (Cortex-A9 and
    // A15 both have 32- or 64-byte lines); cleaning by the smaller step
    // covers both. No outer (L2) clean: see `cache.rs`.
    for line in (start..start + 4096).step_by(32) {
        // SAFETY: DCCMVAU only writes back a cache line of RAM that the
        // linear map maps.
        unsafe {
            asm!("mcr p15, 0, {}, c7, c11, 1", in(reg) line, options(nostack, preserves_flags))
        };
    }
    // SAFETY: barriers, ICIALLU and BPIALL only affect caches.
    unsafe {
        asm!(
            "dsb",
            "mcr p15, 0, {zero}, c7, c5, 0", // ICIALLU
            "mcr p15, 0, {zero}, c7, c5, 6", // BPIALL
            "dsb",
            "isb",
            zero = in(reg) 0,
            options(nostack, preserves_flags),
        )
    };
}

impl AddressSpace for Armv7AddressSpace {
    fn map(
        &mut self,
        page: VirtAddr,
        frame: PhysAddr,
        access: PageAccess,
    ) -> Result<(), MapFailure> {
        if access.executable {
            synchronize_instruction_cache(frame);
        }
        self.table_mut()
            .map(&mut FrameTables, page, frame, attributes(access))
            .map_err(|error| match error {
                crate::page_table::PageTableError::OutOfMemory => MapFailure::OutOfMemory,
                _ => MapFailure::Invalid,
            })
    }

    fn unmap(&mut self, page: VirtAddr) -> Option<PhysAddr> {
        let mapping = self.table_mut().unmap(&mut FrameTables, page)?;
        self.invalidate(page);
        Some(mapping.frame)
    }

    fn lookup(&self, page: VirtAddr) -> Option<(PhysAddr, PageAccess)> {
        let mapping = self.table().lookup(&FrameTables, page)?;
        Some((mapping.frame, page_access(mapping.attributes)))
    }

    fn protect(&mut self, page: VirtAddr, access: PageAccess) -> bool {
        let Some((frame, _)) = self.lookup(page) else {
            return false;
        };
        if access.executable {
            synchronize_instruction_cache(frame);
        }
        let changed = self
            .table_mut()
            .protect(&mut FrameTables, page, attributes(access));
        self.invalidate(page);
        changed
    }

    fn mappings(&self) -> Vec<(VirtAddr, PhysAddr, PageAccess)> {
        let mappings = self.table().mappings(&FrameTables);
        mappings
            .iter()
            .map(|m| (m.page, m.frame, page_access(m.attributes)))
            .collect()
    }

    fn activate(&self) {
        let ttbr0 = self.table().root().as_u32() | TTBR_FLAGS;
        // SAFETY: the switch sequence of ARM ARM B3.10.4: move to the
        // reserved ASID 0 (no non-global entries use it), change TTBR0, then
        // set the new ASID; TTBCR keeps N = 1 and enables TTBR0 walks. Only
        // user translations change; the kernel half is TTBR1's. The two
        // DSBs are the Cortex-A9's erratum 754322 workaround (Linux's
        // cpu_v7_switch_mm, NXP ERR003724): a speculative walk begun under
        // the old ASID must finish before the ASID changes, or it can leave
        // a stale micro-TLB entry that hits under the new one. They cost a
        // few cycles on the Cortex-A15 too, where they are harmless.
        unsafe {
            asm!(
                "dsb",                             // 754322: walks done
                "mcr p15, 0, {zero}, c13, c0, 1",  // CONTEXTIDR: reserved ASID
                "isb",
                "mcr p15, 0, {ttbr0}, c2, c0, 0",  // TTBR0: this process's table
                "mcr p15, 0, {ttbcr}, c2, c0, 2",  // TTBCR: N = 1, walks on
                "isb",
                "dsb",                             // 754322: walks done
                "mcr p15, 0, {asid}, c13, c0, 1",  // CONTEXTIDR: its ASID
                "isb",
                zero = in(reg) 0,
                ttbr0 = in(reg) ttbr0,
                ttbcr = in(reg) crate::layout::TTBCR_SPLIT,
                asid = in(reg) u32::from(self.asid),
                options(nostack, preserves_flags),
            )
        };
    }
}

impl Drop for Armv7AddressSpace {
    fn drop(&mut self) {
        if let Some(table) = self.table.take() {
            table.destroy(&mut FrameTables);
        }
        free_asid(self.asid);
    }
}
