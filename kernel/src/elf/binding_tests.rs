// SPDX-License-Identifier: MIT OR Apache-2.0
//! Tests of binding apps to the vDSO: its exports, real apps, hostile ones.
//!
//! The real files are in `elf/testdata/` (a copy of the built `vdso.so` and
//! `vdso-app.c` linked against it; the README there says how): their
//! addresses come from `arm-linux-gnueabihf-readelf -rdV`. The hostile
//! cases are built by hand with the builder of `tests.rs`, one defect each.

use abi::errno::Errno;
use abi::vdso::{ALIAS_PREFIX, SYMBOLS};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use goblin::elf::Elf;
use goblin::elf::reloc::{R_ARM_ABS32, R_ARM_GLOB_DAT, R_ARM_JUMP_SLOT, R_ARM_RELATIVE};

use super::tests::{Builder, HELLO_STATIC, RW, VDSO, VDSO_APP, VDSO_APP_PIE, exports, phdr};
use super::vdso_symbols::{BadVdso, Lookup};
use super::*;
use crate::vm::layout::VDSO_BASE;

/// Where the vDSO fixture defines `name`, once mapped.
fn vdso_address(name: &str) -> u32 {
    match exports().lookup(name.as_bytes(), Some(b"LINUX_2.6")) {
        Lookup::Found(address) => address.0,
        other => panic!("{name}: {other:?}"),
    }
}

/// A copy of `image` with the first `from` replaced by `to` (same length).
fn replaced(image: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let at = image
        .windows(from.len())
        .position(|window| window == from)
        .expect("the bytes to replace");
    let mut copy = image.to_vec();
    copy[at..at + to.len()].copy_from_slice(to);
    copy
}

/// A copy of `image` whose dynamic entries tagged `from` are tagged `to`.
fn retagged(image: &[u8], from: u32, to: u32) -> Vec<u8> {
    let mut copy = image.to_vec();
    let header = read_header(image).unwrap();
    let headers = read_program_headers(image, &header).unwrap();
    let dynamic = headers.iter().find(|h| h.p_type == PT_DYNAMIC).unwrap();
    let start = dynamic.p_offset as usize;
    for entry in (start..start + dynamic.p_filesz as usize).step_by(8) {
        if copy[entry..entry + 4] == from.to_le_bytes() {
            copy[entry..entry + 4].copy_from_slice(&to.to_le_bytes());
        }
    }
    copy
}

#[test]
fn the_vdso_exports_every_name_at_linux_2_6_where_its_symbol_table_says() {
    let exports = exports();
    // Checked against goblin's own reading of the same file.
    let elf = Elf::parse(VDSO).unwrap();
    assert_eq!(exports.len(), elf.dynsyms.len() - 1);
    for symbol in elf.dynsyms.iter().skip(1) {
        let name = elf.dynstrtab.get_at(symbol.st_name).unwrap();
        let plain = name.strip_prefix(ALIAS_PREFIX).unwrap_or(name);
        assert!(
            SYMBOLS.contains(&plain),
            "{name} is not in abi::vdso::SYMBOLS"
        );
        let expected = VirtAddr(VDSO_BASE + symbol.st_value as u32);
        let found = exports.iter().find(|e| e.name == name).unwrap();
        assert_eq!(found.address, expected, "{name}");
        assert_eq!(found.version.as_deref(), Some("LINUX_2.6"), "{name}");
        assert!(found.default, "{name}");
        let lookup = exports.lookup(name.as_bytes(), None);
        assert_eq!(lookup, Lookup::Found(expected), "{name}");
    }
    assert_eq!(
        vdso_address("clock_gettime"),
        vdso_address("__vdso_clock_gettime")
    );
}

#[test]
fn a_lookup_wants_the_version_asked_for() {
    let exports = exports();
    let address = vdso_address("getpid");
    assert_eq!(
        exports.lookup(b"getpid", None),
        Lookup::Found(VirtAddr(address))
    );
    assert_eq!(
        exports.lookup(b"getpid", Some(b"LINUX_2.5")),
        Lookup::OtherVersion
    );
    assert_eq!(exports.lookup(b"getpi", None), Lookup::Missing);
    assert_eq!(
        exports.lookup(b"printf", Some(b"LINUX_2.6")),
        Lookup::Missing
    );
}

#[test]
fn the_gnu_hash_gives_the_same_symbols_as_the_sysv_hash() {
    const DT_HASH: u32 = 4;
    const DT_GNU_HASH: u32 = 0x6FFF_FEF5;
    const DT_DEBUG: u32 = 21;
    let base = VirtAddr(VDSO_BASE);
    let without_hash = retagged(VDSO, DT_HASH, DT_DEBUG);
    assert_eq!(
        &ExportedSymbols::parse(&without_hash, base).unwrap(),
        exports()
    );
    let without_either = retagged(&without_hash, DT_GNU_HASH, DT_DEBUG);
    let error = ExportedSymbols::parse(&without_either, base).unwrap_err();
    assert!(error.what.contains("DT_GNU_HASH"), "{error}");
}

#[test]
fn a_vdso_that_is_not_one_is_refused() {
    let base = VirtAddr(VDSO_BASE);
    let refused = |image: &[u8]| ExportedSymbols::parse(image, base).unwrap_err();
    assert_eq!(refused(&[]).what, "not an ARM EABI5 ELF32 file");
    assert_eq!(refused(HELLO_STATIC).what, "not a shared object");
    let renamed = replaced(VDSO, b"linux-vdso.so.1\0", b"linux-vdso.so.2\0");
    assert!(refused(&renamed).what.contains("DT_SONAME"));
    let other_version = replaced(VDSO, b"LINUX_2.6\0", b"LINUX_2.7\0");
    assert!(refused(&other_version).what.contains("LINUX_2.6"));
    let line = format!("{}", BadVdso { what: "x" });
    assert_eq!(line, "the vDSO image cannot be bound to: x");
}

#[test]
fn the_executable_fixture_binds_its_imports_to_the_vdso() {
    let plan = plan(VDSO_APP, Some(exports())).unwrap();
    assert_eq!(plan.kind, ElfKind::Executable);
    assert!(plan.needs_vdso);
    assert!(plan.relative_relocations.is_empty());
    // readelf -r: .rel.dyn, then .rel.plt.
    let expected = [
        (0x1201C, "gettid"), // R_ARM_GLOB_DAT
        (0x1200C, "exit"),   // R_ARM_JUMP_SLOT from here on
        (0x12010, "write"),
        (0x12014, "getpid"), // its PLT entry is its canonical address
        (0x12018, "clock_gettime"),
    ];
    let expected: Vec<Binding> = expected
        .iter()
        .map(|&(address, name)| Binding {
            address: VirtAddr(address),
            value: vdso_address(name),
        })
        .collect();
    assert_eq!(plan.bindings, expected);
}

#[test]
fn the_pie_fixture_binds_rebases_and_ignores_its_interpreter() {
    let plan = plan(VDSO_APP_PIE, Some(exports())).unwrap();
    assert_eq!(
        plan.kind,
        ElfKind::PositionIndependent {
            base: VirtAddr(PIE_BASE)
        }
    );
    assert!(plan.needs_vdso);
    // `message_pointer` (readelf -r: 0x2024 R_ARM_RELATIVE).
    assert_eq!(plan.relative_relocations, [VirtAddr(PIE_BASE + 0x2024)]);
    let at = |offset: u32| VirtAddr(PIE_BASE + offset);
    let expected = vec![
        // R_ARM_GLOB_DAT gettid.
        Binding {
            address: at(0x2018),
            value: vdso_address("gettid"),
        },
        // R_ARM_ABS32 kml_optional: weak, the vDSO lacks it, so 0 + A (0).
        Binding {
            address: at(0x201C),
            value: 0,
        },
        // R_ARM_ABS32 getpid, A = 0.
        Binding {
            address: at(0x2020),
            value: vdso_address("getpid"),
        },
        // R_ARM_JUMP_SLOT exit, write, clock_gettime.
        Binding {
            address: at(0x200C),
            value: vdso_address("exit"),
        },
        Binding {
            address: at(0x2010),
            value: vdso_address("write"),
        },
        Binding {
            address: at(0x2014),
            value: vdso_address("clock_gettime"),
        },
    ];
    assert_eq!(plan.bindings, expected);
}

#[test]
fn a_program_needing_the_vdso_is_refused_by_a_kernel_without_one() {
    let error = plan(VDSO_APP, None).unwrap_err();
    assert_eq!(error, ElfError::NoVdso);
    assert_eq!(error.errno(), Errno::ENOEXEC);
    assert_eq!(
        format!("{error}"),
        "needs linux-vdso.so.1, but this kernel has no vDSO to bind"
    );
}

#[test]
fn an_import_the_vdso_lacks_is_refused_naming_it() {
    let image = replaced(VDSO_APP, b"gettid\0", b"gettix\0");
    let error = plan(&image, Some(exports())).unwrap_err();
    let name = String::from("gettix");
    assert_eq!(error, ElfError::MissingSymbol { name });
    assert_eq!(error.errno(), Errno::ENOEXEC);
    assert_eq!(
        format!("{error}"),
        "needs symbol gettix, which linux-vdso.so.1 does not define"
    );
}

#[test]
fn an_import_at_another_version_is_refused_naming_it() {
    let image = replaced(VDSO_APP, b"LINUX_2.6\0", b"LINUX_2.7\0");
    let error = plan(&image, Some(exports())).unwrap_err();
    let wrong = ElfError::WrongSymbolVersion {
        name: "gettid".into(),
        version: "LINUX_2.7".into(),
        library: "linux-vdso.so.1".into(),
    };
    assert_eq!(error, wrong);
    assert_eq!(error.errno(), Errno::ENOEXEC);
    assert_eq!(
        format!("{error}"),
        "needs symbol gettid at version LINUX_2.7 of linux-vdso.so.1; \
         only linux-vdso.so.1 at LINUX_2.6 is bound"
    );
}

// The hand-built program below: a PIE (text at 0, data at 0x1000, .bss
// from 0x1200 to 0x2000) whose dynamic array, at 0x1000, points at a REL
// table at 0x400, symbols at 0x500, strings at 0x600, symbol versions at
// 0x680 and one version requirement at 0x6C0.

/// `DT_` tags the builder writes.
const DT_NEEDED: u32 = 1;
const DT_STRTAB: u32 = 5;
const DT_SYMTAB: u32 = 6;
const DT_STRSZ: u32 = 10;
const DT_SYMENT: u32 = 11;
const DT_REL: u32 = 17;
const DT_RELSZ: u32 = 18;
const DT_VERSYM: u32 = 0x6FFF_FFF0;
const DT_VERNEED: u32 = 0x6FFF_FFFE;
const DT_VERNEEDNUM: u32 = 0x6FFF_FFFF;

/// The string table: offsets of each name.
const STRINGS: &[u8] = b"\0linux-vdso.so.1\0clock_gettime\0own\0nothing\0LINUX_2.6\0libc.so.6\0";
const VDSO_NAME: u32 = 1;
const CLOCK_GETTIME: u32 = 17;
const OWN: u32 = 31;
const NOTHING: u32 = 35;
const LINUX_2_6: u32 = 43;
const LIBC: u32 = 53;

/// Symbols: 1 imports clock_gettime, 2 is `own` (defined at 0x1100),
/// 3 is absolute (0x1234), 4 a weak import the vDSO lacks, 5 a strong one.
fn symbols() -> Vec<u32> {
    let symbol =
        |name: u32, value: u32, info: u32, section: u32| [name, value, 0, info | (section << 16)];
    let global_function = 0x12; // STB_GLOBAL, STT_FUNC
    let weak = 0x22; // STB_WEAK, STT_FUNC
    [
        [0; 4],
        symbol(CLOCK_GETTIME, 0, global_function, 0),
        symbol(OWN, 0x1100, global_function, 5),
        symbol(OWN, 0x1234, global_function, 0xFFF1),
        symbol(NOTHING, 0, weak, 0),
        symbol(NOTHING, 0, global_function, 0),
    ]
    .concat()
}

/// A `DT_VERNEED` of one record: `library` must define LINUX_2.6, which
/// `DT_VERSYM` calls 2.
fn version_need(library: u32) -> Vec<u32> {
    // vn_version 1, vn_cnt 1, vn_file, vn_aux 16, vn_next 0; then
    // vna_hash, vna_flags 0 with vna_other 2, vna_name, vna_next 0.
    vec![
        1 | (1 << 16),
        library,
        16,
        0,
        0x0D69_6A76,
        2 << 16,
        LINUX_2_6,
        0,
    ]
}

/// The program with the dynamic entries `extra` before the tables' (so
/// they win), and the relocations `(r_offset, symbol, type)` in its REL
/// table.
fn program(extra: &[(u32, u32)], relocations: &[(u32, u32, u32)]) -> Builder {
    let rel: Vec<(u32, u32)> = relocations
        .iter()
        .map(|&(offset, symbol, kind)| (offset, (symbol << 8) | kind))
        .collect();
    let mut entries = extra.to_vec();
    entries.extend_from_slice(&[
        (DT_REL, 0x400),
        (DT_RELSZ, 8 * relocations.len() as u32),
        (DT_SYMTAB, 0x500),
        (DT_SYMENT, 16),
        (DT_STRTAB, 0x600),
        (DT_STRSZ, STRINGS.len() as u32),
    ]);
    let mut builder = Builder::position_independent()
        .dynamic(&entries)
        .relocations(0x400, &rel)
        .patch(0x500, &words(&symbols()))
        .patch(0x600, STRINGS)
        .patch(0x1100, &0x10u32.to_le_bytes());
    // Room for a longer dynamic array than the builder's default.
    builder.headers[2] = phdr(PT_DYNAMIC, 0x1000, 0x1000, 0x100, 0x100, RW);
    builder
}

/// [`program`] needing the vDSO at LINUX_2.6, every symbol at version
/// `version` (1 is unversioned), and its version requirement naming
/// `library`.
fn needing_the_vdso(version: u16, library: u32, relocations: &[(u32, u32, u32)]) -> Builder {
    let versions: Vec<u8> = (0..6u16)
        .flat_map(|index| if index == 0 { 0 } else { version }.to_le_bytes())
        .collect();
    let entries = [
        (DT_NEEDED, VDSO_NAME),
        (DT_VERSYM, 0x680),
        (DT_VERNEED, 0x6C0),
        (DT_VERNEEDNUM, 1),
    ];
    program(&entries, relocations)
        .patch(0x680, &versions)
        .patch(0x6C0, &words(&version_need(library)))
}

fn words(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|word| word.to_le_bytes()).collect()
}

#[test]
fn each_relocation_kind_computes_its_word() {
    let plan = needing_the_vdso(
        2,
        VDSO_NAME,
        &[
            (0x1100, 1, R_ARM_ABS32),    // S + A, A = 0x10 in the file
            (0x1104, 1, R_ARM_GLOB_DAT), // S
            (0x1108, 1, R_ARM_JUMP_SLOT),
            (0x110C, 0, R_ARM_RELATIVE),  // B + A, left to the loader
            (0x1800, 1, R_ARM_ABS32),     // in .bss: A = 0
            (0x1110, 2, R_ARM_ABS32),     // our own symbol, moved: B + 0x1100
            (0x1114, 3, R_ARM_GLOB_DAT),  // SHN_ABS, not moved
            (0x1118, 4, R_ARM_JUMP_SLOT), // weak and missing: 0
            (0x111C, 0, R_ARM_ABS32),     // no symbol: A
        ],
    )
    .plan()
    .unwrap();
    let clock = vdso_address("clock_gettime");
    let bound: Vec<(u32, u32)> = plan
        .bindings
        .iter()
        .map(|binding| (binding.address.0 - PIE_BASE, binding.value))
        .collect();
    assert_eq!(
        bound,
        [
            (0x1100, clock + 0x10),
            (0x1104, clock),
            (0x1108, clock),
            (0x1800, clock),
            (0x1110, PIE_BASE + 0x1100),
            (0x1114, 0x1234),
            (0x1118, 0),
            (0x111C, 0),
        ]
    );
    assert_eq!(plan.relative_relocations, [VirtAddr(PIE_BASE + 0x110C)]);
    assert!(plan.needs_vdso);
}

#[test]
fn unversioned_imports_take_the_default_definition() {
    let plan = needing_the_vdso(1, VDSO_NAME, &[(0x1104, 1, R_ARM_GLOB_DAT)])
        .plan()
        .unwrap();
    assert_eq!(plan.bindings[0].value, vdso_address("clock_gettime"));
    // No DT_VERSYM at all: the same.
    let plan = program(&[(DT_NEEDED, VDSO_NAME)], &[(0x1104, 1, R_ARM_GLOB_DAT)])
        .plan()
        .unwrap();
    assert_eq!(plan.bindings[0].value, vdso_address("clock_gettime"));
}

#[test]
fn a_version_of_another_library_is_refused_naming_it() {
    let error = needing_the_vdso(2, LIBC, &[(0x1104, 1, R_ARM_GLOB_DAT)])
        .plan()
        .unwrap_err();
    let wrong = ElfError::WrongSymbolVersion {
        name: "clock_gettime".into(),
        version: "LINUX_2.6".into(),
        library: "libc.so.6".into(),
    };
    assert_eq!(error, wrong);
}

#[test]
fn a_strong_import_the_vdso_lacks_is_refused() {
    let error = needing_the_vdso(1, VDSO_NAME, &[(0x1104, 5, R_ARM_GLOB_DAT)])
        .plan()
        .unwrap_err();
    assert_eq!(
        error,
        ElfError::MissingSymbol {
            name: "nothing".into()
        }
    );
}

#[test]
fn imports_need_the_vdso_in_dt_needed() {
    let error = program(&[], &[(0x1104, 1, R_ARM_GLOB_DAT)])
        .plan()
        .unwrap_err();
    let name = String::from("clock_gettime");
    assert_eq!(error, ElfError::ImportWithoutLibrary { name });
    assert_eq!(error.errno(), Errno::ENOEXEC);
    // A weak one is 0, and a program's own symbols need no library.
    let plan = program(
        &[],
        &[(0x1104, 4, R_ARM_GLOB_DAT), (0x1108, 2, R_ARM_ABS32)],
    )
    .plan()
    .unwrap();
    assert!(!plan.needs_vdso);
    let values: Vec<u32> = plan.bindings.iter().map(|b| b.value).collect();
    assert_eq!(values, [0, PIE_BASE + 0x1100]);
}

#[test]
fn a_library_besides_the_vdso_is_refused_naming_it() {
    let needed = [
        (DT_NEEDED, VDSO_NAME),
        (DT_NEEDED, VDSO_NAME),
        (DT_NEEDED, LIBC),
        (DT_NEEDED, OWN),
    ];
    let error = program(&needed, &[]).plan().unwrap_err();
    assert_eq!(
        error,
        ElfError::NeedsLibrary {
            name: "libc.so.6".into()
        }
    );
    // The vDSO named twice is still the vDSO alone.
    let plan = program(&needed[..2], &[]).plan().unwrap();
    assert!(plan.needs_vdso);
}

#[test]
fn pt_interp_is_ignored_only_when_the_vdso_is_all_a_program_needs() {
    let path = b"/lib/ld-linux-armhf.so.3\0";
    let interpreter = phdr(PT_INTERP, 0x700, 0x700, path.len() as u32, 25, PF_R);
    let with_interpreter = |builder: Builder| builder.with_header(interpreter).patch(0x700, path);
    let plan = with_interpreter(program(&[(DT_NEEDED, VDSO_NAME)], &[]))
        .plan()
        .unwrap();
    assert!(plan.needs_vdso);
    let error = with_interpreter(program(&[], &[])).plan().unwrap_err();
    let path = "/lib/ld-linux-armhf.so.3".into();
    assert_eq!(error, ElfError::NeedsInterpreter { path });
    let error = with_interpreter(program(&[(DT_NEEDED, LIBC)], &[]))
        .plan()
        .unwrap_err();
    assert_eq!(
        error,
        ElfError::NeedsLibrary {
            name: "libc.so.6".into()
        }
    );
}

#[test]
fn malformed_symbol_tables_are_refused() {
    let glob_dat = |symbol| [(0x1104, symbol, R_ARM_GLOB_DAT)];
    let cases: [(Builder, &str); 8] = [
        // Symbol 300 would be at 0x500 + 4800: in .bss, not the file.
        (
            needing_the_vdso(2, VDSO_NAME, &glob_dat(300)),
            "a symbol outside",
        ),
        (
            program(&[(DT_SYMENT, 24)], &glob_dat(1)),
            "DT_SYMENT is not 16",
        ),
        (
            program(&[(DT_NEEDED, VDSO_NAME)], &glob_dat(1)).patch(0x510, &[0xFF; 4]),
            "outside DT_STRSZ",
        ),
        // Version 3 is not in DT_VERNEED.
        (
            needing_the_vdso(3, VDSO_NAME, &glob_dat(1)),
            "not in DT_VERNEED",
        ),
        // A requirement record of version 2.
        (
            needing_the_vdso(2, VDSO_NAME, &glob_dat(1)).patch(0x6C0, &[2]),
            "a version other than 1",
        ),
        // Its entry pointing out of the file bytes.
        (
            needing_the_vdso(2, VDSO_NAME, &glob_dat(1)).patch(0x6C8, &[0, 0, 0, 0x10]),
            "DT_VERNEED entry outside",
        ),
        // A string table running past the text's file bytes.
        (
            program(&[(DT_STRSZ, 0x1000)], &glob_dat(1)),
            "string table outside",
        ),
        // Relocations against symbols without a symbol table.
        (
            Builder::position_independent().relocations(0x400, &[(0x1104, (1 << 8) | 21)]),
            "without DT_SYMTAB",
        ),
    ];
    for (builder, what) in cases {
        let error = builder.plan().unwrap_err();
        assert!(
            matches!(error, ElfError::BadDynamicSection { .. })
                && format!("{error}").contains(what),
            "{what}: {error}"
        );
        assert_eq!(error.errno(), Errno::ENOEXEC);
    }
}

#[test]
fn a_chain_of_version_records_is_bounded() {
    // 65 records at 0x800, each vn_next to the one after it, the last 0;
    // no DT_VERNEEDNUM to stop earlier. The text grows to hold them.
    let mut records = Vec::new();
    for index in 0..65 {
        let next = if index == 64 { 0 } else { 16 };
        records.extend_from_slice(&[1, VDSO_NAME, 0, next]);
    }
    let entries = [
        (DT_NEEDED, VDSO_NAME),
        (DT_VERSYM, 0x680),
        (DT_VERNEED, 0x800),
    ];
    let mut builder =
        program(&entries, &[(0x1104, 1, R_ARM_GLOB_DAT)]).patch(0x800, &words(&records));
    builder.headers[0] = phdr(PT_LOAD, 0, 0, 0x1000, 0x1000, PF_R | PF_X);
    let error = builder.plan().unwrap_err();
    assert!(format!("{error}").contains("more than 64"), "{error}");
    // 64 of them are fine.
    records[63 * 4 + 3] = 0;
    let mut builder =
        program(&entries, &[(0x1104, 1, R_ARM_GLOB_DAT)]).patch(0x800, &words(&records));
    builder.headers[0] = phdr(PT_LOAD, 0, 0, 0x1000, 0x1000, PF_R | PF_X);
    assert!(builder.plan().is_ok());
}
