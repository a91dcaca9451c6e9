// SPDX-License-Identifier: MIT OR Apache-2.0
//! The contract between the kernel and the programs it runs.
//!
//! Everything a program can observe about the kernel's interface lives here:
//! system call numbers, `errno` values, the structs system calls fill in,
//! flag values, signal numbers and wait statuses, and the vDSO's names and
//! data-page layout. Kernel and `userlib` share this crate so the two sides
//! cannot drift apart.
//!
//! Design principles:
//! - Plain data only: constants, `repr(C)` structs and pure functions on
//!   them. No policy: what the kernel does with a number lives in `kernel`.
//! - Numbers and layouts exactly as Linux's ARM EABI defines them, with the
//!   header they come from named in each file. Where ARM differs from other
//!   architectures (open flags, `struct stat64` padding) the file says so.
//! - `no_std`, and no `unsafe`: structs are serialised field by field into
//!   byte arrays (`to_bytes`), never transmuted, and each layout is pinned
//!   by size and offset assertions checked at build time.
//!
//! Modules: [`syscall`] (numbers), [`errno`], [`signal`], [`wait`],
//! [`fcntl`], [`mman`], [`stat`], [`statx`], [`dirent`], [`uname`], [`termios`],
//! [`clock`], [`sysinfo`], [`resource`], [`prctl`], [`random`], [`vdso`].
#![no_std]
#![forbid(unsafe_code)]

mod bytes;
pub mod clock;
pub mod clone;
pub mod counter;
pub mod dirent;
pub mod errno;
pub mod fcntl;
pub mod futex;
pub mod mman;
pub mod prctl;
pub mod random;
pub mod resource;
pub mod signal;
pub mod stat;
pub mod statx;
pub mod syscall;
pub mod sysinfo;
pub mod termios;
pub mod uname;
pub mod vdso;
pub mod wait;
