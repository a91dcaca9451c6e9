// SPDX-License-Identifier: MIT OR Apache-2.0
//! ELF to flat binary: the image QEMU's `-kernel` and U-Boot load.
//!
//! The image is what a loader would put in physical memory: each `PT_LOAD`
//! segment's file bytes (`p_filesz`) at its physical address (`p_paddr`),
//! starting at the lowest such address, with the gaps between segments filled
//! with zeros. `.bss` (the `p_memsz - p_filesz` tail) is not in the image; the
//! kernel clears it at boot. Segments without file bytes do not move the start
//! of the image, so a stack placed below the text cannot shift the load address.
//!
//! We refuse layouts that would produce a silly file (more than
//! [`MAX_SPAN`] between first and last byte, say because one segment was
//! linked at a virtual address by mistake) rather than write a 3 GiB image.

use goblin::elf::Elf;
use goblin::elf::header::{ELFCLASS32, EM_ARM};
use goblin::elf::program_header::PT_LOAD;

use crate::error::{Context, Result, bail};

/// The largest distance from the first to the last image byte we accept.
pub const MAX_SPAN: u64 = 64 * 1024 * 1024;

/// A flat image and where it must be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatImage {
    /// Physical address of the first byte.
    pub load_address: u64,
    /// The entry point from the ELF header (a virtual address if the kernel
    /// is linked high).
    pub entry: u64,
    /// The bytes, from `load_address` on.
    pub bytes: Vec<u8>,
    /// Physical address past the last byte of any segment in memory, `.bss`
    /// included: what the kernel occupies once it has cleared `.bss`.
    pub memory_end: u64,
}

/// One `PT_LOAD` segment, reduced to what the image needs.
struct Segment {
    paddr: u64,
    offset: u64,
    filesz: u64,
    memsz: u64,
}

/// Converts an ARM ELF32 file into a [`FlatImage`].
pub fn elf_to_flat(elf_bytes: &[u8]) -> Result<FlatImage> {
    let elf = Elf::parse(elf_bytes).context("not a valid ELF file")?;
    if elf.header.e_ident[4] != ELFCLASS32 || elf.header.e_machine != EM_ARM {
        bail!(
            "not a 32-bit ARM ELF file (machine {})",
            elf.header.e_machine
        );
    }
    let mut segments: Vec<Segment> = elf
        .program_headers
        .iter()
        .filter(|header| header.p_type == PT_LOAD)
        .map(|header| Segment {
            paddr: header.p_paddr,
            offset: header.p_offset,
            filesz: header.p_filesz,
            memsz: header.p_memsz,
        })
        .collect();
    if segments.is_empty() {
        bail!("the ELF file has no PT_LOAD segment");
    }
    segments.sort_by_key(|segment| segment.paddr);
    check_segments(&segments, elf_bytes.len() as u64)?;

    let with_bytes: Vec<&Segment> = segments.iter().filter(|s| s.filesz > 0).collect();
    let Some(first) = with_bytes.first() else {
        bail!("no PT_LOAD segment has file contents");
    };
    let start = first.paddr;
    let end = with_bytes
        .iter()
        .map(|s| s.paddr + s.filesz)
        .max()
        .unwrap_or(start);
    if end - start > MAX_SPAN {
        bail!(
            "PT_LOAD segments span {:#x}..{:#x} ({} MiB), more than the {} MiB \
             an image may cover; is a segment linked at a virtual address?",
            start,
            end,
            (end - start) >> 20,
            MAX_SPAN >> 20
        );
    }

    let mut bytes = vec![0u8; (end - start) as usize];
    for segment in with_bytes {
        let at = (segment.paddr - start) as usize;
        let from = segment.offset as usize;
        let len = segment.filesz as usize;
        bytes[at..at + len].copy_from_slice(&elf_bytes[from..from + len]);
    }
    let memory_end = segments
        .iter()
        .map(|s| s.paddr + s.memsz)
        .max()
        .unwrap_or(end)
        .max(end);
    Ok(FlatImage {
        load_address: start,
        entry: elf.entry,
        bytes,
        memory_end,
    })
}

/// Rejects segments that lie outside the file, claim more file bytes than
/// memory, wrap the address space or overlap in physical memory. `segments`
/// is sorted by `paddr`.
fn check_segments(segments: &[Segment], file_len: u64) -> Result<()> {
    let mut previous_end: Option<u64> = None;
    for segment in segments {
        let file_end = segment.offset.checked_add(segment.filesz);
        if file_end.is_none_or(|end| end > file_len) {
            bail!(
                "PT_LOAD segment at {:#x} reads past the end of the file",
                segment.paddr
            );
        }
        if segment.filesz > segment.memsz {
            bail!(
                "PT_LOAD segment at {:#x} has more file bytes ({:#x}) than memory ({:#x})",
                segment.paddr,
                segment.filesz,
                segment.memsz
            );
        }
        let Some(end) = segment.paddr.checked_add(segment.memsz) else {
            bail!("PT_LOAD segment at {:#x} wraps around", segment.paddr);
        };
        if segment.memsz == 0 {
            continue;
        }
        if let Some(previous_end) = previous_end
            && segment.paddr < previous_end
        {
            bail!(
                "PT_LOAD segments overlap at physical address {:#x}",
                segment.paddr
            );
        }
        previous_end = Some(end);
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A `PT_LOAD` segment for [`elf32`]: physical address, contents, and
    /// memory size (at least `data.len()`).
    pub(crate) struct TestSegment<'a> {
        pub paddr: u32,
        pub data: &'a [u8],
        pub memsz: u32,
    }

    /// Builds a minimal little-endian ARM ELF32 executable: header, program
    /// headers, then each segment's bytes. Virtual addresses are the physical
    /// ones plus 0xC000_0000, as for a kernel linked high.
    pub(crate) fn elf32(entry: u32, segments: &[TestSegment<'_>]) -> Vec<u8> {
        const EHSIZE: u32 = 52;
        const PHENTSIZE: u32 = 32;
        let count = u32::try_from(segments.len()).expect("few segments");
        let mut out = Vec::new();
        out.extend_from_slice(&[0x7f, b'E', b'L', b'F', 1, 1, 1, 0]);
        out.extend_from_slice(&[0; 8]);
        let half = |out: &mut Vec<u8>, v: u16| out.extend_from_slice(&v.to_le_bytes());
        let word = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_le_bytes());
        half(&mut out, 2); // e_type: ET_EXEC
        half(&mut out, 40); // e_machine: EM_ARM
        word(&mut out, 1); // e_version
        word(&mut out, entry);
        word(&mut out, EHSIZE); // e_phoff
        word(&mut out, 0); // e_shoff
        word(&mut out, 0x0500_0200); // e_flags: EABI5, soft-float
        half(&mut out, EHSIZE as u16);
        half(&mut out, PHENTSIZE as u16);
        half(&mut out, count as u16);
        half(&mut out, 40); // e_shentsize
        half(&mut out, 0); // e_shnum
        half(&mut out, 0); // e_shstrndx
        let mut offset = EHSIZE + PHENTSIZE * count;
        for segment in segments {
            let filesz = segment.data.len() as u32;
            word(&mut out, PT_LOAD);
            word(&mut out, offset);
            word(&mut out, segment.paddr.wrapping_add(0xC000_0000)); // p_vaddr
            word(&mut out, segment.paddr);
            word(&mut out, filesz);
            word(&mut out, segment.memsz.max(filesz));
            word(&mut out, 5); // p_flags: R+X
            word(&mut out, 4); // p_align
            offset += filesz;
        }
        for segment in segments {
            out.extend_from_slice(segment.data);
        }
        out
    }

    #[test]
    fn two_segments_with_a_gap_are_zero_filled() {
        // Given in reverse order to check that the image is sorted by address.
        let elf = elf32(
            0xC001_0000,
            &[
                TestSegment {
                    paddr: 0x1001_0010,
                    data: &[5, 6, 7],
                    memsz: 0x100,
                },
                TestSegment {
                    paddr: 0x1001_0000,
                    data: &[1, 2, 3, 4],
                    memsz: 4,
                },
            ],
        );
        let image = elf_to_flat(&elf).expect("valid layout");
        assert_eq!(image.load_address, 0x1001_0000);
        assert_eq!(image.entry, 0xC001_0000);
        assert_eq!(image.memory_end, 0x1001_0110);
        // 0x10 bytes up to the second segment, then its 3 file bytes; the
        // 0x100 - 3 bytes of .bss are not in the image.
        let mut expected = vec![1, 2, 3, 4];
        expected.resize(0x10, 0);
        expected.extend_from_slice(&[5, 6, 7]);
        assert_eq!(image.bytes, expected);
    }

    #[test]
    fn a_bss_only_segment_below_does_not_move_the_start() {
        let elf = elf32(
            0,
            &[
                TestSegment {
                    paddr: 0x4000_0000,
                    data: &[],
                    memsz: 0x1000,
                },
                TestSegment {
                    paddr: 0x4001_0000,
                    data: &[9],
                    memsz: 1,
                },
            ],
        );
        let image = elf_to_flat(&elf).expect("valid layout");
        assert_eq!(image.load_address, 0x4001_0000);
        assert_eq!(image.bytes, vec![9]);
    }

    #[test]
    fn absurd_layouts_are_refused() {
        let far_apart = elf32(
            0,
            &[
                TestSegment {
                    paddr: 0x1000_0000,
                    data: &[1],
                    memsz: 1,
                },
                TestSegment {
                    paddr: 0xC000_0000,
                    data: &[2],
                    memsz: 1,
                },
            ],
        );
        let error = elf_to_flat(&far_apart).unwrap_err().to_string();
        assert!(error.contains("more than the 64 MiB"), "{error}");

        let none = elf32(0, &[]);
        let error = elf_to_flat(&none).unwrap_err().to_string();
        assert!(error.contains("no PT_LOAD"), "{error}");

        let overlapping = elf32(
            0,
            &[
                TestSegment {
                    paddr: 0x1000,
                    data: &[1, 2],
                    memsz: 0x100,
                },
                TestSegment {
                    paddr: 0x1010,
                    data: &[3],
                    memsz: 1,
                },
            ],
        );
        let error = elf_to_flat(&overlapping).unwrap_err().to_string();
        assert!(error.contains("overlap"), "{error}");

        assert!(elf_to_flat(b"not an elf").is_err());
    }

    #[test]
    fn truncated_segment_data_is_refused() {
        let mut elf = elf32(
            0,
            &[TestSegment {
                paddr: 0x1000,
                data: &[1; 16],
                memsz: 16,
            }],
        );
        elf.truncate(elf.len() - 8);
        let error = elf_to_flat(&elf).unwrap_err().to_string();
        assert!(error.contains("past the end"), "{error}");
    }
}
