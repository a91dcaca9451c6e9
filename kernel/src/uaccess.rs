// SPDX-License-Identifier: MIT OR Apache-2.0
//! Copying to and from a process's memory, safely.
//!
//! The kernel never dereferences a user pointer. Each access walks the
//! process's page tables page by page, filling demand-paged pages and
//! breaking copy-on-write shares exactly as a fault from the process would,
//! and reaches the frame through the linear map. An address that the
//! process itself could not access gives `EFAULT`, never a kernel fault.

use crate::frame_access;
use crate::process::memory::ProcessMemory;
use crate::trap::Access;
use abi::errno::Errno;
use alloc::vec::Vec;

const PAGE: u32 = 4096;

/// Calls `action` with each piece of `[address, address + length)` that
/// lies in one page: the frame, the offset in it and the range of the
/// caller's buffer it corresponds to.
fn for_each_page(
    memory: &mut ProcessMemory,
    address: u32,
    length: usize,
    access: Access,
    mut action: impl FnMut(crate::addr::PhysAddr, usize, core::ops::Range<usize>),
) -> Result<(), Errno> {
    let length = u32::try_from(length).map_err(|_| Errno::EFAULT)?;
    crate::user_pointer::check_range(address, length)?;
    let mut done = 0u32;
    while done < length {
        let current = address + done;
        let in_page = (PAGE - current % PAGE).min(length - done);
        let frame = memory.resolve(current, access).map_err(|_| Errno::EFAULT)?;
        action(
            frame,
            (current % PAGE) as usize,
            done as usize..(done + in_page) as usize,
        );
        done += in_page;
    }
    Ok(())
}

/// Copies `buffer.len()` bytes from the process's `address`.
pub fn copy_from_user(
    memory: &mut ProcessMemory,
    address: u32,
    buffer: &mut [u8],
) -> Result<(), Errno> {
    let length = buffer.len();
    for_each_page(
        memory,
        address,
        length,
        Access::Read,
        |frame, offset, range| {
            let count = range.len();
            frame_access::with_frame(frame, |bytes| {
                buffer[range].copy_from_slice(&bytes[offset..offset + count]);
            });
        },
    )
}

/// Copies `data` to the process's `address`.
pub fn copy_to_user(memory: &mut ProcessMemory, address: u32, data: &[u8]) -> Result<(), Errno> {
    for_each_page(
        memory,
        address,
        data.len(),
        Access::Write,
        |frame, offset, range| {
            let count = range.len();
            frame_access::with_frame_mut(frame, |bytes| {
                bytes[offset..offset + count].copy_from_slice(&data[range]);
            });
        },
    )
}

/// Reads a 32-bit word from the process.
pub fn read_u32(memory: &mut ProcessMemory, address: u32) -> Result<u32, Errno> {
    let mut word = [0; 4];
    copy_from_user(memory, address, &mut word)?;
    Ok(u32::from_le_bytes(word))
}

/// Writes a 32-bit word to the process.
pub fn write_u32(memory: &mut ProcessMemory, address: u32, value: u32) -> Result<(), Errno> {
    copy_to_user(memory, address, &value.to_le_bytes())
}

/// Bytes [`read_c_string`] copies per step.
const STRING_STEP: usize = 128;

/// Reads a NUL-terminated string of at most `limit` bytes (without the
/// NUL); longer strings give `too_long`.
pub fn read_c_string(
    memory: &mut ProcessMemory,
    address: u32,
    limit: usize,
    too_long: Errno,
) -> Result<Vec<u8>, Errno> {
    let mut text = Vec::new();
    let mut current = address;
    loop {
        // Small steps that never cross a page (the string may end just
        // before an unmapped one), and a small stack frame: execve calls
        // this deep in a 16 KiB kernel stack.
        let in_page = ((PAGE - current % PAGE) as usize).min(STRING_STEP);
        let mut chunk = [0u8; STRING_STEP];
        let chunk = &mut chunk[..in_page];
        copy_from_user(memory, current, chunk)?;
        if let Some(end) = chunk.iter().position(|&byte| byte == 0) {
            text.extend_from_slice(&chunk[..end]);
            return if text.len() > limit {
                Err(too_long)
            } else {
                Ok(text)
            };
        }
        text.extend_from_slice(chunk);
        if text.len() > limit {
            return Err(too_long);
        }
        current = current.checked_add(in_page as u32).ok_or(Errno::EFAULT)?;
    }
}

/// Reads a NULL-terminated array of pointers (argv, envp) of at most
/// `limit` entries; a NULL array pointer is an empty array.
pub fn read_pointer_array(
    memory: &mut ProcessMemory,
    address: u32,
    limit: usize,
) -> Result<Vec<u32>, Errno> {
    let mut pointers = Vec::new();
    if address == 0 {
        return Ok(pointers);
    }
    loop {
        let offset = u32::try_from(pointers.len() * 4).map_err(|_| Errno::E2BIG)?;
        let pointer = read_u32(memory, address.checked_add(offset).ok_or(Errno::EFAULT)?)?;
        if pointer == 0 {
            return Ok(pointers);
        }
        if pointers.len() == limit {
            return Err(Errno::E2BIG);
        }
        pointers.push(pointer);
    }
}
