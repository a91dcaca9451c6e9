// SPDX-License-Identifier: MIT OR Apache-2.0
//! ARMv7-A CPU support: reset, modes, vectors, trap frames, CP15, MMU.
//!
//! This crate is the unsafe boundary of KML-rs: every instruction the Rust
//! core cannot express (mode switches, coprocessor access, cache and TLB
//! maintenance, exception entry) lives here, and nowhere else. It knows no
//! board addresses; the board crates tell it where RAM and devices are.
//!
//! Design principles:
//! - Pure encodings (page-table descriptors, fault status, MIDR) are plain
//!   `const fn`s, compiled on the host too and tested there; the assembly
//!   takes its numbers from them as `const` operands.
//! - Hardware-only modules are `#[cfg(target_arch = "arm")]`.
//! - Every `unsafe` block says what it relies on; every `unsafe fn` says
//!   what its caller must ensure.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod a9_errata;
pub mod descriptor;
pub mod fault_status;
pub mod hwcap;
pub mod image;
pub mod layout;
pub mod midr;
pub mod mode;
pub mod page_table;
pub mod set_way;
pub mod trap_frame;

#[cfg(target_arch = "arm")]
pub mod a9_mpcore;
#[cfg(target_arch = "arm")]
pub mod address_space;
#[cfg(target_arch = "arm")]
pub mod boot;
#[cfg(target_arch = "arm")]
pub mod cache;
#[cfg(target_arch = "arm")]
pub mod context;
#[cfg(target_arch = "arm")]
pub mod cpu;
#[cfg(target_arch = "arm")]
pub mod exception;
#[cfg(target_arch = "arm")]
pub mod generic_timer;
#[cfg(target_arch = "arm")]
pub mod interrupts;
#[cfg(target_arch = "arm")]
pub mod memory_setup;
#[cfg(target_arch = "arm")]
pub mod mmu;
#[cfg(target_arch = "arm")]
pub mod platform;
#[cfg(target_arch = "arm")]
pub mod probe;
#[cfg(target_arch = "arm")]
pub mod reset_coherency;
#[cfg(target_arch = "arm")]
pub mod semihosting;
#[cfg(target_arch = "arm")]
pub mod start;
#[cfg(target_arch = "arm")]
pub mod vectors;
#[cfg(target_arch = "arm")]
pub mod vfp;
