// SPDX-License-Identifier: MIT OR Apache-2.0
//! Cortex-A9 MPCore global timer: the i.MX6Q's free-running 64-bit clock.
//!
//! The Cortex-A9 has no generic timer; its MPCore private memory region
//! holds a global timer at PERIPHBASE + 0x200 (Cortex-A9 MPCore TRM, ARM
//! DDI0407, section 4.3 "Global timer"), counting PERIPHCLK / (prescaler +
//! 1). The driver enables it with prescaler 0 and reads the 64-bit count
//! the way the TRM asks: upper, lower, upper again until the upper word is
//! stable. Comparator interrupts come with the scheduler (issue 4).

use abi::counter::CounterScale;
use kernel::time::Clock;
use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::registers::ReadWrite;
use tock_registers::{register_bitfields, register_structs};

use crate::mmio::Mmio;

register_bitfields! {
    u32,

    /// Global Timer Control Register.
    CONTROL [
        /// Timer enable: the counter increments.
        TIMER_ENABLE OFFSET(0) NUMBITS(1) [],
        /// Comparator enable.
        COMP_ENABLE OFFSET(1) NUMBITS(1) [],
        /// IRQ enable (the comparator raises PPI 27).
        IRQ_ENABLE OFFSET(2) NUMBITS(1) [],
        /// Auto-increment of the comparator.
        AUTO_INCREMENT OFFSET(3) NUMBITS(1) [],
        /// Prescaler: the clock is PERIPHCLK / (PRESCALER + 1).
        PRESCALER OFFSET(8) NUMBITS(8) []
    ]
}

register_structs! {
    /// The global timer's registers.
    GlobalTimerRegisters {
        /// Counter, lower 32 bits.
        (0x00 => counter_low: ReadWrite<u32>),
        /// Counter, upper 32 bits.
        (0x04 => counter_high: ReadWrite<u32>),
        /// Control.
        (0x08 => control: ReadWrite<u32, CONTROL::Register>),
        /// Interrupt status.
        (0x0C => interrupt_status: ReadWrite<u32>),
        /// Comparator, lower 32 bits.
        (0x10 => comparator_low: ReadWrite<u32>),
        /// Comparator, upper 32 bits.
        (0x14 => comparator_high: ReadWrite<u32>),
        /// Comparator auto-increment.
        (0x18 => auto_increment: ReadWrite<u32>),
        (0x1C => @END),
    }
}

/// The global timer, counting at a known frequency.
pub struct A9GlobalTimer {
    registers: Mmio<GlobalTimerRegisters>,
    /// Ticks to nanoseconds without dividing (`None` for 0 Hz).
    scale: Option<CounterScale>,
}

impl A9GlobalTimer {
    /// The timer at virtual address `base`, whose input clock (PERIPHCLK)
    /// runs at `frequency_hz`.
    ///
    /// # Safety
    /// `base` must be the mapped global timer block, for 'static, with no
    /// other handle reprogramming it.
    pub const unsafe fn new(base: usize, frequency_hz: u32) -> Self {
        // SAFETY: the caller's promise is `Mmio::new`'s: a mapped block of
        // this layout for 'static.
        let registers = unsafe { Mmio::new(base) };
        Self {
            registers,
            scale: CounterScale::new(frequency_hz),
        }
    }

    /// Starts the counter (prescaler 0, no comparator, no interrupt).
    pub fn start(&self) {
        self.registers
            .control
            .write(CONTROL::TIMER_ENABLE::SET + CONTROL::PRESCALER.val(0));
    }

    /// The 64-bit count.
    pub fn count(&self) -> u64 {
        loop {
            let high = self.registers.counter_high.get();
            let low = self.registers.counter_low.get();
            if self.registers.counter_high.get() == high {
                return (u64::from(high) << 32) | u64::from(low);
            }
        }
    }
}

impl Clock for A9GlobalTimer {
    fn nanoseconds(&self) -> u64 {
        // The same result as `kernel::time::ticks_to_nanoseconds`, by
        // multiplication: the clock is read on every way back to a process.
        self.scale
            .map_or(0, |scale| scale.nanoseconds(self.count()))
    }
}
