// SPDX-License-Identifier: MIT OR Apache-2.0
//! Why an ELF file was refused: one variant per check, with its errno.
//!
//! Every variant carries what the kernel log line needs to say which part of
//! the file is wrong (the program header index, the address, the name), and
//! `Display` writes that line. The errno follows one rule, so a test program
//! can predict it:
//! - `ENOEXEC`: not a program KML-rs runs. The identification, the header,
//!   the program header table, a file that is shorter than it says, a
//!   library other than the vDSO or a symbol the vDSO cannot give, and our
//!   own policies (W^X, the entry point) all land here. (Linux says
//!   `ENOENT` for a missing library; with no dynamic linker, the program
//!   itself is what we cannot run.)
//! - `EINVAL`: segment arithmetic that Linux itself refuses with `EINVAL`
//!   (`p_filesz > p_memsz`, beyond the task size, overflow, an `mmap` at a
//!   misaligned offset) and the layouts that would make two mappings collide.
//! - `ENOMEM`: a program that asks for absurdly much memory.

use abi::errno::Errno;
use abi::vdso::{SONAME, VERSION_NODE};
use alloc::string::String;
use core::fmt;

use super::MAX_PROGRAM_MEMORY;
use crate::addr::VirtAddr;

/// Why [`plan`](super::plan) refused an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElfError {
    /// Shorter than the 52-byte ELF header.
    TooShort {
        /// Length of the image in bytes.
        length: usize,
    },
    /// The first four bytes are not `\x7fELF`.
    BadMagic,
    /// `EI_CLASS` is not `ELFCLASS32`.
    NotClass32 {
        /// The `EI_CLASS` byte.
        class: u8,
    },
    /// `EI_DATA` is not `ELFDATA2LSB`.
    NotLittleEndian {
        /// The `EI_DATA` byte.
        data: u8,
    },
    /// `EI_VERSION` or `e_version` is not `EV_CURRENT` (1).
    BadVersion {
        /// The offending version number.
        version: u32,
    },
    /// `e_machine` is not `EM_ARM` (40).
    NotArm {
        /// The `e_machine` field.
        machine: u16,
    },
    /// `e_flags` does not say ARM EABI version 5.
    NotEabi5 {
        /// The `e_flags` field.
        flags: u32,
    },
    /// `e_type` is neither `ET_EXEC` nor `ET_DYN`.
    NotExecutable {
        /// The `e_type` field.
        kind: u16,
    },
    /// `e_phentsize` is not 32.
    BadProgramHeaderSize {
        /// The `e_phentsize` field.
        size: u16,
    },
    /// More program headers than fit in 64 KiB (Linux's limit too).
    TooManyProgramHeaders {
        /// The `e_phnum` field.
        count: u16,
    },
    /// The program header table reaches past the end of the file.
    ProgramHeadersOutsideFile {
        /// The `e_phoff` field.
        offset: u32,
        /// The `e_phnum` field.
        count: u16,
    },
    /// No `PT_LOAD` segment with a non-zero `p_memsz`.
    NoLoadableSegment,
    /// A `PT_INTERP` header: the program wants a dynamic linker.
    NeedsInterpreter {
        /// The interpreter path, as far as it could be read.
        path: String,
    },
    /// A `DT_NEEDED` entry other than `linux-vdso.so.1`: the program
    /// wants a shared library (the first such entry is named).
    NeedsLibrary {
        /// The library name from `DT_STRTAB`, as far as it could be read.
        name: String,
    },
    /// The program needs `linux-vdso.so.1`, but the kernel has no vDSO
    /// (or could not read its symbols).
    NoVdso,
    /// An import the vDSO does not define, and not weak.
    MissingSymbol {
        /// The symbol's name.
        name: String,
    },
    /// An import at a version other than `LINUX_2.6` of `linux-vdso.so.1`.
    WrongSymbolVersion {
        /// The symbol's name.
        name: String,
        /// The version the program asks for.
        version: String,
        /// The library it asks for it from.
        library: String,
    },
    /// A (strong) import in a program that names no library to import from.
    ImportWithoutLibrary {
        /// The symbol's name.
        name: String,
    },
    /// `PT_DYNAMIC` or a table it points to is malformed.
    BadDynamicSection {
        /// What is wrong with it.
        what: &'static str,
    },
    /// A relocation type the loader does not apply: any but
    /// `R_ARM_RELATIVE`, `R_ARM_ABS32`, `R_ARM_GLOB_DAT`, `R_ARM_JUMP_SLOT`
    /// and `R_ARM_NONE`.
    UnsupportedRelocation {
        /// The relocation type (`ELF32_R_TYPE(r_info)`).
        kind: u32,
        /// Its `r_offset`.
        offset: u32,
    },
    /// A segment's bytes (`p_offset`, `p_filesz`) lie past the end of the file.
    SegmentOutsideFile {
        /// Index of the program header.
        index: usize,
    },
    /// `p_filesz > p_memsz`.
    FileSizeAboveMemorySize {
        /// Index of the program header.
        index: usize,
    },
    /// `p_vaddr` and `p_offset` differ modulo the page size, so the file
    /// cannot be mapped page by page.
    MisalignedSegment {
        /// Index of the program header.
        index: usize,
    },
    /// A segment starts below `USER_BOTTOM` or ends above `PROGRAM_LIMIT`
    /// (which also covers "in kernel space").
    SegmentOutsideUserRange {
        /// Index of the program header.
        index: usize,
        /// Its (rebased) first address.
        start: VirtAddr,
    },
    /// An address or size computation wrapped past 4 GiB.
    Overflow {
        /// Which computation.
        what: &'static str,
    },
    /// Two `PT_LOAD` segments share a page.
    OverlappingSegments {
        /// Index of one program header.
        first: usize,
        /// Index of the other.
        second: usize,
    },
    /// A segment is both writable and executable (we enforce W^X).
    WritableAndExecutable {
        /// Index of the program header.
        index: usize,
    },
    /// The segments together need more than [`MAX_PROGRAM_MEMORY`].
    TooMuchMemory {
        /// Their page-rounded total, in bytes.
        total: u64,
    },
    /// `e_entry` is not inside an executable segment.
    EntryNotExecutable {
        /// The (rebased) entry point.
        entry: VirtAddr,
    },
    /// A relocation's target is not an aligned word inside a segment.
    BadRelocationTarget {
        /// The (rebased) target address.
        address: VirtAddr,
    },
}

impl ElfError {
    /// The error `execve` returns for this refusal.
    pub fn errno(&self) -> Errno {
        match self {
            Self::FileSizeAboveMemorySize { .. }
            | Self::MisalignedSegment { .. }
            | Self::SegmentOutsideUserRange { .. }
            | Self::Overflow { .. }
            | Self::OverlappingSegments { .. }
            | Self::BadRelocationTarget { .. } => Errno::EINVAL,
            Self::TooMuchMemory { .. } => Errno::ENOMEM,
            _ => Errno::ENOEXEC,
        }
    }
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooShort { length } => {
                write!(
                    f,
                    "not an ELF file: {length} bytes is shorter than a header"
                )
            }
            Self::BadMagic => write!(f, "not an ELF file (bad magic)"),
            Self::NotClass32 { class } => write!(f, "ELF class {class} is not ELFCLASS32"),
            Self::NotLittleEndian { data } => {
                write!(f, "ELF data encoding {data} is not little-endian")
            }
            Self::BadVersion { version } => write!(f, "ELF version {version} is not 1"),
            Self::NotArm { machine } => write!(f, "ELF machine {machine} is not ARM (40)"),
            Self::NotEabi5 { flags } => write!(f, "ELF flags {flags:#010x} are not ARM EABI5"),
            Self::NotExecutable { kind } => {
                write!(
                    f,
                    "ELF type {kind} is not an executable (ET_EXEC or ET_DYN)"
                )
            }
            Self::BadProgramHeaderSize { size } => {
                write!(f, "program header size {size} is not 32")
            }
            Self::TooManyProgramHeaders { count } => {
                write!(f, "{count} program headers are more than 64 KiB")
            }
            Self::ProgramHeadersOutsideFile { offset, count } => write!(
                f,
                "{count} program headers at offset {offset:#x} reach past the end of the file"
            ),
            Self::NoLoadableSegment => write!(f, "no loadable (PT_LOAD) segment"),
            Self::NeedsInterpreter { path } => {
                write!(f, "needs interpreter {path}; KML-rs has no dynamic linker")
            }
            Self::NeedsLibrary { name } => write!(
                f,
                "needs shared library {name}; KML-rs links programs only against {SONAME}"
            ),
            Self::NoVdso => write!(f, "needs {SONAME}, but this kernel has no vDSO to bind"),
            Self::MissingSymbol { name } => {
                write!(f, "needs symbol {name}, which {SONAME} does not define")
            }
            Self::WrongSymbolVersion {
                name,
                version,
                library,
            } => write!(
                f,
                "needs symbol {name} at version {version} of {library}; \
                 only {SONAME} at {VERSION_NODE} is bound"
            ),
            Self::ImportWithoutLibrary { name } => write!(
                f,
                "imports symbol {name} but needs no library; imports come from {SONAME} only"
            ),
            Self::BadDynamicSection { what } => write!(f, "bad PT_DYNAMIC: {what}"),
            Self::UnsupportedRelocation { kind, offset } => write!(
                f,
                "relocation type {kind} at {offset:#x} is not one the loader applies \
                 (RELATIVE, ABS32, GLOB_DAT, JUMP_SLOT, NONE)"
            ),
            Self::SegmentOutsideFile { index } => {
                write!(f, "program header {index} reaches past the end of the file")
            }
            Self::FileSizeAboveMemorySize { index } => {
                write!(f, "program header {index} has p_filesz above p_memsz")
            }
            Self::MisalignedSegment { index } => write!(
                f,
                "program header {index} has p_vaddr and p_offset differing modulo the page size"
            ),
            Self::SegmentOutsideUserRange { index, start } => write!(
                f,
                "program header {index} at {start} is outside the program range"
            ),
            Self::Overflow { what } => write!(f, "{what} overflows the address space"),
            Self::OverlappingSegments { first, second } => {
                write!(
                    f,
                    "program headers {first} and {second} load into the same page"
                )
            }
            Self::WritableAndExecutable { index } => {
                write!(f, "program header {index} is writable and executable (W^X)")
            }
            Self::TooMuchMemory { total } => write!(
                f,
                "segments need {total} bytes, more than {MAX_PROGRAM_MEMORY}"
            ),
            Self::EntryNotExecutable { entry } => {
                write!(f, "entry point {entry} is not in an executable segment")
            }
            Self::BadRelocationTarget { address } => write!(
                f,
                "relocation target {address} is not an aligned word inside a segment"
            ),
        }
    }
}
