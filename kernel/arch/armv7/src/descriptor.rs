// SPDX-License-Identifier: MIT OR Apache-2.0
//! Short-descriptor translation table entries (VMSAv7, no LPAE).
//!
//! Pure encoders and decoders for the first-level section and page-table
//! descriptors and the second-level small-page descriptor, as laid out in the
//! ARM Architecture Reference Manual ARMv7-A/R, B3.5.1 "Short-descriptor
//! translation table format descriptors". Memory types use the TEX/C/B
//! encoding with TEX remap off (SCTLR.TRE = 0), table B3-10. These functions
//! are `const` so the boot assembly gets its descriptor bits from the same
//! code the host tests check, never from a number typed twice.

/// Size of the region a first-level section maps.
pub const SECTION_SIZE: u32 = 1 << 20;
/// Size of a second-level small page.
pub const SMALL_PAGE_SIZE: u32 = 1 << 12;
/// Number of entries in a full first-level table (16 KiB).
pub const L1_ENTRIES: usize = 4096;
/// Number of entries in a second-level table (1 KiB).
pub const L2_ENTRIES: usize = 256;

/// How the memory behind a mapping behaves (ARM ARM A3.5, table B3-10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryType {
    /// Normal memory, inner and outer write-back write-allocate: RAM.
    NormalCached,
    /// Normal memory, not cacheable: buffers shared with non-coherent masters.
    NormalUncached,
    /// Shareable Device memory: peripheral registers.
    Device,
    /// Strongly-ordered memory.
    StronglyOrdered,
}

/// Who may read and write a mapping (the AP[2:0] bits, table B3-8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// PL1 read/write, no access from USR mode.
    KernelReadWrite,
    /// PL1 read-only, no access from USR mode.
    KernelReadOnly,
    /// Read/write at PL1 and in USR mode.
    UserReadWrite,
    /// Read-only at PL1 and in USR mode.
    UserReadOnly,
}

/// Everything a mapping says besides the output address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attributes {
    /// Memory type and cacheability.
    pub memory: MemoryType,
    /// Access permissions.
    pub access: Access,
    /// Whether instructions may be fetched (false sets XN).
    pub executable: bool,
    /// Global mappings are shared by every address space; user mappings are
    /// not global (nG) so that ASIDs tag them.
    pub global: bool,
}

impl Attributes {
    /// Kernel RAM: cached, privileged read/write, executable, global.
    pub const KERNEL_RAM: Attributes = Attributes {
        memory: MemoryType::NormalCached,
        access: Access::KernelReadWrite,
        executable: true,
        global: true,
    };
    /// Peripheral registers: Device, privileged read/write, never executed.
    pub const KERNEL_DEVICE: Attributes = Attributes {
        memory: MemoryType::Device,
        access: Access::KernelReadWrite,
        executable: false,
        global: true,
    };
}

/// (TEX, C, B) for a memory type, TEX remap off.
const fn tex_c_b(memory: MemoryType) -> (u32, u32, u32) {
    match memory {
        MemoryType::NormalCached => (0b001, 1, 1),
        MemoryType::NormalUncached => (0b001, 0, 0),
        MemoryType::Device => (0b000, 0, 1),
        MemoryType::StronglyOrdered => (0b000, 0, 0),
    }
}

/// (AP[2], AP[1:0]) for an access level.
const fn access_bits(access: Access) -> (u32, u32) {
    match access {
        Access::KernelReadWrite => (0, 0b01),
        Access::KernelReadOnly => (1, 0b01),
        Access::UserReadWrite => (0, 0b11),
        Access::UserReadOnly => (1, 0b11),
    }
}

/// Shareable bit: cached RAM is shareable so the SMP cores stay coherent.
const fn shareable(memory: MemoryType) -> u32 {
    match memory {
        MemoryType::NormalCached | MemoryType::NormalUncached => 1,
        MemoryType::Device | MemoryType::StronglyOrdered => 0,
    }
}

/// A first-level section descriptor mapping 1 MiB at `physical` (which must
/// be 1 MiB aligned; low bits are dropped). Domain 0.
pub const fn section(physical: u32, attributes: Attributes) -> u32 {
    let (tex, c, b) = tex_c_b(attributes.memory);
    let (ap2, ap) = access_bits(attributes.access);
    (physical & !(SECTION_SIZE - 1))
        | (!attributes.global as u32) << 17
        | shareable(attributes.memory) << 16
        | ap2 << 15
        | tex << 12
        | ap << 10
        | (!attributes.executable as u32) << 4
        | c << 3
        | b << 2
        | 0b10
}

/// A first-level descriptor pointing at a second-level table at `table`
/// (1 KiB aligned). Domain 0; attributes live in the second-level entries.
pub const fn page_table(table: u32) -> u32 {
    (table & !0x3FF) | 0b01
}

/// A second-level small-page descriptor mapping 4 KiB at `physical`.
pub const fn small_page(physical: u32, attributes: Attributes) -> u32 {
    let (tex, c, b) = tex_c_b(attributes.memory);
    let (ap2, ap) = access_bits(attributes.access);
    (physical & !(SMALL_PAGE_SIZE - 1))
        | (!attributes.global as u32) << 11
        | shareable(attributes.memory) << 10
        | ap2 << 9
        | tex << 6
        | ap << 4
        | c << 3
        | b << 2
        | 0b10
        | !attributes.executable as u32
}

/// The index of the first-level entry that translates `virtual_address`.
pub const fn l1_index(virtual_address: u32) -> usize {
    (virtual_address >> 20) as usize
}

/// The index of the second-level entry that translates `virtual_address`.
pub const fn l2_index(virtual_address: u32) -> usize {
    ((virtual_address >> 12) & 0xFF) as usize
}

/// What a first-level entry is, decoded (for dumps and for tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum L1Entry {
    /// Translation fault: nothing mapped.
    Fault,
    /// Points at a second-level table.
    PageTable {
        /// Physical address of the second-level table.
        table: u32,
    },
    /// A 1 MiB section.
    Section {
        /// Physical base of the section.
        physical: u32,
        /// Decoded attributes, `None` for an encoding we never write.
        attributes: Option<Attributes>,
    },
}

/// Decodes a first-level descriptor.
pub const fn decode_l1(descriptor: u32) -> L1Entry {
    match descriptor & 0b11 {
        0b01 => L1Entry::PageTable {
            table: descriptor & !0x3FF,
        },
        0b10 | 0b11 if descriptor & (1 << 18) == 0 => L1Entry::Section {
            physical: descriptor & !(SECTION_SIZE - 1),
            attributes: decode_attributes(
                (descriptor >> 12) & 0b111,
                (descriptor >> 3) & 1,
                (descriptor >> 2) & 1,
                (descriptor >> 15) & 1,
                (descriptor >> 10) & 0b11,
                (descriptor >> 4) & 1,
                (descriptor >> 17) & 1,
            ),
        },
        _ => L1Entry::Fault,
    }
}

/// Decodes the attribute fields shared by sections and small pages.
const fn decode_attributes(
    tex: u32,
    c: u32,
    b: u32,
    ap2: u32,
    ap: u32,
    xn: u32,
    ng: u32,
) -> Option<Attributes> {
    let memory = match (tex, c, b) {
        (0b001, 1, 1) => MemoryType::NormalCached,
        (0b001, 0, 0) => MemoryType::NormalUncached,
        (0b000, 0, 1) => MemoryType::Device,
        (0b000, 0, 0) => MemoryType::StronglyOrdered,
        _ => return None,
    };
    let access = match (ap2, ap) {
        (0, 0b01) => Access::KernelReadWrite,
        (1, 0b01) => Access::KernelReadOnly,
        (0, 0b11) => Access::UserReadWrite,
        (1, 0b11) => Access::UserReadOnly,
        _ => return None,
    };
    Some(Attributes {
        memory,
        access,
        executable: xn == 0,
        global: ng == 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_ram_section_matches_the_manual() {
        // TEX=001 C=1 B=1 (write-back write-allocate), AP=01, S=1, type 0b10.
        assert_eq!(
            section(0x1000_0000, Attributes::KERNEL_RAM),
            0x1000_0000 | 0x1140E
        );
    }

    #[test]
    fn device_section_is_shareable_device_and_never_executed() {
        // TEX=000 C=0 B=1, XN=1, AP=01.
        assert_eq!(
            section(0x0210_0000, Attributes::KERNEL_DEVICE),
            0x0210_0000 | 0x416
        );
    }

    #[test]
    fn section_drops_low_address_bits() {
        assert_eq!(
            section(0x4012_3456, Attributes::KERNEL_RAM) & 0xFFF0_0000,
            0x4010_0000
        );
    }

    #[test]
    fn user_page_is_not_global_and_user_accessible() {
        let attributes = Attributes {
            memory: MemoryType::NormalCached,
            access: Access::UserReadOnly,
            executable: false,
            global: false,
        };
        let descriptor = small_page(0x8000_1000, attributes);
        assert_eq!(descriptor & 0xFFFF_F000, 0x8000_1000);
        assert_ne!(descriptor & (1 << 11), 0, "nG");
        assert_eq!((descriptor >> 4) & 0b11, 0b11, "AP[1:0]");
        assert_ne!(descriptor & (1 << 9), 0, "AP[2]");
        assert_eq!(descriptor & 1, 1, "XN");
    }

    #[test]
    fn sections_round_trip_through_the_decoder() {
        for memory in [
            MemoryType::NormalCached,
            MemoryType::NormalUncached,
            MemoryType::Device,
            MemoryType::StronglyOrdered,
        ] {
            for access in [
                Access::KernelReadWrite,
                Access::KernelReadOnly,
                Access::UserReadWrite,
                Access::UserReadOnly,
            ] {
                for (executable, global) in [(true, true), (false, false)] {
                    let attributes = Attributes {
                        memory,
                        access,
                        executable,
                        global,
                    };
                    let decoded = decode_l1(section(0x8000_0000, attributes));
                    assert_eq!(
                        decoded,
                        L1Entry::Section {
                            physical: 0x8000_0000,
                            attributes: Some(attributes)
                        }
                    );
                }
            }
        }
    }

    #[test]
    fn page_table_and_fault_entries_decode() {
        assert_eq!(
            decode_l1(page_table(0x1234_5400)),
            L1Entry::PageTable { table: 0x1234_5400 }
        );
        assert_eq!(decode_l1(0), L1Entry::Fault);
        // Supersections (bit 18) are never written by us and decode as faults.
        assert_eq!(decode_l1(0x0004_0002), L1Entry::Fault);
    }

    #[test]
    fn indices_split_the_address() {
        assert_eq!(l1_index(0xC012_3456), 0xC01);
        assert_eq!(l2_index(0xC012_3456), 0x23);
    }
}
