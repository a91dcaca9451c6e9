// SPDX-License-Identifier: MIT OR Apache-2.0
//! A program's dynamic symbols, and the versions it asks for them at.
//!
//! A relocation names its symbol by index into `DT_SYMTAB`. The dynamic
//! section does not say how long that table is (only the hash tables imply
//! it), and we need no more than the symbols relocations use, so we never
//! walk it: each symbol is read on its own, after checking that its 16
//! bytes lie in the file bytes of a segment, and so are its name (inside
//! `DT_STRTAB`, before `DT_STRSZ`) and its `DT_VERSYM` entry. The version
//! requirements (`DT_VERNEED`: per library, the version names it must
//! define, each with the index `DT_VERSYM` uses) are read once into a short
//! list, at most [`MAX_VERSION_NEEDS`] of them, so a hostile chain of
//! records cannot make the loader loop.
//!
//! Names are byte slices of the image, cut at [`MAX_SYMBOL_NAME`] bytes:
//! longer than any name the vDSO may export (`vdso_symbols` refuses a vDSO
//! with one), so a cut name binds to nothing, and reading one costs a
//! bounded time however many relocations use it.
//!
//! `vdso_symbols` reads the vDSO's own symbols and version definitions
//! through the same table, so both sides of a binding are read alike.

use alloc::vec::Vec;
use goblin::elf::section_header::{SHN_ABS, SHN_UNDEF};
use goblin::elf::sym::{STB_LOCAL, STB_WEAK};
use goblin::elf::symver::{VER_NDX_GLOBAL, VERSYM_HIDDEN, VERSYM_VERSION};

use super::dynamic::{Tags, bad};
use super::{ElfError, Segment, file_offset, half_at, word_at};

/// Bytes of a symbol name we read; a name this long is cut there.
pub(super) const MAX_SYMBOL_NAME: usize = 256;
/// Most version requirements (`Elf32_Vernaux` records) a program may list:
/// a program linked against the vDSO alone has one.
const MAX_VERSION_NEEDS: usize = 64;
/// Size of `Elf32_Sym`.
const SYMBOL_SIZE: u32 = 16;

/// One entry of `DT_SYMTAB`, as binding needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Symbol<'a> {
    /// Its name, at most [`MAX_SYMBOL_NAME`] bytes.
    pub name: &'a [u8],
    /// `st_value`: its link address if defined here.
    pub value: u32,
    /// Where it is defined: here, absolutely, or elsewhere.
    pub definition: Definition,
    /// `STB_WEAK`: a missing definition is 0, not an error.
    pub weak: bool,
    /// `STB_LOCAL`: not visible outside its object.
    pub local: bool,
    /// Its `DT_VERSYM` index without the hidden bit (`VER_NDX_GLOBAL` when
    /// the object has no versions).
    pub version: u16,
    /// The hidden bit of `DT_VERSYM`: a definition at a version that is
    /// not the default one, which only a request for that version gets.
    pub hidden: bool,
}

/// Where a symbol is defined (`st_shndx`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Definition {
    /// `SHN_UNDEF`: an import, from the vDSO.
    Import,
    /// `SHN_ABS`: a number, not moved with the program.
    Absolute,
    /// Any section of the program: moves with it.
    Here,
}

/// A version a program requires of a library (`Elf32_Vernaux`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct VersionNeed<'a> {
    /// The index `DT_VERSYM` entries use for it (`vna_other`).
    pub index: u16,
    /// The version's name (`vna_name`), e.g. `LINUX_2.6`.
    pub version: &'a [u8],
    /// The library that must define it (`vn_file`).
    pub library: &'a [u8],
}

/// The dynamic symbols of a program, read on demand.
pub(super) struct SymbolTable<'a> {
    image: &'a [u8],
    segments: &'a [Segment],
    bias: u32,
    /// `DT_SYMTAB`'s link address, if any.
    symbols: Option<u32>,
    /// File offset and size of `DT_STRTAB`, if any.
    strings: Option<(usize, u32)>,
    /// `DT_VERSYM`'s link address, if any.
    versions: Option<u32>,
    /// The records of `DT_VERNEED`.
    needs: Vec<VersionNeed<'a>>,
}

impl<'a> SymbolTable<'a> {
    /// Checks the tables `tags` points at that exist as a whole (the
    /// string table, the version requirements) and reads the latter.
    pub fn new(
        image: &'a [u8],
        segments: &'a [Segment],
        bias: u32,
        tags: &Tags,
    ) -> Result<Self, ElfError> {
        if tags.symbol_entry.is_some_and(|size| size != SYMBOL_SIZE) {
            return bad("DT_SYMENT is not 16");
        }
        let strings = match (tags.string_table, tags.string_table_size) {
            (Some(address), Some(size)) => match file_offset(segments, bias, address, size) {
                Some(offset) => Some((offset, size)),
                None => return bad("a string table outside the file bytes of the segments"),
            },
            _ => None,
        };
        let mut table = SymbolTable {
            image,
            segments,
            bias,
            symbols: tags.symbol_table,
            strings,
            versions: tags.version_symbols,
            needs: Vec::new(),
        };
        if let Some(address) = tags.version_needs {
            table.needs = table.read_version_needs(address, tags.version_need_count)?;
        }
        Ok(table)
    }

    /// Symbol `index`, which a relocation uses.
    pub fn symbol(&self, index: u32) -> Result<Symbol<'a>, ElfError> {
        let Some(table) = self.symbols else {
            return bad("a symbol relocation without DT_SYMTAB");
        };
        let offset = index
            .checked_mul(SYMBOL_SIZE)
            .and_then(|offset| table.checked_add(offset))
            .and_then(|address| self.offset_of(address, SYMBOL_SIZE));
        let Some(offset) = offset else {
            return bad("a symbol outside the file bytes of the segments");
        };
        // In the file, as offset_of checked: the reads cannot fail.
        let field = |at: usize| word_at(self.image, offset + at).unwrap_or(0);
        let info = self.image.get(offset + 12).copied().unwrap_or(0);
        let section = u32::from(half_at(self.image, offset + 14).unwrap_or(0));
        let version = self.version_of(index)?;
        Ok(Symbol {
            name: self.string(field(0))?,
            value: field(4),
            definition: match section {
                SHN_UNDEF => Definition::Import,
                SHN_ABS => Definition::Absolute,
                _ => Definition::Here,
            },
            weak: info >> 4 == STB_WEAK,
            local: info >> 4 == STB_LOCAL,
            version: version & VERSYM_VERSION,
            hidden: version & VERSYM_HIDDEN != 0,
        })
    }

    /// The requirement `DT_VERSYM` index `index` stands for, if the
    /// program's `DT_VERNEED` lists it.
    pub fn version_need(&self, index: u16) -> Option<VersionNeed<'a>> {
        self.needs.iter().copied().find(|need| need.index == index)
    }

    /// The `DT_VERSYM` entry of symbol `index`.
    fn version_of(&self, index: u32) -> Result<u16, ElfError> {
        let Some(table) = self.versions else {
            return Ok(VER_NDX_GLOBAL);
        };
        let offset = index
            .checked_mul(2)
            .and_then(|offset| table.checked_add(offset))
            .and_then(|address| self.offset_of(address, 2));
        match offset.and_then(|offset| half_at(self.image, offset)) {
            Some(version) => Ok(version),
            None => bad("a symbol version outside the file bytes of the segments"),
        }
    }

    /// The name at `offset` in the string table, cut at
    /// [`MAX_SYMBOL_NAME`] bytes.
    pub fn string(&self, offset: u32) -> Result<&'a [u8], ElfError> {
        let Some((start, size)) = self.strings else {
            return bad("a symbol or version name without DT_STRTAB and DT_STRSZ");
        };
        if offset >= size {
            return bad("a symbol or version name outside DT_STRSZ");
        }
        let available = (size - offset) as usize;
        let from = start + offset as usize;
        // Inside the string table, whose file bytes offset_of checked.
        let bytes = self
            .image
            .get(from..from + available.min(MAX_SYMBOL_NAME))
            .unwrap_or(&[]);
        match bytes.iter().position(|&byte| byte == 0) {
            Some(end) => Ok(&bytes[..end]),
            None if available > MAX_SYMBOL_NAME => Ok(bytes),
            None => bad("a symbol or version name runs past DT_STRSZ"),
        }
    }

    /// Reads the `Elf32_Verneed` chain at link address `address`: `count`
    /// records, or up to `vn_next = 0` if it is not given, and at most
    /// [`MAX_VERSION_NEEDS`] records and requirements.
    fn read_version_needs(
        &self,
        address: u32,
        count: Option<u32>,
    ) -> Result<Vec<VersionNeed<'a>>, ElfError> {
        let mut needs = Vec::new();
        let mut record = address;
        for read in 0..count.unwrap_or(u32::MAX) {
            if read as usize == MAX_VERSION_NEEDS {
                return bad("more than 64 DT_VERNEED records");
            }
            let Some([version_and_count, file, aux, next]) = self.words(record) else {
                return bad("a DT_VERNEED record outside the file bytes of the segments");
            };
            if version_and_count & 0xFFFF != 1 {
                return bad("a DT_VERNEED record of a version other than 1");
            }
            let library = self.string(file)?;
            let mut entry = record.checked_add(aux);
            for _ in 0..version_and_count >> 16 {
                let at = entry.ok_or(ElfError::BadDynamicSection {
                    what: "a DT_VERNEED entry past 4 GiB",
                })?;
                let Some([_hash, flags_and_index, name, aux_next]) = self.words(at) else {
                    return bad("a DT_VERNEED entry outside the file bytes of the segments");
                };
                if needs.len() == MAX_VERSION_NEEDS {
                    return bad("more than 64 version requirements");
                }
                needs.push(VersionNeed {
                    index: (flags_and_index >> 16) as u16 & VERSYM_VERSION,
                    version: self.string(name)?,
                    library,
                });
                entry = at.checked_add(aux_next);
            }
            if next == 0 {
                break;
            }
            record = record
                .checked_add(next)
                .ok_or(ElfError::BadDynamicSection {
                    what: "a DT_VERNEED record past 4 GiB",
                })?;
        }
        Ok(needs)
    }

    /// The `N` words at link address `address` (a version record), if
    /// they lie in the file bytes of a segment.
    pub fn words<const N: usize>(&self, address: u32) -> Option<[u32; N]> {
        let offset = self.offset_of(address, (N * 4) as u32)?;
        let mut words = [0; N];
        for (index, word) in words.iter_mut().enumerate() {
            *word = word_at(self.image, offset + 4 * index)?;
        }
        Some(words)
    }

    /// The file offset of `size` bytes at link address `address`.
    fn offset_of(&self, address: u32, size: u32) -> Option<usize> {
        file_offset(self.segments, self.bias, address, size)
    }
}
