// SPDX-License-Identifier: MIT OR Apache-2.0
//! `PT_DYNAMIC`: the libraries a program needs and its relocation tables.
//!
//! The dynamic array says which shared objects a program needs
//! (`DT_NEEDED`), where its symbols, strings and symbol versions are, and
//! where its relocation tables are. With no dynamic linker, the kernel
//! reads it itself: it accepts `linux-vdso.so.1` as the one library (named
//! any number of times) and refuses any other by name, refuses `RELA`
//! tables (ARM uses `REL`), and turns the `DT_REL` and `DT_JMPREL` tables
//! into a list of [`Relocation`]s of the four kinds it applies. Binding
//! them to symbols is `binding`'s job.
//!
//! Tables are found by link address, so each address is translated through
//! the already-checked segments, and must lie in their file bytes: a table
//! in `.bss` would be zeros.

use alloc::vec::Vec;
use goblin::container::{Container, Ctx, Endian};
use goblin::elf::dynamic::{
    DT_GNU_HASH, DT_HASH, DT_JMPREL, DT_NEEDED, DT_PLTREL, DT_PLTRELSZ, DT_REL, DT_RELA, DT_RELASZ,
    DT_RELENT, DT_RELSZ, DT_SONAME, DT_STRSZ, DT_STRTAB, DT_SYMENT, DT_SYMTAB, DT_VERDEF,
    DT_VERDEFNUM, DT_VERNEED, DT_VERNEEDNUM, DT_VERSYM, Dyn, Dynamic,
};
use goblin::elf::reloc::{
    R_ARM_ABS32, R_ARM_GLOB_DAT, R_ARM_JUMP_SLOT, R_ARM_NONE, R_ARM_RELATIVE, RelocSection,
};
use goblin::elf32::program_header::ProgramHeader;
use goblin::elf32::reloc::SIZEOF_REL;

use super::{ElfError, Segment, file_offset, name_at};
use crate::addr::VirtAddr;

/// The dynamic tags we act on; the first entry of each wins, except
/// `DT_NEEDED`, of which every one counts.
#[derive(Default)]
pub(super) struct Tags {
    /// The `DT_STRTAB` offset of each `DT_NEEDED` name, in order.
    pub needed: Vec<u32>,
    /// `DT_STRTAB`: link address of the string table.
    pub string_table: Option<u32>,
    /// `DT_STRSZ`: its size in bytes.
    pub string_table_size: Option<u32>,
    /// `DT_SYMTAB`: link address of the dynamic symbol table.
    pub symbol_table: Option<u32>,
    /// `DT_SYMENT`: bytes per symbol (16 if given at all).
    pub symbol_entry: Option<u32>,
    /// `DT_VERSYM`: link address of the symbol version table.
    pub version_symbols: Option<u32>,
    /// `DT_VERNEED`: link address of the version requirements.
    pub version_needs: Option<u32>,
    /// `DT_VERNEEDNUM`: how many requirement records there are.
    pub version_need_count: Option<u32>,
    /// `DT_SONAME`: the `DT_STRTAB` offset of a library's own name.
    pub soname: Option<u32>,
    /// `DT_HASH`: link address of the SysV hash table.
    pub hash: Option<u32>,
    /// `DT_GNU_HASH`: link address of the GNU hash table.
    pub gnu_hash: Option<u32>,
    /// `DT_VERDEF`: link address of a library's version definitions.
    pub version_definitions: Option<u32>,
    /// `DT_VERDEFNUM`: how many definition records there are.
    pub version_definition_count: Option<u32>,
    rel: Option<u32>,
    rel_size: Option<u32>,
    rel_entry: Option<u32>,
    rela_size: Option<u32>,
    plt_rel: Option<u32>,
    plt_rel_size: Option<u32>,
    jump_rel: Option<u32>,
}

/// What a relocation makes of its word (AAELF's names in brackets; `S` is
/// the symbol's address, `A` the word in place, `B` the load bias).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RelocationKind {
    /// `R_ARM_RELATIVE` (`B + A`).
    Relative,
    /// `R_ARM_ABS32` (`S + A`).
    Absolute,
    /// `R_ARM_GLOB_DAT` (`S`): a GOT entry.
    GlobalData,
    /// `R_ARM_JUMP_SLOT` (`S`): a PLT's GOT entry, bound now, not lazily.
    JumpSlot,
}

/// One relocation to apply, its target checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Relocation {
    /// What it computes.
    pub kind: RelocationKind,
    /// The word it writes (rebased): aligned, inside a segment.
    pub target: VirtAddr,
    /// Its symbol's index in `DT_SYMTAB` (0: none).
    pub symbol: u32,
}

/// The entries of the dynamic array `header` describes, up to `DT_NULL`.
pub(super) fn entries(image: &[u8], header: &ProgramHeader) -> Result<Vec<Dyn>, ElfError> {
    // goblin checks this too, but says so in an allocated string.
    let end = u64::from(header.p_offset) + u64::from(header.p_filesz);
    if end > image.len() as u64 {
        return bad("the dynamic array is not in the file");
    }
    let context = Ctx::new(Container::Little, Endian::Little);
    match Dynamic::parse(image, &[(*header).into()], context) {
        Ok(Some(dynamic)) => Ok(dynamic.dyns),
        _ => bad("the dynamic array cannot be read"),
    }
}

/// Reads the dynamic array and keeps the tags we use.
pub(super) fn read_tags(image: &[u8], header: &ProgramHeader) -> Result<Tags, ElfError> {
    let mut tags = Tags::default();
    for entry in entries(image, header)? {
        // Read from 32-bit fields, so this always fits.
        let value = u32::try_from(entry.d_val).or(bad("a dynamic value above 4 GiB"))?;
        let slot = match entry.d_tag {
            DT_NEEDED => {
                tags.needed.push(value);
                continue;
            }
            DT_STRTAB => &mut tags.string_table,
            DT_STRSZ => &mut tags.string_table_size,
            DT_SYMTAB => &mut tags.symbol_table,
            DT_SYMENT => &mut tags.symbol_entry,
            DT_VERSYM => &mut tags.version_symbols,
            DT_VERNEED => &mut tags.version_needs,
            DT_VERNEEDNUM => &mut tags.version_need_count,
            DT_SONAME => &mut tags.soname,
            DT_HASH => &mut tags.hash,
            DT_GNU_HASH => &mut tags.gnu_hash,
            DT_VERDEF => &mut tags.version_definitions,
            DT_VERDEFNUM => &mut tags.version_definition_count,
            DT_REL => &mut tags.rel,
            DT_RELSZ => &mut tags.rel_size,
            DT_RELENT => &mut tags.rel_entry,
            DT_RELASZ => &mut tags.rela_size,
            DT_PLTREL => &mut tags.plt_rel,
            DT_PLTRELSZ => &mut tags.plt_rel_size,
            DT_JMPREL => &mut tags.jump_rel,
            _ => continue,
        };
        slot.get_or_insert(value);
    }
    Ok(tags)
}

/// Whether the program needs the vDSO: `Ok(true)` if every `DT_NEEDED`
/// names `linux-vdso.so.1` (and there is one), `Ok(false)` if there is
/// none, and a refusal naming the first other library otherwise.
pub(super) fn needs_vdso(
    image: &[u8],
    tags: &Tags,
    segments: &[Segment],
    bias: u32,
) -> Result<bool, ElfError> {
    for &name_offset in &tags.needed {
        let name = library_name(image, tags, segments, bias, name_offset);
        if name != abi::vdso::SONAME {
            return Err(ElfError::NeedsLibrary { name });
        }
    }
    Ok(!tags.needed.is_empty())
}

/// The relocations of the `DT_REL` and `DT_JMPREL` tables, in that order,
/// after refusing anything the loader does not apply.
pub(super) fn relocations(
    image: &[u8],
    tags: &Tags,
    segments: &[Segment],
    bias: u32,
) -> Result<Vec<Relocation>, ElfError> {
    if tags.rela_size.unwrap_or(0) != 0
        || (tags.plt_rel == Some(DT_RELA as u32) && tags.plt_rel_size.unwrap_or(0) != 0)
    {
        return bad("RELA relocations (ARM uses REL)");
    }
    if tags
        .rel_entry
        .is_some_and(|size| size as usize != SIZEOF_REL)
    {
        return bad("DT_RELENT is not 8");
    }
    let mut found = Vec::new();
    let table = Table {
        image,
        segments,
        bias,
    };
    table.collect(tags.rel, tags.rel_size, &mut found)?;
    if tags.plt_rel_size.unwrap_or(0) != 0 && tags.plt_rel != Some(DT_REL as u32) {
        return bad("DT_PLTREL is not DT_REL");
    }
    table.collect(tags.jump_rel, tags.plt_rel_size, &mut found)?;
    Ok(found)
}

/// Shorthand for refusing a malformed dynamic section.
pub(super) fn bad<T>(what: &'static str) -> Result<T, ElfError> {
    Err(ElfError::BadDynamicSection { what })
}

/// The name of a `DT_NEEDED` library, or `"?"`.
fn library_name(
    image: &[u8],
    tags: &Tags,
    segments: &[Segment],
    bias: u32,
    name_offset: u32,
) -> alloc::string::String {
    let table = tags
        .string_table
        .zip(tags.string_table_size)
        .and_then(|(address, size)| Some((file_offset(segments, bias, address, size)?, size)));
    match table {
        Some((offset, size)) if name_offset < size => {
            name_at(image, offset as u32 + name_offset, size - name_offset)
        }
        _ => "?".into(),
    }
}

/// What reading a relocation table needs to know of the program.
struct Table<'a> {
    image: &'a [u8],
    segments: &'a [Segment],
    bias: u32,
}

impl Table<'_> {
    /// Checks the `REL` table at link address `address` (`size` bytes) and
    /// appends its relocations, but `R_ARM_NONE`, to `found`.
    fn collect(
        &self,
        address: Option<u32>,
        size: Option<u32>,
        found: &mut Vec<Relocation>,
    ) -> Result<(), ElfError> {
        let size = size.unwrap_or(0);
        if size == 0 {
            return Ok(());
        }
        let Some(address) = address else {
            return bad("a relocation size without a table");
        };
        if !(size as usize).is_multiple_of(SIZEOF_REL) {
            return bad("a relocation table size that is not a multiple of 8");
        }
        let Some(offset) = file_offset(self.segments, self.bias, address, size) else {
            return bad("a relocation table outside the file bytes of the segments");
        };
        let context = Ctx::new(Container::Little, Endian::Little);
        let Ok(table) = RelocSection::parse(self.image, offset, size as usize, false, context)
        else {
            return bad("a relocation table outside the file");
        };
        for relocation in &table {
            let offset = u32::try_from(relocation.r_offset).or(bad("a relocation above 4 GiB"))?;
            let kind = match relocation.r_type {
                R_ARM_NONE => continue,
                R_ARM_RELATIVE => RelocationKind::Relative,
                R_ARM_ABS32 => RelocationKind::Absolute,
                R_ARM_GLOB_DAT => RelocationKind::GlobalData,
                R_ARM_JUMP_SLOT => RelocationKind::JumpSlot,
                kind => return Err(ElfError::UnsupportedRelocation { kind, offset }),
            };
            found.push(Relocation {
                kind,
                target: check_target(self.segments, offset, self.bias)?,
                // ELF32_R_SYM: 24 bits, so this always fits.
                symbol: u32::try_from(relocation.r_sym).or(bad("a symbol index above 4 G"))?,
            });
        }
        Ok(())
    }
}

/// The rebased target of a relocation at link address `offset`, which must
/// be an aligned word inside a segment.
fn check_target(segments: &[Segment], offset: u32, bias: u32) -> Result<VirtAddr, ElfError> {
    let address = offset.checked_add(bias).ok_or(ElfError::Overflow {
        what: "a relocation target",
    })?;
    // Aligned, the word never straddles two pages for the loader to patch.
    let word = size_of::<u32>() as u32;
    if !address.is_multiple_of(word) || !segments.iter().any(|s| s.holds(address, word)) {
        return Err(ElfError::BadRelocationTarget {
            address: VirtAddr(address),
        });
    }
    Ok(VirtAddr(address))
}
