// SPDX-License-Identifier: MIT OR Apache-2.0
//! ELF executables: every check, and the plan of what to map where.
//!
//! `execve` hands [`plan`] the bytes of a file from the ramdisk and the
//! symbols of the kernel's vDSO. `plan` either refuses them with an
//! [`ElfError`] (its `Display` is the kernel's log line, its
//! [`ElfError::errno`] what `execve` returns) or returns a [`LoadPlan`]: the
//! segments to map and their permissions, the entry point, where the heap
//! starts, what the auxiliary vector must say, which words a
//! position-independent program needs rebased and which words get the
//! addresses of its imports. It maps nothing itself, so it is pure and
//! host-tested, hostile files included.
//!
//! What runs: ARM (`EM_ARM`), `ELFCLASS32`, little-endian, EABI version 5;
//! `ET_EXEC` at its link addresses, and `ET_DYN` (PIE) with its link
//! address 0 at [`PIE_BASE`]. There is no dynamic linker: the one shared
//! object a program may need is the vDSO (`DT_NEEDED linux-vdso.so.1`),
//! whose imports this loader binds itself (`binding`, against the symbols
//! `vdso_symbols` reads from the vDSO image). A program that needs any
//! other library is refused naming it. `PT_INTERP` is ignored when the
//! vDSO is all a program needs (GCC writes one unless told
//! `-Wl,--no-dynamic-linker`), and refused naming the interpreter when the
//! program names no library at all. What an accepted plan promises,
//! whatever the input:
//! - every segment lies inside `USER_BOTTOM..PROGRAM_LIMIT`, its file bytes
//!   inside the image, with `p_filesz <= p_memsz`, and no two segments
//!   share a page; no segment is both writable and executable;
//! - all segments together need at most [`MAX_PROGRAM_MEMORY`];
//! - the entry point lies inside an executable segment;
//! - every relocation and binding target is an aligned word inside a
//!   segment.
//!
//! goblin reads the structures: the header (`elf32::header::Header::parse`),
//! the program headers (`elf32::program_header::ProgramHeader::parse`), the
//! dynamic array (`elf::Dynamic::parse`) and the relocation tables
//! (`elf::RelocSection`), and it supplies the constants. We check every
//! range before goblin sees it: its `parse` functions allocate `count`
//! entries before reading (an `e_phnum` of 65535 would cost 2 MiB before
//! failing), and its `from_bytes` functions panic on misaligned input.
//! Symbols, version records and names are read by hand, one field at a
//! time (`word_at`, `half_at`, `name_at`): goblin's `Strtab::parse`
//! pre-parses the whole table and refuses it if any byte anywhere is not
//! UTF-8, and its symbol-version readers need section headers, which a
//! loader must not rely on.

use alloc::string::String;
use alloc::vec::Vec;
use goblin::container::Endian;
use goblin::elf::header::{
    EI_CLASS, EI_DATA, EI_VERSION, ELFCLASS32, ELFDATA2LSB, ELFMAG, EM_ARM, ET_DYN, ET_EXEC,
    EV_CURRENT, SELFMAG,
};
use goblin::elf::program_header::{PF_R, PF_W, PF_X, PT_DYNAMIC, PT_INTERP, PT_LOAD, PT_PHDR};
use goblin::elf32::header::{Header, SIZEOF_EHDR};
use goblin::elf32::program_header::{ProgramHeader, SIZEOF_PHDR};

use crate::addr::VirtAddr;
use crate::vm::layout::{PAGE_SIZE, PIE_BASE, PROGRAM_LIMIT, USER_BOTTOM};

mod binding;
#[cfg(test)]
mod binding_tests;
mod dynamic;
mod error;
#[cfg(test)]
mod fuzz_tests;
mod symbol_table;
#[cfg(test)]
mod tests;
pub mod vdso_symbols;

pub use error::ElfError;
pub use vdso_symbols::ExportedSymbols;

/// The most memory (page-rounded `p_memsz` of all segments) a program may
/// ask for; more is refused with `ENOMEM` before a single frame is taken.
pub const MAX_PROGRAM_MEMORY: u64 = 256 << 20;

/// Largest program header table, as in Linux's `load_elf_phdrs`.
const MAX_PROGRAM_HEADER_TABLE: usize = 64 * 1024;
/// `EF_ARM_EABIMASK`: where `e_flags` keeps the EABI version (goblin has no
/// ARM flag constants).
const EF_ARM_EABIMASK: u32 = 0xFF00_0000;
/// `EF_ARM_EABI_VER5`: the EABI every current ARM Linux toolchain emits.
const EF_ARM_EABI_VER5: u32 = 0x0500_0000;
/// Longest interpreter, library, symbol or version name kept for the log
/// line.
const MAX_NAME: usize = 128;

/// How the program's addresses relate to where it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElfKind {
    /// `ET_EXEC`: loaded at its link addresses.
    Executable,
    /// `ET_DYN` (a static PIE): link address 0 lands at `base`. Every
    /// address in the plan already includes `base`.
    PositionIndependent {
        /// What is added to every link address ([`PIE_BASE`]).
        base: VirtAddr,
    },
}

impl ElfKind {
    /// The number added to link addresses.
    fn bias(self) -> u32 {
        match self {
            Self::Executable => 0,
            Self::PositionIndependent { base } => base.0,
        }
    }
}

/// One `PT_LOAD` segment, checked.
///
/// The mapper maps the pages `[start.align_down(PAGE_SIZE),
/// end().align_up(PAGE_SIZE))`, copies `file_size` bytes from `file_offset`
/// to `start` and zero-fills the rest (`.bss`). What the bytes of the first
/// and last page outside the segment hold is the mapper's choice: Linux
/// shows the neighbouring file bytes there; zeros are as good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// First address (`p_vaddr`, rebased); not necessarily page-aligned.
    pub start: VirtAddr,
    /// Bytes in memory (`p_memsz`, at least 1).
    pub memory_size: u32,
    /// Where its bytes start in the file (`p_offset`).
    pub file_offset: u32,
    /// Bytes taken from the file (`p_filesz`, at most `memory_size`).
    pub file_size: u32,
    /// `PF_R`.
    pub readable: bool,
    /// `PF_W`; never together with `executable`.
    pub writable: bool,
    /// `PF_X`.
    pub executable: bool,
}

impl Segment {
    /// First address past the segment. [`plan`] checked that it does not
    /// wrap; for a segment made up elsewhere it saturates.
    pub fn end(&self) -> VirtAddr {
        VirtAddr(self.start.0.saturating_add(self.memory_size))
    }

    /// Whether `[address, address + length)` lies inside the segment.
    fn holds(&self, address: u32, length: u32) -> bool {
        let end = u64::from(address) + u64::from(length);
        address >= self.start.0 && end <= u64::from(self.end().0)
    }

    /// The file offset of `[address, address + length)` if those bytes
    /// come from the file (and not from the zero-filled tail).
    fn file_offset_of(&self, address: u32, length: u32) -> Option<usize> {
        let end = u64::from(address) + u64::from(length);
        let file_end = u64::from(self.start.0) + u64::from(self.file_size);
        (address >= self.start.0 && end <= file_end)
            .then(|| (self.file_offset + (address - self.start.0)) as usize)
    }

    /// The pages the segment touches, for the overlap and size checks.
    fn pages(&self) -> (u32, u32) {
        let first = self.start.align_down(PAGE_SIZE).0;
        // The end is at most PROGRAM_LIMIT, a page boundary: no overflow.
        let last = self.end().align_up(PAGE_SIZE).map_or(u32::MAX, |end| end.0);
        (first, last)
    }
}

/// Everything the loader needs to build the address space of a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadPlan {
    /// `ET_EXEC` or `ET_DYN`, and the load base of the latter.
    pub kind: ElfKind,
    /// Where the program starts (`e_entry`, rebased). Bit 0 set means
    /// Thumb: as Linux's `start_thread`, the thread starts with CPSR.T set
    /// and `pc = entry & !1`.
    pub entry: VirtAddr,
    /// The `PT_LOAD` segments with a non-zero `p_memsz`, sorted by address.
    pub segments: Vec<Segment>,
    /// Where the program headers are in memory (`AT_PHDR`): inside the
    /// segment whose file bytes hold the whole table at `e_phoff` (as Linux
    /// computes it), else at `PT_PHDR` if a segment holds that, else 0 (the
    /// table is not loaded; Linux would pass the load bias).
    pub program_headers: VirtAddr,
    /// Bytes per program header (`AT_PHENT`): always 32.
    pub program_header_size: u32,
    /// Number of program headers (`AT_PHNUM`).
    pub program_header_count: u32,
    /// The page-aligned end of the highest segment: the heap starts here.
    pub program_break: VirtAddr,
    /// For `ET_DYN`: the (rebased) address of every `R_ARM_RELATIVE`
    /// target, each an aligned word inside a segment. The loader adds
    /// `base` to the word at each after copying the file bytes. Empty for
    /// `ET_EXEC`, whose words already hold their final values.
    pub relative_relocations: Vec<VirtAddr>,
    /// The words that get the addresses of symbols (`R_ARM_ABS32`,
    /// `R_ARM_GLOB_DAT`, `R_ARM_JUMP_SLOT`): each an aligned word inside a
    /// segment, and the whole word to store there. The loader writes them
    /// after `relative_relocations`.
    pub bindings: Vec<Binding>,
    /// Whether the program names the vDSO (`DT_NEEDED linux-vdso.so.1`):
    /// then the vDSO must be mapped at the address its bindings assume.
    pub needs_vdso: bool,
}

/// One word of a program's memory that holds a symbol's address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding {
    /// Where the word is (rebased): aligned, inside a segment.
    pub address: VirtAddr,
    /// What the word must hold: the symbol's address, plus the addend that
    /// was in the file for `R_ARM_ABS32`.
    pub value: u32,
}

impl LoadPlan {
    /// What the loader adds to the word at each of `relative_relocations`:
    /// the PIE base, or 0 for `ET_EXEC`.
    pub fn load_bias(&self) -> u32 {
        self.kind.bias()
    }
}

/// Checks `image` (a whole ELF file) and plans how to load it, binding its
/// imports to `vdso` (the symbols of the vDSO every process maps; `None`
/// when the kernel has none, which refuses any program that needs it).
///
/// Never panics, whatever the bytes; allocates at most a few times the
/// image's size.
pub fn plan(image: &[u8], vdso: Option<&ExportedSymbols>) -> Result<LoadPlan, ElfError> {
    let header = read_header(image)?;
    let headers = read_program_headers(image, &header)?;
    let kind = match header.e_type {
        ET_DYN => ElfKind::PositionIndependent {
            base: VirtAddr(PIE_BASE),
        },
        _ => ElfKind::Executable,
    };
    let bias = kind.bias();
    // A program with an interpreter that is this broken is refused for
    // wanting the interpreter: what it was built for says more.
    let interpreter = headers.iter().find(|h| h.p_type == PT_INTERP);
    let segments = load_segments(image, &headers, bias)
        .map_err(|error| interpreter.map_or(error, |header| needs_interpreter(image, header)))?;
    let (tags, needs_vdso) = dependencies(image, &headers, &segments, bias)?;
    if needs_vdso && vdso.is_none() {
        return Err(ElfError::NoVdso);
    }
    let entry = entry_point(&header, &segments, bias)?;
    let bound = match &tags {
        Some(tags) => {
            let relocations = dynamic::relocations(image, tags, &segments, bias)?;
            let context = binding::Context {
                image,
                segments: &segments,
                bias,
                vdso: vdso.filter(|_| needs_vdso),
            };
            binding::bind(&context, tags, &relocations)?
        }
        None => binding::Bound::default(),
    };
    let mut relative_relocations = bound.relative;
    if kind == ElfKind::Executable {
        // Checked like a PIE's, but a bias of 0 leaves nothing to do.
        relative_relocations.clear();
    }
    Ok(LoadPlan {
        kind,
        entry,
        program_headers: program_header_address(&header, &headers, &segments, bias)
            .unwrap_or_default(),
        program_header_size: SIZEOF_PHDR as u32,
        program_header_count: u32::from(header.e_phnum),
        program_break: program_break(&segments)?,
        segments,
        relative_relocations,
        bindings: bound.bindings,
        needs_vdso,
    })
}

/// The program's dynamic tags (if it has `PT_DYNAMIC`) and whether it
/// needs the vDSO, after refusing what it needs that we cannot give: a
/// library other than the vDSO, named whether or not there is an
/// interpreter too (the library says more than `ld-linux`), and an
/// interpreter unless the vDSO is all the program needs.
fn dependencies(
    image: &[u8],
    headers: &[ProgramHeader],
    segments: &[Segment],
    bias: u32,
) -> Result<(Option<dynamic::Tags>, bool), ElfError> {
    let dynamic = headers.iter().find(|h| h.p_type == PT_DYNAMIC);
    let tags = dynamic.map(|h| dynamic::read_tags(image, h)).transpose();
    let needs_vdso = match &tags {
        Ok(Some(tags)) => dynamic::needs_vdso(image, tags, segments, bias)?,
        _ => false,
    };
    let interpreter = headers.iter().find(|h| h.p_type == PT_INTERP);
    if let Some(interpreter) = interpreter.filter(|_| !needs_vdso) {
        return Err(needs_interpreter(image, interpreter));
    }
    Ok((tags?, needs_vdso))
}

/// The refusal of a program for its `PT_INTERP`, naming the interpreter.
fn needs_interpreter(image: &[u8], interpreter: &ProgramHeader) -> ElfError {
    ElfError::NeedsInterpreter {
        path: name_at(image, interpreter.p_offset, interpreter.p_filesz),
    }
}

/// The entry point (rebased), which must be inside an executable segment.
fn entry_point(header: &Header, segments: &[Segment], bias: u32) -> Result<VirtAddr, ElfError> {
    let entry = header.e_entry.checked_add(bias).ok_or(ElfError::Overflow {
        what: "the entry point",
    })?;
    let entry_address = entry & !1;
    if !segments
        .iter()
        .any(|segment| segment.executable && segment.holds(entry_address, 1))
    {
        return Err(ElfError::EntryNotExecutable {
            entry: VirtAddr(entry),
        });
    }
    Ok(VirtAddr(entry))
}

/// Checks the identification and the header fields we rely on.
fn read_header(image: &[u8]) -> Result<Header, ElfError> {
    let too_short = ElfError::TooShort {
        length: image.len(),
    };
    let ident = image.get(..SIZEOF_EHDR).ok_or(too_short.clone())?;
    if ident[..SELFMAG] != ELFMAG[..] {
        return Err(ElfError::BadMagic);
    }
    if ident[EI_CLASS] != ELFCLASS32 {
        return Err(ElfError::NotClass32 {
            class: ident[EI_CLASS],
        });
    }
    if ident[EI_DATA] != ELFDATA2LSB {
        return Err(ElfError::NotLittleEndian {
            data: ident[EI_DATA],
        });
    }
    if ident[EI_VERSION] != EV_CURRENT {
        return Err(ElfError::BadVersion {
            version: u32::from(ident[EI_VERSION]),
        });
    }
    let header = Header::parse(image).map_err(|_| too_short)?;
    if header.e_version != u32::from(EV_CURRENT) {
        return Err(ElfError::BadVersion {
            version: header.e_version,
        });
    }
    if header.e_machine != EM_ARM {
        return Err(ElfError::NotArm {
            machine: header.e_machine,
        });
    }
    if header.e_flags & EF_ARM_EABIMASK != EF_ARM_EABI_VER5 {
        return Err(ElfError::NotEabi5 {
            flags: header.e_flags,
        });
    }
    if header.e_type != ET_EXEC && header.e_type != ET_DYN {
        return Err(ElfError::NotExecutable {
            kind: header.e_type,
        });
    }
    if usize::from(header.e_phentsize) != SIZEOF_PHDR {
        return Err(ElfError::BadProgramHeaderSize {
            size: header.e_phentsize,
        });
    }
    Ok(header)
}

/// Reads the program header table after checking that it is in the file.
fn read_program_headers(image: &[u8], header: &Header) -> Result<Vec<ProgramHeader>, ElfError> {
    let count = usize::from(header.e_phnum);
    // At most 65535 * 32: no overflow in a 32-bit usize.
    let table_size = count * SIZEOF_PHDR;
    if table_size > MAX_PROGRAM_HEADER_TABLE {
        return Err(ElfError::TooManyProgramHeaders {
            count: header.e_phnum,
        });
    }
    let outside = ElfError::ProgramHeadersOutsideFile {
        offset: header.e_phoff,
        count: header.e_phnum,
    };
    let start = header.e_phoff as usize;
    if start
        .checked_add(table_size)
        .is_none_or(|end| end > image.len())
    {
        return Err(outside);
    }
    ProgramHeader::parse(image, start, count, Endian::Little).map_err(|_| outside)
}

/// Checks every `PT_LOAD` header and returns the segments sorted by
/// address, none sharing a page with another.
fn load_segments(
    image: &[u8],
    headers: &[ProgramHeader],
    bias: u32,
) -> Result<Vec<Segment>, ElfError> {
    let mut indexed = Vec::new();
    let mut total = 0u64;
    for (index, header) in headers.iter().enumerate() {
        if header.p_type != PT_LOAD {
            continue;
        }
        if header.p_memsz == 0 && header.p_filesz == 0 {
            // Maps nothing, wherever it claims to be: GNU ld writes one at
            // address 0 for an empty data segment, and Linux runs those.
            continue;
        }
        let segment = check_segment(image, index, header, bias)?;
        let (first, last) = segment.pages();
        total += u64::from(last - first);
        indexed.push((index, segment));
    }
    if indexed.is_empty() {
        return Err(ElfError::NoLoadableSegment);
    }
    if total > MAX_PROGRAM_MEMORY {
        return Err(ElfError::TooMuchMemory { total });
    }
    indexed.sort_unstable_by_key(|(_, segment)| segment.start);
    // Sorted by start, any two overlapping segments imply an overlapping
    // neighbour pair, so checking neighbours is enough.
    for pair in indexed.windows(2) {
        let ((first, low), (second, high)) = (pair[0], pair[1]);
        if high.pages().0 < low.pages().1 {
            return Err(ElfError::OverlappingSegments { first, second });
        }
    }
    Ok(indexed.into_iter().map(|(_, segment)| segment).collect())
}

/// Checks one `PT_LOAD` header on its own.
fn check_segment(
    image: &[u8],
    index: usize,
    header: &ProgramHeader,
    bias: u32,
) -> Result<Segment, ElfError> {
    if header.p_filesz > header.p_memsz {
        return Err(ElfError::FileSizeAboveMemorySize { index });
    }
    let file_end = header
        .p_offset
        .checked_add(header.p_filesz)
        .ok_or(ElfError::Overflow {
            what: "a segment's file range",
        })?;
    // Even an empty file range must start inside the file: the loader
    // slices the image with it.
    if file_end as usize > image.len() {
        return Err(ElfError::SegmentOutsideFile { index });
    }
    if header.p_vaddr % PAGE_SIZE != header.p_offset % PAGE_SIZE {
        return Err(ElfError::MisalignedSegment { index });
    }
    let start = header.p_vaddr.checked_add(bias).ok_or(ElfError::Overflow {
        what: "a segment's address",
    })?;
    let end = start
        .checked_add(header.p_memsz)
        .ok_or(ElfError::Overflow {
            what: "a segment's end",
        })?;
    if start < USER_BOTTOM || end > PROGRAM_LIMIT {
        return Err(ElfError::SegmentOutsideUserRange {
            index,
            start: VirtAddr(start),
        });
    }
    let writable = header.p_flags & PF_W != 0;
    let executable = header.p_flags & PF_X != 0;
    if writable && executable {
        return Err(ElfError::WritableAndExecutable { index });
    }
    Ok(Segment {
        start: VirtAddr(start),
        memory_size: header.p_memsz,
        file_offset: header.p_offset,
        file_size: header.p_filesz,
        readable: header.p_flags & PF_R != 0,
        writable,
        executable,
    })
}

/// Where the program header table is in memory, for `AT_PHDR`.
///
/// Linux (fs/binfmt_elf.c since 5.18) ignores `PT_PHDR` and takes the
/// `PT_LOAD` whose file bytes hold `e_phoff`; we also want the whole table
/// there, so that a program reading through `AT_PHDR` reads the table.
fn program_header_address(
    header: &Header,
    headers: &[ProgramHeader],
    segments: &[Segment],
    bias: u32,
) -> Option<VirtAddr> {
    let table_size = u32::from(header.e_phnum) * SIZEOF_PHDR as u32;
    let table_end = header.e_phoff.checked_add(table_size)?;
    let from_file = segments.iter().find_map(|segment| {
        let file_end = segment.file_offset + segment.file_size;
        (segment.file_offset <= header.e_phoff && table_end <= file_end)
            .then(|| VirtAddr(segment.start.0 + (header.e_phoff - segment.file_offset)))
    });
    from_file.or_else(|| {
        let phdr = headers.iter().find(|h| h.p_type == PT_PHDR)?;
        let address = phdr.p_vaddr.checked_add(bias)?;
        segments
            .iter()
            .any(|segment| segment.holds(address, table_size))
            .then_some(VirtAddr(address))
    })
}

/// The page-aligned end of the highest segment (`segments` is not empty).
fn program_break(segments: &[Segment]) -> Result<VirtAddr, ElfError> {
    segments
        .iter()
        .map(Segment::end)
        .max()
        .and_then(|end| end.align_up(PAGE_SIZE))
        .ok_or(ElfError::Overflow {
            what: "the program break",
        })
}

/// The file offset of the `size` bytes at link address `address`, if a
/// segment's file bytes hold them (a table in `.bss` would be zeros).
fn file_offset(segments: &[Segment], bias: u32, address: u32, size: u32) -> Option<usize> {
    let address = address.checked_add(bias)?;
    segments
        .iter()
        .find_map(|segment| segment.file_offset_of(address, size))
}

/// The little-endian word at file offset `offset`, if the file has it.
fn word_at(image: &[u8], offset: usize) -> Option<u32> {
    let bytes = image.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// The little-endian half-word at file offset `offset`, if the file has it.
fn half_at(image: &[u8], offset: usize) -> Option<u16> {
    let bytes = image.get(offset..offset.checked_add(2)?)?;
    Some(u16::from_le_bytes([bytes[0], bytes[1]]))
}

/// The NUL-terminated name in `length` bytes at `offset`, for a log line:
/// as [`name_of`], `"?"` if unreadable.
fn name_at(image: &[u8], offset: u32, length: u32) -> String {
    let start = offset as usize;
    let end = start.saturating_add(length as usize).min(image.len());
    let bytes = image.get(start..end).unwrap_or(&[]);
    name_of(bytes.split(|&byte| byte == 0).next().unwrap_or(&[]))
}

/// A name from the file, for a log line: cut at [`MAX_NAME`] bytes,
/// invalid UTF-8 replaced, `"?"` if empty.
fn name_of(bytes: &[u8]) -> String {
    let bytes = &bytes[..bytes.len().min(MAX_NAME)];
    if bytes.is_empty() {
        return String::from("?");
    }
    String::from_utf8_lossy(bytes).into_owned()
}
