// SPDX-License-Identifier: MIT OR Apache-2.0
//! Checks on the addresses a process hands the kernel.
//!
//! Before the kernel touches a buffer a system call names, the buffer must
//! lie wholly in the user half: not wrapping past 4 GiB, below `USER_TOP`
//! (the kernel's own memory starts there, and a process must not get the
//! kernel to read or write it on its behalf) and not in page 0. This is
//! Linux's `access_ok`, and like it, it only checks the range: whether the
//! pages are mapped is found out page by page during the copy
//! (`uaccess`), which gives `EFAULT` too. A [`UserRange`] is the proof
//! that the check was made; [`UserRange::pieces`] cuts it at page
//! boundaries the way the copy walks it.
//!
//! An empty range is accepted at any address up to `USER_TOP`, page 0
//! included, because nothing is touched: `read(fd, NULL, 0)` returns 0 on
//! Linux, and so it does here.

use crate::addr::VirtAddr;
use crate::vm::layout::{PAGE_SIZE, USER_BOTTOM, USER_TOP};
use abi::errno::Errno;
use core::ops::Range;

/// A checked range of user addresses: `[start, start + length)` lies in
/// `[USER_BOTTOM, USER_TOP)`, or is empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserRange {
    start: u32,
    length: u32,
}

/// Checks the `length` bytes at `address`; `EFAULT` if any of them is
/// outside the user half or in page 0, or the range wraps.
pub fn check_range(address: u32, length: u32) -> Result<UserRange, Errno> {
    let end = address.checked_add(length).ok_or(Errno::EFAULT)?;
    if end > USER_TOP {
        return Err(Errno::EFAULT);
    }
    if length != 0 && address < USER_BOTTOM {
        return Err(Errno::EFAULT);
    }
    Ok(UserRange {
        start: address,
        length,
    })
}

/// Checks an array of `count` elements of `element_size` bytes at
/// `address` (argv, iovecs); `EFAULT` also if its size overflows.
pub fn check_array(address: u32, count: u32, element_size: u32) -> Result<UserRange, Errno> {
    let length = count.checked_mul(element_size).ok_or(Errno::EFAULT)?;
    check_range(address, length)
}

/// Checks the first byte of something whose length is not known yet (a
/// NUL-terminated string); returns how many bytes may follow it, up to
/// `USER_TOP`. The reader stops at the NUL or at that limit.
pub fn check_start(address: u32) -> Result<u32, Errno> {
    check_range(address, 1)?;
    Ok(USER_TOP - address)
}

/// The part of a [`UserRange`] that lies in one page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// The page (page-aligned).
    pub page: VirtAddr,
    /// Where in the page the piece starts.
    pub offset: usize,
    /// The bytes of the caller's buffer this piece corresponds to.
    pub buffer: Range<usize>,
}

impl UserRange {
    /// First address.
    pub const fn start(&self) -> VirtAddr {
        VirtAddr(self.start)
    }

    /// First address past the range (at most `USER_TOP`).
    pub const fn end(&self) -> VirtAddr {
        VirtAddr(self.start + self.length)
    }

    /// Number of bytes.
    pub const fn len(&self) -> u32 {
        self.length
    }

    /// Whether the range holds no byte.
    pub const fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// The first `length` bytes of the range (a short read fills less
    /// than was asked); the whole range if `length` is larger.
    pub const fn prefix(&self, length: u32) -> UserRange {
        let length = if length < self.length {
            length
        } else {
            self.length
        };
        UserRange {
            start: self.start,
            length,
        }
    }

    /// The pieces of the range, one per page touched, lowest first.
    pub fn pieces(&self) -> impl Iterator<Item = Piece> + use<> {
        let (start, length) = (self.start, self.length);
        let mut done = 0u32;
        core::iter::from_fn(move || {
            if done == length {
                return None;
            }
            // `start + done` is below USER_TOP: no overflow anywhere here.
            let current = start + done;
            let offset = current % PAGE_SIZE;
            let size = (PAGE_SIZE - offset).min(length - done);
            let piece = Piece {
                page: VirtAddr(current - offset),
                offset: offset as usize,
                buffer: done as usize..(done + size) as usize,
            };
            done += size;
            Some(piece)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn ordinary_buffers_pass() {
        let range = check_range(0x0001_0000, 100).unwrap();
        assert_eq!(range.start(), VirtAddr(0x0001_0000));
        assert_eq!(range.end(), VirtAddr(0x0001_0064));
        assert_eq!(range.len(), 100);
        // Right up to the end of the user half.
        assert!(check_range(USER_TOP - 4, 4).is_ok());
        assert!(check_range(USER_BOTTOM, 1).is_ok());
    }

    #[test]
    fn kernel_addresses_fault() {
        assert_eq!(check_range(USER_TOP - 4, 5), Err(Errno::EFAULT));
        assert_eq!(check_range(USER_TOP, 1), Err(Errno::EFAULT));
        assert_eq!(check_range(0xC000_0000, 4), Err(Errno::EFAULT));
        assert_eq!(check_range(0xFFFF_FFFF, 1), Err(Errno::EFAULT));
    }

    #[test]
    fn wrapping_ranges_fault() {
        assert_eq!(check_range(0x1000, u32::MAX), Err(Errno::EFAULT));
        assert_eq!(check_range(0xFFFF_F000, 0x2000), Err(Errno::EFAULT));
        assert_eq!(check_array(0x1000, 0x4000_0001, 4), Err(Errno::EFAULT));
        assert_eq!(check_array(0x1000, 3, 8).map(|range| range.len()), Ok(24));
    }

    #[test]
    fn page_zero_faults() {
        assert_eq!(check_range(0, 1), Err(Errno::EFAULT));
        assert_eq!(check_range(0xFFF, 1), Err(Errno::EFAULT));
        assert_eq!(
            check_range(0xFFF, 2),
            Err(Errno::EFAULT),
            "starts in page 0"
        );
        assert_eq!(check_start(0), Err(Errno::EFAULT));
    }

    #[test]
    fn empty_ranges_pass_anywhere_in_the_user_half() {
        assert!(check_range(0, 0).unwrap().is_empty());
        assert!(check_range(USER_TOP, 0).is_ok());
        assert_eq!(check_range(USER_TOP + 1, 0), Err(Errno::EFAULT));
        assert_eq!(check_range(0, 0).unwrap().pieces().count(), 0);
    }

    #[test]
    fn strings_may_run_to_the_top() {
        assert_eq!(check_start(0x1000), Ok(USER_TOP - 0x1000));
        assert_eq!(check_start(USER_TOP - 1), Ok(1));
        assert_eq!(check_start(USER_TOP), Err(Errno::EFAULT));
    }

    #[test]
    fn pieces_follow_pages() {
        let range = check_range(0x1FF0, 0x2020).unwrap();
        let pieces: Vec<Piece> = range.pieces().collect();
        assert_eq!(
            pieces,
            [
                Piece {
                    page: VirtAddr(0x1000),
                    offset: 0xFF0,
                    buffer: 0..0x10
                },
                Piece {
                    page: VirtAddr(0x2000),
                    offset: 0,
                    buffer: 0x10..0x1010
                },
                Piece {
                    page: VirtAddr(0x3000),
                    offset: 0,
                    buffer: 0x1010..0x2010
                },
                Piece {
                    page: VirtAddr(0x4000),
                    offset: 0,
                    buffer: 0x2010..0x2020
                },
            ]
        );
        let last = check_range(USER_TOP - 3, 3).unwrap();
        assert_eq!(last.pieces().count(), 1);
        assert_eq!(range.prefix(0x10).pieces().count(), 1);
        assert_eq!(range.prefix(u32::MAX), range);
    }
}
