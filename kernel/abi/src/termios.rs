// SPDX-License-Identifier: MIT OR Apache-2.0
//! Terminal ioctls: `struct termios`, `struct winsize` and their numbers.
//!
//! A C library decides whether fd 1 is a terminal (and so whether to
//! line-buffer stdout) with `ioctl(fd, TCGETS, &termios)`: success means a
//! terminal, `ENOTTY` a file or pipe. The console answers with
//! [`Termios::CONSOLE`], Linux's `tty_std_termios` (drivers/tty/tty_io.c).
//! The layout is the kernel's `struct termios` (asm-generic/termbits.h,
//! which ARM uses): four `u32` flag words, the line discipline and 19
//! control characters, 36 bytes; the flag values are octal there and here.

use crate::bytes::{get_u16, get_u32, put_u16, put_u32};

/// Get the terminal's settings (`struct termios`).
pub const TCGETS: u32 = 0x5401;
/// Set them now.
pub const TCSETS: u32 = 0x5402;
/// Set them after output drains.
pub const TCSETSW: u32 = 0x5403;
/// Set them after output drains, discarding pending input.
pub const TCSETSF: u32 = 0x5404;
/// Get the foreground process group.
pub const TIOCGPGRP: u32 = 0x540F;
/// Set the foreground process group.
pub const TIOCSPGRP: u32 = 0x5410;
/// Get the window size (`struct winsize`).
pub const TIOCGWINSZ: u32 = 0x5413;
/// Set the window size.
pub const TIOCSWINSZ: u32 = 0x5414;
/// Bytes waiting to be read (`int`).
pub const FIONREAD: u32 = 0x541B;
/// Set or clear non-blocking mode (`int`).
pub const FIONBIO: u32 = 0x5421;

/// Input: map CR to NL.
pub const ICRNL: u32 = 0o000_400;
/// Input: XON/XOFF flow control on output.
pub const IXON: u32 = 0o002_000;
/// Output: post-process output.
pub const OPOST: u32 = 0o000_001;
/// Output: map NL to CR-NL.
pub const ONLCR: u32 = 0o000_004;
/// Control: 38400 baud.
pub const B38400: u32 = 0o000_017;
/// Control: 8 data bits.
pub const CS8: u32 = 0o000_060;
/// Control: enable the receiver.
pub const CREAD: u32 = 0o000_200;
/// Control: hang up on last close.
pub const HUPCL: u32 = 0o002_000;
/// Local: generate signals for INTR, QUIT, SUSP.
pub const ISIG: u32 = 0o000_001;
/// Local: canonical (line) mode.
pub const ICANON: u32 = 0o000_002;
/// Local: echo input.
pub const ECHO: u32 = 0o000_010;
/// Local: ERASE erases the previous character.
pub const ECHOE: u32 = 0o000_020;
/// Local: KILL erases the line.
pub const ECHOK: u32 = 0o000_040;
/// Local: echo control characters as `^X`.
pub const ECHOCTL: u32 = 0o001_000;
/// Local: KILL erases each character of the line.
pub const ECHOKE: u32 = 0o004_000;
/// Local: extended input processing.
pub const IEXTEN: u32 = 0o100_000;

/// Number of control characters in `c_cc`.
pub const NCCS: usize = 19;
/// `c_cc` index of the interrupt character.
pub const VINTR: usize = 0;
/// `c_cc` index of the end-of-file character.
pub const VEOF: usize = 4;
/// `c_cc` index of the read timeout, in tenths of a second.
pub const VTIME: usize = 5;
/// `c_cc` index of the minimum bytes a non-canonical read waits for.
pub const VMIN: usize = 6;

/// Size of `struct termios`.
pub const TERMIOS_SIZE: usize = 36;
/// Size of `struct winsize`.
pub const WINSIZE_SIZE: usize = 8;

/// The kernel's `struct termios`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Termios {
    /// Input modes.
    pub c_iflag: u32,
    /// Output modes.
    pub c_oflag: u32,
    /// Control modes.
    pub c_cflag: u32,
    /// Local modes.
    pub c_lflag: u32,
    /// Line discipline (0, N_TTY).
    pub c_line: u8,
    /// Control characters, indexed by the `V*` constants.
    pub c_cc: [u8; NCCS],
}

const _: () = assert!(core::mem::size_of::<Termios>() == TERMIOS_SIZE);
const _: () = assert!(core::mem::offset_of!(Termios, c_line) == 16);
const _: () = assert!(core::mem::offset_of!(Termios, c_cc) == 17);

impl Termios {
    /// Linux's `tty_std_termios`: cooked mode, echo, 8N1 at 38400 baud.
    pub const CONSOLE: Termios = Termios {
        c_iflag: ICRNL | IXON,
        c_oflag: OPOST | ONLCR,
        c_cflag: B38400 | CS8 | CREAD | HUPCL,
        c_lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
        c_line: 0,
        // INIT_C_CC: ^C ^\ DEL ^U ^D, time 0, min 1, swtc 0, ^Q ^S ^Z,
        // eol 0, ^R ^O ^W ^V, eol2 0, and two unused.
        c_cc: [
            0x03, 0x1c, 0x7f, 0x15, 0x04, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0,
            0, 0,
        ],
    };

    /// The bytes a program sees.
    pub fn to_bytes(&self) -> [u8; TERMIOS_SIZE] {
        let mut bytes = [0; TERMIOS_SIZE];
        put_u32(&mut bytes, 0, self.c_iflag);
        put_u32(&mut bytes, 4, self.c_oflag);
        put_u32(&mut bytes, 8, self.c_cflag);
        put_u32(&mut bytes, 12, self.c_lflag);
        bytes[16] = self.c_line;
        bytes[17..].copy_from_slice(&self.c_cc);
        bytes
    }

    /// The struct a program passed (TCSETS).
    pub fn from_bytes(bytes: &[u8; TERMIOS_SIZE]) -> Termios {
        let mut c_cc = [0; NCCS];
        c_cc.copy_from_slice(&bytes[17..]);
        Termios {
            c_iflag: get_u32(bytes, 0),
            c_oflag: get_u32(bytes, 4),
            c_cflag: get_u32(bytes, 8),
            c_lflag: get_u32(bytes, 12),
            c_line: bytes[16],
            c_cc,
        }
    }
}

/// `struct winsize`, for TIOCGWINSZ.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Winsize {
    /// Rows of characters.
    pub ws_row: u16,
    /// Columns of characters.
    pub ws_col: u16,
    /// Width in pixels (unused, 0).
    pub ws_xpixel: u16,
    /// Height in pixels (unused, 0).
    pub ws_ypixel: u16,
}

const _: () = assert!(core::mem::size_of::<Winsize>() == WINSIZE_SIZE);

impl Winsize {
    /// What a serial console reports: the classic 24 x 80.
    pub const CONSOLE: Winsize = Winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };

    /// The bytes a program sees.
    pub fn to_bytes(&self) -> [u8; WINSIZE_SIZE] {
        let mut bytes = [0; WINSIZE_SIZE];
        put_u16(&mut bytes, 0, self.ws_row);
        put_u16(&mut bytes, 2, self.ws_col);
        put_u16(&mut bytes, 4, self.ws_xpixel);
        put_u16(&mut bytes, 6, self.ws_ypixel);
        bytes
    }

    /// The struct a program passed (TIOCSWINSZ).
    pub fn from_bytes(bytes: &[u8; WINSIZE_SIZE]) -> Winsize {
        Winsize {
            ws_row: get_u16(bytes, 0),
            ws_col: get_u16(bytes, 2),
            ws_xpixel: get_u16(bytes, 4),
            ws_ypixel: get_u16(bytes, 6),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_settings_match_linux() {
        let bytes = Termios::CONSOLE.to_bytes();
        // tty_std_termios as a Linux ARM machine reports it (stty -g).
        assert_eq!(bytes[0..4], 0o002_400u32.to_le_bytes(), "c_iflag 0x500");
        assert_eq!(bytes[4..8], 5u32.to_le_bytes(), "c_oflag");
        assert_eq!(bytes[8..12], 0o002_277u32.to_le_bytes(), "c_cflag 0x4bf");
        assert_eq!(bytes[12..16], 0o105_073u32.to_le_bytes(), "c_lflag 0x8a3b");
        assert_eq!(bytes[16], 0);
        assert_eq!(bytes[17 + VINTR], 3);
        assert_eq!(bytes[17 + VEOF], 4);
        assert_eq!(bytes[17 + VMIN], 1);
    }

    #[test]
    fn structs_round_trip() {
        let mut raw = Termios::CONSOLE;
        raw.c_lflag &= !(ICANON | ECHO);
        raw.c_cc[VTIME] = 7;
        assert_eq!(Termios::from_bytes(&raw.to_bytes()), raw);
        let size = Winsize {
            ws_row: 50,
            ws_col: 132,
            ws_xpixel: 1,
            ws_ypixel: 2,
        };
        assert_eq!(Winsize::from_bytes(&size.to_bytes()), size);
        assert_eq!(Winsize::CONSOLE.to_bytes()[..4], [24, 0, 80, 0]);
    }

    #[test]
    fn ioctl_numbers_are_linux_numbers() {
        assert_eq!(
            (TCGETS, TCSETS, TIOCGWINSZ, FIONREAD),
            (0x5401, 0x5402, 0x5413, 0x541B)
        );
    }
}
