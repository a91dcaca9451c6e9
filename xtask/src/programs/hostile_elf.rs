// SPDX-License-Identifier: MIT OR Apache-2.0
//! Hostile ELF files: a good program with one defect planted, per case.
//!
//! Plain byte surgery on the ELF32 header and program headers (offsets from
//! the System V gABI), so each file differs from a program the kernel runs
//! in exactly one way, and a refusal can only be for that defect. The cases
//! follow the loader checks of issue 3; `bad-magic` to `truncated` break the
//! file header, the rest the segments or the entry point.

use crate::error::{Context, Result, bail};

/// ELF32 header fields we touch: byte offsets (System V gABI, ELF32).
const EI_CLASS: usize = 4;
const EI_DATA: usize = 5;
const E_MACHINE: usize = 18;
const E_ENTRY: usize = 24;
const E_PHOFF: usize = 28;
const E_PHENTSIZE: usize = 42;
const E_PHNUM: usize = 44;
/// Size of the ELF32 file header.
const EHDR_SIZE: usize = 52;
/// Program header fields, offsets inside one 32-byte entry.
const P_TYPE: usize = 0;
const P_OFFSET: usize = 4;
const P_VADDR: usize = 8;
const P_PADDR: usize = 12;
const P_FILESZ: usize = 16;
const P_MEMSZ: usize = 20;
const P_FLAGS: usize = 24;
const PHDR_SIZE: usize = 32;

const ELFCLASS32: u8 = 1;
const ELFCLASS64: u8 = 2;
const ELFDATA2LSB: u8 = 1;
const ELFDATA2MSB: u8 = 2;
const EM_386: u16 = 3;
const EM_ARM: u16 = 40;
const PT_LOAD: u32 = 1;
const PF_X: u32 = 1;
const PF_W: u32 = 2;
const PF_R: u32 = 4;

/// First address of kernel space (the TTBR1 half the kernel owns).
const KERNEL_BASE: u32 = 0xC000_0000;
/// A p_memsz that wraps the 32-bit address space from any user address.
const ABSURD_MEMSZ: u32 = 0xFFFF_F000;
/// Bytes left of a truncated file: less than the 52-byte header.
const TRUNCATED_LENGTH: usize = 40;

/// One defect, planted in a copy of a good program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corruption {
    /// `\x7fELG` instead of `\x7fELF`.
    BadMagic,
    /// ELFCLASS64 in an ELF32 file.
    BadClass,
    /// ELFDATA2MSB: big-endian, which EABI programs never are.
    BigEndian,
    /// e_machine EM_386 instead of EM_ARM.
    WrongMachine,
    /// Cut to 40 bytes, shorter than the ELF header.
    Truncated,
    /// e_phoff at the end of the file: the program headers are outside it.
    HeadersPastEnd,
    /// The data segment's p_filesz runs 4 KiB past the end of the file.
    SegmentPastEnd,
    /// The second PT_LOAD moved onto the first one's page.
    OverlappingSegments,
    /// The data segment at 0xC000_0000, in kernel space.
    KernelSegment,
    /// The text segment writable as well as executable (W^X broken).
    WritableExecutable,
    /// The data segment's p_memsz wraps the address space.
    AbsurdMemsz,
    /// e_entry in the data segment, which is not executable.
    EntryOutsideText,
}

impl Corruption {
    /// Every case, in the order they are written.
    pub const ALL: [Corruption; 12] = [
        Corruption::BadMagic,
        Corruption::BadClass,
        Corruption::BigEndian,
        Corruption::WrongMachine,
        Corruption::Truncated,
        Corruption::HeadersPastEnd,
        Corruption::SegmentPastEnd,
        Corruption::OverlappingSegments,
        Corruption::KernelSegment,
        Corruption::WritableExecutable,
        Corruption::AbsurdMemsz,
        Corruption::EntryOutsideText,
    ];

    /// The file's name under `bad/`.
    pub fn file_name(self) -> &'static str {
        match self {
            Corruption::BadMagic => "bad-magic",
            Corruption::BadClass => "bad-class",
            Corruption::BigEndian => "big-endian",
            Corruption::WrongMachine => "wrong-machine",
            Corruption::Truncated => "truncated",
            Corruption::HeadersPastEnd => "headers-past-end",
            Corruption::SegmentPastEnd => "segment-past-end",
            Corruption::OverlappingSegments => "overlapping-segments",
            Corruption::KernelSegment => "kernel-segment",
            Corruption::WritableExecutable => "writable-executable",
            Corruption::AbsurdMemsz => "absurd-memsz",
            Corruption::EntryOutsideText => "entry-outside-text",
        }
    }

    /// A copy of `elf`, a good ARM ELF32 program with an executable and a
    /// separate writable PT_LOAD, with this one defect planted.
    pub fn apply(self, elf: &[u8]) -> Result<Vec<u8>> {
        let layout = Layout::parse(elf)?;
        let mut out = elf.to_vec();
        match self {
            Corruption::BadMagic => out[3] = b'G',
            Corruption::BadClass => out[EI_CLASS] = ELFCLASS64,
            Corruption::BigEndian => out[EI_DATA] = ELFDATA2MSB,
            Corruption::WrongMachine => put_u16(&mut out, E_MACHINE, EM_386),
            Corruption::Truncated => out.truncate(TRUNCATED_LENGTH),
            Corruption::HeadersPastEnd => put_u32(&mut out, E_PHOFF, word(elf.len())?),
            Corruption::SegmentPastEnd => {
                let data = layout.data;
                let offset = get_u32(elf, data + P_OFFSET) as usize;
                let filesz = word(elf.len().saturating_sub(offset) + 4096)?;
                let memsz = get_u32(elf, data + P_MEMSZ).max(filesz);
                put_u32(&mut out, data + P_FILESZ, filesz);
                put_u32(&mut out, data + P_MEMSZ, memsz);
            }
            Corruption::OverlappingSegments => {
                let first = get_u32(elf, layout.loads[0] + P_VADDR);
                let second = layout.loads[1];
                let moved = (first & !0xfff) | (get_u32(elf, second + P_VADDR) & 0xfff);
                put_u32(&mut out, second + P_VADDR, moved);
                put_u32(&mut out, second + P_PADDR, moved);
            }
            Corruption::KernelSegment => {
                let data = layout.data;
                let moved = KERNEL_BASE | (get_u32(elf, data + P_VADDR) & 0xfff);
                put_u32(&mut out, data + P_VADDR, moved);
                put_u32(&mut out, data + P_PADDR, moved);
            }
            Corruption::WritableExecutable => {
                put_u32(&mut out, layout.text + P_FLAGS, PF_R | PF_W | PF_X);
            }
            Corruption::AbsurdMemsz => put_u32(&mut out, layout.data + P_MEMSZ, ABSURD_MEMSZ),
            Corruption::EntryOutsideText => {
                put_u32(&mut out, E_ENTRY, get_u32(elf, layout.data + P_VADDR));
            }
        }
        Ok(out)
    }
}

/// Where the program headers of a good file are: byte offsets of each
/// PT_LOAD entry, of the executable one and of the writable one.
#[derive(Debug)]
struct Layout {
    loads: Vec<usize>,
    text: usize,
    data: usize,
}

impl Layout {
    /// Checks `elf` is a good little-endian ARM ELF32 with at least two
    /// PT_LOADs, one executable and a different, writable one.
    fn parse(elf: &[u8]) -> Result<Layout> {
        if elf.len() < EHDR_SIZE || &elf[..4] != b"\x7fELF" {
            bail!("not an ELF file");
        }
        if elf[EI_CLASS] != ELFCLASS32 || elf[EI_DATA] != ELFDATA2LSB {
            bail!("not a little-endian ELF32 file");
        }
        if get_u16(elf, E_MACHINE) != EM_ARM {
            bail!("not an ARM program");
        }
        let phoff = get_u32(elf, E_PHOFF) as usize;
        let phnum = usize::from(get_u16(elf, E_PHNUM));
        if usize::from(get_u16(elf, E_PHENTSIZE)) != PHDR_SIZE
            || phoff
                .checked_add(phnum * PHDR_SIZE)
                .is_none_or(|end| end > elf.len())
        {
            bail!("program headers are malformed");
        }
        let loads: Vec<usize> = (0..phnum)
            .map(|index| phoff + index * PHDR_SIZE)
            .filter(|&entry| get_u32(elf, entry + P_TYPE) == PT_LOAD)
            .collect();
        let flags = |entry: usize| get_u32(elf, entry + P_FLAGS);
        let text = loads
            .iter()
            .copied()
            .find(|&entry| flags(entry) & PF_X != 0);
        let data = loads
            .iter()
            .copied()
            .rev()
            .find(|&entry| flags(entry) & PF_W != 0);
        match (text, data) {
            (Some(text), Some(data)) if text != data && loads.len() >= 2 => {
                Ok(Layout { loads, text, data })
            }
            _ => bail!("needs an executable and a separate writable PT_LOAD"),
        }
    }
}

/// `value` as an ELF32 word, or an error if the file is too large for one.
fn word(value: usize) -> Result<u32> {
    u32::try_from(value).context("file too large for ELF32")
}

fn get_u16(bytes: &[u8], offset: usize) -> u16 {
    u16::from_le_bytes([bytes[offset], bytes[offset + 1]])
}

fn get_u32(bytes: &[u8], offset: usize) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(&bytes[offset..offset + 4]);
    u32::from_le_bytes(word)
}

fn put_u16(bytes: &mut [u8], offset: usize, value: u16) {
    bytes[offset..offset + 2].copy_from_slice(&value.to_le_bytes());
}

fn put_u32(bytes: &mut [u8], offset: usize, value: u32) {
    bytes[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A three-segment program shaped like the linked test programs:
    /// text R+X at 0x10000, rodata R at 0x11000, data R+W at 0x12000 with
    /// .bss (memsz > filesz); 0x3000 bytes long.
    fn good_elf() -> Vec<u8> {
        let mut elf = vec![0u8; 0x3000];
        elf[..4].copy_from_slice(b"\x7fELF");
        elf[EI_CLASS] = ELFCLASS32;
        elf[EI_DATA] = ELFDATA2LSB;
        elf[6] = 1; // EI_VERSION
        put_u16(&mut elf, 16, 2); // ET_EXEC
        put_u16(&mut elf, E_MACHINE, EM_ARM);
        put_u32(&mut elf, 20, 1); // e_version
        put_u32(&mut elf, E_ENTRY, 0x1_0074);
        put_u32(&mut elf, E_PHOFF, EHDR_SIZE as u32);
        put_u32(&mut elf, 36, 0x0500_0200); // EABI5, soft-float
        put_u16(&mut elf, 40, EHDR_SIZE as u16);
        put_u16(&mut elf, E_PHENTSIZE, PHDR_SIZE as u16);
        put_u16(&mut elf, E_PHNUM, 3);
        let segments = [
            (0x0000, 0x1_0000, 0x100, 0x100, PF_R | PF_X),
            (0x1000, 0x1_1000, 0x10, 0x10, PF_R),
            (0x2000, 0x1_2000, 0x4, 0x24, PF_R | PF_W),
        ];
        for (index, (offset, vaddr, filesz, memsz, flags)) in segments.into_iter().enumerate() {
            let entry = EHDR_SIZE + index * PHDR_SIZE;
            put_u32(&mut elf, entry + P_TYPE, PT_LOAD);
            put_u32(&mut elf, entry + P_OFFSET, offset);
            put_u32(&mut elf, entry + P_VADDR, vaddr);
            put_u32(&mut elf, entry + P_PADDR, vaddr);
            put_u32(&mut elf, entry + P_FILESZ, filesz);
            put_u32(&mut elf, entry + P_MEMSZ, memsz);
            put_u32(&mut elf, entry + P_FLAGS, flags);
            put_u32(&mut elf, entry + 28, 0x1000);
        }
        elf
    }

    /// Offset of program header `index` in `good_elf`.
    fn phdr(index: usize) -> usize {
        EHDR_SIZE + index * PHDR_SIZE
    }

    #[test]
    fn the_good_elf_parses() {
        let layout = Layout::parse(&good_elf()).unwrap();
        assert_eq!(layout.loads, [phdr(0), phdr(1), phdr(2)]);
        assert_eq!((layout.text, layout.data), (phdr(0), phdr(2)));
        // goblin, which the kernel also uses, agrees the base is sound.
        let good = good_elf();
        let parsed = goblin::elf::Elf::parse(&good).unwrap();
        assert_eq!(parsed.program_headers.len(), 3);
    }

    #[test]
    fn every_case_changes_the_file_and_is_named_once() {
        let good = good_elf();
        let mut names: Vec<&str> = Corruption::ALL
            .iter()
            .map(|case| case.file_name())
            .collect();
        for case in Corruption::ALL {
            assert_ne!(case.apply(&good).unwrap(), good, "{case:?}");
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Corruption::ALL.len());
    }

    #[test]
    fn header_cases_touch_the_header_only() {
        let good = good_elf();
        let changed = |case: Corruption| -> Vec<usize> {
            let bad = case.apply(&good).unwrap();
            (0..good.len())
                .filter(|&index| bad[index] != good[index])
                .collect()
        };
        assert_eq!(changed(Corruption::BadMagic), [3]);
        assert_eq!(changed(Corruption::BadClass), [EI_CLASS]);
        assert_eq!(changed(Corruption::BigEndian), [EI_DATA]);
        assert_eq!(changed(Corruption::WrongMachine), [E_MACHINE]);
        let bad = Corruption::WrongMachine.apply(&good).unwrap();
        assert_eq!(get_u16(&bad, E_MACHINE), EM_386);
    }

    #[test]
    fn truncated_and_headers_past_end_leave_no_readable_headers() {
        let good = good_elf();
        assert_eq!(
            Corruption::Truncated.apply(&good).unwrap().len(),
            TRUNCATED_LENGTH
        );
        let bad = Corruption::HeadersPastEnd.apply(&good).unwrap();
        assert_eq!(get_u32(&bad, E_PHOFF) as usize, good.len());
        assert!(goblin::elf::Elf::parse(&bad).is_err());
    }

    #[test]
    fn segment_cases_plant_their_defect() {
        let good = good_elf();
        let data = phdr(2);

        let bad = Corruption::SegmentPastEnd.apply(&good).unwrap();
        let end = get_u32(&bad, data + P_OFFSET) + get_u32(&bad, data + P_FILESZ);
        assert!(end as usize > good.len());
        assert!(get_u32(&bad, data + P_MEMSZ) >= get_u32(&bad, data + P_FILESZ));

        let bad = Corruption::OverlappingSegments.apply(&good).unwrap();
        assert_eq!(get_u32(&bad, phdr(1) + P_VADDR), 0x1_0000);
        assert_eq!(get_u32(&bad, phdr(1) + P_PADDR), 0x1_0000);

        let bad = Corruption::KernelSegment.apply(&good).unwrap();
        assert_eq!(get_u32(&bad, data + P_VADDR), KERNEL_BASE);

        let bad = Corruption::WritableExecutable.apply(&good).unwrap();
        assert_eq!(get_u32(&bad, phdr(0) + P_FLAGS), PF_R | PF_W | PF_X);

        let bad = Corruption::AbsurdMemsz.apply(&good).unwrap();
        let vaddr = get_u32(&bad, data + P_VADDR);
        assert!(vaddr.checked_add(get_u32(&bad, data + P_MEMSZ)).is_none());

        let bad = Corruption::EntryOutsideText.apply(&good).unwrap();
        assert_eq!(get_u32(&bad, E_ENTRY), 0x1_2000);
    }

    #[test]
    fn refuses_bases_it_cannot_corrupt_precisely() {
        assert!(Corruption::BadMagic.apply(b"not an elf").is_err());
        let mut one_segment = good_elf();
        put_u16(&mut one_segment, E_PHNUM, 1);
        assert!(Corruption::KernelSegment.apply(&one_segment).is_err());
        let mut big_endian = good_elf();
        big_endian[EI_DATA] = ELFDATA2MSB;
        assert!(Corruption::BadMagic.apply(&big_endian).is_err());
    }
}
