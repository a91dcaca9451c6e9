// SPDX-License-Identifier: MIT OR Apache-2.0
//! KML-rs generic core: boot sequence, memory management, console.
//!
//! This crate is the part of the kernel that does not care which CPU or
//! board it runs on. It never touches a register: the CPU and board reach it
//! through the traits it declares ([`platform::Platform`],
//! [`console::Console`]), implemented by `armv7`, `drivers` and the board
//! crates. That is what lets all of it run `cargo test` on the host.
//!
//! Design principles:
//! - Pure logic first. Parsers, allocators and policies are plain functions
//!   over plain data, tested on the host.
//! - No `unsafe` except in the short list below, each for a reason that
//!   cannot be expressed in safe Rust.
//! - Typed values at module boundaries: `PhysAddr`, `VirtAddr`, `PhysRange`.
//! - Bad input (a corrupt device tree, a bad command line) gets a clear
//!   message and never a panic.
//!
//! Modules allowed `unsafe` (everything else is denied by the crate lint):
//! - `heap`: hands a block of RAM to the allocator.
//! - `boot::start_heap`: the one call of `heap::init`, with the block's proof.
//! - `frame_access`: reaches a frame's bytes through the linear map.
//! - `sched`: the context hand-off between kernel threads (and the two
//!   `unsafe` methods of `platform::Platform` it calls).
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_code)]

extern crate alloc;

pub mod addr;
pub mod boot;
pub mod command_line;
pub mod console;
pub mod console_selection;
pub mod device;
pub mod devicetree;
pub mod elf;
pub mod fatal;
pub mod fd_table;
pub mod file;
pub mod frame;
#[allow(unsafe_code)]
pub mod frame_access;
pub mod futex;
#[allow(unsafe_code)]
pub mod heap;
pub mod initrd;
pub mod interrupt;
pub mod memory;
pub mod path;
pub mod pipe;
pub mod platform;
pub mod process;
pub mod ramdisk;
pub mod random;
#[allow(unsafe_code)]
pub mod sched;
pub mod selftest;
pub mod signal;
pub mod syscall;
#[cfg(test)]
mod test_random;
pub mod time;
pub mod trap;
pub mod uaccess;
pub mod user_pointer;
pub mod user_stack;
pub mod vdso;
pub mod vfp;
pub mod vm;
