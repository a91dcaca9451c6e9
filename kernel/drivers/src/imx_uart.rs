// SPDX-License-Identifier: MIT OR Apache-2.0
//! i.MX6 UART: the console of the SABRE Lite board (UART2).
//!
//! Registers and bits follow the i.MX 6Dual/6Quad Applications Processor
//! Reference Manual (IMX6DQRM), chapter 64 "Universal Asynchronous
//! Receiver/Transmitter (UART)", and keep its names. The driver polls and
//! enables no DMA request; the one interrupt it can enable is "receiver
//! ready", on the kernel's request. [`ImxUart::init`] follows the order
//! U-Boot's `mxc_serial` uses: software reset, then the control registers,
//! then the FIFO control and the rate modulator, with the UART enabled
//! last. The reset must come first because it clears UBIR and UBMR. The
//! block runs in DCE mode (UFCR.DCEDTE = 0), as on every i.MX6 board.

use core::hint;

use kernel::console::Console;
use tock_registers::interfaces::{ReadWriteable, Readable, Writeable};
use tock_registers::registers::{ReadOnly, ReadWrite, WriteOnly};
use tock_registers::{register_bitfields, register_structs};

use crate::mmio::Mmio;
use crate::uart_config::{self, DivisorError, ImxDivisors, ImxReferenceDivider, UartConfig};

register_bitfields! {
    u32,

    /// UART Receiver Register, URXD.
    URXD [
        /// Received data.
        RX_DATA OFFSET(0) NUMBITS(8) [],
        /// Parity error in this character.
        PRERR OFFSET(10) NUMBITS(1) [],
        /// Break detected in this character.
        BRK OFFSET(11) NUMBITS(1) [],
        /// Framing error in this character.
        FRMERR OFFSET(12) NUMBITS(1) [],
        /// Receiver overrun.
        OVRRUN OFFSET(13) NUMBITS(1) [],
        /// Error detected: any of the four above.
        ERR OFFSET(14) NUMBITS(1) [],
        /// Character ready: RX_DATA is valid.
        CHARRDY OFFSET(15) NUMBITS(1) []
    ],

    /// UART Transmitter Register, UTXD.
    UTXD [
        /// Data to send.
        TX_DATA OFFSET(0) NUMBITS(8) []
    ],

    /// UART Control Register 1, UCR1.
    UCR1 [
        /// UART enable.
        UARTEN OFFSET(0) NUMBITS(1) [],
        /// UART disabled in DOZE state.
        DOZE OFFSET(1) NUMBITS(1) [],
        /// Aging DMA timer enable.
        ATDMAEN OFFSET(2) NUMBITS(1) [],
        /// Transmitter ready DMA enable.
        TXDMAEN OFFSET(3) NUMBITS(1) [],
        /// Send break.
        SNDBRK OFFSET(4) NUMBITS(1) [],
        /// RTS delta interrupt enable.
        RTSDEN OFFSET(5) NUMBITS(1) [],
        /// Transmitter empty interrupt enable.
        TXMPTYEN OFFSET(6) NUMBITS(1) [],
        /// Infrared interface enable.
        IREN OFFSET(7) NUMBITS(1) [],
        /// Receive ready DMA enable.
        RXDMAEN OFFSET(8) NUMBITS(1) [],
        /// Receiver ready interrupt enable.
        RRDYEN OFFSET(9) NUMBITS(1) [],
        /// Idle condition detect.
        ICD OFFSET(10) NUMBITS(2) [],
        /// Idle condition detected interrupt enable.
        IDEN OFFSET(12) NUMBITS(1) [],
        /// Transmitter ready interrupt enable.
        TRDYEN OFFSET(13) NUMBITS(1) [],
        /// Automatic detection of baud rate.
        ADBR OFFSET(14) NUMBITS(1) [],
        /// Automatic baud rate detection interrupt enable.
        ADEN OFFSET(15) NUMBITS(1) []
    ],

    /// UART Control Register 2, UCR2.
    UCR2 [
        /// Software reset, active low: writing 0 resets the FIFOs, the
        /// state machines, USR1, USR2, UBIR, UBMR, UBRC and UTS[6:3].
        SRST OFFSET(0) NUMBITS(1) [],
        /// Receiver enable.
        RXEN OFFSET(1) NUMBITS(1) [],
        /// Transmitter enable.
        TXEN OFFSET(2) NUMBITS(1) [],
        /// Aging timer enable.
        ATEN OFFSET(3) NUMBITS(1) [],
        /// Request to send interrupt enable.
        RTSEN OFFSET(4) NUMBITS(1) [],
        /// Word size: 1 = 8 data bits, 0 = 7.
        WS OFFSET(5) NUMBITS(1) [],
        /// Stop: 1 = two stop bits, 0 = one.
        STPB OFFSET(6) NUMBITS(1) [],
        /// Parity odd (1) or even (0).
        PROE OFFSET(7) NUMBITS(1) [],
        /// Parity enable.
        PREN OFFSET(8) NUMBITS(1) [],
        /// Request to send edge control.
        RTEC OFFSET(9) NUMBITS(2) [],
        /// Escape enable.
        ESCEN OFFSET(11) NUMBITS(1) [],
        /// Clear to send: drives the CTS_B pin.
        CTS OFFSET(12) NUMBITS(1) [],
        /// CTS_B pin control: 1 = the receiver drives it.
        CTSC OFFSET(13) NUMBITS(1) [],
        /// Ignore RTS_B pin: send regardless of flow control.
        IRTS OFFSET(14) NUMBITS(1) [],
        /// Escape sequence interrupt enable.
        ESCI OFFSET(15) NUMBITS(1) []
    ],

    /// UART Control Register 3, UCR3.
    UCR3 [
        /// Autobaud counter interrupt enable.
        ACIEN OFFSET(0) NUMBITS(1) [],
        /// Invert TXD output in RS-232/RS-485 mode.
        INVT OFFSET(1) NUMBITS(1) [],
        /// RXD muxed input select; the manual says always set it.
        RXDMUXSEL OFFSET(2) NUMBITS(1) [],
        /// Data terminal ready delta interrupt enable.
        DTRDEN OFFSET(3) NUMBITS(1) [],
        /// Asynchronous wake interrupt enable.
        AWAKEN OFFSET(4) NUMBITS(1) [],
        /// Asynchronous IR wake interrupt enable.
        AIRINTEN OFFSET(5) NUMBITS(1) [],
        /// Receive status interrupt enable.
        RXDSEN OFFSET(6) NUMBITS(1) [],
        /// Autobaud detection not improved: keep the old mechanism, whose
        /// replacement can lock the receiver into reading 0xFF.
        ADNIMP OFFSET(7) NUMBITS(1) [],
        /// Ring indicator output (DCE mode).
        RI OFFSET(8) NUMBITS(1) [],
        /// Data carrier detect output (DCE mode).
        DCD OFFSET(9) NUMBITS(1) [],
        /// Data set ready output (DCE mode).
        DSR OFFSET(10) NUMBITS(1) [],
        /// Frame error interrupt enable.
        FRAERREN OFFSET(11) NUMBITS(1) [],
        /// Parity error interrupt enable.
        PARERREN OFFSET(12) NUMBITS(1) [],
        /// Data terminal ready interrupt enable.
        DTREN OFFSET(13) NUMBITS(1) [],
        /// DTR/DSR interrupt edge control.
        DPEC OFFSET(14) NUMBITS(2) []
    ],

    /// UART Control Register 4, UCR4.
    UCR4 [
        /// Receive data ready interrupt enable.
        DREN OFFSET(0) NUMBITS(1) [],
        /// Receiver overrun interrupt enable.
        OREN OFFSET(1) NUMBITS(1) [],
        /// Break condition detected interrupt enable.
        BKEN OFFSET(2) NUMBITS(1) [],
        /// Transmit complete interrupt enable.
        TCEN OFFSET(3) NUMBITS(1) [],
        /// Low power bypass.
        LPBYP OFFSET(4) NUMBITS(1) [],
        /// IR special case.
        IRSC OFFSET(5) NUMBITS(1) [],
        /// Idle condition detected DMA enable.
        IDDMAEN OFFSET(6) NUMBITS(1) [],
        /// Wake interrupt enable.
        WKEN OFFSET(7) NUMBITS(1) [],
        /// Serial infrared interrupt enable.
        ENIRI OFFSET(8) NUMBITS(1) [],
        /// Invert RXD input in RS-232/RS-485 mode.
        INVR OFFSET(9) NUMBITS(1) [],
        /// CTS trigger level: receive FIFO characters before CTS_B drops.
        CTSTL OFFSET(10) NUMBITS(6) []
    ],

    /// UART FIFO Control Register, UFCR.
    UFCR [
        /// Receiver trigger level, 0 to 32 characters.
        RXTL OFFSET(0) NUMBITS(6) [],
        /// DCE/DTE mode select: 0 = DCE.
        DCEDTE OFFSET(6) NUMBITS(1) [],
        /// Reference frequency divider: ref_clk = module clock / RFDIV.
        RFDIV OFFSET(7) NUMBITS(3) [
            /// Divide by 6.
            DivideBy6 = 0b000,
            /// Divide by 5.
            DivideBy5 = 0b001,
            /// Divide by 4.
            DivideBy4 = 0b010,
            /// Divide by 3.
            DivideBy3 = 0b011,
            /// Divide by 2.
            DivideBy2 = 0b100,
            /// Divide by 1.
            DivideBy1 = 0b101,
            /// Divide by 7.
            DivideBy7 = 0b110
        ],
        /// Transmitter trigger level, 2 to 32 characters (0, 1 reserved).
        TXTL OFFSET(10) NUMBITS(6) []
    ],

    /// UART Status Register 1, USR1.
    USR1 [
        /// Asynchronous wake interrupt flag.
        AWAKE OFFSET(4) NUMBITS(1) [],
        /// Asynchronous IR wake interrupt flag.
        AIRINT OFFSET(5) NUMBITS(1) [],
        /// Receiver IDLE interrupt flag.
        RXDS OFFSET(6) NUMBITS(1) [],
        /// DTR delta.
        DTRD OFFSET(7) NUMBITS(1) [],
        /// Aging timer interrupt flag.
        AGTIM OFFSET(8) NUMBITS(1) [],
        /// Receiver ready: the receive FIFO reached RXTL.
        RRDY OFFSET(9) NUMBITS(1) [],
        /// Frame error interrupt flag.
        FRAMERR OFFSET(10) NUMBITS(1) [],
        /// Escape sequence interrupt flag.
        ESCF OFFSET(11) NUMBITS(1) [],
        /// RTS delta.
        RTSD OFFSET(12) NUMBITS(1) [],
        /// Transmitter ready: the transmit FIFO fell below TXTL.
        TRDY OFFSET(13) NUMBITS(1) [],
        /// RTS_B pin status.
        RTSS OFFSET(14) NUMBITS(1) [],
        /// Parity error interrupt flag.
        PARITYERR OFFSET(15) NUMBITS(1) []
    ],

    /// UART Status Register 2, USR2.
    USR2 [
        /// Receive data ready: at least one character is waiting.
        RDR OFFSET(0) NUMBITS(1) [],
        /// Overrun error.
        ORE OFFSET(1) NUMBITS(1) [],
        /// Break condition detected.
        BRCD OFFSET(2) NUMBITS(1) [],
        /// Transmitter complete: FIFO and shift register are empty.
        TXDC OFFSET(3) NUMBITS(1) [],
        /// RTS edge interrupt flag.
        RTSF OFFSET(4) NUMBITS(1) [],
        /// DCD_B pin status.
        DCDIN OFFSET(5) NUMBITS(1) [],
        /// Data carrier detect delta.
        DCDDELT OFFSET(6) NUMBITS(1) [],
        /// Wake: start bit detected.
        WAKE OFFSET(7) NUMBITS(1) [],
        /// Serial infrared interrupt flag.
        IRINT OFFSET(8) NUMBITS(1) [],
        /// Ring indicator input.
        RIIN OFFSET(9) NUMBITS(1) [],
        /// Ring indicator delta.
        RIDELT OFFSET(10) NUMBITS(1) [],
        /// Autobaud counter stopped.
        ACST OFFSET(11) NUMBITS(1) [],
        /// Idle condition.
        IDLE OFFSET(12) NUMBITS(1) [],
        /// DTR edge triggered interrupt flag.
        DTRF OFFSET(13) NUMBITS(1) [],
        /// Transmit buffer FIFO empty.
        TXFE OFFSET(14) NUMBITS(1) [],
        /// Automatic baud rate detect complete.
        ADET OFFSET(15) NUMBITS(1) []
    ],

    /// UART Escape Character Register, UESC.
    UESC [
        /// The escape character.
        ESC_CHAR OFFSET(0) NUMBITS(8) []
    ],

    /// UART Escape Timer Register, UTIM.
    UTIM [
        /// Longest gap within an escape sequence, in 2 ms steps.
        TIM OFFSET(0) NUMBITS(12) []
    ],

    /// UART BRM Incremental Register, UBIR.
    UBIR [
        /// Numerator of the rate modulator, minus one.
        INC OFFSET(0) NUMBITS(16) []
    ],

    /// UART BRM Modulator Register, UBMR.
    UBMR [
        /// Denominator of the rate modulator, minus one. Writing it makes
        /// the new ratio take effect, so UBIR is written first.
        MOD OFFSET(0) NUMBITS(16) []
    ],

    /// UART Baud Rate Count Register, UBRC.
    UBRC [
        /// Baud rate count, for autobaud detection.
        BCNT OFFSET(0) NUMBITS(16) []
    ],

    /// UART One Millisecond Register, ONEMS.
    ONEMS [
        /// ref_clk cycles in one millisecond.
        ONEMS OFFSET(0) NUMBITS(24) []
    ],

    /// UART Test Register, UTS.
    UTS [
        /// Software reset in progress (the status of UCR2.SRST).
        SOFTRST OFFSET(0) NUMBITS(1) [],
        /// Receive FIFO full.
        RXFULL OFFSET(3) NUMBITS(1) [],
        /// Transmit FIFO full.
        TXFULL OFFSET(4) NUMBITS(1) [],
        /// Receive FIFO empty.
        RXEMPTY OFFSET(5) NUMBITS(1) [],
        /// Transmit FIFO empty.
        TXEMPTY OFFSET(6) NUMBITS(1) [],
        /// Receive FIFO debug mode.
        RXDBG OFFSET(9) NUMBITS(1) [],
        /// Loop TX and RX for IR test.
        LOOPIR OFFSET(10) NUMBITS(1) [],
        /// Debug enable bar: 1 = keep running in debug state.
        DBGEN OFFSET(11) NUMBITS(1) [],
        /// Loop TX and RX for test.
        LOOP OFFSET(12) NUMBITS(1) [],
        /// Force parity error.
        FRCPERR OFFSET(13) NUMBITS(1) []
    ]
}

register_structs! {
    /// The UART memory map (IMX6DQRM, UART memory map table), up to UTS.
    #[allow(non_snake_case)]
    RegisterBlock {
        (0x00 => URXD: ReadOnly<u32, URXD::Register>),
        (0x04 => _reserved0),
        (0x40 => UTXD: WriteOnly<u32, UTXD::Register>),
        (0x44 => _reserved1),
        (0x80 => UCR1: ReadWrite<u32, UCR1::Register>),
        (0x84 => UCR2: ReadWrite<u32, UCR2::Register>),
        (0x88 => UCR3: ReadWrite<u32, UCR3::Register>),
        (0x8C => UCR4: ReadWrite<u32, UCR4::Register>),
        (0x90 => UFCR: ReadWrite<u32, UFCR::Register>),
        (0x94 => USR1: ReadWrite<u32, USR1::Register>),
        (0x98 => USR2: ReadWrite<u32, USR2::Register>),
        (0x9C => UESC: ReadWrite<u32, UESC::Register>),
        (0xA0 => UTIM: ReadWrite<u32, UTIM::Register>),
        (0xA4 => UBIR: ReadWrite<u32, UBIR::Register>),
        (0xA8 => UBMR: ReadWrite<u32, UBMR::Register>),
        (0xAC => UBRC: ReadOnly<u32, UBRC::Register>),
        (0xB0 => ONEMS: ReadWrite<u32, ONEMS::Register>),
        (0xB4 => UTS: ReadWrite<u32, UTS::Register>),
        (0xB8 => @END),
    }
}

/// Transmit FIFO level below which USR1.TRDY is set; 2 is the smallest
/// the manual allows. Nothing here waits on TRDY; it only must be legal.
const TRANSMIT_TRIGGER_LEVEL: u32 = 2;

/// Receive FIFO level at which USR1.RRDY is set: one character.
const RECEIVE_TRIGGER_LEVEL: u32 = 1;

/// CTS trigger level, the largest (32 characters), as U-Boot sets it; it
/// only matters if CTS_B is ever handed to the receiver.
const CTS_TRIGGER_LEVEL: u32 = 32;

/// An i.MX6 UART, driven by polling, with an optional receive interrupt.
pub struct ImxUart {
    registers: Mmio<RegisterBlock>,
}

impl ImxUart {
    /// Makes the handle for the i.MX UART at virtual address `base`.
    ///
    /// # Safety
    ///
    /// `base` must be the virtual address of an i.MX UART's register
    /// block, mapped as device memory for `'static`, and no other handle
    /// may reconfigure that UART (two writers of bytes only interleave).
    pub const unsafe fn new(base: usize) -> Self {
        Self {
            // SAFETY: the caller promises a mapped i.MX UART at `base` for
            // 'static, which is what `Mmio::new` needs.
            registers: unsafe { Mmio::new(base) },
        }
    }

    /// Sets 8N1 at `config.baud` from the module clock
    /// `config.reference_clock_hz`, FIFOs on, interrupts and DMA off, and
    /// enables transmit and receive. Bytes still queued are sent first, at
    /// the old rate. On an impossible rate nothing is touched.
    pub fn init(&self, config: &UartConfig) -> Result<(), DivisorError> {
        let divisors = uart_config::imx_divisors(config.reference_clock_hz, config.baud)?;
        self.flush();
        self.reset();
        self.registers.UCR3.write(
            UCR3::RXDMUXSEL::SET
                + UCR3::ADNIMP::SET
                + UCR3::RI::SET
                + UCR3::DCD::SET
                + UCR3::DSR::SET,
        );
        self.registers
            .UCR4
            .write(UCR4::CTSTL.val(CTS_TRIGGER_LEVEL));
        self.set_rate(&divisors);
        // SRST stays 1: a 0 here would reset the UART again.
        self.registers.UCR2.write(
            UCR2::SRST::SET + UCR2::RXEN::SET + UCR2::TXEN::SET + UCR2::WS::SET + UCR2::IRTS::SET,
        );
        self.registers.UCR1.write(UCR1::UARTEN::SET);
        Ok(())
    }

    /// Disables the UART and all its interrupts, then resets its FIFOs
    /// and state machines and waits for the reset to finish. We poll
    /// UTS.SOFTRST, the manual's status of UCR2.SRST, rather than SRST
    /// itself, as Bao's driver does: a read-only status bit is also what a
    /// host test's fake memory can stand in for.
    fn reset(&self) {
        self.registers.UCR1.set(0);
        self.registers.UCR2.set(0);
        while self.registers.UTS.is_set(UTS::SOFTRST) {
            hint::spin_loop();
        }
    }

    /// Programs the prescaler, trigger levels and rate modulator.
    fn set_rate(&self, divisors: &ImxDivisors) {
        let reference_divider = match divisors.reference_divider {
            ImxReferenceDivider::DivideBy1 => UFCR::RFDIV::DivideBy1,
            ImxReferenceDivider::DivideBy2 => UFCR::RFDIV::DivideBy2,
        };
        self.registers.UFCR.write(
            reference_divider
                + UFCR::TXTL.val(TRANSMIT_TRIGGER_LEVEL)
                + UFCR::RXTL.val(RECEIVE_TRIGGER_LEVEL),
        );
        // UBIR first: the write to UBMR loads the new ratio.
        self.registers
            .UBIR
            .write(UBIR::INC.val(u32::from(divisors.ubir)));
        self.registers
            .UBMR
            .write(UBMR::MOD.val(u32::from(divisors.ubmr)));
        self.registers.ONEMS.write(ONEMS::ONEMS.val(divisors.onems));
    }

    /// Sends `byte`, waiting while the transmit FIFO is full.
    pub fn write_byte(&self, byte: u8) {
        while self.registers.UTS.is_set(UTS::TXFULL) {
            hint::spin_loop();
        }
        self.registers
            .UTXD
            .write(UTXD::TX_DATA.val(u32::from(byte)));
    }

    /// Takes the next received byte, if one is waiting. Error flags are
    /// dropped: a console has no use for a garbled character's reason.
    pub fn read_byte(&self) -> Option<u8> {
        if !self.registers.USR2.is_set(USR2::RDR) {
            return None;
        }
        // RX_DATA is 8 bits wide, so the value fits.
        Some(self.registers.URXD.read(URXD::RX_DATA) as u8)
    }

    /// Waits until every queued byte, stop bits included, is on the wire.
    pub fn flush(&self) {
        while !self.registers.USR2.is_set(USR2::TXDC) {
            hint::spin_loop();
        }
    }

    /// Enables the receiver ready interrupt (UCR1.RRDYEN): USR1.RRDY is
    /// set while the receive FIFO holds at least UFCR.RXTL characters,
    /// which `init` makes one, so every byte is signalled and the aging
    /// timer (UCR2.ATEN) is not needed. RRDY clears itself when the FIFO
    /// drains below RXTL, so there is nothing to acknowledge. `init`
    /// clears UCR1, so call this after `init`.
    pub fn enable_receive_interrupt(&self) {
        self.registers.UCR1.modify(UCR1::RRDYEN::SET);
    }

    /// Disables the receiver ready interrupt again.
    pub fn disable_receive_interrupt(&self) {
        self.registers.UCR1.modify(UCR1::RRDYEN::CLEAR);
    }
}

impl Console for ImxUart {
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

    /// Byte offset of USR2, whose TXDC `flush` waits for.
    const USR2_OFFSET: usize = 0x98;

    /// An i.MX UART handle on zeroed memory with USR2.TXDC preset, so
    /// `flush` returns; UTS.SOFTRST and UTS.TXFULL read 0.
    fn fake_imx_uart() -> (FakeRegisters, ImxUart) {
        let fake = FakeRegisters::new();
        fake.write(USR2_OFFSET, 1 << 3);
        // SAFETY: the fake block is leaked, so it lives for 'static, and it
        // is 0x100 bytes, covering the UART's 0xB8.
        let uart = unsafe { ImxUart::new(fake.base()) };
        (fake, uart)
    }

    #[test]
    fn init_programs_the_sabre_lite_rate() {
        let (fake, uart) = fake_imx_uart();
        let config = UartConfig {
            reference_clock_hz: 80_000_000,
            baud: 115_200,
        };
        assert_eq!(uart.init(&config), Ok(()));
        assert_eq!(fake.read(0x90), 0xA01, "UFCR: TXTL 2, RFDIV /2, RXTL 1");
        assert_eq!(fake.read(0xA4), 143, "UBIR");
        assert_eq!(fake.read(0xA8), 3124, "UBMR");
        assert_eq!(fake.read(0xB0), 40_000, "ONEMS");
    }

    #[test]
    fn init_enables_8n1_without_interrupts() {
        let (fake, uart) = fake_imx_uart();
        fake.write(0x80, 0xFFFF);
        let config = UartConfig {
            reference_clock_hz: 80_000_000,
            baud: 115_200,
        };
        assert_eq!(uart.init(&config), Ok(()));
        assert_eq!(fake.read(0x84), 0x4027, "UCR2: IRTS WS TXEN RXEN SRST");
        assert_eq!(fake.read(0x80), 0x1, "UCR1: UARTEN only");
        assert_eq!(fake.read(0x88), 0x784, "UCR3: DSR DCD RI ADNIMP RXDMUXSEL");
        assert_eq!(fake.read(0x8C), 0x8000, "UCR4: CTSTL 32, no interrupts");
    }

    #[test]
    fn init_refuses_an_impossible_rate_untouched() {
        let (fake, uart) = fake_imx_uart();
        fake.write(0x80, 0x1);
        let config = UartConfig {
            reference_clock_hz: 0,
            baud: 115_200,
        };
        assert_eq!(uart.init(&config), Err(DivisorError::ZeroClock));
        assert_eq!(fake.read(0x80), 0x1);
    }

    #[test]
    fn write_byte_stores_into_utxd() {
        let (fake, uart) = fake_imx_uart();
        uart.write_bytes(b"ok");
        assert_eq!(fake.read(0x40), u32::from(b'k'));
    }

    #[test]
    fn receive_interrupt_control_touches_only_rrdyen() {
        let (fake, uart) = fake_imx_uart();
        fake.write(0x80, 0x1);
        uart.enable_receive_interrupt();
        assert_eq!(fake.read(0x80), 0x201, "UCR1: UARTEN, RRDYEN");
        uart.disable_receive_interrupt();
        assert_eq!(fake.read(0x80), 0x1, "UCR1: UARTEN only");
    }

    #[test]
    fn read_byte_honours_rdr() {
        let (fake, uart) = fake_imx_uart();
        fake.write(0x00, 0x8000 | u32::from(b'q'));
        assert_eq!(uart.read_byte(), None);
        fake.write(USR2_OFFSET, 1 << 0);
        assert_eq!(uart.read_byte(), Some(b'q'));
    }
}
