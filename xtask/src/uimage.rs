// SPDX-License-Identifier: MIT OR Apache-2.0
//! The U-Boot legacy image (`uImage`): a 64-byte header, then the kernel.
//!
//! The header is U-Boot's `struct legacy_img_hdr` (`include/image.h`; it was
//! `image_header_t`), every field big-endian: magic 0x2705_1956, the header's
//! CRC-32 (computed with that field zero), creation time, data size, load
//! address, entry point, the data's CRC-32, then one byte each for OS,
//! architecture, image type and compression, and a 32-byte NUL-padded name.
//! The CRC is the common CRC-32 (zlib's, IEEE 802.3), as `mkimage` computes
//! it. `bootm` checks both CRCs, copies the data to the load address and, for
//! an OS of Linux, jumps to the entry with the device tree in r2; QEMU's
//! `-kernel` does the same with a uImage (without the CRC checks).
//!
//! We wrap the flat image uncompressed with load = entry = its link address,
//! so `bootm` puts it exactly where it runs and the reset code's relocation
//! has nothing to do.

use crate::error::{Result, bail};

/// `IH_MAGIC`.
pub const MAGIC: u32 = 0x2705_1956;
/// Size of the header in front of the data.
pub const HEADER_SIZE: usize = 64;
/// Longest name, without its terminating NUL (`IH_NMLEN` is 32).
pub const NAME_MAX: usize = 31;
/// `IH_OS_LINUX`: `bootm` boots it as a Linux kernel (device tree in r2).
pub const OS_LINUX: u8 = 5;
/// `IH_ARCH_ARM`.
pub const ARCH_ARM: u8 = 2;
/// `IH_TYPE_KERNEL`: loaded at the load address, entered at the entry.
pub const TYPE_KERNEL: u8 = 2;
/// `IH_COMP_NONE`.
pub const COMPRESSION_NONE: u8 = 0;

/// A uImage header, with the CRCs checked when parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Creation time, seconds since 1970.
    pub time: u32,
    /// Bytes of data after the header.
    pub size: u32,
    /// Where `bootm` copies the data.
    pub load: u32,
    /// Where it jumps.
    pub entry: u32,
    /// CRC-32 of the data.
    pub data_crc: u32,
    /// `IH_OS_*`.
    pub os: u8,
    /// `IH_ARCH_*`.
    pub arch: u8,
    /// `IH_TYPE_*`.
    pub image_type: u8,
    /// `IH_COMP_*`.
    pub compression: u8,
    /// The image name.
    pub name: String,
}

/// Wraps `data` as a Linux ARM kernel image loaded at `load` and entered
/// at `entry`.
pub fn wrap(data: &[u8], load: u32, entry: u32, name: &str, time: u32) -> Result<Vec<u8>> {
    if name.len() > NAME_MAX || name.contains('\0') {
        bail!("uImage name {name:?} is longer than {NAME_MAX} bytes or holds a NUL");
    }
    let Ok(size) = u32::try_from(data.len()) else {
        bail!("{} bytes are too many for a uImage", data.len());
    };
    let mut header = [0u8; HEADER_SIZE];
    let mut put = |at: usize, value: u32| header[at..at + 4].copy_from_slice(&value.to_be_bytes());
    put(0, MAGIC);
    // 4: the header CRC, computed last over the header with this field 0.
    put(8, time);
    put(12, size);
    put(16, load);
    put(20, entry);
    put(24, crc32fast::hash(data));
    header[28] = OS_LINUX;
    header[29] = ARCH_ARM;
    header[30] = TYPE_KERNEL;
    header[31] = COMPRESSION_NONE;
    header[32..32 + name.len()].copy_from_slice(name.as_bytes());
    let header_crc = crc32fast::hash(&header);
    header[4..8].copy_from_slice(&header_crc.to_be_bytes());

    let mut image = Vec::with_capacity(HEADER_SIZE + data.len());
    image.extend_from_slice(&header);
    image.extend_from_slice(data);
    Ok(image)
}

/// Reads and checks a uImage: magic, header CRC, size and data CRC.
pub fn parse(image: &[u8]) -> Result<Header> {
    let Some(header) = image.get(..HEADER_SIZE) else {
        bail!(
            "{} bytes: shorter than a uImage header ({HEADER_SIZE})",
            image.len()
        );
    };
    let word = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    if word(0) != MAGIC {
        bail!(
            "bad uImage magic {:#010x} (expected {MAGIC:#010x})",
            word(0)
        );
    }
    let mut zeroed = [0u8; HEADER_SIZE];
    zeroed.copy_from_slice(header);
    zeroed[4..8].fill(0);
    let header_crc = crc32fast::hash(&zeroed);
    if word(4) != header_crc {
        bail!(
            "uImage header CRC {:#010x}, but the header sums to {header_crc:#010x}",
            word(4)
        );
    }
    let size = word(12);
    let data = &image[HEADER_SIZE..];
    if data.len() != size as usize {
        bail!(
            "uImage header says {size} bytes of data, the file has {}",
            data.len()
        );
    }
    let data_crc = crc32fast::hash(data);
    if word(24) != data_crc {
        bail!(
            "uImage data CRC {:#010x}, but the data sums to {data_crc:#010x}",
            word(24)
        );
    }
    let name = &header[32..];
    let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
    Ok(Header {
        time: word(8),
        size,
        load: word(16),
        entry: word(20),
        data_crc,
        os: header[28],
        arch: header[29],
        image_type: header[30],
        compression: header[31],
        name: String::from_utf8_lossy(name).into_owned(),
    })
}

/// The creation time to record: `SOURCE_DATE_EPOCH` when set (reproducible
/// builds, as `mkimage` honours it), else now.
pub fn creation_time() -> u32 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|text| text.trim().parse::<u32>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| {
                    u32::try_from(elapsed.as_secs()).unwrap_or(u32::MAX)
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_is_zlibs() {
        // The standard check value of CRC-32/ISO-HDLC, which zlib and
        // mkimage compute.
        assert_eq!(crc32fast::hash(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn header_round_trips() {
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let image = wrap(&data, 0x1001_0000, 0x1001_0000, "KML-rs 0.1.0 imx6q", 1234).unwrap();
        assert_eq!(image.len(), HEADER_SIZE + 1000);
        assert_eq!(image[..4], [0x27, 0x05, 0x19, 0x56]);
        let header = parse(&image).unwrap();
        assert_eq!(
            header,
            Header {
                time: 1234,
                size: 1000,
                load: 0x1001_0000,
                entry: 0x1001_0000,
                data_crc: crc32fast::hash(&data),
                os: OS_LINUX,
                arch: ARCH_ARM,
                image_type: TYPE_KERNEL,
                compression: COMPRESSION_NONE,
                name: "KML-rs 0.1.0 imx6q".into(),
            }
        );
        // Big-endian fields at U-Boot's offsets.
        assert_eq!(image[16..20], [0x10, 0x01, 0x00, 0x00]);
        assert_eq!(image[28..32], [5, 2, 2, 0]);
    }

    #[test]
    fn corruption_is_caught() {
        let image = wrap(b"kernel", 0x8001_0000, 0x8001_0000, "k", 0).unwrap();
        let mut bad_data = image.clone();
        *bad_data.last_mut().unwrap() ^= 1;
        let error = parse(&bad_data).unwrap_err().to_string();
        assert!(error.contains("data CRC"), "{error}");

        let mut bad_header = image.clone();
        bad_header[16] ^= 1;
        let error = parse(&bad_header).unwrap_err().to_string();
        assert!(error.contains("header CRC"), "{error}");

        let error = parse(&image[..image.len() - 1]).unwrap_err().to_string();
        assert!(error.contains("the file has 5"), "{error}");
        assert!(parse(&image[..10]).is_err());
        assert!(wrap(b"", 0, 0, &"x".repeat(32), 0).is_err());
    }

    /// `mkimage -l` (u-boot-tools) reads our header as U-Boot would.
    #[test]
    fn mkimage_lists_what_we_wrote() {
        let Some(listing) =
            mkimage_list(&wrap(&[0xA5; 4096], 0x8001_0000, 0x8001_0000, "KML-rs test", 0).unwrap())
        else {
            eprintln!(
                "SKIP mkimage_lists_what_we_wrote: mkimage not installed (Debian u-boot-tools)"
            );
            return;
        };
        for expected in [
            "Image Name:   KML-rs test",
            "Image Type:   ARM Linux Kernel Image (uncompressed)",
            "Data Size:    4096 Bytes",
            "Load Address: 80010000",
            "Entry Point:  80010000",
        ] {
            assert!(
                listing.contains(expected),
                "{expected:?} not in:\n{listing}"
            );
        }
    }

    /// What `mkimage -l` prints for `image`, or `None` without mkimage.
    pub(crate) fn mkimage_list(image: &[u8]) -> Option<String> {
        let path = std::env::temp_dir().join(format!("kml-uimage-test-{}", std::process::id()));
        std::fs::write(&path, image).ok()?;
        let output = std::process::Command::new("mkimage")
            .arg("-l")
            .arg(&path)
            .output();
        let _ = std::fs::remove_file(&path);
        let output = output.ok()?;
        assert!(output.status.success(), "mkimage -l failed: {output:?}");
        Some(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}
