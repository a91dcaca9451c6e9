// SPDX-License-Identifier: MIT OR Apache-2.0
//! OMAP/16550 UART with 4-byte register stride: the AM572x console (UART3).
//!
//! Registers and bits follow the AM572x Sitara Processors Technical
//! Reference Manual (SPRUHZ6), chapter 24 "Serial Communication
//! Interfaces", section 24.3 "UART/IrDA/CIR", and keep its names; the
//! classic 16550 names (DLAB, DR, THRE, TEMT) are given in the field docs.
//! Sending, receiving and flushing use only 16550 registers. [`Ns16550::init`]
//! also writes MDR1, which exists only on the OMAP block.
//!
//! The divisor latch, DLL and DLH, sits at the offsets of RHR/THR and IER
//! and is visible only while LCR.DIV_EN is set. We model it as a second
//! register block at the same base, `DivisorLatch`, touched in exactly one
//! function, `set_divisor`, which sets DIV_EN, writes the latch and clears
//! DIV_EN again. Everywhere else LCR.DIV_EN is 0 and `RegisterBlock` is what
//! the hardware shows.
//!
//! `init` follows U-Boot's `NS16550_init`, which is known to work on these
//! parts, with one addition: it zeroes the divisor before touching
//! FCR.FIFO_EN, because the TRM allows that bit to change only while the
//! baud clock is stopped (DLL = DLH = 0).

use core::hint;

use kernel::console::Console;
use tock_registers::interfaces::{ReadWriteable, Readable, Writeable};
use tock_registers::registers::{Aliased, ReadOnly, ReadWrite};
use tock_registers::{register_bitfields, register_structs};

use crate::mmio::Mmio;
use crate::uart_config::{self, DivisorError, UartConfig};

register_bitfields! {
    u32,

    /// Receive holding register (read), UART_RHR.
    RHR [
        /// The oldest character in the receive FIFO.
        RHR OFFSET(0) NUMBITS(8) []
    ],

    /// Transmit holding register (write), UART_THR.
    THR [
        /// Character to append to the transmit FIFO.
        THR OFFSET(0) NUMBITS(8) []
    ],

    /// Interrupt enable register (UART mode), UART_IER.
    IER [
        /// Receive data and receive timeout interrupts.
        RHR_IT OFFSET(0) NUMBITS(1) [],
        /// Transmit holding register (FIFO below trigger) interrupt.
        THR_IT OFFSET(1) NUMBITS(1) [],
        /// Receiver line status interrupt.
        LINE_STS_IT OFFSET(2) NUMBITS(1) [],
        /// Modem status interrupt.
        MODEM_STS_IT OFFSET(3) NUMBITS(1) [],
        /// Sleep mode (needs EFR.ENHANCED_EN to write).
        SLEEP_MODE OFFSET(4) NUMBITS(1) [],
        /// XOFF interrupt (needs EFR.ENHANCED_EN to write).
        XOFF_IT OFFSET(5) NUMBITS(1) [],
        /// RTS interrupt (needs EFR.ENHANCED_EN to write).
        RTS_IT OFFSET(6) NUMBITS(1) [],
        /// CTS interrupt (needs EFR.ENHANCED_EN to write).
        CTS_IT OFFSET(7) NUMBITS(1) []
    ],

    /// Interrupt identification register (read), UART_IIR.
    IIR [
        /// 0 when an interrupt is pending.
        IT_PENDING OFFSET(0) NUMBITS(1) [],
        /// Which interrupt is pending.
        IT_TYPE OFFSET(1) NUMBITS(5) [],
        /// Mirror of FCR.FIFO_EN.
        FCR_MIRROR OFFSET(6) NUMBITS(2) []
    ],

    /// FIFO control register (write), UART_FCR.
    FCR [
        /// FIFO enable; changes only while DLL = DLH = 0.
        FIFO_EN OFFSET(0) NUMBITS(1) [],
        /// Clears the receive FIFO; self-clearing.
        RX_FIFO_CLEAR OFFSET(1) NUMBITS(1) [],
        /// Clears the transmit FIFO; self-clearing.
        TX_FIFO_CLEAR OFFSET(2) NUMBITS(1) [],
        /// DMA mode select.
        DMA_MODE OFFSET(3) NUMBITS(1) [],
        /// Transmit FIFO trigger level (needs EFR.ENHANCED_EN to write).
        TX_FIFO_TRIG OFFSET(4) NUMBITS(2) [],
        /// Receive FIFO trigger level.
        RX_FIFO_TRIG OFFSET(6) NUMBITS(2) []
    ],

    /// Line control register, UART_LCR.
    LCR [
        /// Data bits per character.
        CHAR_LENGTH OFFSET(0) NUMBITS(2) [
            /// Five data bits.
            FiveBits = 0b00,
            /// Six data bits.
            SixBits = 0b01,
            /// Seven data bits.
            SevenBits = 0b10,
            /// Eight data bits.
            EightBits = 0b11
        ],
        /// Stop bits: 0 = one.
        NB_STOP OFFSET(2) NUMBITS(1) [],
        /// Parity enable.
        PARITY_EN OFFSET(3) NUMBITS(1) [],
        /// Parity type: 1 = even.
        PARITY_TYPE1 OFFSET(4) NUMBITS(1) [],
        /// Forced parity.
        PARITY_TYPE2 OFFSET(5) NUMBITS(1) [],
        /// Break control: hold TX low.
        BREAK_EN OFFSET(6) NUMBITS(1) [],
        /// Divisor latch enable (16550: DLAB): DLL and DLH replace
        /// RHR/THR and IER.
        DIV_EN OFFSET(7) NUMBITS(1) []
    ],

    /// Modem control register, UART_MCR.
    MCR [
        /// Drives DTR active.
        DTR OFFSET(0) NUMBITS(1) [],
        /// Drives RTS active.
        RTS OFFSET(1) NUMBITS(1) [],
        /// RI input in loopback mode.
        RI_STS_CH OFFSET(2) NUMBITS(1) [],
        /// DCD input in loopback mode.
        CD_STS_CH OFFSET(3) NUMBITS(1) [],
        /// Internal loopback enable.
        LOOPBACK_EN OFFSET(4) NUMBITS(1) [],
        /// XON any function (needs EFR.ENHANCED_EN to write).
        XON_EN OFFSET(5) NUMBITS(1) [],
        /// TCR and TLR register access (needs EFR.ENHANCED_EN to write).
        TCR_TLR OFFSET(6) NUMBITS(1) []
    ],

    /// Line status register (UART mode), UART_LSR.
    LSR [
        /// At least one character in the receive FIFO (16550: DR).
        RX_FIFO_E OFFSET(0) NUMBITS(1) [],
        /// Receive overrun error.
        RX_OE OFFSET(1) NUMBITS(1) [],
        /// Parity error in the character at the top of the FIFO.
        RX_PE OFFSET(2) NUMBITS(1) [],
        /// Framing error in the character at the top of the FIFO.
        RX_FE OFFSET(3) NUMBITS(1) [],
        /// Break in the character at the top of the FIFO.
        RX_BI OFFSET(4) NUMBITS(1) [],
        /// Transmit FIFO empty (16550: THRE).
        TX_FIFO_E OFFSET(5) NUMBITS(1) [],
        /// Transmit FIFO and shift register empty (16550: TEMT).
        TX_SR_E OFFSET(6) NUMBITS(1) [],
        /// At least one error in the receive FIFO.
        RX_FIFO_STS OFFSET(7) NUMBITS(1) []
    ],

    /// Modem status register, UART_MSR.
    MSR [
        /// CTS changed since the last read.
        CTS_STS OFFSET(0) NUMBITS(1) [],
        /// DSR changed since the last read.
        DSR_STS OFFSET(1) NUMBITS(1) [],
        /// RI went from active to inactive since the last read.
        RI_STS OFFSET(2) NUMBITS(1) [],
        /// DCD changed since the last read.
        DCD_STS OFFSET(3) NUMBITS(1) [],
        /// Complement of the CTS input.
        NCTS_STS OFFSET(4) NUMBITS(1) [],
        /// Complement of the DSR input.
        NDSR_STS OFFSET(5) NUMBITS(1) [],
        /// Complement of the RI input.
        NRI_STS OFFSET(6) NUMBITS(1) [],
        /// Complement of the DCD input.
        NCD_STS OFFSET(7) NUMBITS(1) []
    ],

    /// Scratchpad register, UART_SPR.
    SPR [
        /// A byte software may keep here; the UART ignores it.
        SPR_WORD OFFSET(0) NUMBITS(8) []
    ],

    /// Mode definition register 1, UART_MDR1 (OMAP only).
    MDR1 [
        /// Operating mode.
        MODE_SELECT OFFSET(0) NUMBITS(3) [
            /// UART with 16x oversampling.
            Uart16x = 0,
            /// SIR (IrDA) mode.
            Sir = 1,
            /// UART with 16x oversampling and autobaud.
            Uart16xAutobaud = 2,
            /// UART with 13x oversampling.
            Uart13x = 3,
            /// MIR (IrDA) mode.
            Mir = 4,
            /// FIR (IrDA) mode.
            Fir = 5,
            /// CIR (consumer infrared) mode.
            Cir = 6,
            /// Disabled: the state to reprogram the UART in.
            Disable = 7
        ],
        /// IrDA/CIR sleep mode.
        IR_SLEEP OFFSET(3) NUMBITS(1) [],
        /// Sets the TX IR output to a fixed level.
        SET_TXIR OFFSET(4) NUMBITS(1) [],
        /// Store and control transmission.
        SCT OFFSET(5) NUMBITS(1) [],
        /// MIR/FIR SIP generation mode.
        SIP_MODE OFFSET(6) NUMBITS(1) [],
        /// IrDA frame length method.
        FRAME_END_MODE OFFSET(7) NUMBITS(1) []
    ],

    /// Divisor latch low register, UART_DLL (while LCR.DIV_EN = 1).
    DLL [
        /// Low 8 bits of the baud divisor.
        CLOCK_LSB OFFSET(0) NUMBITS(8) []
    ],

    /// Divisor latch high register, UART_DLH (while LCR.DIV_EN = 1).
    DLH [
        /// High 6 bits of the baud divisor.
        CLOCK_MSB OFFSET(0) NUMBITS(6) []
    ]
}

register_structs! {
    /// The registers as seen in operational mode (LCR.DIV_EN = 0).
    #[allow(non_snake_case)]
    RegisterBlock {
        (0x00 => RHR_THR: Aliased<u32, RHR::Register, THR::Register>),
        (0x04 => IER: ReadWrite<u32, IER::Register>),
        (0x08 => IIR_FCR: Aliased<u32, IIR::Register, FCR::Register>),
        (0x0C => LCR: ReadWrite<u32, LCR::Register>),
        (0x10 => MCR: ReadWrite<u32, MCR::Register>),
        (0x14 => LSR: ReadOnly<u32, LSR::Register>),
        (0x18 => MSR: ReadOnly<u32, MSR::Register>),
        (0x1C => SPR: ReadWrite<u32, SPR::Register>),
        (0x20 => MDR1: ReadWrite<u32, MDR1::Register>),
        (0x24 => @END),
    },

    /// The divisor latch, overlaying RHR/THR and IER while LCR.DIV_EN = 1.
    #[allow(non_snake_case)]
    DivisorLatch {
        (0x00 => DLL: ReadWrite<u32, DLL::Register>),
        (0x04 => DLH: ReadWrite<u32, DLH::Register>),
        (0x08 => @END),
    }
}

/// An OMAP/16550 UART with a 4-byte register stride, driven by polling,
/// with an optional receive interrupt.
pub struct Ns16550 {
    registers: Mmio<RegisterBlock>,
    divisor_latch: Mmio<DivisorLatch>,
}

impl Ns16550 {
    /// Makes the handle for the UART at virtual address `base`.
    ///
    /// # Safety
    ///
    /// `base` must be the virtual address of an OMAP/16550 UART's register
    /// block with a 4-byte stride, mapped as device memory for `'static`,
    /// and no other handle may reconfigure that UART (two writers of bytes
    /// only interleave).
    pub const unsafe fn new(base: usize) -> Self {
        Self {
            // SAFETY: the caller promises a mapped UART at `base` for
            // 'static, which is what `Mmio::new` needs.
            registers: unsafe { Mmio::new(base) },
            // SAFETY: as above; the latch lies within the same block.
            divisor_latch: unsafe { Mmio::new(base) },
        }
    }

    /// Sets 8N1 at `config.baud` with 16x oversampling, FIFOs on,
    /// interrupts off, DTR and RTS asserted, and enables the UART. Bytes
    /// still queued are sent first, at the old rate. On an impossible rate
    /// nothing is touched. Writes MDR1, so this is for the OMAP block.
    pub fn init(&self, config: &UartConfig) -> Result<(), DivisorError> {
        let divisor = uart_config::ns16550_divisor(config.reference_clock_hz, config.baud)?;
        self.flush();
        self.registers.MDR1.write(MDR1::MODE_SELECT::Disable);
        // Stop the baud clock, so that FIFO_EN may change.
        self.set_divisor(0);
        self.registers.IER.set(0);
        self.registers
            .IIR_FCR
            .write(FCR::FIFO_EN::SET + FCR::RX_FIFO_CLEAR::SET + FCR::TX_FIFO_CLEAR::SET);
        self.registers.MCR.write(MCR::DTR::SET + MCR::RTS::SET);
        self.set_divisor(divisor);
        self.registers.MDR1.write(MDR1::MODE_SELECT::Uart16x);
        Ok(())
    }

    /// Loads DLH:DLL with `divisor` and leaves LCR at 8N1 with DIV_EN
    /// clear. This is the only place the divisor latch is visible.
    fn set_divisor(&self, divisor: u16) {
        self.registers
            .LCR
            .write(LCR::DIV_EN::SET + LCR::CHAR_LENGTH::EightBits);
        let [high, low] = divisor.to_be_bytes();
        self.divisor_latch
            .DLL
            .write(DLL::CLOCK_LSB.val(u32::from(low)));
        self.divisor_latch
            .DLH
            .write(DLH::CLOCK_MSB.val(u32::from(high)));
        self.registers.LCR.write(LCR::CHAR_LENGTH::EightBits);
    }

    /// Sends `byte`, waiting until the transmit FIFO is empty. The 16550
    /// has no "FIFO full" flag; waiting for empty still keeps the line
    /// busy, as the next byte is queued while this one shifts out.
    pub fn write_byte(&self, byte: u8) {
        while !self.registers.LSR.is_set(LSR::TX_FIFO_E) {
            hint::spin_loop();
        }
        self.registers.RHR_THR.write(THR::THR.val(u32::from(byte)));
    }

    /// Takes the next received byte, if one is waiting. Error flags are
    /// dropped: a console has no use for a garbled character's reason.
    pub fn read_byte(&self) -> Option<u8> {
        if !self.registers.LSR.is_set(LSR::RX_FIFO_E) {
            return None;
        }
        // RHR is 8 bits wide, so the value fits.
        Some(self.registers.RHR_THR.read(RHR::RHR) as u8)
    }

    /// Waits until every queued byte, stop bits included, is on the wire.
    pub fn flush(&self) {
        while !self.registers.LSR.is_set(LSR::TX_SR_E) {
            hint::spin_loop();
        }
    }

    /// Enables the receive data and receive timeout interrupts
    /// (IER.RHR_IT; 16550: ERBFI). Reading RHR until LSR.RX_FIFO_E is
    /// clear acknowledges them, so there is no separate clear. On the
    /// OMAP block the interrupt line is not gated by MCR, unlike a PC's
    /// 16550 and its OUT2. `init` clears IER, so call this after `init`.
    pub fn enable_receive_interrupt(&self) {
        self.registers.IER.modify(IER::RHR_IT::SET);
    }

    /// Disables the receive interrupts again.
    pub fn disable_receive_interrupt(&self) {
        self.registers.IER.modify(IER::RHR_IT::CLEAR);
    }
}

impl Console for Ns16550 {
    fn write_bytes(&self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_byte(byte);
        }
    }
    fn read_byte(&self) -> Option<u8> {
        Self::read_byte(self)
    }
    fn enable_input_interrupt(&self) {
        self.enable_receive_interrupt();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_registers::FakeRegisters;

    /// Byte offset of LSR, whose TX_FIFO_E and TX_SR_E the waits poll.
    const LSR_OFFSET: usize = 0x14;

    /// A UART handle on zeroed memory with LSR.TX_FIFO_E and LSR.TX_SR_E
    /// preset, so `write_byte` and `flush` return.
    fn fake_ns16550() -> (FakeRegisters, Ns16550) {
        let fake = FakeRegisters::new();
        fake.write(LSR_OFFSET, (1 << 5) | (1 << 6));
        // SAFETY: the fake block is leaked, so it lives for 'static, and it
        // is 0x100 bytes, covering the UART's 0x24.
        let uart = unsafe { Ns16550::new(fake.base()) };
        (fake, uart)
    }

    #[test]
    fn init_programs_the_am572x_console() {
        let (fake, uart) = fake_ns16550();
        fake.write(0x04, 0xFF);
        fake.write(0x20, 0x07);
        let config = UartConfig {
            reference_clock_hz: 48_000_000,
            baud: 115_200,
        };
        assert_eq!(uart.init(&config), Ok(()));
        assert_eq!(fake.read(0x00), 26, "DLL");
        assert_eq!(fake.read(0x04), 0, "DLH, and IER before it");
        assert_eq!(fake.read(0x08), 0x07, "FCR: FIFOs on and cleared");
        assert_eq!(fake.read(0x0C), 0x03, "LCR: 8N1, DIV_EN clear");
        assert_eq!(fake.read(0x10), 0x03, "MCR: DTR, RTS");
        assert_eq!(fake.read(0x20), 0, "MDR1: UART 16x");
    }

    #[test]
    fn init_splits_a_divisor_over_dll_and_dlh() {
        let (fake, uart) = fake_ns16550();
        let config = UartConfig {
            reference_clock_hz: 48_000_000,
            baud: 9_600,
        };
        assert_eq!(uart.init(&config), Ok(()));
        assert_eq!(fake.read(0x00), 313 & 0xFF, "DLL");
        assert_eq!(fake.read(0x04), 313 >> 8, "DLH");
    }

    #[test]
    fn init_refuses_an_impossible_rate_untouched() {
        let (fake, uart) = fake_ns16550();
        fake.write(0x0C, 0x1B);
        let config = UartConfig {
            reference_clock_hz: 48_000_000,
            baud: 921_600,
        };
        assert_eq!(uart.init(&config), Err(DivisorError::OutOfTolerance));
        assert_eq!(fake.read(0x0C), 0x1B);
    }

    #[test]
    fn write_byte_stores_into_thr() {
        let (fake, uart) = fake_ns16550();
        uart.write_bytes(b"AM");
        assert_eq!(fake.read(0x00), u32::from(b'M'));
    }

    #[test]
    fn receive_interrupt_control_touches_only_rhr_it() {
        let (fake, uart) = fake_ns16550();
        fake.write(0x04, 1 << 2);
        uart.enable_receive_interrupt();
        assert_eq!(fake.read(0x04), 0b101, "IER: LINE_STS_IT kept, RHR_IT");
        uart.disable_receive_interrupt();
        assert_eq!(fake.read(0x04), 1 << 2, "IER: LINE_STS_IT only");
    }

    #[test]
    fn read_byte_honours_rx_fifo_e() {
        let (fake, uart) = fake_ns16550();
        fake.write(0x00, u32::from(b'z'));
        assert_eq!(uart.read_byte(), None);
        fake.write(LSR_OFFSET, 1 << 0);
        assert_eq!(uart.read_byte(), Some(b'z'));
    }
}
