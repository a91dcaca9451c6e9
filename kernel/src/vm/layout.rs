// SPDX-License-Identifier: MIT OR Apache-2.0
//! The user half of the address space: where a process's pieces go.
//!
//! TTBCR.N = 1 gives each process the addresses below 2 GiB (TTBR0); the
//! kernel owns the rest. Inside the user half, from the bottom:
//!
//! | range                      | what                                      |
//! |----------------------------|-------------------------------------------|
//! | 0x0000_0000..0x0000_1000   | never mapped: NULL dereferences fault      |
//! | 0x0000_1000..PROGRAM_LIMIT | the program's segments (ET_EXEC as linked, |
//! |                            | ET_DYN at PIE_BASE), then the heap (brk)  |
//! | ..MMAP_TOP                 | anonymous and file mmap2, top-down        |
//! | STACK_TOP - STACK_MAX..    | the main thread's stack, grows down       |
//! | VDSO_BASE..USER_TOP        | vDSO text and data pages (issue 5)        |

/// First address past the user half (TTBR0 translates below it).
pub const USER_TOP: u32 = 0x8000_0000;
/// Lowest address a program may use: page 0 stays unmapped.
pub const USER_BOTTOM: u32 = 0x0000_1000;
/// Where position-independent executables (ET_DYN) are loaded.
pub const PIE_BASE: u32 = 0x0040_0000;
/// Program segments (and so the heap's start) must end below this.
pub const PROGRAM_LIMIT: u32 = 0x4000_0000;
/// The heap may grow up to here.
pub const HEAP_LIMIT: u32 = 0x6000_0000;
/// mmap2 places mappings top-down from here.
pub const MMAP_TOP: u32 = 0x7000_0000;
/// First address past the stack; the initial stack pointer is just below.
pub const STACK_TOP: u32 = 0x7F00_0000;
/// The largest the stack may grow (like Linux's default 8 MiB rlimit).
pub const STACK_MAX: u32 = 8 << 20;
/// The vDSO's fixed address (issue 5): its text page, then its data page.
pub const VDSO_BASE: u32 = 0x7FFF_0000;
/// The page size programs see (AT_PAGESZ).
pub const PAGE_SIZE: u32 = 4096;

const _: () = assert!(HEAP_LIMIT <= MMAP_TOP - (64 << 20));
const _: () = assert!(MMAP_TOP < STACK_TOP - STACK_MAX);
const _: () = assert!(STACK_TOP < VDSO_BASE && VDSO_BASE < USER_TOP);
