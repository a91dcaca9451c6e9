// SPDX-License-Identifier: MIT OR Apache-2.0
//! Typed physical and virtual addresses, and ranges of them.
//!
//! A bare `u32` never crosses a module boundary: whether a number is a
//! physical or a virtual address is the most common confusion in a kernel
//! that runs with the MMU on, so the type says which it is.

use core::fmt;

/// A physical (bus) address, as the MMU's output and the devices see it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PhysAddr(pub u32);

/// A virtual address, as the CPU issues it with the MMU on.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct VirtAddr(pub u32);

/// A half-open range `[start, end)` of physical addresses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PhysRange {
    /// First address in the range.
    pub start: PhysAddr,
    /// First address past the range.
    pub end: PhysAddr,
}

macro_rules! address_methods {
    ($type:ident, $prefix:literal) => {
        impl $type {
            /// The address as a number.
            pub const fn as_u32(self) -> u32 {
                self.0
            }
            /// The address as a `usize`, for indexing and pointer maths.
            pub const fn as_usize(self) -> usize {
                self.0 as usize
            }
            /// Rounds down to a multiple of `align` (a power of two).
            pub const fn align_down(self, align: u32) -> Self {
                Self(self.0 & !(align - 1))
            }
            /// Rounds up to a multiple of `align` (a power of two), or `None`
            /// past the end of the 32-bit address space.
            pub const fn align_up(self, align: u32) -> Option<Self> {
                match self.0.checked_add(align - 1) {
                    Some(value) => Some(Self(value & !(align - 1))),
                    None => None,
                }
            }
            /// Whether the address is a multiple of `align` (a power of two).
            pub const fn is_aligned(self, align: u32) -> bool {
                self.0 & (align - 1) == 0
            }
            /// The address `bytes` further on, or `None` on overflow.
            pub const fn checked_add(self, bytes: u32) -> Option<Self> {
                match self.0.checked_add(bytes) {
                    Some(value) => Some(Self(value)),
                    None => None,
                }
            }
        }

        impl fmt::Debug for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "({:#010x})"), self.0)
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:#010x}", self.0)
            }
        }
    };
}

address_methods!(PhysAddr, "PhysAddr");
address_methods!(VirtAddr, "VirtAddr");

impl PhysRange {
    /// The range `[start, start + size)`, or `None` if it wraps past 4 GiB.
    pub const fn from_start_size(start: PhysAddr, size: u32) -> Option<Self> {
        match start.checked_add(size) {
            Some(end) => Some(Self { start, end }),
            None => None,
        }
    }
    /// Number of bytes in the range (0 when `end <= start`).
    pub const fn size(&self) -> u32 {
        self.end.0.saturating_sub(self.start.0)
    }
    /// Whether `address` lies inside the range.
    pub const fn contains(&self, address: PhysAddr) -> bool {
        address.0 >= self.start.0 && address.0 < self.end.0
    }
    /// Whether the two ranges share at least one byte.
    pub const fn overlaps(&self, other: &PhysRange) -> bool {
        self.start.0 < other.end.0 && other.start.0 < self.end.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_rounds_both_ways() {
        assert_eq!(PhysAddr(0x1234).align_down(0x1000), PhysAddr(0x1000));
        assert_eq!(PhysAddr(0x1234).align_up(0x1000), Some(PhysAddr(0x2000)));
        assert_eq!(PhysAddr(0x2000).align_up(0x1000), Some(PhysAddr(0x2000)));
        assert_eq!(PhysAddr(0xFFFF_F001).align_up(0x1000), None);
        assert!(VirtAddr(0xC000_0000).is_aligned(0x10_0000));
    }

    #[test]
    fn ranges_know_their_extent() {
        let range = PhysRange::from_start_size(PhysAddr(0x1000_0000), 0x100).unwrap();
        assert_eq!(range.size(), 0x100);
        assert!(range.contains(PhysAddr(0x1000_00FF)));
        assert!(!range.contains(PhysAddr(0x1000_0100)));
        let other = PhysRange::from_start_size(PhysAddr(0x1000_00FF), 1).unwrap();
        assert!(range.overlaps(&other));
        assert!(PhysRange::from_start_size(PhysAddr(0xFFFF_FFFF), 2).is_none());
    }
}
