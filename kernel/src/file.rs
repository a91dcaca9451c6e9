// SPDX-License-Identifier: MIT OR Apache-2.0
//! Open files: what a file descriptor refers to.
//!
//! An open file (Linux's "open file description") is shared by every
//! descriptor duplicated from it and across fork, with one offset; a
//! [`FileRef`] is one such share. Kinds: the console (fd 0, 1, 2), a
//! read-only ramdisk file or directory, either end of a pipe, and the
//! `/dev/null` and `/dev/zero` devices. Closing
//! the last share of a pipe end tells the pipe, so readers see end-of-file
//! and writers EPIPE.

use crate::pipe::Pipe;
use crate::ramdisk::Entry;
use alloc::string::String;
use alloc::sync::Arc;
use spin::Mutex;

/// A pipe shared by its two ends, with an identity for wait queues.
pub struct SharedPipe {
    /// The buffer and its end counts.
    pub pipe: Mutex<Pipe>,
}

impl SharedPipe {
    /// The identity threads wait on for this pipe.
    pub fn event_id(self: &Arc<Self>) -> usize {
        Arc::as_ptr(self) as usize
    }
}

/// What an open file is.
pub enum FileKind {
    /// The kernel console: reads come from its UART, writes go to it.
    Console,
    /// A regular file of the ramdisk.
    Ramdisk(Entry<'static>),
    /// A directory of the ramdisk (for getdents64), by its path.
    Directory(String),
    /// The read end of a pipe.
    PipeReader(Arc<SharedPipe>),
    /// The write end of a pipe.
    PipeWriter(Arc<SharedPipe>),
    /// `/dev/null` or `/dev/zero` (`/dev/console` and `/dev/tty` open as
    /// [`FileKind::Console`]).
    Device(crate::device::Device),
}

/// An open file description.
pub struct OpenFile {
    /// What it is.
    pub kind: FileKind,
    /// The offset for reads (files) or the next directory entry.
    pub offset: u64,
    /// The flags it was opened with (O_NONBLOCK matters for pipes).
    pub flags: u32,
}

/// One share of an open file, as a descriptor holds it.
pub type FileRef = Arc<Mutex<OpenFile>>;

/// Opens a new description of `kind`.
pub fn open(kind: FileKind, flags: u32) -> FileRef {
    Arc::new(Mutex::new(OpenFile {
        kind,
        offset: 0,
        flags,
    }))
}

impl Drop for OpenFile {
    fn drop(&mut self) {
        let (pipe, reader) = match &self.kind {
            FileKind::PipeReader(pipe) => (pipe, true),
            FileKind::PipeWriter(pipe) => (pipe, false),
            _ => return,
        };
        {
            let mut buffer = pipe.pipe.lock();
            if reader {
                buffer.close_reader();
            } else {
                buffer.close_writer();
            }
        }
        // Whoever waits on the other end must now see EOF or EPIPE; the
        // table may be locked by our caller, so the wake is deferred to
        // the scheduler's re-check (see `sched::wake_pipe_later`).
        crate::sched::wake_later(crate::process::thread::Event::Pipe(pipe.event_id()));
    }
}

/// Bytes typed on the console and not yet read by a process. The
/// receive interrupt fills it; reads of fd 0 empty it.
static CONSOLE_INPUT: Mutex<alloc::collections::VecDeque<u8>> =
    Mutex::new(alloc::collections::VecDeque::new());

/// Most bytes kept for readers; later ones are dropped, as a tty would.
const CONSOLE_INPUT_LIMIT: usize = 4096;

/// Moves every byte the console's receiver holds into the input buffer
/// (which also quiets its receive interrupt).
pub fn receive_console_input() {
    crate::console::acknowledge_input_interrupt();
    let mut input = CONSOLE_INPUT.lock();
    while let Some(byte) = crate::console::read_byte() {
        if input.len() < CONSOLE_INPUT_LIMIT {
            input.push_back(byte);
        }
    }
}

/// Whether console input is waiting.
pub fn console_input_ready() -> bool {
    receive_console_input();
    !CONSOLE_INPUT.lock().is_empty()
}

/// Takes a waiting console byte, if any.
pub fn take_console_byte() -> Option<u8> {
    receive_console_input();
    CONSOLE_INPUT.lock().pop_front()
}
