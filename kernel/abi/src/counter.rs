// SPDX-License-Identifier: MIT OR Apache-2.0
//! Counter ticks to seconds and nanoseconds, exactly and without dividing.
//!
//! The vDSO answers `clock_gettime` from the generic timer's counter
//! without entering the kernel. ARMv7-A cores need not have a divide
//! instruction (the Cortex-A9 has none), and a 64-bit division is a
//! library loop of a hundred instructions and more, so [`CounterScale`]
//! multiplies by a reciprocal the kernel computes once and corrects the
//! quotient. The result is exactly what division gives: the seconds and
//! nanoseconds of `kernel::time::ticks_to_nanoseconds`, so a time read in
//! the vDSO and one read by the kernel agree to the nanosecond.

/// Nanoseconds in a second.
const NANOSECONDS_PER_SECOND: u64 = 1_000_000_000;
/// `floor((2^64 - 1) / 10^9)`, for dividing by a billion the same way.
const BILLION_RECIPROCAL: u64 = u64::MAX / NANOSECONDS_PER_SECOND;

/// How to turn ticks of one counter into time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CounterScale {
    /// The counter's frequency in Hz, never 0.
    pub frequency: u32,
    /// `floor((2^64 - 1) / frequency)`.
    pub reciprocal: u64,
}

impl CounterScale {
    /// The scale of a `frequency` Hz counter; `None` for 0 Hz.
    pub const fn new(frequency: u32) -> Option<CounterScale> {
        if frequency == 0 {
            return None;
        }
        Some(CounterScale {
            frequency,
            reciprocal: u64::MAX / frequency as u64,
        })
    }

    /// `ticks` as whole seconds and the nanoseconds past them:
    /// `(ticks / f, (ticks % f) * 10^9 / f)`, each rounded down.
    #[inline]
    pub fn split(&self, ticks: u64) -> (u64, u32) {
        let frequency = u64::from(self.frequency);
        let (seconds, rest) = divide(ticks, frequency, self.reciprocal);
        // rest < frequency < 2^32, so rest * 10^9 < 2^62: no overflow.
        let (nanoseconds, _) = divide(rest * NANOSECONDS_PER_SECOND, frequency, self.reciprocal);
        (seconds, nanoseconds as u32)
    }

    /// `ticks` in nanoseconds, rounded down: `split` as one number
    /// (wrapping after some 584 years).
    #[inline]
    pub fn nanoseconds(&self, ticks: u64) -> u64 {
        let (seconds, nanoseconds) = self.split(ticks);
        seconds
            .wrapping_mul(NANOSECONDS_PER_SECOND)
            .wrapping_add(u64::from(nanoseconds))
    }

    /// The first count at or after `nanoseconds`: rounded up, so that a
    /// deadline programmed in ticks is never early. Saturates at
    /// `u64::MAX`.
    #[inline]
    pub fn ticks_at(&self, nanoseconds: u64) -> u64 {
        let frequency = u64::from(self.frequency);
        let (seconds, rest) = divide(nanoseconds, NANOSECONDS_PER_SECOND, BILLION_RECIPROCAL);
        // rest < 10^9 and frequency < 2^32: the product is below 2^62.
        let (partial, remainder) =
            divide(rest * frequency, NANOSECONDS_PER_SECOND, BILLION_RECIPROCAL);
        let partial = partial + u64::from(remainder != 0);
        seconds
            .checked_mul(frequency)
            .and_then(|whole| whole.checked_add(partial))
            .unwrap_or(u64::MAX)
    }
}

/// `(value / divisor, value % divisor)` for a `reciprocal` of
/// `floor((2^64 - 1) / divisor)`.
///
/// The reciprocal is at most `2^64 / d` and more than `2^64 / d - 2`, so
/// the product's high word falls short of the quotient by at most two: the
/// loop corrects it.
#[inline]
const fn divide(value: u64, divisor: u64, reciprocal: u64) -> (u64, u64) {
    let mut quotient = multiply_high(value, reciprocal);
    let mut remainder = value - quotient * divisor;
    while remainder >= divisor {
        quotient += 1;
        remainder -= divisor;
    }
    (quotient, remainder)
}

/// The high 64 bits of the 128-bit product `a * b`, from four 32x32-bit
/// multiplies (a `u128` product could call a library routine on ARM).
const fn multiply_high(a: u64, b: u64) -> u64 {
    let (a_low, a_high) = (a & 0xFFFF_FFFF, a >> 32);
    let (b_low, b_high) = (b & 0xFFFF_FFFF, b >> 32);
    let low_low = a_low * b_low;
    let low_high = a_low * b_high;
    let high_low = a_high * b_low;
    let high_high = a_high * b_high;
    let middle = (low_low >> 32) + (low_high & 0xFFFF_FFFF) + (high_low & 0xFFFF_FFFF);
    high_high + (low_high >> 32) + (high_low >> 32) + (middle >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_division(ticks: u64, frequency: u32) -> (u64, u32) {
        let frequency = u64::from(frequency);
        let rest = ticks % frequency;
        (
            ticks / frequency,
            (rest * NANOSECONDS_PER_SECOND / frequency) as u32,
        )
    }

    /// QEMU virt (62.5 MHz), the AM572x's 6.144 MHz, 19.2 MHz, 1 GHz and
    /// the awkward ones.
    const FREQUENCIES: [u32; 8] = [
        62_500_000,
        6_144_000,
        19_200_000,
        1_000_000_000,
        1,
        3,
        u32::MAX,
        24_000_001,
    ];

    #[test]
    fn matches_division_at_the_edges() {
        for frequency in FREQUENCIES {
            let scale = CounterScale::new(frequency).unwrap();
            let f = u64::from(frequency);
            for ticks in [
                0,
                1,
                f - 1,
                f,
                f + 1,
                2 * f - 1,
                u64::MAX,
                u64::MAX - 1,
                u64::MAX / f * f,
                u64::MAX / f * f - 1,
                u64::from(u32::MAX),
                1 << 63,
            ] {
                assert_eq!(
                    scale.split(ticks),
                    by_division(ticks, frequency),
                    "{ticks} ticks at {frequency} Hz"
                );
            }
        }
    }

    #[test]
    fn matches_division_on_random_ticks() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for frequency in FREQUENCIES {
            let scale = CounterScale::new(frequency).unwrap();
            for _ in 0..20_000 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let ticks = state >> (state % 64);
                assert_eq!(scale.split(ticks), by_division(ticks, frequency));
            }
        }
    }

    #[test]
    fn multiply_high_is_the_top_of_the_product() {
        for (a, b) in [
            (u64::MAX, u64::MAX),
            (1 << 63, 2),
            (0x1234_5678_9ABC_DEF0, 0x0FED_CBA9_8765_4321),
        ] {
            assert_eq!(
                multiply_high(a, b),
                ((u128::from(a) * u128::from(b)) >> 64) as u64
            );
        }
    }

    fn ticks_by_division(nanoseconds: u64, frequency: u32) -> u64 {
        let frequency = u64::from(frequency);
        let seconds = nanoseconds / NANOSECONDS_PER_SECOND;
        let rest = nanoseconds % NANOSECONDS_PER_SECOND;
        seconds
            .checked_mul(frequency)
            .and_then(|whole| {
                whole.checked_add((rest * frequency).div_ceil(NANOSECONDS_PER_SECOND))
            })
            .unwrap_or(u64::MAX)
    }

    #[test]
    fn both_ways_match_division() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for frequency in FREQUENCIES {
            let scale = CounterScale::new(frequency).unwrap();
            for _ in 0..20_000 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let value = state >> (state % 64);
                let (seconds, nanoseconds) = by_division(value, frequency);
                assert_eq!(
                    scale.nanoseconds(value),
                    seconds
                        .wrapping_mul(NANOSECONDS_PER_SECOND)
                        .wrapping_add(u64::from(nanoseconds))
                );
                assert_eq!(
                    scale.ticks_at(value),
                    ticks_by_division(value, frequency),
                    "{value} ns at {frequency} Hz"
                );
            }
            for value in [0, 1, 999_999_999, 1_000_000_000, u64::MAX, u64::MAX / 2] {
                assert_eq!(scale.ticks_at(value), ticks_by_division(value, frequency));
            }
        }
    }

    #[test]
    fn a_deadline_in_ticks_is_never_early() {
        for frequency in FREQUENCIES {
            let scale = CounterScale::new(frequency).unwrap();
            for deadline in [1u64, 7, 1_000_000, 123_456_789_012] {
                let ticks = scale.ticks_at(deadline);
                assert!(scale.nanoseconds(ticks) >= deadline || ticks == u64::MAX);
            }
        }
    }

    #[test]
    fn zero_hertz_has_no_scale() {
        assert_eq!(CounterScale::new(0), None);
    }
}
