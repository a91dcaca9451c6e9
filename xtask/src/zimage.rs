// SPDX-License-Identifier: MIT OR Apache-2.0
//! The zImage header in the kernel's first bytes: checked, and patched to embed a ramdisk.
//!
//! The kernel carries its own Linux zImage header (`armv7::image` documents
//! the layout and where it comes from), so the flat image *is* the zImage:
//! here we only check that the header agrees with the image the linker
//! produced (magic, start = load address, end = start + size), which is what
//! U-Boot's `bootz` relies on.
//!
//! To embed a ramdisk we append it to the image: zeros up to the end of the
//! kernel's `.bss` (which the reset code clears, so nothing may live there),
//! rounded up to a page, then the archive, then zeros to a 32-byte boundary.
//! The table's `KMLI` record gets the archive's offset and size, and the
//! header's end field moves to the new end, so `bootz`, the relocation and
//! the kernel's memory map all see the ramdisk as part of the image.

use armv7::image::{
    EMBEDDED_INITRD_ALIGN, EMBEDDED_INITRD_TAG, IMAGE_ALIGN, ZIMAGE_END_OFFSET,
    ZIMAGE_ENDIAN_LITTLE, ZIMAGE_ENDIAN_OFFSET, ZIMAGE_MAGIC, ZIMAGE_MAGIC_OFFSET, ZIMAGE_MAGIC2,
    ZIMAGE_MAGIC2_OFFSET, ZIMAGE_START_OFFSET, ZIMAGE_TABLE_FIELD_OFFSET,
};

use crate::error::{Result, bail};

/// The fields of a zImage header that loaders read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The address the image runs at.
    pub start: u32,
    /// `start` plus the image's size.
    pub end: u32,
    /// Offset of the tag table from the image's start.
    pub table: u32,
}

impl Header {
    /// The image's size as the header gives it (what `bootz` reserves).
    pub fn size(&self) -> u32 {
        self.end.wrapping_sub(self.start)
    }
}

/// A little-endian word of `image` at `at`, if the image is that long.
fn word(image: &[u8], at: usize) -> Option<u32> {
    let bytes = image.get(at..at + 4)?;
    Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

fn put_word(image: &mut [u8], at: usize, value: u32) {
    image[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

/// Reads the header, checking the magic numbers and the endianness flag.
pub fn parse(image: &[u8]) -> Result<Header> {
    let field = |at: usize| match word(image, at) {
        Some(value) => Ok(value),
        None => bail!("{} bytes: too short for a zImage header", image.len()),
    };
    let magic = field(ZIMAGE_MAGIC_OFFSET)?;
    if magic != ZIMAGE_MAGIC {
        bail!("no zImage magic at {ZIMAGE_MAGIC_OFFSET:#x} (found {magic:#010x})");
    }
    let endian = field(ZIMAGE_ENDIAN_OFFSET)?;
    if endian != ZIMAGE_ENDIAN_LITTLE {
        bail!("zImage endianness flag {endian:#010x}, expected {ZIMAGE_ENDIAN_LITTLE:#010x}");
    }
    if field(ZIMAGE_MAGIC2_OFFSET)? != ZIMAGE_MAGIC2 {
        bail!("no second zImage magic at {ZIMAGE_MAGIC2_OFFSET:#x}: the kernel has no table");
    }
    Ok(Header {
        start: field(ZIMAGE_START_OFFSET)?,
        end: field(ZIMAGE_END_OFFSET)?,
        table: field(ZIMAGE_TABLE_FIELD_OFFSET)?,
    })
}

/// Checks that `image`, loaded at `load_address`, has a header that says so:
/// start is the load address and end - start the image's length, a
/// multiple of the relocation's block size.
pub fn check(image: &[u8], load_address: u64) -> Result<Header> {
    let header = parse(image)?;
    if u64::from(header.start) != load_address {
        bail!(
            "zImage start {:#010x} is not the load address {load_address:#010x}",
            header.start
        );
    }
    if header.size() as usize != image.len() {
        bail!(
            "zImage end {:#010x} says {} bytes, the image has {}",
            header.end,
            header.size(),
            image.len()
        );
    }
    if !header.size().is_multiple_of(IMAGE_ALIGN) {
        bail!(
            "the image's size {} is not a multiple of {IMAGE_ALIGN}",
            header.size()
        );
    }
    Ok(header)
}

/// Offset of the data words of the table entry tagged `tag`.
fn find_tag(image: &[u8], header: &Header, tag: u32) -> Result<usize> {
    let mut at = header.table as usize;
    loop {
        let (Some(words), Some(found)) = (word(image, at), word(image, at + 4)) else {
            bail!("the zImage table at {:#x} runs off the image", header.table);
        };
        if words == 0 {
            bail!(
                "the zImage table has no {:?} entry",
                tag.to_le_bytes().map(char::from)
            );
        }
        if found == tag {
            return Ok(at + 8);
        }
        at += 4 * words as usize;
    }
}

/// The image with `ramdisk` appended and recorded. `memory_end` is the
/// offset past the kernel's `.bss` (the end of its memory image), which the
/// ramdisk must not overlap.
pub fn embed_initrd(image: &[u8], memory_end: u64, ramdisk: &[u8]) -> Result<Vec<u8>> {
    let header = parse(image)?;
    if header.size() as usize != image.len() {
        bail!(
            "the image's end field {:#x} does not match its length",
            header.end
        );
    }
    let record = find_tag(image, &header, EMBEDDED_INITRD_TAG)?;
    if word(image, record + 4).is_some_and(|size| size != 0) {
        bail!("the image already carries an embedded ramdisk");
    }
    let offset = memory_end
        .max(image.len() as u64)
        .next_multiple_of(u64::from(EMBEDDED_INITRD_ALIGN));
    let end = (offset + ramdisk.len() as u64).next_multiple_of(u64::from(IMAGE_ALIGN));
    let (Ok(offset32), Ok(size32), Some(end32)) = (
        u32::try_from(offset),
        u32::try_from(ramdisk.len()),
        u32::try_from(end)
            .ok()
            .and_then(|end| header.start.checked_add(end)),
    ) else {
        bail!("a {} byte ramdisk does not fit below 4 GiB", ramdisk.len());
    };
    if ramdisk.is_empty() {
        bail!("the ramdisk is empty");
    }
    let mut out = image.to_vec();
    out.resize(offset as usize, 0);
    out.extend_from_slice(ramdisk);
    out.resize(end as usize, 0);
    put_word(&mut out, record, offset32);
    put_word(&mut out, record + 4, size32);
    put_word(&mut out, ZIMAGE_END_OFFSET, end32);
    Ok(out)
}

/// Where an image records an embedded ramdisk, if it does: (offset, size).
pub fn embedded_initrd(image: &[u8]) -> Result<Option<(u32, u32)>> {
    let header = parse(image)?;
    let record = find_tag(image, &header, EMBEDDED_INITRD_TAG)?;
    let (Some(offset), Some(size)) = (word(image, record), word(image, record + 4)) else {
        bail!("the ramdisk record runs off the image");
    };
    Ok((size != 0).then_some((offset, size)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use armv7::image::{
        EMBEDDED_INITRD_FIELD_OFFSET, EMBEDDED_INITRD_TAG_WORDS, HEADER_SIZE, TABLE_OFFSET,
    };

    /// An image shaped like the kernel's: NOPs, branch, header, table, code.
    pub(crate) fn fake_kernel(start: u32, len: usize) -> Vec<u8> {
        let mut image = vec![0u8; len];
        for at in (0..0x20).step_by(4) {
            put_word(&mut image, at, 0xE1A0_0000); // mov r0, r0
        }
        put_word(&mut image, 0x20, 0xEA00_000A); // b kml_reset
        put_word(&mut image, ZIMAGE_MAGIC_OFFSET, ZIMAGE_MAGIC);
        put_word(&mut image, ZIMAGE_START_OFFSET, start);
        put_word(&mut image, ZIMAGE_END_OFFSET, start + len as u32);
        put_word(&mut image, ZIMAGE_ENDIAN_OFFSET, ZIMAGE_ENDIAN_LITTLE);
        put_word(&mut image, ZIMAGE_MAGIC2_OFFSET, ZIMAGE_MAGIC2);
        put_word(&mut image, ZIMAGE_TABLE_FIELD_OFFSET, TABLE_OFFSET as u32);
        put_word(&mut image, TABLE_OFFSET, EMBEDDED_INITRD_TAG_WORDS);
        put_word(&mut image, TABLE_OFFSET + 4, EMBEDDED_INITRD_TAG);
        for (at, byte) in image.iter_mut().enumerate().skip(HEADER_SIZE) {
            *byte = at as u8;
        }
        image
    }

    #[test]
    fn a_consistent_header_passes() {
        let image = fake_kernel(0x1001_0000, 0x2000);
        let header = check(&image, 0x1001_0000).unwrap();
        assert_eq!(header.size(), 0x2000);
        assert_eq!(header.table as usize, TABLE_OFFSET);
        assert_eq!(embedded_initrd(&image).unwrap(), None);
    }

    #[test]
    fn inconsistent_headers_fail() {
        let image = fake_kernel(0x1001_0000, 0x2000);
        let error = check(&image, 0x1200_0000).unwrap_err().to_string();
        assert!(error.contains("not the load address"), "{error}");
        let error = check(&image[..0x1fe0], 0x1001_0000)
            .unwrap_err()
            .to_string();
        assert!(error.contains("the image has 8160"), "{error}");
        let mut bad = image.clone();
        bad[ZIMAGE_MAGIC_OFFSET] ^= 1;
        assert!(
            check(&bad, 0x1001_0000)
                .unwrap_err()
                .to_string()
                .contains("magic")
        );
        assert!(parse(&image[..0x30]).is_err());
    }

    #[test]
    fn embedding_appends_past_the_bss_and_records_it() {
        let kernel = fake_kernel(0x8001_0000, 0x2000);
        let ramdisk = b"070701 a cpio archive, say".to_vec();
        // .bss runs to 0x3100: the ramdisk starts on the next page.
        let image = embed_initrd(&kernel, 0x3100, &ramdisk).unwrap();
        // Only the end field and the record change in the header.
        assert_eq!(image[..ZIMAGE_END_OFFSET], kernel[..ZIMAGE_END_OFFSET]);
        assert_eq!(
            image[ZIMAGE_ENDIAN_OFFSET..EMBEDDED_INITRD_FIELD_OFFSET],
            kernel[ZIMAGE_ENDIAN_OFFSET..EMBEDDED_INITRD_FIELD_OFFSET]
        );
        assert_eq!(image[HEADER_SIZE..0x2000], kernel[HEADER_SIZE..]);
        assert_eq!(image[0x2000..0x4000], vec![0u8; 0x2000][..]);
        assert_eq!(&image[0x4000..0x4000 + ramdisk.len()], &ramdisk[..]);
        assert_eq!(image.len(), 0x4020);
        assert_eq!(
            embedded_initrd(&image).unwrap(),
            Some((0x4000, ramdisk.len() as u32))
        );
        assert_eq!(word(&image, EMBEDDED_INITRD_FIELD_OFFSET), Some(0x4000));
        // The header now covers the ramdisk: bootz reserves it, the
        // relocation moves it.
        let header = check(&image, 0x8001_0000).unwrap();
        assert_eq!(header.end, 0x8001_4020);
        // Once is enough.
        assert!(embed_initrd(&image, 0x3100, &ramdisk).is_err());
        assert!(embed_initrd(&kernel, 0x3100, &[]).is_err());
    }
}
