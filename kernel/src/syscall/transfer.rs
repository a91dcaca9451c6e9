// SPDX-License-Identifier: MIT OR Apache-2.0
//! Moving bytes without the plain read/write shape: `_llseek` (64-bit
//! offsets), `readv`, and `sendfile`/`sendfile64`, which busybox's `cat`
//! uses to copy a file to its output without a user buffer.

use super::files::{
    IOV_MAX, copy_at, file, iovec, lseek_to, read, read_some, wait_event, write_some,
};
use crate::process::with_current;
use crate::signal::delivery;
use crate::uaccess;
use abi::errno::Errno;
use alloc::vec;

/// Bytes sendfile moves per step.
const CHUNK: usize = 4096;

/// _llseek(fd, offset_high, offset_low, result, whence): lseek with a
/// 64-bit offset, the new position written to `*result`.
pub fn llseek(fd: u32, high: u32, low: u32, result: u32, whence: u32) -> Result<u32, Errno> {
    let offset = ((u64::from(high) << 32) | u64::from(low)) as i64;
    let position = lseek_to(fd, offset, whence)?;
    with_current(|process| {
        uaccess::copy_to_user(&mut process.memory.lock(), result, &position.to_le_bytes())
    })?;
    Ok(0)
}

/// readv(fd, iov, iovcnt): reads into each buffer in turn, stopping at a
/// short read (as a pipe or the console gives).
pub fn readv(fd: u32, vector: u32, count: u32) -> Result<u32, Errno> {
    if count > IOV_MAX {
        return Err(Errno::EINVAL);
    }
    let mut total = 0u32;
    for index in 0..count {
        let (base, length) = iovec(vector, index)?;
        if length == 0 {
            continue;
        }
        let done = match read(fd, base, length) {
            Ok(done) => done,
            Err(error) if total == 0 => return Err(error),
            Err(_) => break,
        };
        total += done;
        if done < length {
            break;
        }
    }
    Ok(total)
}

/// The width of sendfile's `*offset`: `long` for sendfile, `loff_t` for
/// sendfile64.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offset {
    /// 32 bits (sendfile).
    Long,
    /// 64 bits (sendfile64).
    LongLong,
}

impl Offset {
    fn size(self) -> usize {
        match self {
            Offset::Long => 4,
            Offset::LongLong => 8,
        }
    }
}

/// sendfile64(out_fd, in_fd, offset, count): copies up to `count` bytes
/// from `in_fd` to `out_fd` in the kernel. With an `offset` pointer the
/// input is read from `*offset` (a ramdisk file), which is advanced, and
/// the file's own offset is left alone, as Linux does. Returns the bytes
/// written; a short count when the input ends or the output would block
/// after some bytes moved.
pub fn sendfile(
    out_fd: u32,
    in_fd: u32,
    offset: u32,
    count: u32,
    width: Offset,
) -> Result<u32, Errno> {
    let input = file(in_fd)?;
    let output = file(out_fd)?;
    let mut position = if offset == 0 {
        None
    } else {
        let mut bytes = [0u8; 8];
        let size = width.size();
        with_current(|process| {
            uaccess::copy_from_user(&mut process.memory.lock(), offset, &mut bytes[..size])
        })?;
        let value = match width {
            Offset::Long => i64::from(i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])),
            Offset::LongLong => i64::from_le_bytes(bytes),
        };
        if value < 0 {
            return Err(Errno::EINVAL);
        }
        Some(value as u64)
    };
    let count = (count as usize).min(0x7fff_f000);
    let mut chunk = vec![0u8; count.min(CHUNK)];
    let mut sent = 0usize;
    while sent < count {
        let want = chunk.len().min(count - sent);
        let got = match position {
            Some(at) => read_at(&input, at, &mut chunk[..want])?,
            None => match read_some(&input, &mut chunk[..want]) {
                Ok(Some(length)) => length,
                Ok(None) if sent > 0 => break,
                Ok(None) => {
                    delivery::wait(wait_event(&input))?;
                    continue;
                }
                Err(_) if sent > 0 => break,
                Err(error) => return Err(error),
            },
        };
        if got == 0 {
            break;
        }
        let mut put = 0;
        while put < got {
            match write_some(&output, &chunk[put..got]) {
                Ok(Some(length)) => put += length,
                Ok(None) => {
                    if let Err(error) = delivery::wait(wait_event(&output)) {
                        if sent + put == 0 {
                            return Err(error);
                        }
                        break;
                    }
                }
                Err(error) if sent + put == 0 => return Err(error),
                Err(_) => break,
            }
        }
        sent += put;
        if let Some(at) = position.as_mut() {
            *at += put as u64;
        }
        if put < got {
            break;
        }
    }
    if let Some(at) = position {
        let bytes = at.to_le_bytes();
        with_current(|process| {
            uaccess::copy_to_user(&mut process.memory.lock(), offset, &bytes[..width.size()])
        })?;
    }
    Ok(sent as u32)
}

/// Reads a ramdisk file at `at` without moving its offset (pread).
fn read_at(input: &crate::file::FileRef, at: u64, chunk: &mut [u8]) -> Result<usize, Errno> {
    match &input.lock().kind {
        crate::file::FileKind::Ramdisk(entry) => Ok(copy_at(entry.data, at, chunk)),
        _ => Err(Errno::ESPIPE),
    }
}
