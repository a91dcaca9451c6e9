// SPDX-License-Identifier: MIT OR Apache-2.0
//! The vDSO's exports: the names an app may import, and where they land.
//!
//! The loader binds an app's imports to the vDSO every process maps, so it
//! needs the vDSO's dynamic symbol table: each exported name, the version
//! it is defined at, and its address once mapped. [`ExportedSymbols::parse`]
//! reads that from the vDSO's ELF image, the same way the loader reads an
//! app (the dynamic array, `DT_SYMTAB`, `DT_STRTAB`, `DT_VERSYM` and
//! `DT_VERDEF`), and checks what binding relies on: a shared object named
//! `abi::vdso::SONAME` that defines `abi::vdso::VERSION_NODE`, whose
//! symbols lie in the one page of text the kernel maps.
//!
//! The symbol table's length is the `nchain` of `DT_HASH`, or what
//! `DT_GNU_HASH` implies; the build links with both. The image is the
//! kernel's own, built with it, but it is read as carefully as an app:
//! a bad one makes the loader refuse apps that need it, never panic.
//!
//! The kernel parses its vDSO once, at the first `execve`; tests parse a
//! fixture, which is why [`plan`](super::plan) takes the exports as a
//! parameter instead of reaching for them.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use goblin::elf::header::ET_DYN;
use goblin::elf::program_header::{PT_DYNAMIC, PT_LOAD};
use goblin::elf::symver::{VER_FLG_BASE, VER_NDX_GLOBAL, VER_NDX_LOCAL};
use goblin::elf32::program_header::ProgramHeader;

use super::dynamic::{Tags, read_tags};
use super::symbol_table::{Definition, MAX_SYMBOL_NAME, Symbol, SymbolTable};
use super::{Segment, read_header, read_program_headers};
use crate::addr::VirtAddr;
use abi::vdso::{SONAME, VDSO_DATA_OFFSET, VERSION_NODE};

/// Most symbols (and version definitions) a vDSO may have: it has 35.
const MAX_SYMBOLS: u32 = 1024;

/// One name the vDSO exports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedSymbol {
    /// The symbol's name.
    pub name: String,
    /// The version it is defined at; `None` if unversioned.
    pub version: Option<String>,
    /// Whether it is the default definition of the name (`name@@version`,
    /// not hidden), which also binds an unversioned import.
    pub default: bool,
    /// Its address in a process: the vDSO's base plus its offset. Bit 0 is
    /// set for Thumb code, as in `st_value`.
    pub address: VirtAddr,
}

/// The vDSO's exported symbols.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedSymbols {
    symbols: Vec<ExportedSymbol>,
}

/// What the vDSO has for an imported name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A definition that satisfies the import, at this address.
    Found(VirtAddr),
    /// The name, but not at the version the import asks for.
    OtherVersion,
    /// Nothing of that name (or only hidden versions of it, for an
    /// unversioned import).
    Missing,
}

/// Why a vDSO image cannot be bound to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadVdso {
    /// What is wrong with it.
    pub what: &'static str,
}

impl fmt::Display for BadVdso {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the vDSO image cannot be bound to: {}", self.what)
    }
}

/// One version definition (`Elf32_Verdef`) of the vDSO.
#[derive(Clone, Copy)]
struct VersionDefinition<'a> {
    /// Its index, as `DT_VERSYM` entries name it (`vd_ndx`).
    index: u16,
    /// Its name (the first `Elf32_Verdaux`).
    name: &'a [u8],
    /// `VER_FLG_BASE`: the definition naming the file itself.
    base: bool,
}

/// Shorthand for refusing the image.
fn bad<T>(what: &'static str) -> Result<T, BadVdso> {
    Err(BadVdso { what })
}

impl ExportedSymbols {
    /// Reads the exports of the vDSO `image`, mapped at `base` (its file
    /// offset 0 lands there). Never panics, whatever the bytes.
    pub fn parse(image: &[u8], base: VirtAddr) -> Result<Self, BadVdso> {
        let Ok(header) = read_header(image) else {
            return bad("not an ARM EABI5 ELF32 file");
        };
        if header.e_type != ET_DYN {
            return bad("not a shared object");
        }
        let Ok(headers) = read_program_headers(image, &header) else {
            return bad("its program headers are not in the file");
        };
        let segments = file_segments(image, &headers)?;
        let Some(dynamic) = headers.iter().find(|h| h.p_type == PT_DYNAMIC) else {
            return bad("no PT_DYNAMIC");
        };
        let Ok(tags) = read_tags(image, dynamic) else {
            return bad("its dynamic array cannot be read");
        };
        let Ok(table) = SymbolTable::new(image, &segments, 0, &tags) else {
            return bad("its string table or version needs are not in its file bytes");
        };
        match tags.soname.map(|offset| table.string(offset)) {
            Some(Ok(name)) if name == SONAME.as_bytes() => {}
            _ => return bad("its DT_SONAME is not linux-vdso.so.1"),
        }
        let versions = version_definitions(&table, &tags)?;
        if !versions
            .iter()
            .any(|definition| !definition.base && definition.name == VERSION_NODE.as_bytes())
        {
            return bad("it defines no version LINUX_2.6");
        }
        let count = symbol_count(&table, &tags)?;
        let mut symbols = Vec::new();
        for index in 1..count {
            let Ok(symbol) = table.symbol(index) else {
                return bad("a symbol, its name or its version is not in its file bytes");
            };
            if let Some(export) = export(&symbol, &versions, &segments, base)? {
                symbols.push(export);
            }
        }
        Ok(ExportedSymbols { symbols })
    }

    /// What the vDSO has for an import of `name`, at `version` if the
    /// import names one (then only that version will do; without, only the
    /// default definition will).
    pub fn lookup(&self, name: &[u8], version: Option<&[u8]>) -> Lookup {
        let mut found = Lookup::Missing;
        for symbol in self.symbols.iter().filter(|s| s.name.as_bytes() == name) {
            let defined_at = symbol.version.as_deref().map(str::as_bytes);
            match version {
                Some(wanted) if defined_at == Some(wanted) => return Lookup::Found(symbol.address),
                Some(_) => found = Lookup::OtherVersion,
                None if symbol.default => return Lookup::Found(symbol.address),
                None => {}
            }
        }
        found
    }

    /// The exports, in the order of the vDSO's symbol table.
    pub fn iter(&self) -> impl Iterator<Item = &ExportedSymbol> {
        self.symbols.iter()
    }

    /// How many exports there are.
    pub fn len(&self) -> usize {
        self.symbols.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.symbols.is_empty()
    }
}

/// The `PT_LOAD` segments of the image, for translating link addresses to
/// file offsets: only their file bytes are checked (the vDSO is linked at
/// 0, so the checks of an app's segments do not apply).
fn file_segments(image: &[u8], headers: &[ProgramHeader]) -> Result<Vec<Segment>, BadVdso> {
    let mut segments = Vec::new();
    for header in headers.iter().filter(|h| h.p_type == PT_LOAD) {
        let end = u64::from(header.p_offset) + u64::from(header.p_filesz);
        let memory_end = u64::from(header.p_vaddr) + u64::from(header.p_memsz);
        if end > image.len() as u64 || header.p_filesz > header.p_memsz || memory_end > 1 << 32 {
            return bad("a PT_LOAD segment is not in the file");
        }
        segments.push(Segment {
            start: VirtAddr(header.p_vaddr),
            memory_size: header.p_memsz,
            file_offset: header.p_offset,
            file_size: header.p_filesz,
            readable: true,
            writable: false,
            executable: true,
        });
    }
    Ok(segments)
}

/// `symbol` as an export, or `None` if it is not one: undefined, local, at
/// `VER_NDX_LOCAL`, or absolute (a number, not code to call).
fn export(
    symbol: &Symbol<'_>,
    versions: &[VersionDefinition<'_>],
    segments: &[Segment],
    base: VirtAddr,
) -> Result<Option<ExportedSymbol>, BadVdso> {
    if symbol.definition != Definition::Here || symbol.local || symbol.version == VER_NDX_LOCAL {
        return Ok(None);
    }
    if symbol.name.len() >= MAX_SYMBOL_NAME {
        // Cut when read, it could match an import cut the same way.
        return bad("a symbol name of 256 bytes or more");
    }
    let version = match symbol.version {
        VER_NDX_GLOBAL => None,
        index => match versions.iter().find(|definition| definition.index == index) {
            Some(definition) => Some(String::from_utf8_lossy(definition.name).into_owned()),
            None => return bad("a symbol at a version it does not define"),
        },
    };
    // The code is at its file offset from the base, and must be in the
    // page of text the kernel maps.
    let code = symbol.value & !1;
    let offset = segments
        .iter()
        .find_map(|segment| segment.file_offset_of(code, 1));
    let Some(offset) = offset.filter(|&offset| offset < VDSO_DATA_OFFSET as usize) else {
        return bad("a symbol outside its mapped text");
    };
    let Some(address) = base.0.checked_add(offset as u32 | (symbol.value & 1)) else {
        return bad("a symbol above 4 GiB once mapped");
    };
    Ok(Some(ExportedSymbol {
        name: String::from_utf8_lossy(symbol.name).into_owned(),
        version,
        default: !symbol.hidden,
        address: VirtAddr(address),
    }))
}

/// The version definitions (`DT_VERDEF`): each record's index, the name of
/// its first `Elf32_Verdaux`, and whether it is the file's own
/// (`VER_FLG_BASE`). Empty without `DT_VERDEF`.
fn version_definitions<'a>(
    table: &SymbolTable<'a>,
    tags: &Tags,
) -> Result<Vec<VersionDefinition<'a>>, BadVdso> {
    let mut definitions = Vec::new();
    let Some(mut record) = tags.version_definitions else {
        return Ok(definitions);
    };
    for read in 0..tags.version_definition_count.unwrap_or(u32::MAX) {
        if read == MAX_SYMBOLS {
            return bad("too many version definitions");
        }
        // Elf32_Verdef: vd_version, vd_flags, vd_ndx, vd_cnt (halves),
        // then vd_hash, vd_aux, vd_next.
        let Some([version_and_flags, index_and_count, _hash, aux, next]) = table.words(record)
        else {
            return bad("a version definition is not in its file bytes");
        };
        if version_and_flags & 0xFFFF != 1 {
            return bad("a version definition of a version other than 1");
        }
        // Elf32_Verdaux: vda_name, vda_next; the first names the version.
        let name = record
            .checked_add(aux)
            .and_then(|at| table.words::<2>(at))
            .and_then(|[name, _]| table.string(name).ok());
        let Some(name) = name else {
            return bad("a version definition's name is not in its file bytes");
        };
        let flags = (version_and_flags >> 16) as u16;
        definitions.push(VersionDefinition {
            index: index_and_count as u16,
            name,
            base: flags & VER_FLG_BASE != 0,
        });
        if next == 0 {
            break;
        }
        let Some(following) = record.checked_add(next) else {
            return bad("a version definition above 4 GiB");
        };
        record = following;
    }
    Ok(definitions)
}

/// How many entries `DT_SYMTAB` has: `DT_HASH`'s `nchain`, or one past the
/// last symbol `DT_GNU_HASH` chains.
fn symbol_count(table: &SymbolTable<'_>, tags: &Tags) -> Result<u32, BadVdso> {
    let count = match (tags.hash, tags.gnu_hash) {
        (Some(hash), _) => match table.words::<2>(hash) {
            Some([_buckets, chains]) => chains,
            None => return bad("its DT_HASH is not in its file bytes"),
        },
        (None, Some(gnu_hash)) => gnu_symbol_count(table, gnu_hash)?,
        (None, None) => return bad("neither DT_HASH nor DT_GNU_HASH"),
    };
    if count > MAX_SYMBOLS {
        return bad("more than 1024 symbols");
    }
    Ok(count)
}

/// The symbol count `DT_GNU_HASH` at `address` implies: symbols below
/// `symoffset` are not hashed; the hashed ones end at the last chain entry
/// (bit 0 set) of the highest bucket.
fn gnu_symbol_count(table: &SymbolTable<'_>, address: u32) -> Result<u32, BadVdso> {
    let outside = BadVdso {
        what: "its DT_GNU_HASH is not in its file bytes",
    };
    let word = |address: Option<u32>| match address.and_then(|at| table.words::<1>(at)) {
        Some([word]) => Ok(word),
        None => Err(outside),
    };
    let [buckets, first_hashed, bloom_words, _shift] = table.words::<4>(address).ok_or(outside)?;
    if buckets > MAX_SYMBOLS || bloom_words > MAX_SYMBOLS {
        return bad("its DT_GNU_HASH is too big");
    }
    // ELF32: bloom words are 4 bytes, as are buckets and chain entries.
    let bucket_table = address.checked_add(16 + 4 * bloom_words);
    let mut last = 0;
    for bucket in 0..buckets {
        last = last.max(word(
            bucket_table.and_then(|at| at.checked_add(4 * bucket)),
        )?);
    }
    if last == 0 {
        return Ok(first_hashed);
    }
    if last < first_hashed {
        return bad("its DT_GNU_HASH has a bucket below symoffset");
    }
    let chains = bucket_table.and_then(|at| at.checked_add(4 * buckets));
    for index in last..MAX_SYMBOLS {
        let hash = word(chains.and_then(|at| at.checked_add(4 * (index - first_hashed))))?;
        if hash & 1 != 0 {
            return Ok(index + 1);
        }
    }
    bad("more than 1024 symbols")
}
