// SPDX-License-Identifier: MIT OR Apache-2.0
//! Tests of the ELF checks: one hostile image per check, built by hand,
//! and the real programs in `elf/testdata/` (how they were built is in the
//! README there). Binding imports to the vDSO has its own tests, in
//! `binding_tests.rs`, which share the fixtures and the builder here.

use abi::errno::Errno;
use alloc::format;
use alloc::vec;
use alloc::vec::Vec;

use super::*;
use goblin::elf::reloc::{R_ARM_COPY, R_ARM_NONE, R_ARM_RELATIVE};

pub(super) static HELLO_STATIC: &[u8] = include_bytes!("testdata/hello-static");
pub(super) static HELLO_STATIC_PIE: &[u8] = include_bytes!("testdata/hello-static-pie");
pub(super) static HELLO_DYNAMIC: &[u8] = include_bytes!("testdata/hello-dynamic");
/// A copy of the vDSO the build links (`target/kml/<board>/vdso.so`).
pub(super) static VDSO: &[u8] = include_bytes!("testdata/vdso.so");
/// `vdso-app.c` linked against it: `ET_EXEC`, no `PT_INTERP`.
pub(super) static VDSO_APP: &[u8] = include_bytes!("testdata/vdso-app");
/// `vdso-app.c` linked against it as a PIE, with a `PT_INTERP`.
pub(super) static VDSO_APP_PIE: &[u8] = include_bytes!("testdata/vdso-app-pie");

/// The exports of [`VDSO`], mapped at `VDSO_BASE`.
pub(super) fn exports() -> &'static ExportedSymbols {
    static EXPORTS: std::sync::OnceLock<ExportedSymbols> = std::sync::OnceLock::new();
    EXPORTS.get_or_init(|| {
        ExportedSymbols::parse(VDSO, VirtAddr(crate::vm::layout::VDSO_BASE)).unwrap()
    })
}

const PT_NOTE: u32 = 4;
const PT_TLS: u32 = 7;
const PT_GNU_STACK: u32 = 0x6474_E551;
const PT_ARM_EXIDX: u32 = 0x7000_0001;
pub(super) const RX: u32 = PF_R | PF_X;
pub(super) const RW: u32 = PF_R | PF_W;

/// One program header, as the builder writes it.
#[derive(Clone, Copy)]
pub(super) struct Phdr {
    kind: u32,
    offset: u32,
    vaddr: u32,
    filesz: u32,
    memsz: u32,
    flags: u32,
}

pub(super) const fn phdr(
    kind: u32,
    offset: u32,
    vaddr: u32,
    filesz: u32,
    memsz: u32,
    flags: u32,
) -> Phdr {
    Phdr {
        kind,
        offset,
        vaddr,
        filesz,
        memsz,
        flags,
    }
}

/// Builds ELF images byte by byte, including ones no linker would write.
#[derive(Clone)]
pub(super) struct Builder {
    ident: [u8; 16],
    kind: u16,
    machine: u16,
    version: u32,
    entry: u32,
    program_header_offset: u32,
    flags: u32,
    program_header_size: u16,
    /// `e_phnum`, if not the number of `headers`.
    program_header_count: Option<u16>,
    pub(super) headers: Vec<Phdr>,
    /// Bytes written at an offset after the headers (tables, strings).
    patches: Vec<(usize, Vec<u8>)>,
    /// The image's length.
    length: usize,
}

impl Builder {
    /// A valid static `ET_EXEC`: text at 0x10000, data and .bss at 0x21000.
    pub(super) fn executable() -> Self {
        let mut ident = [0; 16];
        ident[..4].copy_from_slice(b"\x7fELF");
        ident[4..7].copy_from_slice(&[1, 1, 1]);
        Self {
            ident,
            kind: ET_EXEC,
            machine: EM_ARM,
            version: 1,
            entry: 0x10101,
            program_header_offset: 52,
            flags: 0x0500_0200,
            program_header_size: 32,
            program_header_count: None,
            headers: vec![
                phdr(PT_LOAD, 0, 0x10000, 0x200, 0x200, RX),
                phdr(PT_LOAD, 0x1000, 0x21000, 0x100, 0x2000, RW),
            ],
            patches: Vec::new(),
            length: 0x1100,
        }
    }

    /// A valid static PIE: text at 0, data at 0x1000 holding `PT_DYNAMIC`,
    /// which lists a `REL` table at 0x400 with one relative relocation
    /// (at 0x1100) and one `R_ARM_NONE`.
    pub(super) fn position_independent() -> Self {
        let mut builder = Self::executable();
        builder.kind = ET_DYN;
        builder.entry = 0x100;
        builder.headers = vec![
            phdr(PT_LOAD, 0, 0, 0x800, 0x800, RX),
            phdr(PT_LOAD, 0x1000, 0x1000, 0x200, 0x1000, RW),
            phdr(PT_DYNAMIC, 0x1000, 0x1000, 0x40, 0x40, RW),
        ];
        builder.length = 0x1200;
        builder
            .dynamic(&[(17, 0x400), (18, 16), (19, 8)])
            .relocations(0x400, &[(0x1100, R_ARM_RELATIVE), (0x1104, R_ARM_NONE)])
    }

    /// Writes the dynamic array (and a `DT_NULL`) at file offset 0x1000.
    pub(super) fn dynamic(mut self, entries: &[(u32, u32)]) -> Self {
        let words: Vec<u32> = entries
            .iter()
            .chain(&[(0, 0)])
            .flat_map(|&(tag, value)| [tag, value])
            .collect();
        self.patches.push((0x1000, words_to_bytes(&words)));
        self
    }

    /// Writes `REL` entries `(r_offset, type)` at file offset `at`.
    pub(super) fn relocations(mut self, at: usize, entries: &[(u32, u32)]) -> Self {
        let words: Vec<u32> = entries.iter().flat_map(|&(o, t)| [o, t]).collect();
        self.patches.push((at, words_to_bytes(&words)));
        self
    }

    pub(super) fn patch(mut self, at: usize, bytes: &[u8]) -> Self {
        self.patches.push((at, bytes.to_vec()));
        self
    }

    pub(super) fn with_header(mut self, header: Phdr) -> Self {
        self.headers.push(header);
        self
    }

    pub(super) fn bytes(&self) -> Vec<u8> {
        let mut image = Vec::new();
        image.extend_from_slice(&self.ident);
        image.extend_from_slice(&self.kind.to_le_bytes());
        image.extend_from_slice(&self.machine.to_le_bytes());
        for word in [
            self.version,
            self.entry,
            self.program_header_offset,
            0,
            self.flags,
        ] {
            image.extend_from_slice(&word.to_le_bytes());
        }
        let count = self.program_header_count;
        let count = count.unwrap_or(self.headers.len() as u16);
        for half in [52, self.program_header_size, count, 40, 0, 0] {
            image.extend_from_slice(&half.to_le_bytes());
        }
        for h in &self.headers {
            for word in [
                h.kind, h.offset, h.vaddr, h.vaddr, h.filesz, h.memsz, h.flags, 4,
            ] {
                image.extend_from_slice(&word.to_le_bytes());
            }
        }
        image.resize(image.len().max(self.length), 0);
        for (at, bytes) in &self.patches {
            image[*at..*at + bytes.len()].copy_from_slice(bytes);
        }
        image
    }

    pub(super) fn plan(&self) -> Result<LoadPlan, ElfError> {
        plan(&self.bytes(), Some(exports()))
    }
}

fn words_to_bytes(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|word| word.to_le_bytes()).collect()
}

/// Asserts that `result` is a refusal matching `pattern` with `errno`.
macro_rules! assert_refused {
    ($result:expr, $pattern:pat, $errno:expr) => {
        match $result {
            Err(error @ $pattern) => assert_eq!(error.errno(), $errno, "{error}"),
            other => panic!("expected {}, got {other:?}", stringify!($pattern)),
        }
    };
}

#[test]
fn a_static_executable_is_planned_as_linked() {
    let plan = Builder::executable().plan().unwrap();
    assert_eq!(plan.kind, ElfKind::Executable);
    assert_eq!(plan.entry, VirtAddr(0x10101));
    let text = Segment {
        start: VirtAddr(0x10000),
        memory_size: 0x200,
        file_offset: 0,
        file_size: 0x200,
        readable: true,
        writable: false,
        executable: true,
    };
    let data = Segment {
        start: VirtAddr(0x21000),
        memory_size: 0x2000,
        file_offset: 0x1000,
        file_size: 0x100,
        readable: true,
        writable: true,
        executable: false,
    };
    assert_eq!(plan.segments, [text, data]);
    assert_eq!(plan.program_headers, VirtAddr(0x10034));
    assert_eq!(
        (plan.program_header_size, plan.program_header_count),
        (32, 2)
    );
    assert_eq!(plan.program_break, VirtAddr(0x23000));
    assert!(plan.relative_relocations.is_empty());
}

#[test]
fn a_static_pie_is_rebased_to_pie_base() {
    let plan = Builder::position_independent().plan().unwrap();
    let base = VirtAddr(PIE_BASE);
    assert_eq!(plan.kind, ElfKind::PositionIndependent { base });
    assert_eq!(plan.entry, VirtAddr(PIE_BASE + 0x100));
    let starts: Vec<VirtAddr> = plan.segments.iter().map(|s| s.start).collect();
    assert_eq!(starts, [base, VirtAddr(PIE_BASE + 0x1000)]);
    assert_eq!(plan.program_headers, VirtAddr(PIE_BASE + 52));
    assert_eq!(plan.program_break, VirtAddr(PIE_BASE + 0x2000));
    assert_eq!(plan.relative_relocations, [VirtAddr(PIE_BASE + 0x1100)]);
}

#[test]
fn segments_come_sorted_by_address() {
    let mut builder = Builder::executable();
    builder.headers.reverse();
    let plan = builder.plan().unwrap();
    assert!(plan.segments[0].start < plan.segments[1].start);
}

#[test]
fn harmless_headers_are_accepted() {
    let mut builder = Builder::executable();
    for kind in [PT_GNU_STACK, PT_ARM_EXIDX, PT_TLS, PT_NOTE] {
        builder = builder.with_header(phdr(kind, 0x100, 0x10100, 0x10, 0x10, PF_R));
    }
    // A PT_LOAD with nothing in it maps nothing, so it may be anywhere
    // (GNU ld writes one at 0 for an empty data segment).
    builder = builder.with_header(phdr(PT_LOAD, 0, 0, 0, 0, RW));
    let plan = builder.plan().unwrap();
    assert_eq!(plan.segments.len(), 2);
    assert_eq!(plan.program_header_count, 7);
}

#[test]
fn the_program_header_address_falls_back_to_pt_phdr() {
    let mut builder = Builder::executable();
    // The table is no longer in the text's file bytes, but PT_PHDR says
    // where it is in memory.
    builder.headers[0].offset = 0x1000;
    builder.headers[0].filesz = 0;
    builder.headers[1].offset = 0x2000;
    builder.length = 0x2100;
    let mut with_phdr = builder.clone();
    with_phdr
        .headers
        .push(phdr(PT_PHDR, 52, 0x10034, 0x60, 0x60, PF_R));
    assert_eq!(builder.plan().unwrap().program_headers, VirtAddr(0));
    let plan = with_phdr.plan().unwrap();
    assert_eq!(plan.program_headers, VirtAddr(0x10034));
}

#[test]
fn too_short() {
    let image = Builder::executable().bytes();
    for length in [0, 3, 4, 51] {
        let refused = plan(&image[..length], None);
        assert_refused!(refused, ElfError::TooShort { .. }, Errno::ENOEXEC);
    }
}

#[test]
fn bad_magic() {
    let mut builder = Builder::executable();
    builder.ident[1] = b'e';
    assert_refused!(builder.plan(), ElfError::BadMagic, Errno::ENOEXEC);
}

#[test]
fn not_elfclass32() {
    let mut builder = Builder::executable();
    builder.ident[4] = 2;
    let refused = builder.plan();
    assert_refused!(refused, ElfError::NotClass32 { class: 2 }, Errno::ENOEXEC);
}

#[test]
fn not_little_endian() {
    let mut builder = Builder::executable();
    builder.ident[5] = 2;
    let refused = builder.plan();
    assert_refused!(
        refused,
        ElfError::NotLittleEndian { data: 2 },
        Errno::ENOEXEC
    );
}

#[test]
fn bad_version() {
    let mut builder = Builder::executable();
    builder.ident[6] = 0;
    let refused = builder.plan();
    assert_refused!(refused, ElfError::BadVersion { version: 0 }, Errno::ENOEXEC);
    let mut builder = Builder::executable();
    builder.version = 2;
    let refused = builder.plan();
    assert_refused!(refused, ElfError::BadVersion { version: 2 }, Errno::ENOEXEC);
}

#[test]
fn not_em_arm() {
    let mut builder = Builder::executable();
    builder.machine = 3; // EM_386
    let refused = builder.plan();
    assert_refused!(refused, ElfError::NotArm { machine: 3 }, Errno::ENOEXEC);
}

#[test]
fn not_eabi_version_5() {
    for flags in [0, 0x0400_0000, 0x0600_0200] {
        let mut builder = Builder::executable();
        builder.flags = flags;
        assert_refused!(builder.plan(), ElfError::NotEabi5 { .. }, Errno::ENOEXEC);
    }
    // The float-ABI bits do not matter.
    let mut builder = Builder::executable();
    builder.flags = 0x0500_0400;
    assert!(builder.plan().is_ok());
}

#[test]
fn not_an_executable_type() {
    for kind in [0, 1, 4, 0xFE00] {
        let mut builder = Builder::executable();
        builder.kind = kind;
        assert_refused!(
            builder.plan(),
            ElfError::NotExecutable { .. },
            Errno::ENOEXEC
        );
    }
}

#[test]
fn wrong_program_header_size() {
    let mut builder = Builder::executable();
    builder.program_header_size = 56;
    let refused = builder.plan();
    assert_refused!(
        refused,
        ElfError::BadProgramHeaderSize { size: 56 },
        Errno::ENOEXEC
    );
}

#[test]
fn more_program_headers_than_64_kib() {
    let mut builder = Builder::executable();
    builder.program_header_count = Some(2049);
    let refused = builder.plan();
    assert_refused!(
        refused,
        ElfError::TooManyProgramHeaders { count: 2049 },
        Errno::ENOEXEC
    );
    builder.program_header_count = Some(0xFFFF); // PN_XNUM: extended numbering
    assert_refused!(
        builder.plan(),
        ElfError::TooManyProgramHeaders { .. },
        Errno::ENOEXEC
    );
}

#[test]
fn program_headers_outside_the_file() {
    for offset in [0x10F0, 0x1100, 0xFFFF_FFF0] {
        let mut builder = Builder::executable();
        builder.program_header_offset = offset;
        let refused = builder.plan();
        assert_refused!(
            refused,
            ElfError::ProgramHeadersOutsideFile { .. },
            Errno::ENOEXEC
        );
    }
    let mut builder = Builder::executable();
    builder.program_header_count = Some(2048);
    let refused = builder.plan();
    assert_refused!(
        refused,
        ElfError::ProgramHeadersOutsideFile { .. },
        Errno::ENOEXEC
    );
}

#[test]
fn no_pt_load() {
    let mut builder = Builder::executable();
    builder.headers = vec![phdr(PT_NOTE, 0x100, 0x10100, 0x10, 0x10, PF_R)];
    assert_refused!(builder.plan(), ElfError::NoLoadableSegment, Errno::ENOEXEC);
    builder.headers = Vec::new();
    assert_refused!(builder.plan(), ElfError::NoLoadableSegment, Errno::ENOEXEC);
    builder.headers = vec![phdr(PT_LOAD, 0, 0x10000, 0, 0, RX)];
    assert_refused!(builder.plan(), ElfError::NoLoadableSegment, Errno::ENOEXEC);
    // File bytes with no memory are not "nothing".
    builder.headers = vec![phdr(PT_LOAD, 0, 0x10000, 0x10, 0, RX)];
    let refused = builder.plan();
    assert_refused!(
        refused,
        ElfError::FileSizeAboveMemorySize { index: 0 },
        Errno::EINVAL
    );
}

#[test]
fn file_size_above_memory_size() {
    let mut builder = Builder::executable();
    builder.headers[1].filesz = 0x2001;
    builder.length = 0x4000;
    let refused = builder.plan();
    assert_refused!(
        refused,
        ElfError::FileSizeAboveMemorySize { index: 1 },
        Errno::EINVAL
    );
}

#[test]
fn segment_bytes_outside_the_file() {
    let mut builder = Builder::executable();
    builder.headers[1].filesz = 0x101;
    let refused = builder.plan();
    assert_refused!(
        refused,
        ElfError::SegmentOutsideFile { index: 1 },
        Errno::ENOEXEC
    );
    // Even with nothing to read, the offset must be inside the file.
    let mut builder = Builder::executable();
    builder.headers[1].offset = 0x2000;
    builder.headers[1].filesz = 0;
    let refused = builder.plan();
    assert_refused!(
        refused,
        ElfError::SegmentOutsideFile { index: 1 },
        Errno::ENOEXEC
    );
}

#[test]
fn file_range_overflow() {
    let mut builder = Builder::executable();
    builder.headers[1].offset = 0xFFFF_FF80;
    assert_refused!(builder.plan(), ElfError::Overflow { .. }, Errno::EINVAL);
}

#[test]
fn address_and_offset_disagree_modulo_the_page_size() {
    let mut builder = Builder::executable();
    builder.headers[1].vaddr = 0x21010;
    let refused = builder.plan();
    assert_refused!(
        refused,
        ElfError::MisalignedSegment { index: 1 },
        Errno::EINVAL
    );
}

#[test]
fn segment_below_user_bottom() {
    let mut builder = Builder::executable();
    builder.headers[0].vaddr = 0;
    builder.entry = 0x101;
    let refused = builder.plan();
    assert_refused!(
        refused,
        ElfError::SegmentOutsideUserRange { index: 0, .. },
        Errno::EINVAL
    );
}

#[test]
fn segment_above_the_program_limit_or_in_kernel_space() {
    for vaddr in [
        PROGRAM_LIMIT - 0x1000,
        PROGRAM_LIMIT,
        0x8000_1000,
        0xC000_1000,
    ] {
        let mut builder = Builder::executable();
        builder.headers[1].vaddr = vaddr;
        let refused = builder.plan();
        assert_refused!(
            refused,
            ElfError::SegmentOutsideUserRange { index: 1, .. },
            Errno::EINVAL
        );
    }
    // Ending exactly at the limit is fine.
    let mut builder = Builder::executable();
    builder.headers[1].vaddr = PROGRAM_LIMIT - 0x2000;
    assert!(builder.plan().is_ok());
}

#[test]
fn segment_end_overflow() {
    let mut builder = Builder::executable();
    builder.headers[1].vaddr = 0xFFFF_F000;
    assert_refused!(builder.plan(), ElfError::Overflow { .. }, Errno::EINVAL);
    // Rebasing a PIE can wrap too.
    let mut builder = Builder::position_independent();
    builder.headers[1].vaddr = 0xFFC0_1000;
    assert_refused!(builder.plan(), ElfError::Overflow { .. }, Errno::EINVAL);
}

#[test]
fn overlapping_segments() {
    // Data starting in the text's (only) page.
    let mut builder = Builder::executable();
    builder.headers[1].vaddr = 0x10000;
    let refused = builder.plan();
    let overlap = ElfError::OverlappingSegments {
        first: 0,
        second: 1,
    };
    assert_refused!(refused, ElfError::OverlappingSegments { .. }, Errno::EINVAL);
    assert_eq!(builder.plan().unwrap_err(), overlap);
    // Different bytes of one page count as overlap too.
    let mut builder = Builder::executable();
    builder.headers[1].offset = 0x300;
    builder.headers[1].vaddr = 0x10300;
    let refused = builder.plan();
    assert_refused!(refused, ElfError::OverlappingSegments { .. }, Errno::EINVAL);
    // A big segment swallowing a later one.
    let mut builder = Builder::executable();
    builder.headers[0].memsz = 0x20000;
    let refused = builder.plan();
    assert_refused!(refused, ElfError::OverlappingSegments { .. }, Errno::EINVAL);
}

#[test]
fn writable_and_executable() {
    let mut builder = Builder::executable();
    builder.headers[1].flags = PF_R | PF_W | PF_X;
    let refused = builder.plan();
    assert_refused!(
        refused,
        ElfError::WritableAndExecutable { index: 1 },
        Errno::ENOEXEC
    );
}

#[test]
fn absurd_memory_size() {
    let mut builder = Builder::executable();
    builder.headers[1].memsz = 0x1000_0001;
    assert_refused!(
        builder.plan(),
        ElfError::TooMuchMemory { .. },
        Errno::ENOMEM
    );
    // The total counts, not each segment.
    let mut builder = Builder::executable();
    builder.headers[0].memsz = 0x0800_0000;
    builder.headers[1].vaddr = 0x1000_0000;
    builder.headers[1].memsz = 0x0800_1000;
    assert_refused!(
        builder.plan(),
        ElfError::TooMuchMemory { .. },
        Errno::ENOMEM
    );
    builder.headers[1].memsz = 0x0700_0000;
    assert!(builder.plan().is_ok());
}

#[test]
fn entry_outside_an_executable_segment() {
    for entry in [0, 0x10200, 0x21000, 0x21001, 0xFFFF_FFFF] {
        let mut builder = Builder::executable();
        builder.entry = entry;
        let refused = builder.plan();
        assert_refused!(refused, ElfError::EntryNotExecutable { .. }, Errno::ENOEXEC);
    }
    // Thumb entry points have bit 0 set; the last byte of text is fine.
    let mut builder = Builder::executable();
    builder.entry = 0x101FF;
    assert_eq!(builder.plan().unwrap().entry, VirtAddr(0x101FF));
}

#[test]
fn pt_interp_names_the_interpreter() {
    let path = b"/lib/ld-linux-armhf.so.3\0";
    let builder = Builder::executable()
        .with_header(phdr(PT_INTERP, 0x100, 0x10100, path.len() as u32, 25, PF_R))
        .patch(0x100, path);
    let error = builder.plan().unwrap_err();
    assert_eq!(
        format!("{error}"),
        "needs interpreter /lib/ld-linux-armhf.so.3; KML-rs has no dynamic linker"
    );
    assert_eq!(error.errno(), Errno::ENOEXEC);
    // Even an unreadable one is refused, and still named as well as can be.
    let builder = Builder::executable().with_header(phdr(PT_INTERP, 0x9000, 0, 10, 10, PF_R));
    let error = builder.plan().unwrap_err();
    let path = "?".into();
    assert_eq!(error, ElfError::NeedsInterpreter { path });
}

#[test]
fn dt_needed_names_the_library() {
    let builder = Builder::position_independent()
        .dynamic(&[(5, 0x500), (10, 11), (1, 1)])
        .patch(0x500, b"\0libc.so.6\0");
    let error = builder.plan().unwrap_err();
    let name = "libc.so.6".into();
    assert_eq!(error, ElfError::NeedsLibrary { name });
    assert_eq!(error.errno(), Errno::ENOEXEC);
    assert_eq!(
        format!("{error}"),
        "needs shared library libc.so.6; KML-rs links programs only against linux-vdso.so.1"
    );
    // A name outside DT_STRSZ, or no string table, is still refused.
    for entries in [&[(5, 0x500), (10, 11), (1, 11)][..], &[(1, 1)]] {
        let builder = Builder::position_independent().dynamic(entries);
        let error = builder.plan().unwrap_err();
        assert_eq!(error, ElfError::NeedsLibrary { name: "?".into() });
    }
    // An executable is no different.
    let builder = Builder::executable()
        .with_header(phdr(PT_DYNAMIC, 0x1000, 0x21000, 0x40, 0x40, RW))
        .dynamic(&[(1, 0)]);
    assert_refused!(
        builder.plan(),
        ElfError::NeedsLibrary { .. },
        Errno::ENOEXEC
    );
}

#[test]
fn relocations_the_loader_does_not_apply_are_refused() {
    const R_ARM_TLS_DTPMOD32: u32 = 17;
    let builder = Builder::position_independent().relocations(0x408, &[(0x1108, R_ARM_COPY)]);
    let error = builder.plan().unwrap_err();
    let unsupported = ElfError::UnsupportedRelocation {
        kind: R_ARM_COPY,
        offset: 0x1108,
    };
    assert_eq!(error, unsupported);
    assert_eq!(error.errno(), Errno::ENOEXEC);
    // Also through DT_JMPREL (a PLT), and in an executable.
    let builder = Builder::position_independent()
        .dynamic(&[(23, 0x410), (2, 8), (20, 17)])
        .relocations(0x410, &[(0x110C, R_ARM_TLS_DTPMOD32)]);
    let refused = builder.plan();
    assert_refused!(
        refused,
        ElfError::UnsupportedRelocation { kind: 17, .. },
        Errno::ENOEXEC
    );
    let builder = Builder::executable()
        .with_header(phdr(PT_DYNAMIC, 0x1000, 0x21000, 0x40, 0x40, RW))
        .dynamic(&[(17, 0x10100), (18, 8)])
        .relocations(0x100, &[(0x21000, R_ARM_COPY)]);
    assert_refused!(
        builder.plan(),
        ElfError::UnsupportedRelocation { .. },
        Errno::ENOEXEC
    );
}

#[test]
fn relative_relocations_in_an_executable_are_checked_but_not_listed() {
    let builder = Builder::executable()
        .with_header(phdr(PT_DYNAMIC, 0x1000, 0x21000, 0x40, 0x40, RW))
        .dynamic(&[(17, 0x10100), (18, 8)])
        .relocations(0x100, &[(0x21000, R_ARM_RELATIVE)]);
    assert!(builder.plan().unwrap().relative_relocations.is_empty());
}

#[test]
fn malformed_dynamic_sections() {
    let cases: [(&[(u32, u32)], &str); 6] = [
        (&[(7, 0x400), (8, 12)], "RELA"),
        (&[(23, 0x400), (2, 12), (20, 7)], "RELA"),
        (&[(17, 0x400), (18, 16), (19, 12)], "DT_RELENT"),
        (&[(17, 0x400), (18, 12)], "multiple of 8"),
        (&[(18, 8)], "without a table"),
        (&[(17, 0x900), (18, 8)], "outside the file bytes"),
    ];
    for (entries, what) in cases {
        let builder = Builder::position_independent().dynamic(entries);
        let error = builder.plan().unwrap_err();
        assert!(
            matches!(error, ElfError::BadDynamicSection { .. })
                && format!("{error}").contains(what),
            "{entries:x?}: {error}"
        );
        assert_eq!(error.errno(), Errno::ENOEXEC);
    }
    // A PT_DYNAMIC past the end of the file.
    let mut builder = Builder::position_independent();
    builder.headers[2].offset = 0x11F0;
    assert_refused!(
        builder.plan(),
        ElfError::BadDynamicSection { .. },
        Errno::ENOEXEC
    );
    // A table in .bss (memory but no file bytes).
    let builder = Builder::position_independent().dynamic(&[(17, 0x1800), (18, 8)]);
    assert_refused!(
        builder.plan(),
        ElfError::BadDynamicSection { .. },
        Errno::ENOEXEC
    );
}

#[test]
fn relocation_targets_must_be_aligned_words_inside_a_segment() {
    for target in [0x2000, 0x1FFE, 0x1102, 0x800, 0xFFFF_FFFC] {
        let builder = Builder::position_independent().relocations(0x400, &[(target, 23)]);
        let refused = builder.plan();
        assert_refused!(
            refused,
            ElfError::BadRelocationTarget { .. } | ElfError::Overflow { .. },
            Errno::EINVAL
        );
    }
    // The last word of .bss is fine.
    let builder = Builder::position_independent().relocations(0x400, &[(0x1FFC, 23)]);
    let plan = builder.plan().unwrap();
    assert_eq!(plan.relative_relocations[0], VirtAddr(PIE_BASE + 0x1FFC));
}

#[test]
fn the_static_fixture_loads_at_its_link_address() {
    let plan = plan(HELLO_STATIC, None).unwrap();
    assert_eq!(plan.kind, ElfKind::Executable);
    assert_eq!(plan.entry.0 & 1, 1, "built for Thumb");
    let text = plan.segments[0];
    assert!(text.executable && !text.writable && text.start == VirtAddr(0x10000));
    let data = plan.segments[1];
    assert!(data.writable && !data.executable && data.memory_size > data.file_size);
    assert_eq!(plan.program_headers, VirtAddr(0x10034));
    assert_eq!(plan.program_header_count, 3);
    assert_eq!(plan.program_break, data.end().align_up(PAGE_SIZE).unwrap());
    assert!(plan.relative_relocations.is_empty());
}

#[test]
fn the_static_pie_fixture_loads_at_pie_base_with_its_relocation() {
    let plan = plan(HELLO_STATIC_PIE, None).unwrap();
    let base = VirtAddr(PIE_BASE);
    assert_eq!(plan.kind, ElfKind::PositionIndependent { base });
    assert_eq!(plan.segments[0].start, base);
    assert_eq!(plan.entry, VirtAddr(PIE_BASE + 0x129));
    assert_eq!(plan.program_headers, VirtAddr(PIE_BASE + 0x34));
    // `message_pointer` in .data (readelf -r: 0x200c R_ARM_RELATIVE).
    assert_eq!(plan.relative_relocations, [VirtAddr(PIE_BASE + 0x200C)]);
    assert_eq!(plan.program_break, VirtAddr(PIE_BASE + 0x5000));
}

#[test]
fn the_dynamic_fixture_is_refused_naming_libc() {
    // It has a PT_INTERP too; the library is the more useful name.
    let error = plan(HELLO_DYNAMIC, Some(exports())).unwrap_err();
    let name = "libc.so.6".into();
    assert_eq!(error, ElfError::NeedsLibrary { name });
    // Without its DT_NEEDED (made a DT_DEBUG here), the interpreter is
    // named instead: it is all the program asks for.
    let mut image = HELLO_DYNAMIC.to_vec();
    let header = read_header(&image).unwrap();
    let headers = read_program_headers(&image, &header).unwrap();
    let dynamic = headers.iter().find(|h| h.p_type == PT_DYNAMIC).unwrap();
    let start = dynamic.p_offset as usize;
    for entry in (start..start + dynamic.p_filesz as usize).step_by(8) {
        if image[entry..entry + 4] == 1u32.to_le_bytes() {
            image[entry..entry + 4].copy_from_slice(&21u32.to_le_bytes());
        }
    }
    let path = "/lib/ld-linux-armhf.so.3".into();
    let error = plan(&image, Some(exports())).unwrap_err();
    assert_eq!(error, ElfError::NeedsInterpreter { path });
}

#[test]
fn every_error_is_one_line() {
    let errors = [
        ElfError::TooShort { length: 3 },
        ElfError::BadMagic,
        ElfError::NotClass32 { class: 2 },
        ElfError::NotLittleEndian { data: 2 },
        ElfError::BadVersion { version: 0 },
        ElfError::NotArm { machine: 3 },
        ElfError::NotEabi5 { flags: 0 },
        ElfError::NotExecutable { kind: 1 },
        ElfError::BadProgramHeaderSize { size: 56 },
        ElfError::TooManyProgramHeaders { count: 9999 },
        ElfError::ProgramHeadersOutsideFile {
            offset: 52,
            count: 3,
        },
        ElfError::NoLoadableSegment,
        ElfError::NeedsInterpreter { path: "/x".into() },
        ElfError::NeedsLibrary { name: "x".into() },
        ElfError::NoVdso,
        ElfError::MissingSymbol { name: "x".into() },
        ElfError::WrongSymbolVersion {
            name: "x".into(),
            version: "V".into(),
            library: "l".into(),
        },
        ElfError::ImportWithoutLibrary { name: "x".into() },
        ElfError::BadDynamicSection { what: "x" },
        ElfError::UnsupportedRelocation { kind: 2, offset: 4 },
        ElfError::SegmentOutsideFile { index: 1 },
        ElfError::FileSizeAboveMemorySize { index: 1 },
        ElfError::MisalignedSegment { index: 1 },
        ElfError::SegmentOutsideUserRange {
            index: 1,
            start: VirtAddr(0),
        },
        ElfError::Overflow { what: "x" },
        ElfError::OverlappingSegments {
            first: 0,
            second: 1,
        },
        ElfError::WritableAndExecutable { index: 1 },
        ElfError::TooMuchMemory { total: 1 << 30 },
        ElfError::EntryNotExecutable { entry: VirtAddr(0) },
        ElfError::BadRelocationTarget {
            address: VirtAddr(0),
        },
    ];
    for error in errors {
        let line = format!("{error}");
        assert!(!line.is_empty() && !line.contains('\n'), "{line:?}");
    }
}
