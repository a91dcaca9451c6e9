// SPDX-License-Identifier: MIT OR Apache-2.0
//! ARM PrimeCell PL011 UART: the console of the QEMU `virt` board.
//!
//! Registers and bits follow the PrimeCell UART (PL011) Technical Reference
//! Manual, ARM DDI0183, chapter 3 "Programmers Model", and keep its names.
//! Sending polls. Receiving polls too, unless the kernel asks for the
//! receive interrupts (RX and receive timeout), the only ones the driver
//! ever enables. [`Pl011::init`] follows the TRM's UARTCR programming
//! sequence, except that it drains the transmit FIFO before disabling the
//! UART rather than after. The TRM says BUSY stays
//! set while the FIFO holds data "regardless of whether the UART is enabled",
//! so waiting for it on a disabled UART with queued bytes would never end.
//! The same order is used by the Raspberry Pi OS tutorials' driver.

use core::hint;

use kernel::console::Console;
use tock_registers::interfaces::{ReadWriteable, Readable, Writeable};
use tock_registers::registers::{ReadOnly, ReadWrite, WriteOnly};
use tock_registers::{register_bitfields, register_structs};

use crate::mmio::Mmio;
use crate::uart_config::{self, DivisorError, UartConfig};

register_bitfields! {
    u32,

    /// Data register, UARTDR.
    UARTDR [
        /// Received or to-be-sent character.
        DATA OFFSET(0) NUMBITS(8) [],
        /// Framing error: the character had no valid stop bit.
        FE OFFSET(8) NUMBITS(1) [],
        /// Parity error.
        PE OFFSET(9) NUMBITS(1) [],
        /// Break error: the line was held low for longer than a frame.
        BE OFFSET(10) NUMBITS(1) [],
        /// Overrun error: a character arrived while the FIFO was full.
        OE OFFSET(11) NUMBITS(1) []
    ],

    /// Receive status register UARTRSR; written, it is the error clear
    /// register UARTECR, where any value clears all four flags.
    UARTRSR [
        /// Framing error.
        FE OFFSET(0) NUMBITS(1) [],
        /// Parity error.
        PE OFFSET(1) NUMBITS(1) [],
        /// Break error.
        BE OFFSET(2) NUMBITS(1) [],
        /// Overrun error.
        OE OFFSET(3) NUMBITS(1) []
    ],

    /// Flag register, UARTFR.
    UARTFR [
        /// Clear to send (modem status input).
        CTS OFFSET(0) NUMBITS(1) [],
        /// Data set ready (modem status input).
        DSR OFFSET(1) NUMBITS(1) [],
        /// Data carrier detect (modem status input).
        DCD OFFSET(2) NUMBITS(1) [],
        /// UART busy: set while the transmit FIFO holds data or a
        /// character, stop bits included, is still being sent.
        BUSY OFFSET(3) NUMBITS(1) [],
        /// Receive FIFO empty.
        RXFE OFFSET(4) NUMBITS(1) [],
        /// Transmit FIFO full.
        TXFF OFFSET(5) NUMBITS(1) [],
        /// Receive FIFO full.
        RXFF OFFSET(6) NUMBITS(1) [],
        /// Transmit FIFO empty.
        TXFE OFFSET(7) NUMBITS(1) [],
        /// Ring indicator (modem status input).
        RI OFFSET(8) NUMBITS(1) []
    ],

    /// IrDA low-power counter register, UARTILPR.
    UARTILPR [
        /// Divisor giving the IrDA low-power pulse width.
        ILPDVSR OFFSET(0) NUMBITS(8) []
    ],

    /// Integer baud rate register, UARTIBRD.
    UARTIBRD [
        /// Integer part of UARTCLK / (16 * baud); 0 is invalid.
        BAUD_DIVINT OFFSET(0) NUMBITS(16) []
    ],

    /// Fractional baud rate register, UARTFBRD.
    UARTFBRD [
        /// Fractional part of the divisor, in 64ths.
        BAUD_DIVFRAC OFFSET(0) NUMBITS(6) []
    ],

    /// Line control register, UARTLCR_H. Writing it also latches UARTIBRD
    /// and UARTFBRD, so it is written after them.
    UARTLCR_H [
        /// Send break: hold the line low after the current character.
        BRK OFFSET(0) NUMBITS(1) [],
        /// Parity enable.
        PEN OFFSET(1) NUMBITS(1) [],
        /// Even parity select.
        EPS OFFSET(2) NUMBITS(1) [],
        /// Two stop bits select.
        STP2 OFFSET(3) NUMBITS(1) [],
        /// FIFO enable; clearing it flushes both FIFOs.
        FEN OFFSET(4) NUMBITS(1) [],
        /// Word length: data bits per frame.
        WLEN OFFSET(5) NUMBITS(2) [
            /// Five data bits.
            FiveBits = 0b00,
            /// Six data bits.
            SixBits = 0b01,
            /// Seven data bits.
            SevenBits = 0b10,
            /// Eight data bits.
            EightBits = 0b11
        ],
        /// Stick parity select.
        SPS OFFSET(7) NUMBITS(1) []
    ],

    /// Control register, UARTCR.
    UARTCR [
        /// UART enable.
        UARTEN OFFSET(0) NUMBITS(1) [],
        /// SIR (IrDA) enable.
        SIREN OFFSET(1) NUMBITS(1) [],
        /// SIR low-power IrDA mode.
        SIRLP OFFSET(2) NUMBITS(1) [],
        /// Loopback enable.
        LBE OFFSET(7) NUMBITS(1) [],
        /// Transmit enable.
        TXE OFFSET(8) NUMBITS(1) [],
        /// Receive enable.
        RXE OFFSET(9) NUMBITS(1) [],
        /// Data transmit ready (modem output, inverted on the pin).
        DTR OFFSET(10) NUMBITS(1) [],
        /// Request to send (modem output, inverted on the pin).
        RTS OFFSET(11) NUMBITS(1) [],
        /// Out1 (modem output).
        OUT1 OFFSET(12) NUMBITS(1) [],
        /// Out2 (modem output).
        OUT2 OFFSET(13) NUMBITS(1) [],
        /// RTS hardware flow control enable.
        RTSEN OFFSET(14) NUMBITS(1) [],
        /// CTS hardware flow control enable.
        CTSEN OFFSET(15) NUMBITS(1) []
    ],

    /// Interrupt FIFO level select register, UARTIFLS.
    UARTIFLS [
        /// Transmit interrupt FIFO level.
        TXIFLSEL OFFSET(0) NUMBITS(3) [],
        /// Receive interrupt FIFO level.
        RXIFLSEL OFFSET(3) NUMBITS(3) []
    ],

    /// Interrupt mask set/clear register, UARTIMSC: 1 enables.
    UARTIMSC [
        /// nUARTRI modem interrupt mask.
        RIMIM OFFSET(0) NUMBITS(1) [],
        /// nUARTCTS modem interrupt mask.
        CTSMIM OFFSET(1) NUMBITS(1) [],
        /// nUARTDCD modem interrupt mask.
        DCDMIM OFFSET(2) NUMBITS(1) [],
        /// nUARTDSR modem interrupt mask.
        DSRMIM OFFSET(3) NUMBITS(1) [],
        /// Receive interrupt mask.
        RXIM OFFSET(4) NUMBITS(1) [],
        /// Transmit interrupt mask.
        TXIM OFFSET(5) NUMBITS(1) [],
        /// Receive timeout interrupt mask.
        RTIM OFFSET(6) NUMBITS(1) [],
        /// Framing error interrupt mask.
        FEIM OFFSET(7) NUMBITS(1) [],
        /// Parity error interrupt mask.
        PEIM OFFSET(8) NUMBITS(1) [],
        /// Break error interrupt mask.
        BEIM OFFSET(9) NUMBITS(1) [],
        /// Overrun error interrupt mask.
        OEIM OFFSET(10) NUMBITS(1) []
    ],

    /// Interrupt clear register, UARTICR: writing 1 clears.
    UARTICR [
        /// nUARTRI modem interrupt clear.
        RIMIC OFFSET(0) NUMBITS(1) [],
        /// nUARTCTS modem interrupt clear.
        CTSMIC OFFSET(1) NUMBITS(1) [],
        /// nUARTDCD modem interrupt clear.
        DCDMIC OFFSET(2) NUMBITS(1) [],
        /// nUARTDSR modem interrupt clear.
        DSRMIC OFFSET(3) NUMBITS(1) [],
        /// Receive interrupt clear.
        RXIC OFFSET(4) NUMBITS(1) [],
        /// Transmit interrupt clear.
        TXIC OFFSET(5) NUMBITS(1) [],
        /// Receive timeout interrupt clear.
        RTIC OFFSET(6) NUMBITS(1) [],
        /// Framing error interrupt clear.
        FEIC OFFSET(7) NUMBITS(1) [],
        /// Parity error interrupt clear.
        PEIC OFFSET(8) NUMBITS(1) [],
        /// Break error interrupt clear.
        BEIC OFFSET(9) NUMBITS(1) [],
        /// Overrun error interrupt clear.
        OEIC OFFSET(10) NUMBITS(1) []
    ],

    /// DMA control register, UARTDMACR.
    UARTDMACR [
        /// Receive DMA enable.
        RXDMAE OFFSET(0) NUMBITS(1) [],
        /// Transmit DMA enable.
        TXDMAE OFFSET(1) NUMBITS(1) [],
        /// DMA on error: stop receive DMA when an error interrupt fires.
        DMAONERR OFFSET(2) NUMBITS(1) []
    ]
}

register_structs! {
    /// The PL011 register map (TRM chapter 3 summary), up to UARTDMACR.
    /// UARTRIS and UARTMIS share UARTIMSC's bit layout, so they reuse it.
    #[allow(non_snake_case)]
    RegisterBlock {
        (0x000 => UARTDR: ReadWrite<u32, UARTDR::Register>),
        (0x004 => UARTRSR_ECR: ReadWrite<u32, UARTRSR::Register>),
        (0x008 => _reserved0),
        (0x018 => UARTFR: ReadOnly<u32, UARTFR::Register>),
        (0x01C => _reserved1),
        (0x020 => UARTILPR: ReadWrite<u32, UARTILPR::Register>),
        (0x024 => UARTIBRD: ReadWrite<u32, UARTIBRD::Register>),
        (0x028 => UARTFBRD: ReadWrite<u32, UARTFBRD::Register>),
        (0x02C => UARTLCR_H: ReadWrite<u32, UARTLCR_H::Register>),
        (0x030 => UARTCR: ReadWrite<u32, UARTCR::Register>),
        (0x034 => UARTIFLS: ReadWrite<u32, UARTIFLS::Register>),
        (0x038 => UARTIMSC: ReadWrite<u32, UARTIMSC::Register>),
        (0x03C => UARTRIS: ReadOnly<u32, UARTIMSC::Register>),
        (0x040 => UARTMIS: ReadOnly<u32, UARTIMSC::Register>),
        (0x044 => UARTICR: WriteOnly<u32, UARTICR::Register>),
        (0x048 => UARTDMACR: ReadWrite<u32, UARTDMACR::Register>),
        (0x04C => @END),
    }
}

/// A PL011 UART, driven by polling, with an optional receive interrupt.
pub struct Pl011 {
    registers: Mmio<RegisterBlock>,
}

impl Pl011 {
    /// Makes the handle for the PL011 at virtual address `base`.
    ///
    /// # Safety
    ///
    /// `base` must be the virtual address of a PL011's register block,
    /// mapped as device memory for `'static`, and no other handle may
    /// reconfigure that UART (two writers of bytes only interleave).
    pub const unsafe fn new(base: usize) -> Self {
        Self {
            // SAFETY: the caller promises a mapped PL011 at `base` for
            // 'static, which is what `Mmio::new` needs.
            registers: unsafe { Mmio::new(base) },
        }
    }

    /// Sets 8N1 at `config.baud`, FIFOs on, all interrupts masked, and
    /// enables transmit and receive. Bytes still queued are sent first, at
    /// the old rate. On an impossible rate nothing is touched.
    pub fn init(&self, config: &UartConfig) -> Result<(), DivisorError> {
        let (integer, fraction) =
            uart_config::pl011_divisors(config.reference_clock_hz, config.baud)?;
        self.flush();
        self.registers.UARTCR.set(0);
        // Clearing FEN flushes both FIFOs (TRM, UARTCR programming step 3).
        self.registers.UARTLCR_H.set(0);
        self.registers.UARTIMSC.set(0);
        self.clear_interrupts();
        self.registers
            .UARTIBRD
            .write(UARTIBRD::BAUD_DIVINT.val(u32::from(integer)));
        self.registers
            .UARTFBRD
            .write(UARTFBRD::BAUD_DIVFRAC.val(u32::from(fraction)));
        // This write latches the two divisors as well.
        self.registers
            .UARTLCR_H
            .write(UARTLCR_H::WLEN::EightBits + UARTLCR_H::FEN::SET);
        self.registers
            .UARTCR
            .write(UARTCR::UARTEN::SET + UARTCR::TXE::SET + UARTCR::RXE::SET);
        Ok(())
    }

    /// Clears every pending interrupt, so none is left over from firmware.
    fn clear_interrupts(&self) {
        self.registers.UARTICR.write(
            UARTICR::RIMIC::SET
                + UARTICR::CTSMIC::SET
                + UARTICR::DCDMIC::SET
                + UARTICR::DSRMIC::SET
                + UARTICR::RXIC::SET
                + UARTICR::TXIC::SET
                + UARTICR::RTIC::SET
                + UARTICR::FEIC::SET
                + UARTICR::PEIC::SET
                + UARTICR::BEIC::SET
                + UARTICR::OEIC::SET,
        );
    }

    /// Sends `byte`, waiting while the transmit FIFO is full.
    pub fn write_byte(&self, byte: u8) {
        while self.registers.UARTFR.is_set(UARTFR::TXFF) {
            hint::spin_loop();
        }
        self.registers
            .UARTDR
            .write(UARTDR::DATA.val(u32::from(byte)));
    }

    /// Takes the next received byte, if one is waiting. Error flags are
    /// dropped: a console has no use for a garbled character's reason.
    pub fn read_byte(&self) -> Option<u8> {
        if self.registers.UARTFR.is_set(UARTFR::RXFE) {
            return None;
        }
        // DATA is 8 bits wide, so the value fits.
        Some(self.registers.UARTDR.read(UARTDR::DATA) as u8)
    }

    /// Waits until every queued byte, stop bits included, is on the wire.
    pub fn flush(&self) {
        while self.registers.UARTFR.is_set(UARTFR::BUSY) {
            hint::spin_loop();
        }
    }

    /// Unmasks the receive interrupt (the FIFO reached its trigger level)
    /// and the receive timeout interrupt (bytes below that level have
    /// waited 32 bit periods), so every received byte is signalled.
    /// `init` masks them again, so call this after `init`.
    pub fn enable_receive_interrupt(&self) {
        self.registers
            .UARTIMSC
            .modify(UARTIMSC::RXIM::SET + UARTIMSC::RTIM::SET);
    }

    /// Masks the two receive interrupts again.
    pub fn disable_receive_interrupt(&self) {
        self.registers
            .UARTIMSC
            .modify(UARTIMSC::RXIM::CLEAR + UARTIMSC::RTIM::CLEAR);
    }

    /// Clears both receive interrupts. Draining the FIFO clears them too;
    /// call this before draining, not after, or a byte that arrives in
    /// between is left in the FIFO with its interrupt already cleared.
    pub fn clear_receive_interrupt(&self) {
        self.registers
            .UARTICR
            .write(UARTICR::RXIC::SET + UARTICR::RTIC::SET);
    }
}

impl Console for Pl011 {
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

    fn acknowledge_input_interrupt(&self) {
        self.clear_receive_interrupt();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_registers::FakeRegisters;

    /// A PL011 handle on zeroed memory: BUSY, TXFF and RXFE all read 0.
    fn fake_pl011() -> (FakeRegisters, Pl011) {
        let fake = FakeRegisters::new();
        // SAFETY: the fake block is leaked, so it lives for 'static, and it
        // is 0x100 bytes, covering the PL011's 0x4C.
        let uart = unsafe { Pl011::new(fake.base()) };
        (fake, uart)
    }

    #[test]
    fn init_programs_divisors_line_and_control() {
        let (fake, uart) = fake_pl011();
        fake.write(0x038, 0x7FF);
        let config = UartConfig {
            reference_clock_hz: 24_000_000,
            baud: 115_200,
        };
        assert_eq!(uart.init(&config), Ok(()));
        assert_eq!(fake.read(0x024), 13, "UARTIBRD");
        assert_eq!(fake.read(0x028), 1, "UARTFBRD");
        assert_eq!(fake.read(0x02C), 0x70, "UARTLCR_H: WLEN 8, FEN");
        assert_eq!(fake.read(0x030), 0x301, "UARTCR: UARTEN, TXE, RXE");
        assert_eq!(fake.read(0x038), 0, "UARTIMSC: all masked");
        assert_eq!(fake.read(0x044), 0x7FF, "UARTICR: all cleared");
    }

    #[test]
    fn init_refuses_an_impossible_rate_untouched() {
        let (fake, uart) = fake_pl011();
        fake.write(0x030, 0x301);
        let config = UartConfig {
            reference_clock_hz: 24_000_000,
            baud: 0,
        };
        assert_eq!(uart.init(&config), Err(DivisorError::ZeroBaud));
        assert_eq!(fake.read(0x030), 0x301);
    }

    #[test]
    fn write_byte_stores_into_uartdr() {
        let (fake, uart) = fake_pl011();
        uart.write_bytes(b"hi");
        assert_eq!(fake.read(0x000), u32::from(b'i'));
    }

    #[test]
    fn receive_interrupt_control_touches_only_rxim_and_rtim() {
        let (fake, uart) = fake_pl011();
        fake.write(0x038, 1 << 5);
        uart.enable_receive_interrupt();
        assert_eq!(fake.read(0x038), 0x70, "UARTIMSC: TXIM kept, RXIM, RTIM");
        uart.disable_receive_interrupt();
        assert_eq!(fake.read(0x038), 1 << 5, "UARTIMSC: TXIM only");
        uart.clear_receive_interrupt();
        assert_eq!(fake.read(0x044), 0x50, "UARTICR: RXIC, RTIC");
    }

    #[test]
    fn read_byte_honours_rxfe() {
        let (fake, uart) = fake_pl011();
        fake.write(0x018, 1 << 4);
        assert_eq!(uart.read_byte(), None);
        fake.write(0x018, 0);
        fake.write(0x000, 0x100 | u32::from(b'x'));
        assert_eq!(uart.read_byte(), Some(b'x'));
    }
}
