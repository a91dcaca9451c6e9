// SPDX-License-Identifier: MIT OR Apache-2.0
//! A process's memory: areas, page tables, and the program image.
//!
//! The areas (`crate::vm::area`) say what the process may touch and what
//! fills each page; the page tables (`AddressSpace`, the arch crate's) say
//! what is filled so far. [`ProcessMemory::resolve`] joins the two: it is
//! what a page fault, and every kernel access to user memory, goes
//! through. Pages are filled on first touch (zeros, or the program image's
//! bytes), the stack grows down on demand, and after fork writable pages
//! are shared read-only until one side writes (copy-on-write).

use crate::addr::{PhysAddr, VirtAddr};
use crate::elf::LoadPlan;
use crate::trap::Access;
use crate::user_stack::InitialStack;
use crate::vm::address_space::{AddressSpace, MapFailure, PageAccess};
use crate::vm::area::{Area, AreaKind, Areas, FaultClass, Fill, Permissions};
use crate::vm::layout::{PAGE_SIZE, STACK_TOP};
use crate::{frame_access, memory};
use abi::errno::Errno;
use alloc::boxed::Box;

/// Why an access could not be resolved (the process gets SIGSEGV).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unresolved {
    /// No area covers the address.
    Unmapped,
    /// The area forbids this kind of access.
    Forbidden,
    /// No free frame to fill the page with.
    OutOfMemory,
}

impl Unresolved {
    /// Words for the kill report.
    pub fn description(self) -> &'static str {
        match self {
            Unresolved::Unmapped => "no mapping at that address",
            Unresolved::Forbidden => "access not permitted by the mapping",
            Unresolved::OutOfMemory => "out of memory",
        }
    }
}

/// What a process's memory consists of.
pub struct ProcessMemory {
    /// Its page tables.
    pub space: Box<dyn AddressSpace>,
    /// What it may touch, and what fills it.
    pub areas: Areas,
    /// The program's ELF image (in the ramdisk), where segment pages come
    /// from.
    pub image: &'static [u8],
    /// Ramdisk files mapped with mmap2, where `AreaKind::File` pages come
    /// from, by `source` number. Entries stay until execve (a few slices
    /// of the ramdisk, no copies).
    pub mapped_files: alloc::vec::Vec<&'static [u8]>,
}

fn page_of(address: u32) -> VirtAddr {
    VirtAddr(address & !(PAGE_SIZE - 1))
}

fn page_access(permissions: Permissions) -> PageAccess {
    PageAccess {
        writable: permissions.write,
        executable: permissions.execute,
    }
}

impl ProcessMemory {
    /// The `source` number of ramdisk file `data` for an `AreaKind::File`
    /// area, registering it on first use.
    pub fn mapped_file_source(&mut self, data: &'static [u8]) -> u32 {
        let known = self.mapped_files.iter().position(|file| {
            core::ptr::eq(file.as_ptr(), data.as_ptr()) && file.len() == data.len()
        });
        let index = known.unwrap_or_else(|| {
            self.mapped_files.push(data);
            self.mapped_files.len() - 1
        });
        index as u32
    }

    /// Empty memory over `space`, whose segments come from `image`.
    pub fn new(space: Box<dyn AddressSpace>, image: &'static [u8]) -> ProcessMemory {
        ProcessMemory {
            space,
            areas: Areas::new(),
            image,
            mapped_files: alloc::vec::Vec::new(),
        }
    }

    /// The frame backing `address` for `access`, filling or copying the
    /// page first if the areas allow it.
    pub fn resolve(&mut self, address: u32, access: Access) -> Result<PhysAddr, Unresolved> {
        let page = page_of(address);
        if let Some((frame, current)) = self.space.lookup(page) {
            return self.resolve_mapped(page, frame, current, access);
        }
        match self.areas.classify_fault(VirtAddr(address), access) {
            FaultClass::Fill { permissions, fill } => self.fill(page, permissions, fill),
            FaultClass::StackGrowth => {
                self.areas
                    .grow_stack(page)
                    .map_err(|_| Unresolved::Forbidden)?;
                self.resolve(address, access)
            }
            FaultClass::Forbidden => Err(Unresolved::Forbidden),
            FaultClass::Unmapped => Err(Unresolved::Unmapped),
        }
    }

    /// A mapped page: fine, or copy-on-write, or forbidden.
    fn resolve_mapped(
        &mut self,
        page: VirtAddr,
        frame: PhysAddr,
        current: PageAccess,
        access: Access,
    ) -> Result<PhysAddr, Unresolved> {
        match access {
            Access::Read => Ok(frame),
            Access::Execute if current.executable => Ok(frame),
            Access::Execute => Err(Unresolved::Forbidden),
            Access::Write if current.writable => Ok(frame),
            Access::Write => {
                let area = self.areas.find(page).ok_or(Unresolved::Unmapped)?;
                if !area.permissions.write {
                    return Err(Unresolved::Forbidden);
                }
                let wanted = page_access(area.permissions);
                self.break_share(page, frame, wanted)
            }
        }
    }

    /// Gives the process its own writable copy of a shared page.
    fn break_share(
        &mut self,
        page: VirtAddr,
        frame: PhysAddr,
        access: PageAccess,
    ) -> Result<PhysAddr, Unresolved> {
        if !memory::is_shared(frame) {
            // The other sharers are gone: the page is ours alone.
            self.space.protect(page, access);
            return Ok(frame);
        }
        let copy = memory::allocate().ok_or(Unresolved::OutOfMemory)?;
        frame_access::with_frame(frame, |source| {
            frame_access::with_frame_mut(copy, |target| target.copy_from_slice(source));
        });
        self.space.unmap(page);
        memory::release(frame);
        self.map_frame(page, copy, access)?;
        Ok(copy)
    }

    /// Fills a page on first touch.
    fn fill(
        &mut self,
        page: VirtAddr,
        permissions: Permissions,
        fill: Fill,
    ) -> Result<PhysAddr, Unresolved> {
        let frame = memory::allocate().ok_or(Unresolved::OutOfMemory)?;
        frame_access::zero(frame);
        let (source, page_offset) = match fill {
            Fill::FromImage {
                file_offset,
                page_offset,
                bytes,
            } => (
                self.image
                    .get(file_offset as usize..(file_offset + bytes) as usize),
                page_offset,
            ),
            Fill::FromFile {
                source,
                file_offset,
                bytes,
            } => (
                self.mapped_files.get(source as usize).and_then(|file| {
                    file.get(file_offset as usize..(file_offset as usize + bytes as usize))
                }),
                0,
            ),
            Fill::Zero | Fill::Vdso { .. } => (None, 0),
        };
        if let Some(source) = source {
            frame_access::with_frame_mut(frame, |target| {
                let start = page_offset as usize;
                target[start..start + source.len()].copy_from_slice(source);
            });
        }
        self.map_frame(page, frame, page_access(permissions))?;
        Ok(frame)
    }

    fn map_frame(
        &mut self,
        page: VirtAddr,
        frame: PhysAddr,
        access: PageAccess,
    ) -> Result<(), Unresolved> {
        self.space.map(page, frame, access).map_err(|failure| {
            memory::release(frame);
            match failure {
                MapFailure::OutOfMemory => Unresolved::OutOfMemory,
                MapFailure::Invalid => Unresolved::Forbidden,
            }
        })
    }

    /// Adds the areas of a checked ELF plan, and the empty heap after it.
    pub fn add_program(&mut self, plan: &LoadPlan) -> Result<(), Errno> {
        for segment in &plan.segments {
            let permissions = Permissions {
                read: segment.readable,
                write: segment.writable,
                execute: segment.executable,
            };
            let start = segment.start.as_u32();
            let end = start
                .checked_add(segment.memory_size)
                .ok_or(Errno::ENOEXEC)?;
            let kind = AreaKind::Segment {
                file_offset: segment.file_offset,
                file_size: segment.file_size,
            };
            self.areas
                .insert(Area::new(VirtAddr(start), VirtAddr(end), permissions, kind))?;
        }
        self.areas.set_heap_start(plan.program_break)
    }

    /// Adds the stack area and writes the initial stack into it.
    pub fn add_stack(&mut self, stack: &InitialStack) -> Result<(), Errno> {
        self.areas.add_stack(stack.stack_pointer)?;
        crate::uaccess::copy_to_user(self, stack.stack_pointer.as_u32(), &stack.bytes)
    }

    /// Adds `bias` to the word at `address` (R_ARM_RELATIVE), whatever the
    /// page's permissions: relocations of read-only data happen before the
    /// program runs.
    pub fn relocate(&mut self, address: u32, bias: u32) -> Result<(), Errno> {
        self.update_word(address, |word| word.wrapping_add(bias))
    }

    /// Stores `value` in the word at `address` (a binding: the address of
    /// a symbol), whatever the page's permissions, as [`Self::relocate`].
    pub fn write_word(&mut self, address: u32, value: u32) -> Result<(), Errno> {
        self.update_word(address, |_| value)
    }

    /// Replaces the aligned word at `address` with `change` of it, filling
    /// the page first if it was not yet touched. The loader checked the
    /// address (`crate::elf`); a word that is not there is `ENOEXEC`.
    fn update_word(&mut self, address: u32, change: impl FnOnce(u32) -> u32) -> Result<(), Errno> {
        let frame = self
            .resolve(address, Access::Read)
            .map_err(|_| Errno::ENOEXEC)?;
        let offset = (address % PAGE_SIZE) as usize;
        if offset > PAGE_SIZE as usize - 4 {
            return Err(Errno::ENOEXEC);
        }
        frame_access::with_frame_mut(frame, |bytes| {
            let word = u32::from_le_bytes(bytes[offset..offset + 4].try_into().expect("4 bytes"));
            bytes[offset..offset + 4].copy_from_slice(&change(word).to_le_bytes());
        });
        Ok(())
    }

    /// A copy for a forked child over `space`: areas copied, every page
    /// shared, writable ones read-only on both sides until written.
    pub fn fork_into(&mut self, mut space: Box<dyn AddressSpace>) -> Result<ProcessMemory, Errno> {
        for (page, frame, access) in self.space.mappings() {
            let shared = PageAccess {
                writable: false,
                ..access
            };
            if access.writable {
                self.space.protect(page, shared);
            }
            space.map(page, frame, shared).map_err(|_| Errno::ENOMEM)?;
            memory::share(frame);
        }
        Ok(ProcessMemory {
            space,
            areas: self.areas.clone(),
            image: self.image,
            mapped_files: self.mapped_files.clone(),
        })
    }

    /// Unmaps and releases every page (the tables go when `space` drops).
    pub fn release_pages(&mut self) {
        for (page, frame, _) in self.space.mappings() {
            self.space.unmap(page);
            memory::release(frame);
        }
        self.areas = Areas::new();
    }

    /// Unmaps and releases the pages in `[start, end)`.
    pub fn release_range(&mut self, start: VirtAddr, end: VirtAddr) {
        let mut page = start.as_u32();
        while page < end.as_u32() {
            if let Some(frame) = self.space.unmap(VirtAddr(page)) {
                memory::release(frame);
            }
            page += PAGE_SIZE;
        }
    }
}

/// The top of every process's stack (for reports and checks).
pub const STACK_END: u32 = STACK_TOP;
