// SPDX-License-Identifier: MIT OR Apache-2.0
//! The kernel image's header: what boot loaders and xtask read in its first bytes.
//!
//! The kernel's first 0x50 bytes are a Linux ARM zImage header, so U-Boot's
//! `bootz` (and barebox, kexec) accept `kml.bin` as it is. The layout is
//! that of Linux's `arch/arm/boot/compressed/head.S` (the words after
//! `start:`) and `vmlinux.lds.S` (`_magic_sig`, `_magic_start`,
//! `_magic_end`, `_magic_table`); U-Boot's `arch/arm/lib/zimage.c`
//! (`struct arm_z_header`) reads the first three fields:
//!
//! | offset | Linux                         | here                                  |
//! |--------|-------------------------------|---------------------------------------|
//! | 0x00   | 8 NOPs (`mov r0, r0`)         | the same                              |
//! | 0x20   | `b 1f`                        | `b kml_reset`, past the table         |
//! | 0x24   | magic 0x016F_2818             | the same                              |
//! | 0x28   | start: load/run address, 0 if position independent | the link (physical) address of `_start` |
//! | 0x2C   | end: `_edata`                 | start + the image's size in bytes     |
//! | 0x30   | endianness flag 0x0403_0201   | the same (little endian)              |
//! | 0x34   | magic 0x4545_4545: a table follows | the same                         |
//! | 0x38   | table offset from the start   | [`TABLE_OFFSET`]                      |
//!
//! The table is Linux's tagged list (`struct arm_zimage_tag` in Linux's
//! `arch/arm/include/asm/image.h`): each entry is its size in words (header
//! included), a tag, then data; a size of 0 ends the list. Linux puts its
//! `KRNL_SIZE` tag there; readers skip tags they do not know. Ours has one
//! entry, [`EMBEDDED_INITRD_TAG`]: the offset (from the image's first byte)
//! and size of a ramdisk appended to the image, both 0 when there is none.
//! `cargo xtask build --embed-initrd` fills it in and moves `end` past the
//! ramdisk; the reset code copies `end - start` bytes when it relocates, so
//! the ramdisk moves with the kernel.
//!
//! U-Boot's `bootz` uses `end - start` only as the size to reserve and
//! jumps to the address the image was loaded at, which is why the reset
//! code relocates the image (see `boot`): the image runs wherever it is
//! loaded, as long as that is at least [`RELOCATION_HEAD`] bytes from its
//! link address or exactly at it.

/// Offset of the zImage magic number.
pub const ZIMAGE_MAGIC_OFFSET: usize = 0x24;
/// Linux's `LINUX_ARM_ZIMAGE_MAGIC`.
pub const ZIMAGE_MAGIC: u32 = 0x016F_2818;
/// Offset of the start field: the address the image runs at.
pub const ZIMAGE_START_OFFSET: usize = 0x28;
/// Offset of the end field: start plus the image's size.
pub const ZIMAGE_END_OFFSET: usize = 0x2C;
/// Offset of the endianness flag.
pub const ZIMAGE_ENDIAN_OFFSET: usize = 0x30;
/// The endianness flag as a little-endian kernel stores it.
pub const ZIMAGE_ENDIAN_LITTLE: u32 = 0x0403_0201;
/// Offset of the second magic number, which says a table follows.
pub const ZIMAGE_MAGIC2_OFFSET: usize = 0x34;
/// Linux's `ARM_ZIMAGE_MAGIC2`.
pub const ZIMAGE_MAGIC2: u32 = 0x4545_4545;
/// Offset of the field holding the table's offset.
pub const ZIMAGE_TABLE_FIELD_OFFSET: usize = 0x38;
/// Where the tag table starts: right after the header.
pub const TABLE_OFFSET: usize = 0x3C;
/// Tag of the embedded-ramdisk record: the bytes "KMLI" in the file.
pub const EMBEDDED_INITRD_TAG: u32 = u32::from_le_bytes(*b"KMLI");
/// Size in words of the embedded-ramdisk record: size, tag, offset, length.
pub const EMBEDDED_INITRD_TAG_WORDS: u32 = 4;
/// Offset of the record's ramdisk offset word (its length follows).
pub const EMBEDDED_INITRD_FIELD_OFFSET: usize = TABLE_OFFSET + 8;
/// Size of the header and table: where the reset code's instructions start.
pub const HEADER_SIZE: usize = TABLE_OFFSET + 4 * EMBEDDED_INITRD_TAG_WORDS as usize + 4;
/// The image's size is a multiple of this, so the relocation copies whole
/// blocks of eight words.
pub const IMAGE_ALIGN: u32 = 32;
/// The first bytes of the image, which hold the relocation code: an image
/// loaded closer than this to its link address (but not at it) cannot move
/// itself, because the copy would overwrite the code doing it.
pub const RELOCATION_HEAD: u32 = 1024;
/// An embedded ramdisk starts on a page boundary, past the kernel's `.bss`.
pub const EMBEDDED_INITRD_ALIGN: u32 = 4096;

/// Where in an image an embedded ramdisk lies, as the table records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedInitrd {
    /// Offset of the ramdisk's first byte from the image's first byte.
    pub offset: u32,
    /// Its size in bytes.
    pub size: u32,
}

impl EmbeddedInitrd {
    /// The record's two words as the reset code's table holds them; `None`
    /// when they say "no ramdisk" (a size of 0).
    pub fn from_words(words: [u32; 2]) -> Option<Self> {
        let [offset, size] = words;
        (size != 0).then_some(EmbeddedInitrd { offset, size })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_matches_linux_layout() {
        // Nine code words, then the fields U-Boot's arm_z_header reads.
        assert_eq!(ZIMAGE_MAGIC_OFFSET, 9 * 4);
        assert_eq!(ZIMAGE_START_OFFSET, ZIMAGE_MAGIC_OFFSET + 4);
        assert_eq!(ZIMAGE_END_OFFSET, ZIMAGE_START_OFFSET + 4);
        assert_eq!(ZIMAGE_ENDIAN_OFFSET, ZIMAGE_END_OFFSET + 4);
        assert_eq!(ZIMAGE_MAGIC2_OFFSET, ZIMAGE_ENDIAN_OFFSET + 4);
        assert_eq!(ZIMAGE_TABLE_FIELD_OFFSET, ZIMAGE_MAGIC2_OFFSET + 4);
        assert_eq!(TABLE_OFFSET, ZIMAGE_TABLE_FIELD_OFFSET + 4);
        assert_eq!(HEADER_SIZE, 0x50);
        assert_eq!(EMBEDDED_INITRD_TAG.to_le_bytes(), *b"KMLI");
    }

    #[test]
    fn a_zero_size_means_no_ramdisk() {
        assert_eq!(EmbeddedInitrd::from_words([0, 0]), None);
        assert_eq!(
            EmbeddedInitrd::from_words([0x4_0000, 512]),
            Some(EmbeddedInitrd {
                offset: 0x4_0000,
                size: 512
            })
        );
    }

    #[test]
    fn the_head_holds_more_than_the_header() {
        assert!(RELOCATION_HEAD as usize > 4 * HEADER_SIZE);
        assert!(RELOCATION_HEAD.is_multiple_of(IMAGE_ALIGN));
        assert!(EMBEDDED_INITRD_ALIGN.is_multiple_of(IMAGE_ALIGN));
    }
}
