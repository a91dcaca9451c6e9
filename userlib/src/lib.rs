// SPDX-License-Identifier: MIT OR Apache-2.0
//! Library for programs that run on KML-rs.
//!
//! Programs are ordinary ARM Linux EABI executables. This crate will hold the
//! system call stubs (`svc #0`, number in r7) and the program entry; it is
//! empty until processes exist (issue 3). It re-exports the ABI so programs
//! and kernel agree on every number.
#![no_std]

pub use abi;
