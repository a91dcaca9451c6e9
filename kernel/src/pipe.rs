// SPDX-License-Identifier: MIT OR Apache-2.0
//! The buffer of a pipe, and Linux's rules for reading and writing it.
//!
//! A pipe is a 4 KiB ring of bytes with counts of its open read and write
//! ends. This file is the pure part: no blocking, no waking. The callers
//! (`file`, the read and write system calls) lock it, call [`Pipe::try_read`]
//! or [`Pipe::try_write`], and block on the pipe's wait queue when told
//! [`PipeError::WouldBlock`]. The rules are pipe(7)'s:
//!
//! - a read of an empty pipe returns 0 (end of file) once every write end
//!   is closed, and otherwise would block;
//! - a write with every read end closed fails with EPIPE (and SIGPIPE);
//! - a write of at most [`PIPE_BUF`] bytes is atomic: all of it goes in at
//!   once, or it waits; a longer write may be split, so it goes in as far
//!   as there is room and the caller loops.
//!
//! The buffer sits on the heap, not inline: a pipe is built on a kernel
//! stack before it moves into its shared handle, and 4 KiB is a lot of
//! kernel stack.

use abi::errno::Errno;
use alloc::vec;
use alloc::vec::Vec;

/// Bytes a pipe holds.
pub const CAPACITY: usize = 4096;
/// Writes up to this size are atomic (`PIPE_BUF`).
pub const PIPE_BUF: usize = 4096;

/// Why a pipe read or write could not go ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PipeError {
    /// Nothing can move now; block (or return EAGAIN with `O_NONBLOCK`).
    WouldBlock,
    /// Every read end is closed: EPIPE, and the writer gets SIGPIPE.
    BrokenPipe,
}

impl PipeError {
    /// The error a non-blocking caller returns.
    pub const fn errno(self) -> Errno {
        match self {
            PipeError::WouldBlock => Errno::EAGAIN,
            PipeError::BrokenPipe => Errno::EPIPE,
        }
    }
}

/// A pipe's buffer and the number of its open ends.
#[derive(Debug)]
pub struct Pipe {
    /// The ring.
    buffer: Vec<u8>,
    /// Index of the oldest byte.
    head: usize,
    /// Bytes held, from `head` on (wrapping).
    length: usize,
    /// Open read ends.
    readers: u32,
    /// Open write ends.
    writers: u32,
}

impl Default for Pipe {
    fn default() -> Self {
        Self::new()
    }
}

impl Pipe {
    /// An empty pipe with one read end and one write end open (pipe2).
    pub fn new() -> Pipe {
        Pipe {
            buffer: vec![0; CAPACITY],
            head: 0,
            length: 0,
            readers: 1,
            writers: 1,
        }
    }

    /// Bytes waiting to be read (FIONREAD).
    pub fn len(&self) -> usize {
        self.length
    }

    /// Whether nothing waits to be read.
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// Whether there is no room for another byte.
    pub fn is_full(&self) -> bool {
        self.length == CAPACITY
    }

    /// Room for this many more bytes.
    pub fn free_space(&self) -> usize {
        CAPACITY - self.length
    }

    /// Whether every read end is closed.
    pub fn readers_gone(&self) -> bool {
        self.readers == 0
    }

    /// Whether every write end is closed.
    pub fn writers_gone(&self) -> bool {
        self.writers == 0
    }

    /// Counts another open read end.
    pub fn open_reader(&mut self) {
        self.readers += 1;
    }

    /// Counts another open write end.
    pub fn open_writer(&mut self) {
        self.writers += 1;
    }

    /// A read end closed; blocked writers must now be woken (EPIPE).
    pub fn close_reader(&mut self) {
        self.readers = self.readers.saturating_sub(1);
    }

    /// A write end closed; blocked readers must now be woken (EOF).
    pub fn close_writer(&mut self) {
        self.writers = self.writers.saturating_sub(1);
    }

    /// Copies up to `bytes.len()` bytes in, as far as there is room;
    /// returns how many went in (no rules: see [`Pipe::try_write`]).
    pub fn write(&mut self, bytes: &[u8]) -> usize {
        let count = bytes.len().min(self.free_space());
        let tail = (self.head + self.length) % CAPACITY;
        // At most two runs: up to the end of the ring, then from its start.
        let first = count.min(CAPACITY - tail);
        self.buffer[tail..tail + first].copy_from_slice(&bytes[..first]);
        self.buffer[..count - first].copy_from_slice(&bytes[first..count]);
        self.length += count;
        count
    }

    /// Copies up to `buffer.len()` bytes out, oldest first; returns how
    /// many (no rules: see [`Pipe::try_read`]).
    pub fn read(&mut self, buffer: &mut [u8]) -> usize {
        let count = buffer.len().min(self.length);
        let first = count.min(CAPACITY - self.head);
        buffer[..first].copy_from_slice(&self.buffer[self.head..self.head + first]);
        buffer[first..count].copy_from_slice(&self.buffer[..count - first]);
        self.head = (self.head + count) % CAPACITY;
        self.length -= count;
        if self.length == 0 {
            // Keeps later writes in one run, for no other reason.
            self.head = 0;
        }
        count
    }

    /// A read with pipe(7)'s rules: the bytes read (at least one), or 0 at
    /// end of file (or for an empty `buffer`), or `WouldBlock`.
    pub fn try_read(&mut self, buffer: &mut [u8]) -> Result<usize, PipeError> {
        if buffer.is_empty() {
            return Ok(0);
        }
        if self.is_empty() {
            return if self.writers_gone() {
                Ok(0)
            } else {
                Err(PipeError::WouldBlock)
            };
        }
        Ok(self.read(buffer))
    }

    /// A write with pipe(7)'s rules: the bytes written (at least one, all
    /// of them if there are at most `PIPE_BUF`), or `BrokenPipe`, or
    /// `WouldBlock`. A blocking caller with more to write loops.
    pub fn try_write(&mut self, bytes: &[u8]) -> Result<usize, PipeError> {
        if self.readers_gone() {
            return Err(PipeError::BrokenPipe);
        }
        if bytes.is_empty() {
            return Ok(0);
        }
        let needed = if bytes.len() <= PIPE_BUF {
            bytes.len()
        } else {
            1
        };
        if self.free_space() < needed {
            return Err(PipeError::WouldBlock);
        }
        Ok(self.write(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_come_out_in_order() {
        let mut pipe = Pipe::new();
        assert_eq!(pipe.write(b"hello, "), 7);
        assert_eq!(pipe.write(b"world"), 5);
        assert_eq!(pipe.len(), 12);
        let mut buffer = [0u8; 5];
        assert_eq!(pipe.read(&mut buffer), 5);
        assert_eq!(&buffer, b"hello");
        let mut rest = [0u8; 32];
        assert_eq!(pipe.read(&mut rest), 7);
        assert_eq!(&rest[..7], b", world");
        assert!(pipe.is_empty());
    }

    #[test]
    fn writes_stop_when_full() {
        let mut pipe = Pipe::new();
        let data = [7u8; CAPACITY + 100];
        assert_eq!(pipe.write(&data), CAPACITY);
        assert!(pipe.is_full());
        assert_eq!(pipe.write(b"x"), 0);
    }

    #[test]
    fn the_ring_wraps() {
        let mut pipe = Pipe::new();
        let mut scratch = [0u8; CAPACITY];
        // Move the head to 3000, then write across the end of the ring.
        assert_eq!(pipe.write(&[0u8; 3000]), 3000);
        pipe.write(&[1u8; 500]);
        assert_eq!(pipe.read(&mut scratch[..3000]), 3000);
        let pattern: Vec<u8> = (0..3000u32).map(|index| (index % 251) as u8).collect();
        assert_eq!(pipe.write(&pattern), 3000);
        assert_eq!(pipe.len(), 3500);
        assert_eq!(pipe.read(&mut scratch[..500]), 500);
        assert!(scratch[..500].iter().all(|&byte| byte == 1));
        assert_eq!(pipe.read(&mut scratch), 3000);
        assert_eq!(&scratch[..3000], &pattern[..]);
    }

    #[test]
    fn empty_pipe_blocks_until_writers_are_gone() {
        let mut pipe = Pipe::new();
        let mut buffer = [0u8; 8];
        assert_eq!(pipe.try_read(&mut buffer), Err(PipeError::WouldBlock));
        pipe.write(b"ab");
        pipe.close_writer();
        assert!(pipe.writers_gone());
        // What was written is still read before end of file.
        assert_eq!(pipe.try_read(&mut buffer), Ok(2));
        assert_eq!(pipe.try_read(&mut buffer), Ok(0));
        assert_eq!(pipe.try_read(&mut []), Ok(0));
    }

    #[test]
    fn writing_without_readers_is_epipe() {
        let mut pipe = Pipe::new();
        pipe.close_reader();
        assert!(pipe.readers_gone());
        assert_eq!(pipe.try_write(b"x"), Err(PipeError::BrokenPipe));
        assert_eq!(pipe.try_write(b""), Err(PipeError::BrokenPipe));
        assert_eq!(PipeError::BrokenPipe.errno(), Errno::EPIPE);
        assert_eq!(PipeError::WouldBlock.errno(), Errno::EAGAIN);
    }

    #[test]
    fn small_writes_are_atomic() {
        let mut pipe = Pipe::new();
        pipe.write(&[0u8; CAPACITY - 10]);
        // 11 bytes do not fit whole: nothing goes in.
        assert_eq!(pipe.try_write(&[1u8; 11]), Err(PipeError::WouldBlock));
        assert_eq!(pipe.len(), CAPACITY - 10);
        assert_eq!(pipe.try_write(&[1u8; 10]), Ok(10));
        assert_eq!(pipe.try_write(b"x"), Err(PipeError::WouldBlock));
    }

    #[test]
    fn large_writes_go_in_pieces() {
        let mut pipe = Pipe::new();
        pipe.write(&[0u8; 100]);
        let big = [2u8; PIPE_BUF + 1];
        assert_eq!(pipe.try_write(&big), Ok(CAPACITY - 100));
        assert_eq!(pipe.try_write(&big), Err(PipeError::WouldBlock));
    }

    #[test]
    fn ends_are_counted() {
        let mut pipe = Pipe::default();
        pipe.open_reader();
        pipe.open_writer();
        pipe.close_reader();
        pipe.close_writer();
        assert!(!pipe.readers_gone() && !pipe.writers_gone());
        pipe.close_reader();
        pipe.close_writer();
        pipe.close_writer();
        assert!(pipe.readers_gone() && pipe.writers_gone());
    }
}
