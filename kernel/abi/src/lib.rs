// SPDX-License-Identifier: MIT OR Apache-2.0
//! The contract between the kernel and the programs it runs.
//!
//! Everything a program can observe about the kernel's interface lives here:
//! system call numbers, `errno` values, auxiliary-vector keys and the layout
//! of the vDSO data page. Kernel and `userlib` share this crate so the two
//! sides cannot drift apart.
//!
//! Design principles: plain data only, `no_std`, no `unsafe`, numbers exactly
//! as Linux's ARM EABI defines them.
#![no_std]
#![forbid(unsafe_code)]

pub mod errno;
