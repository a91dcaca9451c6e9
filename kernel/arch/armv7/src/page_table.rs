// SPDX-License-Identifier: MIT OR Apache-2.0
//! A process's translation tables: first level for TTBR0, second-level pages.
//!
//! With TTBCR.N = 1 a process's first-level table covers the lower 2 GiB in
//! 2048 entries (8 KiB, aligned to 8 KiB); each entry points at a
//! second-level table of 256 small-page descriptors (1 KiB, one per 4 KiB
//! frame here, to keep allocation simple). The logic is generic over
//! [`TableMemory`], which reads and writes table words by physical address:
//! on the target through the kernel's linear map, in host tests through a
//! fake, so mapping, lookup, teardown and copy-on-write bookkeeping are all
//! tested on the host. TLB maintenance after a change is the caller's.

use crate::descriptor::{self, Attributes, L1Entry, L2_ENTRIES};
use alloc::vec::Vec;
use kernel::addr::{PhysAddr, VirtAddr};

/// Entries of a TTBR0 first-level table with TTBCR.N = 1.
pub const USER_L1_ENTRIES: usize = 2048;
/// First virtual address TTBR0 does not translate.
pub const USER_SPACE_END: u32 = 0x8000_0000;

/// The sizes of table this module asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    /// A first-level table: 8 KiB, 8 KiB aligned.
    FirstLevel,
    /// A second-level table: 1 KiB, 1 KiB aligned.
    SecondLevel,
}

/// Physical memory holding translation tables.
pub trait TableMemory {
    /// A zero-filled table of `kind`, or `None` when memory is exhausted.
    fn allocate_table(&mut self, kind: TableKind) -> Option<PhysAddr>;
    /// Returns a table obtained from `allocate_table`.
    fn free_table(&mut self, table: PhysAddr, kind: TableKind);
    /// Reads entry `index` of the table at `table`.
    fn read(&self, table: PhysAddr, index: usize) -> u32;
    /// Writes entry `index` of the table at `table`.
    fn write(&mut self, table: PhysAddr, index: usize, value: u32);
}

/// Why a page could not be mapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageTableError {
    /// No memory for a second-level table.
    OutOfMemory,
    /// The address is not in the user half or not page aligned.
    BadAddress(VirtAddr),
    /// Something is already mapped there.
    AlreadyMapped(VirtAddr),
}

/// One mapped page, as [`UserPageTable::mappings`] lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mapping {
    /// The page's virtual address.
    pub page: VirtAddr,
    /// The frame behind it.
    pub frame: PhysAddr,
    /// Its attributes.
    pub attributes: Attributes,
}

/// The translation tables of one address space's user half.
#[derive(Debug)]
pub struct UserPageTable {
    first_level: PhysAddr,
}

impl UserPageTable {
    /// An empty table (every access faults), or `None` without memory.
    pub fn new(memory: &mut impl TableMemory) -> Option<UserPageTable> {
        let first_level = memory.allocate_table(TableKind::FirstLevel)?;
        Some(UserPageTable { first_level })
    }

    /// The physical address of the first-level table, for TTBR0.
    pub fn root(&self) -> PhysAddr {
        self.first_level
    }

    /// Maps the 4 KiB page at `page` to `frame`.
    pub fn map(
        &mut self,
        memory: &mut impl TableMemory,
        page: VirtAddr,
        frame: PhysAddr,
        attributes: Attributes,
    ) -> Result<(), PageTableError> {
        let (l1, l2) = indices(page)?;
        let table = match descriptor::decode_l1(memory.read(self.first_level, l1)) {
            L1Entry::PageTable { table } => PhysAddr(table),
            _ => {
                let table = memory
                    .allocate_table(TableKind::SecondLevel)
                    .ok_or(PageTableError::OutOfMemory)?;
                memory.write(self.first_level, l1, descriptor::page_table(table.as_u32()));
                table
            }
        };
        if memory.read(table, l2) != 0 {
            return Err(PageTableError::AlreadyMapped(page));
        }
        memory.write(
            table,
            l2,
            descriptor::small_page(frame.as_u32(), attributes),
        );
        Ok(())
    }

    /// Changes the attributes of a mapped page; returns false if unmapped.
    pub fn protect(
        &mut self,
        memory: &mut impl TableMemory,
        page: VirtAddr,
        attributes: Attributes,
    ) -> bool {
        let Some((table, index, frame)) = self.find(memory, page) else {
            return false;
        };
        memory.write(
            table,
            index,
            descriptor::small_page(frame.as_u32(), attributes),
        );
        true
    }

    /// Removes the mapping of `page`, returning what it was.
    pub fn unmap(&mut self, memory: &mut impl TableMemory, page: VirtAddr) -> Option<Mapping> {
        let mapping = self.lookup(memory, page)?;
        let (table, index, _) = self.find(memory, page)?;
        memory.write(table, index, 0);
        Some(mapping)
    }

    /// What `page` maps to, if anything.
    pub fn lookup(&self, memory: &impl TableMemory, page: VirtAddr) -> Option<Mapping> {
        let (table, index, frame) = self.find(memory, page)?;
        let attributes = decode_small_page(memory.read(table, index))?;
        Some(Mapping {
            page: page.align_down(4096),
            frame,
            attributes,
        })
    }

    /// Every mapped page, lowest first (for fork and for teardown).
    pub fn mappings(&self, memory: &impl TableMemory) -> Vec<Mapping> {
        let mut mappings = Vec::new();
        for l1 in 0..USER_L1_ENTRIES {
            let L1Entry::PageTable { table } =
                descriptor::decode_l1(memory.read(self.first_level, l1))
            else {
                continue;
            };
            for l2 in 0..L2_ENTRIES {
                let entry = memory.read(PhysAddr(table), l2);
                if let Some(attributes) = decode_small_page(entry) {
                    let page = VirtAddr(((l1 as u32) << 20) | ((l2 as u32) << 12));
                    mappings.push(Mapping {
                        page,
                        frame: PhysAddr(entry & !0xFFF),
                        attributes,
                    });
                }
            }
        }
        mappings
    }

    /// Frees every table (not the mapped frames: the caller owns those).
    pub fn destroy(self, memory: &mut impl TableMemory) {
        for l1 in 0..USER_L1_ENTRIES {
            if let L1Entry::PageTable { table } =
                descriptor::decode_l1(memory.read(self.first_level, l1))
            {
                memory.free_table(PhysAddr(table), TableKind::SecondLevel);
            }
        }
        memory.free_table(self.first_level, TableKind::FirstLevel);
    }

    /// The second-level table, index and frame of a mapped page.
    fn find(
        &self,
        memory: &impl TableMemory,
        page: VirtAddr,
    ) -> Option<(PhysAddr, usize, PhysAddr)> {
        let (l1, l2) = indices(page.align_down(4096)).ok()?;
        let L1Entry::PageTable { table } = descriptor::decode_l1(memory.read(self.first_level, l1))
        else {
            return None;
        };
        let entry = memory.read(PhysAddr(table), l2);
        (entry & 0b10 != 0).then_some((PhysAddr(table), l2, PhysAddr(entry & !0xFFF)))
    }
}

/// First- and second-level indices of a page-aligned user address.
fn indices(page: VirtAddr) -> Result<(usize, usize), PageTableError> {
    if !page.is_aligned(4096) || page.as_u32() >= USER_SPACE_END {
        return Err(PageTableError::BadAddress(page));
    }
    Ok((
        descriptor::l1_index(page.as_u32()),
        descriptor::l2_index(page.as_u32()),
    ))
}

/// The attributes of a small-page descriptor we wrote, or `None` if none.
fn decode_small_page(entry: u32) -> Option<Attributes> {
    if entry & 0b10 == 0 {
        return None;
    }
    // Reuse the section decoder: move the small-page fields to the section
    // positions (TEX 8:6 -> 14:12, AP 5:4 -> 11:10, AP2 9 -> 15, nG 11 ->
    // 17, XN 0 -> 4, S 10 -> 16; C and B are in the same place).
    let section = ((entry >> 6) & 0b111) << 12
        | ((entry >> 4) & 0b11) << 10
        | ((entry >> 9) & 1) << 15
        | ((entry >> 11) & 1) << 17
        | (entry & 1) << 4
        | ((entry >> 10) & 1) << 16
        | (entry & 0b1100)
        | 0b10;
    match descriptor::decode_l1(section) {
        L1Entry::Section { attributes, .. } => attributes,
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{Access, MemoryType};
    use std::collections::HashMap;

    /// Tables in a hash map, allocated from a counter; tracks what is live.
    #[derive(Default)]
    struct FakeMemory {
        words: HashMap<(u32, usize), u32>,
        next: u32,
        live: Vec<(u32, TableKind)>,
        limit: Option<usize>,
    }

    impl TableMemory for FakeMemory {
        fn allocate_table(&mut self, kind: TableKind) -> Option<PhysAddr> {
            if self.limit.is_some_and(|limit| self.live.len() >= limit) {
                return None;
            }
            self.next += 0x2000;
            self.live.push((self.next, kind));
            Some(PhysAddr(self.next))
        }
        fn free_table(&mut self, table: PhysAddr, kind: TableKind) {
            let position = self
                .live
                .iter()
                .position(|&live| live == (table.as_u32(), kind));
            self.live
                .remove(position.expect("freeing a live table of that kind"));
            self.words.retain(|&(base, _), _| base != table.as_u32());
        }
        fn read(&self, table: PhysAddr, index: usize) -> u32 {
            self.words
                .get(&(table.as_u32(), index))
                .copied()
                .unwrap_or(0)
        }
        fn write(&mut self, table: PhysAddr, index: usize, value: u32) {
            self.words.insert((table.as_u32(), index), value);
        }
    }

    const USER_DATA: Attributes = Attributes {
        memory: MemoryType::NormalCached,
        access: Access::UserReadWrite,
        executable: false,
        global: false,
    };
    const USER_TEXT: Attributes = Attributes {
        access: Access::UserReadOnly,
        executable: true,
        ..USER_DATA
    };

    #[test]
    fn maps_looks_up_and_unmaps() {
        let mut memory = FakeMemory::default();
        let mut table = UserPageTable::new(&mut memory).unwrap();
        table
            .map(
                &mut memory,
                VirtAddr(0x0001_0000),
                PhysAddr(0x1234_5000),
                USER_TEXT,
            )
            .unwrap();
        let mapping = table.lookup(&memory, VirtAddr(0x0001_0FFC)).unwrap();
        assert_eq!(mapping.frame, PhysAddr(0x1234_5000));
        assert_eq!(mapping.attributes, USER_TEXT);
        assert_eq!(mapping.page, VirtAddr(0x0001_0000));
        assert!(table.lookup(&memory, VirtAddr(0x0001_1000)).is_none());
        assert_eq!(
            table
                .unmap(&mut memory, VirtAddr(0x0001_0000))
                .unwrap()
                .frame
                .as_u32(),
            0x1234_5000
        );
        assert!(table.lookup(&memory, VirtAddr(0x0001_0000)).is_none());
    }

    #[test]
    fn refuses_double_maps_and_kernel_addresses() {
        let mut memory = FakeMemory::default();
        let mut table = UserPageTable::new(&mut memory).unwrap();
        table
            .map(
                &mut memory,
                VirtAddr(0x7EFF_F000),
                PhysAddr(0x1000_0000),
                USER_DATA,
            )
            .unwrap();
        assert_eq!(
            table.map(
                &mut memory,
                VirtAddr(0x7EFF_F000),
                PhysAddr(0x1000_1000),
                USER_DATA
            ),
            Err(PageTableError::AlreadyMapped(VirtAddr(0x7EFF_F000)))
        );
        assert_eq!(
            table.map(
                &mut memory,
                VirtAddr(0x8000_0000),
                PhysAddr(0x1000_1000),
                USER_DATA
            ),
            Err(PageTableError::BadAddress(VirtAddr(0x8000_0000)))
        );
        assert!(matches!(
            table.map(
                &mut memory,
                VirtAddr(0x1001),
                PhysAddr(0x1000_1000),
                USER_DATA
            ),
            Err(PageTableError::BadAddress(_))
        ));
    }

    #[test]
    fn protect_flips_write_access_for_copy_on_write() {
        let mut memory = FakeMemory::default();
        let mut table = UserPageTable::new(&mut memory).unwrap();
        let page = VirtAddr(0x0040_0000);
        table
            .map(&mut memory, page, PhysAddr(0x2000_0000), USER_DATA)
            .unwrap();
        let read_only = Attributes {
            access: Access::UserReadOnly,
            ..USER_DATA
        };
        assert!(table.protect(&mut memory, page, read_only));
        assert_eq!(table.lookup(&memory, page).unwrap().attributes, read_only);
        assert!(!table.protect(&mut memory, VirtAddr(0x0040_1000), read_only));
    }

    #[test]
    fn mappings_lists_in_order_and_destroy_frees_every_table() {
        let mut memory = FakeMemory::default();
        let mut table = UserPageTable::new(&mut memory).unwrap();
        let pages = [0x0001_0000, 0x0001_1000, 0x0030_0000, 0x7EFF_F000];
        for (index, &page) in pages.iter().enumerate().rev() {
            let frame = PhysAddr(0x1000_0000 + index as u32 * 0x1000);
            table
                .map(&mut memory, VirtAddr(page), frame, USER_DATA)
                .unwrap();
        }
        let listed: Vec<u32> = table
            .mappings(&memory)
            .iter()
            .map(|m| m.page.as_u32())
            .collect();
        assert_eq!(listed, pages);
        assert_eq!(memory.live.len(), 1 + 3, "one L1 and three L2 tables");
        table.destroy(&mut memory);
        assert!(memory.live.is_empty());
    }

    #[test]
    fn out_of_memory_is_an_error_not_a_panic() {
        let mut memory = FakeMemory {
            limit: Some(1),
            ..FakeMemory::default()
        };
        let mut table = UserPageTable::new(&mut memory).unwrap();
        assert_eq!(
            table.map(
                &mut memory,
                VirtAddr(0x1000),
                PhysAddr(0x1000_0000),
                USER_DATA
            ),
            Err(PageTableError::OutOfMemory)
        );
    }

    #[test]
    fn every_attribute_combination_survives_the_small_page_round_trip() {
        for memory_type in [MemoryType::NormalCached, MemoryType::Device] {
            for access in [
                Access::UserReadOnly,
                Access::UserReadWrite,
                Access::KernelReadWrite,
            ] {
                for (executable, global) in [(true, false), (false, true)] {
                    let attributes = Attributes {
                        memory: memory_type,
                        access,
                        executable,
                        global,
                    };
                    let entry = descriptor::small_page(0x4000_0000, attributes);
                    assert_eq!(decode_small_page(entry), Some(attributes));
                }
            }
        }
    }
}
