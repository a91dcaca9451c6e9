// SPDX-License-Identifier: MIT OR Apache-2.0
//! `PT_DYNAMIC` of a static program: no libraries, relative relocations only.
//!
//! A static PIE still has a dynamic section: it lists the `R_ARM_RELATIVE`
//! relocations that move its pointers to where it was loaded. With no
//! dynamic linker, the kernel applies them, so this module finds them and
//! refuses everything a linker would be needed for: a `DT_NEEDED` library
//! (named in the error), `RELA` tables (ARM uses `REL`) and any relocation
//! type other than `R_ARM_RELATIVE` and `R_ARM_NONE`.
//!
//! Tables are found by link address, so each address is translated through
//! the already-checked segments, and must lie in their file bytes: a table
//! in `.bss` would be zeros.

use alloc::vec::Vec;
use goblin::container::{Container, Ctx, Endian};
use goblin::elf::dynamic::{
    DT_JMPREL, DT_NEEDED, DT_PLTREL, DT_PLTRELSZ, DT_REL, DT_RELA, DT_RELASZ, DT_RELENT, DT_RELSZ,
    DT_STRSZ, DT_STRTAB, Dynamic,
};
use goblin::elf::reloc::{R_ARM_NONE, R_ARM_RELATIVE, RelocSection};
use goblin::elf32::program_header::ProgramHeader;
use goblin::elf32::reloc::SIZEOF_REL;

use super::{ElfError, Segment, name_at};
use crate::addr::VirtAddr;

/// The dynamic tags we act on; the first entry of each wins.
#[derive(Default)]
struct Tags {
    needed: Option<u32>,
    string_table: Option<u32>,
    string_table_size: Option<u32>,
    rel: Option<u32>,
    rel_size: Option<u32>,
    rel_entry: Option<u32>,
    rela_size: Option<u32>,
    plt_rel: Option<u32>,
    plt_rel_size: Option<u32>,
    jump_rel: Option<u32>,
}

/// The addresses (rebased by `bias`) of the `R_ARM_RELATIVE` targets of
/// the program whose `PT_DYNAMIC` header is `header`, after refusing
/// anything that needs a dynamic linker.
pub(super) fn relative_relocations(
    image: &[u8],
    header: &ProgramHeader,
    segments: &[Segment],
    bias: u32,
) -> Result<Vec<VirtAddr>, ElfError> {
    let tags = read_tags(image, header)?;
    if let Some(name_offset) = tags.needed {
        return Err(ElfError::NeedsLibrary {
            name: library_name(image, &tags, segments, bias, name_offset),
        });
    }
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
    let mut targets = Vec::new();
    collect(image, segments, bias, tags.rel, tags.rel_size, &mut targets)?;
    if tags.plt_rel_size.unwrap_or(0) != 0 && tags.plt_rel != Some(DT_REL as u32) {
        return bad("DT_PLTREL is not DT_REL");
    }
    collect(
        image,
        segments,
        bias,
        tags.jump_rel,
        tags.plt_rel_size,
        &mut targets,
    )?;
    Ok(targets)
}

/// Shorthand for refusing a malformed dynamic section.
fn bad<T>(what: &'static str) -> Result<T, ElfError> {
    Err(ElfError::BadDynamicSection { what })
}

/// Reads the dynamic array (up to `DT_NULL`) and keeps the tags we use.
fn read_tags(image: &[u8], header: &ProgramHeader) -> Result<Tags, ElfError> {
    // goblin checks this too, but says so in an allocated string.
    let end = u64::from(header.p_offset) + u64::from(header.p_filesz);
    if end > image.len() as u64 {
        return bad("the dynamic array is not in the file");
    }
    let context = Ctx::new(Container::Little, Endian::Little);
    let dynamic = match Dynamic::parse(image, &[(*header).into()], context) {
        Ok(Some(dynamic)) => dynamic,
        _ => return bad("the dynamic array cannot be read"),
    };
    let mut tags = Tags::default();
    for entry in &dynamic.dyns {
        let slot = match entry.d_tag {
            DT_NEEDED => &mut tags.needed,
            DT_STRTAB => &mut tags.string_table,
            DT_STRSZ => &mut tags.string_table_size,
            DT_REL => &mut tags.rel,
            DT_RELSZ => &mut tags.rel_size,
            DT_RELENT => &mut tags.rel_entry,
            DT_RELASZ => &mut tags.rela_size,
            DT_PLTREL => &mut tags.plt_rel,
            DT_PLTRELSZ => &mut tags.plt_rel_size,
            DT_JMPREL => &mut tags.jump_rel,
            _ => continue,
        };
        // Read from 32-bit fields, so this always fits.
        let value = u32::try_from(entry.d_val).or(bad("a dynamic value above 4 GiB"))?;
        slot.get_or_insert(value);
    }
    Ok(tags)
}

/// The name of the first `DT_NEEDED` library, or `"?"`.
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

/// The file offset of the `size` bytes at link address `address`, if a
/// segment's file bytes hold them.
fn file_offset(segments: &[Segment], bias: u32, address: u32, size: u32) -> Option<usize> {
    let address = address.checked_add(bias)?;
    segments
        .iter()
        .find_map(|segment| segment.file_offset_of(address, size))
}

/// Checks the `REL` table at link address `address` (`size` bytes) and
/// appends its `R_ARM_RELATIVE` targets to `targets`.
fn collect(
    image: &[u8],
    segments: &[Segment],
    bias: u32,
    address: Option<u32>,
    size: Option<u32>,
    targets: &mut Vec<VirtAddr>,
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
    let Some(offset) = file_offset(segments, bias, address, size) else {
        return bad("a relocation table outside the file bytes of the segments");
    };
    let context = Ctx::new(Container::Little, Endian::Little);
    let Ok(table) = RelocSection::parse(image, offset, size as usize, false, context) else {
        return bad("a relocation table outside the file");
    };
    for relocation in &table {
        let offset = u32::try_from(relocation.r_offset).or(bad("a relocation above 4 GiB"))?;
        match relocation.r_type {
            R_ARM_NONE => {}
            R_ARM_RELATIVE => targets.push(check_target(segments, offset, bias)?),
            kind => return Err(ElfError::UnsupportedRelocation { kind, offset }),
        }
    }
    Ok(())
}

/// The rebased target of a relative relocation at link address `offset`,
/// which must be an aligned word inside a segment.
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
