// SPDX-License-Identifier: MIT OR Apache-2.0
//! The vDSO: its pages, and mapping them into every process.
//!
//! The build links the vDSO (`kernel/vdso`, `linker/vdso.ld`) and embeds
//! it here. At boot its text goes into one frame, and its data page
//! (`abi::vdso::VdsoData`) into two: one for USR-mode processes, whose
//! `direct_entry` is 0 (the vDSO traps with `svc`), and one for SYSTEM-mode
//! processes, whose `direct_entry` is the kernel's trampoline (a plain
//! call, no exception). Both name the counter the vDSO may read for
//! `clock_gettime`, where the board has one. Every process gets the text
//! and the data page of its trust, read only, at `VDSO_BASE` and the page
//! after it, shared by all processes (each mapping holds a reference, so
//! exit and fork treat them like any shared page and the frames are never
//! freed; fork keeps the parent's page, as trust survives fork). The
//! auxiliary vector's AT_SYSINFO_EHDR points programs at it.

use crate::addr::{PhysAddr, VirtAddr};
use crate::frame_access;
use crate::process::memory::ProcessMemory;
use crate::vm::address_space::PageAccess;
use crate::vm::area::{Area, AreaKind, Permissions};
use crate::vm::layout::{PAGE_SIZE, VDSO_BASE};
use crate::{memory, platform};
use abi::counter::CounterScale;
use abi::errno::Errno;
use abi::vdso::{VDSO_DATA_OFFSET, VdsoData};
use spin::Once;

/// The vDSO as the build linked it (empty when built without one).
static IMAGE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/vdso.so"));

/// The frames every process maps.
struct Pages {
    text: PhysAddr,
    /// The data page of USR-mode processes: trap with `svc`.
    trapping_data: PhysAddr,
    /// The data page of SYSTEM-mode processes: call the trampoline.
    direct_data: PhysAddr,
}

static PAGES: Once<Option<Pages>> = Once::new();

/// Where the vDSO's sigreturn trampoline is, from `VDSO_BASE`.
static SIGRETURN: Once<Option<u32>> = Once::new();

/// The trampoline's two instructions, ARM state: `mov r7, #173`
/// (rt_sigreturn) and `svc #0`.
const SIGRETURN_CODE: [u32; 2] = [
    0xE3A0_7000 | abi::syscall::Sysnum::RtSigreturn.number(),
    0xEF00_0000,
];

/// Finds the sigreturn trampoline in the vDSO's loaded bytes: the offset
/// of [`SIGRETURN_CODE`], word-aligned. The vDSO does not export it (no
/// program should call it by name), so the kernel looks for its code.
pub fn find_sigreturn(text: &[u8]) -> Option<u32> {
    let mut code = [0u8; 8];
    code[..4].copy_from_slice(&SIGRETURN_CODE[0].to_le_bytes());
    code[4..].copy_from_slice(&SIGRETURN_CODE[1].to_le_bytes());
    (0..text.len().saturating_sub(7))
        .step_by(4)
        .find(|&offset| text[offset..offset + 8] == code)
        .map(|offset| offset as u32)
}

/// The address a signal handler without `SA_RESTORER` returns to: the
/// vDSO's trampoline that calls rt_sigreturn; `None` without a vDSO.
pub fn sigreturn_trampoline() -> Option<u32> {
    SIGRETURN
        .get()
        .copied()
        .flatten()
        .map(|offset| VDSO_BASE + offset)
}

/// Puts the vDSO's text and data page into frames. Called once at boot.
pub fn init() {
    PAGES.call_once(|| {
        if IMAGE.is_empty() {
            crate::println!("vdso: none built in (build with `cargo xtask build`)");
            return None;
        }
        if !IMAGE.starts_with(b"\x7fELF") {
            crate::println!("vdso: the embedded image is not an ELF file; not mapped");
            return None;
        }
        // Its one loadable segment starts at offset 0 and ends within the
        // first page (the build checks it); what follows in the file
        // (section headers, the static symbol table) is not mapped.
        let loaded = &IMAGE[..IMAGE.len().min(VDSO_DATA_OFFSET as usize)];
        SIGRETURN.call_once(|| find_sigreturn(loaded));
        if SIGRETURN.get().copied().flatten().is_none() {
            crate::println!("vdso: no sigreturn trampoline: handlers need SA_RESTORER");
        }
        let text = memory::allocate()?;
        frame_access::zero(text);
        frame_access::with_frame_mut(text, |bytes| bytes[..loaded.len()].copy_from_slice(loaded));
        let platform = platform::get();
        let counter = platform
            .user_counter_frequency()
            .and_then(CounterScale::new);
        let trapping_data = data_page(VdsoData::new(0, counter))?;
        let direct_data = data_page(VdsoData::new(platform.direct_entry_address(), counter))?;
        crate::println!(
            "vdso: {} bytes, mapped at {:#010x} in every process; SYSTEM mode enters at {:#010x}; clock_gettime {}",
            loaded.len(),
            VDSO_BASE,
            platform.direct_entry_address(),
            match counter {
                Some(_) => "reads the counter in the vDSO",
                None => "asks the kernel",
            }
        );
        Some(Pages {
            text,
            trapping_data,
            direct_data,
        })
    });
}

/// A frame holding the data page `data`.
fn data_page(data: VdsoData) -> Option<PhysAddr> {
    let frame = memory::allocate()?;
    frame_access::zero(frame);
    let page = data.to_bytes();
    frame_access::with_frame_mut(frame, |bytes| bytes[..page.len()].copy_from_slice(&page));
    Some(frame)
}

/// The vDSO's ELF image as the build linked it (empty when the kernel was
/// built without one): the loader binds apps' imports to its symbols.
pub fn image() -> &'static [u8] {
    IMAGE
}

/// Maps the vDSO into `memory`, with the data page of a SYSTEM-mode
/// process if `trusted`; returns its address for AT_SYSINFO_EHDR, or
/// `None` when the kernel has no vDSO.
pub fn map_into(memory: &mut ProcessMemory, trusted: bool) -> Result<Option<u32>, Errno> {
    let Some(Some(pages)) = PAGES.get() else {
        return Ok(None);
    };
    let text = VirtAddr(VDSO_BASE);
    let data = VirtAddr(VDSO_BASE + VDSO_DATA_OFFSET);
    let execute = Permissions {
        read: true,
        write: false,
        execute: true,
    };
    let read = Permissions {
        read: true,
        write: false,
        execute: false,
    };
    memory.areas.insert(Area::new(
        text,
        VirtAddr(text.0 + PAGE_SIZE),
        execute,
        AreaKind::Vdso,
    ))?;
    memory.areas.insert(Area::new(
        data,
        VirtAddr(data.0 + PAGE_SIZE),
        read,
        AreaKind::Vdso,
    ))?;
    let data_frame = if trusted {
        pages.direct_data
    } else {
        pages.trapping_data
    };
    for (page, frame, executable) in [(text, pages.text, true), (data, data_frame, false)] {
        memory
            .space
            .map(
                page,
                frame,
                PageAccess {
                    writable: false,
                    executable,
                },
            )
            .map_err(|_| Errno::ENOMEM)?;
        memory::share(frame);
    }
    Ok(Some(VDSO_BASE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trampoline_is_found_by_its_code() {
        let mut text = alloc::vec![0u8; 64];
        assert_eq!(find_sigreturn(&text), None);
        text[40..44].copy_from_slice(&0xE3A0_70ADu32.to_le_bytes());
        text[44..48].copy_from_slice(&0xEF00_0000u32.to_le_bytes());
        assert_eq!(find_sigreturn(&text), Some(40));
        assert_eq!(find_sigreturn(&text[..47]), None);
    }
}
