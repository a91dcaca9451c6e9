// SPDX-License-Identifier: MIT OR Apache-2.0
//! The `pipe` scenario: 64 KiB from a child through a pipe, then end of file.

use alloc::format;

use userlib::Errno;
use userlib::syscall::{self, Fd};

use super::{Outcome, Passed, failed};
use crate::{Launcher, expect_exit, in_child, wait_for};

/// Bytes the child sends through the pipe.
const PIPE_BYTES: usize = 64 * 1024;
/// Size of each of the child's writes (not a divisor of PIPE_BYTES).
const PIPE_CHUNK: usize = 1000;

/// The byte at `offset` of the pipe stream.
fn pipe_byte(offset: usize) -> u8 {
    (offset % 251) as u8
}

/// pipe + fork: the child writes 64 KiB in chunks, the parent reads it all,
/// checks every byte and sees end of file once the child is gone.
pub fn pipe(_launcher: &Launcher) -> Outcome {
    let pipe = syscall::pipe().map_err(failed("pipe"))?;
    let child = in_child(|| {
        let _ = syscall::close(pipe.read);
        let mut chunk = [0u8; PIPE_CHUNK];
        let mut sent = 0;
        while sent < PIPE_BYTES {
            let length = PIPE_CHUNK.min(PIPE_BYTES - sent);
            for (index, byte) in chunk[..length].iter_mut().enumerate() {
                *byte = pipe_byte(sent + index);
            }
            if syscall::write_all(pipe.write, &chunk[..length]).is_err() {
                return 2;
            }
            sent += length;
        }
        0
    })?;
    syscall::close(pipe.write).map_err(failed("close"))?;
    let received = drain(pipe.read, |offset, byte| byte == pipe_byte(offset));
    let _ = syscall::close(pipe.read);
    let status = wait_for(child)?;
    let (total, first_bad) = received.map_err(failed("read"))?;
    expect_exit("writer", status, 0)?;
    if let Some(offset) = first_bad {
        return Err(format!("byte {offset} is wrong"));
    }
    if total != PIPE_BYTES {
        return Err(format!(
            "read {total} bytes before end of file, expected {PIPE_BYTES}"
        ));
    }
    Ok(Passed::Yes)
}

/// Reads `fd` to end of file; returns the byte count and the offset of the
/// first byte `good` rejects.
fn drain(fd: Fd, good: impl Fn(usize, u8) -> bool) -> Result<(usize, Option<usize>), Errno> {
    let mut buffer = [0u8; 4096];
    let mut total = 0;
    let mut first_bad = None;
    loop {
        let length = match syscall::read(fd, &mut buffer) {
            Ok(0) => return Ok((total, first_bad)),
            Ok(length) => length,
            Err(Errno::EINTR) => continue,
            Err(error) => return Err(error),
        };
        if first_bad.is_none() {
            first_bad = buffer[..length]
                .iter()
                .enumerate()
                .find(|&(index, &byte)| !good(total + index, byte))
                .map(|(index, _)| total + index);
        }
        total += length;
    }
}
