// SPDX-License-Identifier: MIT OR Apache-2.0
//! The page tables of one process, as the core sees them.
//!
//! The core decides what to map (areas, demand paging, copy-on-write); the
//! arch crate owns how (descriptor formats, ASIDs, TLB and cache
//! maintenance). This trait is the seam. Pages are always 4 KiB and user
//! mappings are always readable by the process.

use crate::addr::{PhysAddr, VirtAddr};
use alloc::vec::Vec;

/// What a process may do with a mapped page besides reading it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageAccess {
    /// Stores are allowed.
    pub writable: bool,
    /// Instruction fetches are allowed.
    pub executable: bool,
}

/// Why a page could not be mapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapFailure {
    /// No memory for a page table.
    OutOfMemory,
    /// Not a page-aligned user address, or already mapped: a kernel bug.
    Invalid,
}

/// One process's user-half page tables.
pub trait AddressSpace: Send {
    /// Maps `page` to `frame`. Executable pages get the instruction-cache
    /// maintenance that code written through the kernel's alias needs.
    fn map(
        &mut self,
        page: VirtAddr,
        frame: PhysAddr,
        access: PageAccess,
    ) -> Result<(), MapFailure>;
    /// Removes the mapping of `page`, returning its frame.
    fn unmap(&mut self, page: VirtAddr) -> Option<PhysAddr>;
    /// The frame and access of `page`, if mapped.
    fn lookup(&self, page: VirtAddr) -> Option<(PhysAddr, PageAccess)>;
    /// Changes the access of a mapped page; false if it is not mapped.
    fn protect(&mut self, page: VirtAddr, access: PageAccess) -> bool;
    /// Every mapped page, lowest first.
    fn mappings(&self) -> Vec<(VirtAddr, PhysAddr, PageAccess)>;
    /// Makes this the address space the CPU translates user addresses with.
    fn activate(&self);
}
