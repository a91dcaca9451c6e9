// SPDX-License-Identifier: MIT OR Apache-2.0
//! The operand of a cache maintenance operation by set/way.
//!
//! DCISW, DCCSW and DCCISW name a line by cache level, set and way, packed
//! as ARM ARM B4.2.1 describes ("Data cache maintenance by set/way"): the
//! way in the top bits, the set above the line offset, the level in bits
//! 1-3. The field positions come from CCSIDR. The reset code does the same
//! arithmetic in assembly; `cache.rs` walks a whole cache with this.

/// How a set/way operand is built for one cache (ARM ARM B4.2.1, "DCISW").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetWayGeometry {
    /// Number of sets.
    pub sets: u32,
    /// Number of ways.
    pub ways: u32,
    /// log2 of the line length in bytes: where the set field starts.
    pub set_shift: u32,
    /// Where the way field starts: 32 - log2(ways), rounded up.
    pub way_shift: u32,
}

impl SetWayGeometry {
    /// Decodes CCSIDR.
    pub const fn from_ccsidr(ccsidr: u32) -> SetWayGeometry {
        let ways = ((ccsidr >> 3) & 0x3FF) + 1;
        SetWayGeometry {
            sets: ((ccsidr >> 13) & 0x7FFF) + 1,
            ways,
            set_shift: (ccsidr & 0x7) + 4,
            // clz(ways - 1); one way has no way field (shift 32: none).
            way_shift: (ways - 1).leading_zeros(),
        }
    }

    /// The DCCISW/DCISW operand for `set` and `way` of cache `level`.
    pub const fn operand(self, level: u32, set: u32, way: u32) -> u32 {
        let way_bits = if self.way_shift >= 32 {
            0
        } else {
            way << self.way_shift
        };
        way_bits | (set << self.set_shift) | (level << 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CCSIDR of a 32 KiB, 4-way L1 data cache with 32-byte lines (the
    /// Cortex-A9's): LineSize 1, Associativity 3, NumSets 255.
    const CORTEX_A9_L1: u32 = (255 << 13) | (3 << 3) | 1;
    /// CCSIDR of a 2 MiB, 16-way L2 with 64-byte lines (the AM572x's
    /// Cortex-A15 cluster): LineSize 2, Associativity 15, NumSets 2047.
    const CORTEX_A15_L2: u32 = (2047 << 13) | (15 << 3) | 2;

    #[test]
    fn cortex_a9_l1_geometry() {
        let geometry = SetWayGeometry::from_ccsidr(CORTEX_A9_L1);
        assert_eq!(
            geometry,
            SetWayGeometry {
                sets: 256,
                ways: 4,
                set_shift: 5,
                way_shift: 30
            }
        );
        assert_eq!(geometry.operand(0, 255, 3), 0xC000_1FE0);
    }

    #[test]
    fn cortex_a15_l2_geometry() {
        let geometry = SetWayGeometry::from_ccsidr(CORTEX_A15_L2);
        assert_eq!((geometry.sets, geometry.ways), (2048, 16));
        assert_eq!((geometry.set_shift, geometry.way_shift), (6, 28));
        assert_eq!(geometry.operand(1, 2047, 15), 0xF001_FFC2);
    }

    #[test]
    fn a_direct_mapped_cache_has_no_way_field() {
        let geometry = SetWayGeometry::from_ccsidr(127 << 13);
        assert_eq!((geometry.ways, geometry.way_shift), (1, 32));
        assert_eq!(geometry.operand(0, 127, 0), 127 << 4);
    }
}
