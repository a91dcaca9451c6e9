// SPDX-License-Identifier: MIT OR Apache-2.0
//! System calls that describe the system: uname, sysinfo, getrandom.

use crate::process::with_current;
use crate::uaccess;
use abi::errno::Errno;
use abi::uname::UtsName;

/// uname(buffer).
pub fn uname(buffer: u32) -> Result<u32, Errno> {
    let board = crate::platform::get().board_name();
    let version = concat!("KML-rs ", env!("CARGO_PKG_VERSION"));
    let name = UtsName::new("Linux", board, "6.1.0-kml-rs", version, "armv7l", "(none)");
    with_current(|process| {
        uaccess::copy_to_user(&mut process.memory.lock(), buffer, &name.to_bytes())
    })?;
    Ok(0)
}

/// sysinfo(buffer): uptime, RAM and free RAM, process count.
pub fn sysinfo(buffer: u32) -> Result<u32, Errno> {
    // Touch the destination first: if it is a page the process has not
    // used yet, filling it must not change the free memory we report.
    let blank = [0u8; abi::sysinfo::SYSINFO_SIZE];
    with_current(|process| uaccess::copy_to_user(&mut process.memory.lock(), buffer, &blank))?;
    let uptime = crate::platform::get().monotonic_nanoseconds() / 1_000_000_000;
    let processes = crate::process::with_table(|table| table.processes.len());
    let info = abi::sysinfo::Sysinfo {
        uptime: uptime as u32,
        idle_entries: crate::sched::idle_entries() as u32,
        exceptions: crate::trap::exceptions_taken(),
        total_ram: (crate::memory::total_frames() * 4096) as u32,
        free_ram: (crate::memory::free_frames() * 4096) as u32,
        processes: processes as u16,
    };
    with_current(|process| {
        uaccess::copy_to_user(&mut process.memory.lock(), buffer, &info.to_bytes())
    })?;
    Ok(0)
}

/// The most getrandom returns in one call (Linux's `MAX_RW_COUNT` is
/// larger; a short count is allowed and callers loop).
const GETRANDOM_MAX: u32 = 1 << 20;

/// getrandom(buffer, length, flags): bytes from the kernel's generator,
/// never blocking (it is always ready), so every accepted flag makes no
/// difference. Not cryptographic: see `crate::random`. A fault after some
/// bytes returns the count copied, as Linux does.
pub fn getrandom(buffer: u32, length: u32, flags: u32) -> Result<u32, Errno> {
    abi::random::check_flags(flags)?;
    let length = length.min(GETRANDOM_MAX);
    let mut done = 0u32;
    let mut chunk = [0u8; 256];
    while done < length {
        let count = (length - done).min(chunk.len() as u32) as usize;
        crate::random::fill(&mut chunk[..count]);
        let copied = with_current(|process| {
            uaccess::copy_to_user(
                &mut process.memory.lock(),
                buffer.wrapping_add(done),
                &chunk[..count],
            )
        });
        chunk.fill(0);
        match copied {
            Ok(()) => done += count as u32,
            Err(error) if done == 0 => return Err(error),
            Err(_) => break,
        }
    }
    Ok(done)
}
