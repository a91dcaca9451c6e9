// SPDX-License-Identifier: MIT OR Apache-2.0
//! Line settings shared by the UART drivers, and their baud divisor maths.
//!
//! Every UART here divides a reference clock down to 16 times the baud rate,
//! but each block splits that division differently: the 16550 takes a whole
//! divisor (AM572x TRM, section 24.3 "UART/IrDA/CIR"), the PL011 adds a
//! 6-bit fraction (PL011 TRM DDI0183, chapter 3, UARTIBRD and UARTFBRD) and
//! the i.MX UART has a prescaler plus a fractional rate modulator (IMX6DQRM,
//! chapter 64, "Binary Rate Multiplier (BRM)"). The maths are pure functions
//! over plain numbers so the host tests can check them against the manuals'
//! worked examples; the drivers only write the results.
//!
//! A divisor is refused, rather than rounded into a rate the other end cannot
//! follow, when the rate it gives is more than 2.5 % off: two ends each that
//! far off in opposite directions already sample the last bits of a frame at
//! the edge of the bit.

use core::fmt;

/// How a UART should be set up: always 8 data bits, no parity, 1 stop bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UartConfig {
    /// Frequency of the clock that feeds the UART's baud generator, in Hz
    /// (the "UARTCLK" of the PL011, the i.MX "module clock").
    pub reference_clock_hz: u32,
    /// Line rate in bits per second, e.g. 115200.
    pub baud: u32,
}

/// Why no divisor exists for a reference clock and baud rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DivisorError {
    /// The reference clock was given as 0 Hz.
    ZeroClock,
    /// The baud rate was given as 0.
    ZeroBaud,
    /// The rate needs a divisor below the smallest the UART allows: the
    /// reference clock is too slow for it.
    BaudTooHigh,
    /// The rate needs a divisor above the largest the registers hold: the
    /// reference clock is too fast for so slow a rate.
    BaudTooLow,
    /// The nearest rate the divisors give is more than 2.5 % off.
    OutOfTolerance,
}

impl fmt::Display for DivisorError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::ZeroClock => "reference clock is 0 Hz",
            Self::ZeroBaud => "baud rate is 0",
            Self::BaudTooHigh => "baud rate too high for the reference clock",
            Self::BaudTooLow => "baud rate too low for the reference clock",
            Self::OutOfTolerance => "no divisor gets within 2.5 % of the baud rate",
        };
        formatter.write_str(text)
    }
}

/// The reference clock prescaler of the i.MX UART (UFCR.RFDIV).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImxReferenceDivider {
    /// ref_clk = module clock / 1.
    DivideBy1,
    /// ref_clk = module clock / 2, the choice of U-Boot and Linux.
    DivideBy2,
}

impl ImxReferenceDivider {
    /// The number the module clock is divided by.
    pub const fn divisor(self) -> u32 {
        match self {
            Self::DivideBy1 => 1,
            Self::DivideBy2 => 2,
        }
    }
}

/// Register values that set an i.MX UART's baud rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImxDivisors {
    /// Prescaler from the module clock to ref_clk (UFCR.RFDIV).
    pub reference_divider: ImxReferenceDivider,
    /// Value for UBIR: the rate modulator's numerator minus one.
    pub ubir: u16,
    /// Value for UBMR: the rate modulator's denominator minus one.
    pub ubmr: u16,
    /// Value for ONEMS: ref_clk cycles in one millisecond.
    pub onems: u32,
}

/// Every UART here samples each bit 16 times.
const OVERSAMPLING: u64 = 16;

/// Largest OMAP divisor: DLL holds 8 bits and DLH only 6 (AM572x UART_DLH).
const NS16550_DIVISOR_MAX: u64 = 0x3FFF;

/// Largest PL011 integer divisor (UARTIBRD is 16 bits wide).
const PL011_IBRD_MAX: u64 = 0xFFFF;

/// PL011 fractional divisor steps per unit (UARTFBRD is 6 bits wide).
const PL011_FBRD_STEPS: u64 = 64;

/// Largest i.MX modulator numerator or denominator (UBIR/UBMR + 1).
const IMX_MODULATOR_MAX: u64 = 0x1_0000;

/// Largest accepted rate error, in thousandths of the requested rate.
const TOLERANCE_PER_MILLE: u64 = 25;

/// Checks that neither input is zero and widens both for the maths below.
fn checked_inputs(reference_clock_hz: u32, baud: u32) -> Result<(u64, u64), DivisorError> {
    match (reference_clock_hz, baud) {
        (0, _) => Err(DivisorError::ZeroClock),
        (_, 0) => Err(DivisorError::ZeroBaud),
        _ => Ok((u64::from(reference_clock_hz), u64::from(baud))),
    }
}

/// Divides rounding to nearest, halves up.
const fn divide_rounded(numerator: u64, denominator: u64) -> u64 {
    (numerator + denominator / 2) / denominator
}

/// Accepts a divider when the rate `clock / divider` is within tolerance of
/// `baud`. All three quantities stay far below `u64::MAX / 1000`.
fn check_tolerance(clock: u64, divider: u64, baud: u64) -> Result<(), DivisorError> {
    let ideal = divider * baud;
    if clock.abs_diff(ideal) * 1000 > ideal * TOLERANCE_PER_MILLE {
        return Err(DivisorError::OutOfTolerance);
    }
    Ok(())
}

/// The 16550 divisor (DLH:DLL) for 16x oversampling, rounded to nearest:
/// baud = clock / (16 * divisor). 48 MHz at 115200 gives 26.
///
/// The limit is the OMAP one, 14 bits, as its DLH holds only 6 bits.
pub fn ns16550_divisor(reference_clock_hz: u32, baud: u32) -> Result<u16, DivisorError> {
    let (clock, baud) = checked_inputs(reference_clock_hz, baud)?;
    let divisor = divide_rounded(clock, OVERSAMPLING * baud);
    if divisor == 0 {
        return Err(DivisorError::BaudTooHigh);
    }
    if divisor > NS16550_DIVISOR_MAX {
        return Err(DivisorError::BaudTooLow);
    }
    check_tolerance(clock, OVERSAMPLING * divisor, baud)?;
    // The range check above keeps the divisor within 14 bits.
    Ok(divisor as u16)
}

/// The PL011 divisors (UARTIBRD, UARTFBRD), as the PL011 TRM gives them:
/// divisor = clock / (16 * baud), FBRD = round(fraction * 64).
/// 24 MHz at 115200 gives (13, 1).
pub fn pl011_divisors(reference_clock_hz: u32, baud: u32) -> Result<(u16, u8), DivisorError> {
    let (clock, baud) = checked_inputs(reference_clock_hz, baud)?;
    // The divisor in 64ths, rounded once, so the fraction can carry into
    // the integer part (13.999 becomes 14 + 0/64, not 13 + 64/64).
    let sixty_fourths = divide_rounded(clock * PL011_FBRD_STEPS, OVERSAMPLING * baud);
    // The TRM: UARTIBRD = 0 is invalid, and at 0xFFFF UARTFBRD must be 0.
    if sixty_fourths < PL011_FBRD_STEPS {
        return Err(DivisorError::BaudTooHigh);
    }
    if sixty_fourths > PL011_IBRD_MAX * PL011_FBRD_STEPS {
        return Err(DivisorError::BaudTooLow);
    }
    check_tolerance(clock * PL011_FBRD_STEPS, OVERSAMPLING * sixty_fourths, baud)?;
    // The range checks above keep IBRD within 16 bits; FBRD is 6 bits.
    let integer = (sixty_fourths / PL011_FBRD_STEPS) as u16;
    let fraction = (sixty_fourths % PL011_FBRD_STEPS) as u8;
    Ok((integer, fraction))
}

/// The i.MX UART prescaler and rate modulator for a module clock and baud:
/// baud = ref_clk / (16 * (UBMR + 1) / (UBIR + 1)), ref_clk = clock / RFDIV.
///
/// Like U-Boot we prefer to halve the module clock, and fall back to
/// dividing by 1 when half is below 16 times the baud rate. The modulator
/// ratio is exact whenever the reduced fraction fits in 16 bits (80 MHz at
/// 115200 gives RFDIV /2, UBIR 143, UBMR 3124); otherwise its denominator is
/// pinned to the largest value and the numerator rounded.
pub fn imx_divisors(reference_clock_hz: u32, baud: u32) -> Result<ImxDivisors, DivisorError> {
    let (clock, baud) = checked_inputs(reference_clock_hz, baud)?;
    let reference_divider = if clock / 2 >= OVERSAMPLING * baud {
        ImxReferenceDivider::DivideBy2
    } else if clock >= OVERSAMPLING * baud {
        ImxReferenceDivider::DivideBy1
    } else {
        return Err(DivisorError::BaudTooHigh);
    };
    let reference_clock = clock / u64::from(reference_divider.divisor());
    let (numerator, denominator) = modulator_ratio(OVERSAMPLING * baud, reference_clock)?;
    check_tolerance(
        reference_clock * numerator,
        OVERSAMPLING * denominator,
        baud,
    )?;
    Ok(ImxDivisors {
        reference_divider,
        // `modulator_ratio` keeps both within 1..=0x10000.
        ubir: (numerator - 1) as u16,
        ubmr: (denominator - 1) as u16,
        // At most 4.3e9 / 1000, well within ONEMS's 24 bits.
        onems: (reference_clock / 1000) as u32,
    })
}

/// Approximates `wanted / reference` (at most 1) by a fraction whose terms
/// both lie in 1..=0x10000, as the i.MX modulator needs.
fn modulator_ratio(wanted: u64, reference: u64) -> Result<(u64, u64), DivisorError> {
    let common = greatest_common_divisor(wanted, reference);
    let (numerator, denominator) = (wanted / common, reference / common);
    if denominator <= IMX_MODULATOR_MAX {
        return Ok((numerator, denominator));
    }
    let numerator = divide_rounded(numerator * IMX_MODULATOR_MAX, denominator);
    if numerator == 0 {
        return Err(DivisorError::BaudTooLow);
    }
    Ok((numerator, IMX_MODULATOR_MAX))
}

/// Euclid's algorithm.
const fn greatest_common_divisor(mut first: u64, mut second: u64) -> u64 {
    while second != 0 {
        (first, second) = (second, first % second);
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ns16550_divisor_matches_the_am572x_example() {
        assert_eq!(ns16550_divisor(48_000_000, 115_200), Ok(26));
        assert_eq!(ns16550_divisor(48_000_000, 9_600), Ok(313));
        assert_eq!(ns16550_divisor(48_000_000, 3_000_000), Ok(1));
    }

    #[test]
    fn ns16550_divisor_refuses_impossible_rates() {
        assert_eq!(ns16550_divisor(0, 115_200), Err(DivisorError::ZeroClock));
        assert_eq!(ns16550_divisor(48_000_000, 0), Err(DivisorError::ZeroBaud));
        assert_eq!(
            ns16550_divisor(48_000_000, 6_000_001),
            Err(DivisorError::BaudTooHigh)
        );
        // 48 MHz / 16 / 0x3FFF is about 183 baud.
        assert_eq!(
            ns16550_divisor(48_000_000, 150),
            Err(DivisorError::BaudTooLow)
        );
        // 3.26 rounds to 3, which gives 1 Mbaud: 8.5 % fast.
        assert_eq!(
            ns16550_divisor(48_000_000, 921_600),
            Err(DivisorError::OutOfTolerance)
        );
    }

    #[test]
    fn pl011_divisors_match_the_trm_examples() {
        assert_eq!(pl011_divisors(24_000_000, 115_200), Ok((13, 1)));
        // The TRM's worked example: 4 MHz at 230400 is 1.085, so (1, 5).
        assert_eq!(pl011_divisors(4_000_000, 230_400), Ok((1, 5)));
        assert_eq!(pl011_divisors(48_000_000, 115_200), Ok((26, 3)));
    }

    #[test]
    fn pl011_fraction_carries_into_the_integer() {
        // 16 * 1000 * 13.999 = 223984: the fraction rounds up to 64/64.
        assert_eq!(pl011_divisors(223_984, 1_000), Ok((14, 0)));
    }

    #[test]
    fn pl011_divisors_refuse_impossible_rates() {
        assert_eq!(pl011_divisors(0, 9_600), Err(DivisorError::ZeroClock));
        assert_eq!(pl011_divisors(24_000_000, 0), Err(DivisorError::ZeroBaud));
        assert_eq!(
            pl011_divisors(24_000_000, 1_600_000),
            Err(DivisorError::BaudTooHigh)
        );
        assert_eq!(pl011_divisors(24_000_000, 1_500_000), Ok((1, 0)));
        assert_eq!(pl011_divisors(u32::MAX, 300), Err(DivisorError::BaudTooLow));
    }

    #[test]
    fn imx_divisors_are_exact_for_the_sabre_lite_clock() {
        let divisors = imx_divisors(80_000_000, 115_200).unwrap();
        assert_eq!(divisors.reference_divider, ImxReferenceDivider::DivideBy2);
        assert_eq!((divisors.ubir, divisors.ubmr), (143, 3124));
        assert_eq!(divisors.onems, 40_000);
        // 40 MHz * 144 / (16 * 3125) is exactly 115200.
        let numerator = u64::from(divisors.ubir) + 1;
        let denominator = u64::from(divisors.ubmr) + 1;
        assert_eq!(40_000_000 * numerator, 115_200 * 16 * denominator);
    }

    #[test]
    fn imx_divisors_fall_back_to_the_undivided_clock() {
        let divisors = imx_divisors(80_000_000, 4_000_000).unwrap();
        assert_eq!(divisors.reference_divider, ImxReferenceDivider::DivideBy1);
        assert_eq!((divisors.ubir, divisors.ubmr), (3, 4));
        assert_eq!(divisors.onems, 80_000);
        assert_eq!(
            imx_divisors(80_000_000, 5_000_001),
            Err(DivisorError::BaudTooHigh)
        );
    }

    #[test]
    fn imx_divisors_round_when_no_exact_ratio_fits() {
        // ref_clk 33333333 Hz = 3 * 11 * 73 * 101 * 137: the reduced ratio
        // 614400 / 11111111 does not fit, so the denominator is pinned.
        let divisors = imx_divisors(66_666_666, 115_200).unwrap();
        assert_eq!((divisors.ubir, divisors.ubmr), (3623, 0xFFFF));
        let achieved: u64 = 33_333_333 * 3624 / (16 * 0x1_0000);
        assert!(achieved.abs_diff(115_200) < 115_200 / 1000);
    }

    #[test]
    fn imx_divisors_refuse_impossible_rates() {
        assert_eq!(imx_divisors(0, 115_200), Err(DivisorError::ZeroClock));
        assert_eq!(imx_divisors(80_000_000, 0), Err(DivisorError::ZeroBaud));
        assert_eq!(imx_divisors(u32::MAX, 1), Err(DivisorError::BaudTooLow));
    }

    #[test]
    fn tolerance_accepts_two_and_a_half_percent() {
        assert_eq!(check_tolerance(1025, 1, 1000), Ok(()));
        assert_eq!(
            check_tolerance(1026, 1, 1000),
            Err(DivisorError::OutOfTolerance)
        );
        assert_eq!(check_tolerance(975, 1, 1000), Ok(()));
    }
}
