// SPDX-License-Identifier: MIT OR Apache-2.0
//! Cortex-A9 MPCore private timer: the i.MX6Q's one-shot event timer.
//!
//! Each Cortex-A9 has a private timer and watchdog at PERIPHBASE + 0x600
//! (Cortex-A9 MPCore TRM, ARM DDI0407, section 4.2 "Private timer and
//! watchdog registers"), counting down at PERIPHCLK / (prescaler + 1). We
//! use only the timer, in single-shot mode: write a count, and when the
//! counter reaches zero it stops, sets the event flag and raises PPI 29
//! ([`INTERRUPT`]) if the IRQ is enabled (TRM 4.2.2). The kernel programs
//! it for the nearest deadline and clears the flag in the handler; the
//! global timer (`a9_global_timer`) keeps the time.
//!
//! The watchdog registers are described so the layout is complete, and
//! left alone: out of reset the watchdog is in timer mode and disabled.

use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::registers::ReadWrite;
use tock_registers::{register_bitfields, register_structs};

use crate::gic::InterruptId;
use crate::mmio::Mmio;
use abi::counter::CounterScale;

/// The private timer's interrupt: PPI 29 (TRM 4.2.2), edge-triggered.
pub const INTERRUPT: InterruptId = InterruptId::ppi(13);

/// Nanoseconds in a second.
const NANOSECONDS_PER_SECOND: u64 = 1_000_000_000;

register_bitfields! {
    u32,

    /// Private Timer Control Register.
    CONTROL [
        /// Timer Enable: the counter decrements.
        TIMER_ENABLE OFFSET(0) NUMBITS(1) [],
        /// Auto-reload: on reaching zero, reload from the Load Register
        /// (clear: single-shot, stop at zero).
        AUTO_RELOAD OFFSET(1) NUMBITS(1) [],
        /// IRQ Enable: the event raises interrupt 29.
        IRQ_ENABLE OFFSET(2) NUMBITS(1) [],
        /// Prescaler: the counter runs at PERIPHCLK / (PRESCALER + 1).
        PRESCALER OFFSET(8) NUMBITS(8) []
    ],

    /// Private Timer Interrupt Status Register.
    INTERRUPT_STATUS [
        /// Event flag: the counter reached zero. Write 1 to clear.
        EVENT_FLAG OFFSET(0) NUMBITS(1) []
    ],

    /// Watchdog Control Register.
    WATCHDOG_CONTROL [
        /// Watchdog Enable.
        WATCHDOG_ENABLE OFFSET(0) NUMBITS(1) [],
        /// Auto-reload.
        AUTO_RELOAD OFFSET(1) NUMBITS(1) [],
        /// IT Enable: the event raises interrupt 30 (timer mode).
        IT_ENABLE OFFSET(2) NUMBITS(1) [],
        /// Watchdog mode: set, the counter resets the CPU at zero.
        WATCHDOG_MODE OFFSET(3) NUMBITS(1) [],
        /// Prescaler.
        PRESCALER OFFSET(8) NUMBITS(8) []
    ]
}

register_structs! {
    /// The private timer and watchdog block (TRM table 4-1).
    PrivateTimerRegisters {
        /// Private Timer Load Register: writing it also restarts the
        /// count from the written value.
        (0x00 => load: ReadWrite<u32>),
        /// Private Timer Counter Register: the decrementing count.
        (0x04 => counter: ReadWrite<u32>),
        /// Private Timer Control Register.
        (0x08 => control: ReadWrite<u32, CONTROL::Register>),
        /// Private Timer Interrupt Status Register.
        (0x0C => interrupt_status: ReadWrite<u32, INTERRUPT_STATUS::Register>),
        (0x10 => _reserved0),
        /// Watchdog Load Register.
        (0x20 => watchdog_load: ReadWrite<u32>),
        /// Watchdog Counter Register.
        (0x24 => watchdog_counter: ReadWrite<u32>),
        /// Watchdog Control Register.
        (0x28 => watchdog_control: ReadWrite<u32, WATCHDOG_CONTROL::Register>),
        /// Watchdog Interrupt Status Register.
        (0x2C => watchdog_interrupt_status: ReadWrite<u32>),
        /// Watchdog Reset Status Register.
        (0x30 => watchdog_reset_status: ReadWrite<u32>),
        /// Watchdog Disable Register (the 0x12345678, 0x87654321 sequence).
        (0x34 => watchdog_disable: ReadWrite<u32>),
        (0x38 => @END),
    }
}

/// Counter ticks of a `frequency_hz` clock covering at least `nanoseconds`
/// (rounded up, so a deadline is never early), saturating at `u32::MAX`.
/// A zero frequency gives zero ticks.
pub fn ticks_for(nanoseconds: u64, frequency_hz: u32) -> u32 {
    let frequency = u64::from(frequency_hz);
    let seconds = nanoseconds / NANOSECONDS_PER_SECOND;
    // Below 1e9 * 2^32 < 2^63, so the product does not overflow.
    let rest = nanoseconds % NANOSECONDS_PER_SECOND;
    let partial = (rest * frequency).div_ceil(NANOSECONDS_PER_SECOND);
    seconds
        .checked_mul(frequency)
        .and_then(|whole| whole.checked_add(partial))
        .and_then(|ticks| u32::try_from(ticks).ok())
        .unwrap_or(u32::MAX)
}

/// This CPU's private timer, counting PERIPHCLK with prescaler 0.
pub struct A9PrivateTimer {
    registers: Mmio<PrivateTimerRegisters>,
    frequency_hz: u32,
    /// Nanoseconds to ticks without dividing (`None` for 0 Hz).
    scale: Option<CounterScale>,
}

impl A9PrivateTimer {
    /// The timer at virtual address `base`, whose input clock (PERIPHCLK,
    /// half the CPU clock on the i.MX6Q) runs at `frequency_hz`.
    ///
    /// # Safety
    /// `base` must be the mapped private timer block of the CPU that will
    /// use the handle, for 'static, with no other handle reprogramming it.
    pub const unsafe fn new(base: usize, frequency_hz: u32) -> Self {
        // SAFETY: the caller's promise is `Mmio::new`'s: a mapped block of
        // this layout for 'static.
        let registers = unsafe { Mmio::new(base) };
        Self {
            registers,
            frequency_hz,
            scale: CounterScale::new(frequency_hz),
        }
    }

    /// [`ticks_for`] this timer's frequency, by multiplication (it runs
    /// whenever the scheduler programs the timer).
    pub fn ticks_for_delay(&self, nanoseconds: u64) -> u32 {
        self.scale.map_or(0, |scale| {
            u32::try_from(scale.ticks_at(nanoseconds)).unwrap_or(u32::MAX)
        })
    }

    /// The counter's frequency, as given to `new`.
    pub fn frequency_hz(&self) -> u32 {
        self.frequency_hz
    }

    /// Raises [`INTERRUPT`] once, `ticks` counts from now; a pending
    /// event is dropped first. Zero becomes one: the TRM does not say
    /// whether a counter loaded with zero raises the event (QEMU's model
    /// does not), and one count is the shortest wait anyway.
    pub fn start_one_shot(&self, ticks: u32) {
        self.stop();
        self.clear_interrupt();
        self.registers.load.set(ticks.max(1));
        self.registers.control.write(
            CONTROL::TIMER_ENABLE::SET + CONTROL::IRQ_ENABLE::SET + CONTROL::PRESCALER.val(0),
        );
    }

    /// Stops the count and the interrupt; the event flag is kept.
    pub fn stop(&self) {
        self.registers.control.set(0);
    }

    /// Clears the event flag, returning whether it was set: the interrupt
    /// handler's "was it me". Clear before the next one-shot is armed.
    pub fn clear_interrupt(&self) -> bool {
        let fired = self
            .registers
            .interrupt_status
            .is_set(INTERRUPT_STATUS::EVENT_FLAG);
        if fired {
            self.registers
                .interrupt_status
                .write(INTERRUPT_STATUS::EVENT_FLAG::SET);
        }
        fired
    }

    /// Counts left before the event (0 once it has fired or stopped).
    pub fn remaining(&self) -> u32 {
        self.registers.counter.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_registers::FakeRegisters;

    /// A timer handle on zeroed memory, counting at 396 MHz (PERIPHCLK of
    /// an i.MX6Q at 792 MHz).
    fn fake_timer() -> (FakeRegisters, A9PrivateTimer) {
        let fake = FakeRegisters::new();
        // SAFETY: the fake block is leaked, so it lives for 'static, and it
        // is 0x100 bytes, covering the block's 0x38.
        let timer = unsafe { A9PrivateTimer::new(fake.base(), 396_000_000) };
        (fake, timer)
    }

    #[test]
    fn ticks_round_up() {
        assert_eq!(ticks_for(1_000_000, 396_000_000), 396_000);
        assert_eq!(ticks_for(1, 396_000_000), 1, "0.396 ticks");
        assert_eq!(ticks_for(3, 1_000_000_000), 3);
        assert_eq!(ticks_for(999_999_999, 1), 1);
        assert_eq!(ticks_for(1_000_000_001, 1), 2);
        assert_eq!(ticks_for(0, 396_000_000), 0);
        assert_eq!(ticks_for(1_000, 0), 0);
    }

    #[test]
    fn ticks_saturate() {
        assert_eq!(ticks_for(10_000_000_000, 400_000_000), 4_000_000_000);
        assert_eq!(ticks_for(11_000_000_000, 400_000_000), u32::MAX);
        assert_eq!(ticks_for(u64::MAX, u32::MAX), u32::MAX);
        assert_eq!(ticks_for(u64::MAX, 1), u32::MAX);
    }

    #[test]
    fn start_one_shot_loads_and_enables_without_reload() {
        let (fake, timer) = fake_timer();
        fake.write(0x08, 0xFF07);
        timer.start_one_shot(396_000);
        assert_eq!(fake.read(0x00), 396_000, "Load");
        assert_eq!(fake.read(0x08), 0b101, "Control: enable, IRQ, one-shot");
        timer.start_one_shot(0);
        assert_eq!(fake.read(0x00), 1, "zero becomes one");
    }

    #[test]
    fn the_timers_own_conversion_is_ticks_for() {
        let (_fake, timer) = fake_timer();
        for delay in [0, 1, 3, 1_000_000, 999_999_999, 1_000_000_001, u64::MAX] {
            assert_eq!(
                timer.ticks_for_delay(delay),
                ticks_for(delay, timer.frequency_hz()),
                "{delay} ns"
            );
        }
    }

    #[test]
    fn stop_and_clear_interrupt() {
        let (fake, timer) = fake_timer();
        timer.start_one_shot(10);
        timer.stop();
        assert_eq!(fake.read(0x08), 0, "Control");
        assert!(!timer.clear_interrupt());
        fake.write(0x0C, 1);
        assert!(timer.clear_interrupt());
        assert_eq!(fake.read(0x0C), 1, "write 1 to clear");
        fake.write(0x04, 42);
        assert_eq!(timer.remaining(), 42);
        assert_eq!(timer.frequency_hz(), 396_000_000);
    }

    #[test]
    fn interrupt_is_ppi_29() {
        assert_eq!(INTERRUPT.number(), 29);
    }
}
