// SPDX-License-Identifier: MIT OR Apache-2.0
//! execve: replacing a process's program with one from the ramdisk.
//!
//! The program is checked completely before the old one is touched: path
//! lookup, permissions, the ELF plan (every hostile-ELF check lives in
//! `crate::elf`), the argument sizes and the initial stack. Only then does
//! the process get its new memory: areas for the segments (filled on first
//! touch), an empty heap at the program break, and a stack holding exactly
//! what Linux puts there (`crate::user_stack`). A program linked against
//! the vDSO has its imports bound here too: the plan says which words get
//! which vDSO addresses (`crate::elf`, against the vDSO's symbols, read
//! once from its image), and they are written before the program runs.

use super::memory::ProcessMemory;
use crate::addr::VirtAddr;
use crate::elf::{self, ExportedSymbols};
use crate::path::Resolved;
use crate::ramdisk::{Follow, LookupError};
use crate::user_stack::{self, InitialStack};
use crate::vm::layout::{PAGE_SIZE, STACK_TOP, VDSO_BASE};
use crate::{initrd, platform, println};
use abi::errno::Errno;
use alloc::string::String;
use alloc::vec::Vec;
use spin::Once;

/// A program ready to replace the running one.
pub struct LoadedProgram {
    /// Its memory, segments mapped on demand, stack written.
    pub memory: ProcessMemory,
    /// Where it starts.
    pub entry: u32,
    /// Its initial stack pointer.
    pub stack_pointer: u32,
    /// Its absolute path, as the process sees it.
    pub path: String,
    /// Whether it runs in SYSTEM mode (Kernel-Mode Linux).
    pub trusted: bool,
}

/// Whether a program at `visible` gets SYSTEM mode: under `/trusted/`,
/// with the `kml` feature, and (with `kml-check-chroot`) not chrooted.
pub fn is_trusted(visible: &str, chrooted: bool) -> bool {
    cfg!(feature = "kml")
        && crate::path::is_trusted_path(visible)
        && !(cfg!(feature = "kml-check-chroot") && chrooted)
}

/// Loads the program `path` names (resolved for the calling process) with
/// its arguments and environment.
pub fn load(
    path: &Resolved,
    trusted: bool,
    arguments: &[Vec<u8>],
    environment: &[Vec<u8>],
) -> Result<LoadedProgram, Errno> {
    let ramdisk = initrd::get().ok_or(Errno::ENOENT)?;
    let entry = ramdisk
        .resolve(&path.ramdisk, Follow::All)
        .map_err(|error| match error {
            LookupError::NotFound => Errno::ENOENT,
            LookupError::NotADirectory => Errno::ENOTDIR,
            LookupError::TooManySymlinks => Errno::ELOOP,
        })?;
    if entry.is_directory() {
        return Err(Errno::EACCES);
    }
    if !entry.is_regular() || !entry.is_executable() {
        return Err(Errno::EACCES);
    }
    let plan = elf::plan(entry.data, vdso_exports()).map_err(|error| {
        println!("execve {}: {error}", path.visible);
        error.errno()
    })?;
    let space = platform::get().new_address_space().ok_or(Errno::ENOMEM)?;
    let mut memory = ProcessMemory::new(space, entry.data);
    match fill(&mut memory, &plan, path, trusted, arguments, environment) {
        Ok(stack_pointer) => Ok(LoadedProgram {
            memory,
            entry: plan.entry.as_u32(),
            stack_pointer,
            path: path.visible.clone(),
            trusted,
        }),
        Err(error) => {
            // Give back what was mapped so far (the vDSO's references too).
            memory.release_pages();
            Err(error)
        }
    }
}

/// Gives `memory` the program of `plan`, the vDSO and the initial stack,
/// and applies the relocations and bindings; returns the stack pointer.
fn fill(
    memory: &mut ProcessMemory,
    plan: &elf::LoadPlan,
    path: &Resolved,
    trusted: bool,
    arguments: &[Vec<u8>],
    environment: &[Vec<u8>],
) -> Result<u32, Errno> {
    memory.add_program(plan)?;
    let vdso = crate::vdso::map_into(memory, trusted)?;
    if plan.needs_vdso && vdso != Some(VDSO_BASE) {
        // The exports were read, but the pages are not there to call.
        println!("execve {}: {}", path.visible, elf::ElfError::NoVdso);
        return Err(Errno::ENOEXEC);
    }
    let stack = initial_stack(plan, &path.visible, arguments, environment, vdso)?;
    memory.add_stack(&stack)?;
    for &address in &plan.relative_relocations {
        memory.relocate(address.as_u32(), plan.load_bias())?;
    }
    // After the relative ones: a binding's value is final.
    for binding in &plan.bindings {
        memory.write_word(binding.address.as_u32(), binding.value)?;
    }
    Ok(stack.stack_pointer.as_u32())
}

/// The vDSO's exports, read from its image at the first call; `None` if
/// the kernel has no vDSO or its image cannot be read (said once).
fn vdso_exports() -> Option<&'static ExportedSymbols> {
    static EXPORTS: Once<Option<ExportedSymbols>> = Once::new();
    EXPORTS
        .call_once(|| {
            let image = crate::vdso::image();
            if image.is_empty() {
                return None;
            }
            ExportedSymbols::parse(image, VirtAddr(VDSO_BASE))
                .map_err(|error| println!("vdso: {error}; programs linked against it are refused"))
                .ok()
        })
        .as_ref()
}

/// The initial stack for `plan`: arguments, environment, auxiliary vector.
fn initial_stack(
    plan: &elf::LoadPlan,
    path: &str,
    arguments: &[Vec<u8>],
    environment: &[Vec<u8>],
    vdso: Option<u32>,
) -> Result<InitialStack, Errno> {
    // What the CPU has, from its ID registers (the arch crate computes it).
    let hwcaps = platform::get().hwcaps();
    let mut auxv = alloc::vec![
        (user_stack::AT_PHDR, plan.program_headers.as_u32()),
        (user_stack::AT_PHENT, plan.program_header_size),
        (user_stack::AT_PHNUM, plan.program_header_count),
        (user_stack::AT_PAGESZ, PAGE_SIZE),
        (user_stack::AT_BASE, 0),
        (user_stack::AT_FLAGS, 0),
        (user_stack::AT_ENTRY, plan.entry.as_u32()),
        (user_stack::AT_UID, 0),
        (user_stack::AT_EUID, 0),
        (user_stack::AT_GID, 0),
        (user_stack::AT_EGID, 0),
        (user_stack::AT_HWCAP, hwcaps.hwcap),
        (user_stack::AT_HWCAP2, hwcaps.hwcap2),
        (user_stack::AT_CLKTCK, 100),
        (user_stack::AT_SECURE, 0),
    ];
    if let Some(base) = vdso {
        auxv.push((user_stack::AT_SYSINFO_EHDR, base));
    }
    let arguments: Vec<&[u8]> = arguments.iter().map(Vec::as_slice).collect();
    let environment: Vec<&[u8]> = environment.iter().map(Vec::as_slice).collect();
    user_stack::build(
        VirtAddr(STACK_TOP),
        &arguments,
        &environment,
        &auxv,
        path.as_bytes(),
        random_bytes(),
        b"v7l",
    )
    .map_err(|error| error.errno())
}

/// The 16 bytes behind AT_RANDOM, from the kernel's generator (which
/// is not cryptographic: see `crate::random`).
fn random_bytes() -> [u8; 16] {
    let mut bytes = [0; 16];
    crate::random::fill(&mut bytes);
    bytes
}
