// SPDX-License-Identifier: MIT OR Apache-2.0
//! Binding: what each relocation makes of its word, imports from the vDSO.
//!
//! The loader is the dynamic linker here, for the one library it knows.
//! `R_ARM_RELATIVE` words are left to the loader to rebase (`B + A`, in
//! place). The others get a final value now: `R_ARM_JUMP_SLOT` and
//! `R_ARM_GLOB_DAT` the symbol's address (`S`; a jump slot is bound at
//! load, never lazily, so the PLT never calls a resolver), `R_ARM_ABS32`
//! that plus the word in the file (`S + A`: ARM uses `REL`, so the addend
//! is in place, and 0 in `.bss`).
//!
//! What `S` is:
//! - a symbol the program defines: its value, moved with the program
//!   (`SHN_ABS` ones are not moved);
//! - an import: the vDSO's definition, at the version the program asks for
//!   in `DT_VERNEED`, which must be `LINUX_2.6` of `linux-vdso.so.1` (an
//!   unversioned import takes the default definition). A name at another
//!   version, or from another library, is refused naming both; a name the
//!   vDSO lacks is refused, or is 0 if the import is weak, as `ld.so` does.
//!
//! An import in a program that does not name the vDSO in `DT_NEEDED`
//! has nowhere to come from: refused, or 0 if weak.

use alloc::string::String;
use alloc::vec::Vec;
use goblin::elf::symver::{VER_NDX_GLOBAL, VER_NDX_LOCAL};

use super::dynamic::{Relocation, RelocationKind, Tags, bad};
use super::symbol_table::{Definition, Symbol, SymbolTable, VersionNeed};
use super::vdso_symbols::{ExportedSymbols, Lookup};
use super::{Binding, ElfError, Segment, word_at};
use crate::addr::VirtAddr;
use abi::vdso::SONAME;

/// What the loader does with a program's relocations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Bound {
    /// `R_ARM_RELATIVE` targets: add the load bias in place.
    pub relative: Vec<VirtAddr>,
    /// The other targets: store these values.
    pub bindings: Vec<Binding>,
}

/// The program being bound.
pub(super) struct Context<'a> {
    /// The whole file.
    pub image: &'a [u8],
    /// Its checked segments.
    pub segments: &'a [Segment],
    /// What is added to its link addresses.
    pub bias: u32,
    /// The vDSO's exports, if the program names the vDSO in `DT_NEEDED`.
    pub vdso: Option<&'a ExportedSymbols>,
}

/// Binds `relocations` (from `tags`' tables) in the program of `context`.
pub(super) fn bind(
    context: &Context<'_>,
    tags: &Tags,
    relocations: &[Relocation],
) -> Result<Bound, ElfError> {
    // Only relocations against a symbol need the symbol tables, so a static
    // PIE is never refused for tables it does not use.
    let uses_symbols = relocations
        .iter()
        .any(|r| r.symbol != 0 && r.kind != RelocationKind::Relative);
    let table = if uses_symbols {
        let table = SymbolTable::new(context.image, context.segments, context.bias, tags)?;
        Some(table)
    } else {
        None
    };
    let mut bound = Bound::default();
    for relocation in relocations {
        let symbol = match (relocation.kind, &table) {
            (RelocationKind::Relative, _) => {
                bound.relative.push(relocation.target);
                continue;
            }
            (_, Some(table)) if relocation.symbol != 0 => resolve(context, table, relocation)?,
            // No symbol: S is 0, so ABS32 keeps its addend.
            _ => 0,
        };
        let value = match relocation.kind {
            RelocationKind::Absolute => symbol.wrapping_add(addend(context, relocation.target)),
            _ => symbol,
        };
        bound.bindings.push(Binding {
            address: relocation.target,
            value,
        });
    }
    Ok(bound)
}

/// The address of the symbol `relocation` uses (`S`).
fn resolve(
    context: &Context<'_>,
    table: &SymbolTable<'_>,
    relocation: &Relocation,
) -> Result<u32, ElfError> {
    let symbol = table.symbol(relocation.symbol)?;
    match symbol.definition {
        Definition::Absolute => Ok(symbol.value),
        Definition::Here => symbol
            .value
            .checked_add(context.bias)
            .ok_or(ElfError::Overflow {
                what: "a symbol's address",
            }),
        Definition::Import => import(context, table, &symbol),
    }
}

/// The vDSO's address for the import `symbol`.
fn import(
    context: &Context<'_>,
    table: &SymbolTable<'_>,
    symbol: &Symbol<'_>,
) -> Result<u32, ElfError> {
    let need = match symbol.version {
        VER_NDX_LOCAL | VER_NDX_GLOBAL => None,
        index => match table.version_need(index) {
            Some(need) => Some(need),
            None => return bad("an imported symbol's version is not in DT_VERNEED"),
        },
    };
    let wrong_version = |need: VersionNeed<'_>| ElfError::WrongSymbolVersion {
        name: printable(symbol.name),
        version: printable(need.version),
        library: printable(need.library),
    };
    if let Some(need) = need.filter(|need| need.library != SONAME.as_bytes()) {
        return Err(wrong_version(need));
    }
    let Some(vdso) = context.vdso else {
        if symbol.weak {
            return Ok(0);
        }
        return Err(ElfError::ImportWithoutLibrary {
            name: printable(symbol.name),
        });
    };
    match vdso.lookup(symbol.name, need.map(|need| need.version)) {
        Lookup::Found(address) => Ok(address.0),
        // Only a versioned import can find another version.
        Lookup::OtherVersion => Err(need.map_or(
            ElfError::MissingSymbol {
                name: printable(symbol.name),
            },
            wrong_version,
        )),
        Lookup::Missing if symbol.weak => Ok(0),
        Lookup::Missing => Err(ElfError::MissingSymbol {
            name: printable(symbol.name),
        }),
    }
}

/// The word in the file at `target` (`A`), or 0 if the target is past the
/// file bytes of its segment (`.bss`).
fn addend(context: &Context<'_>, target: VirtAddr) -> u32 {
    context
        .segments
        .iter()
        .find_map(|segment| segment.file_offset_of(target.0, 4))
        .and_then(|offset| word_at(context.image, offset))
        .unwrap_or(0)
}

/// A name from the file, for a log line (see `super::name_of`).
fn printable(bytes: &[u8]) -> String {
    super::name_of(bytes)
}
