// SPDX-License-Identifier: MIT OR Apache-2.0
//! `exit-with CODE`: exits with status CODE, and nothing else.
//!
//! The smallest program the suites run: `many-children` starts eight of
//! them to check that every exit status comes back to the right parent,
//! and the hostile ELF files are corrupted copies of it. Without a valid
//! CODE it prints a usage line and exits with 64 (`EX_USAGE`), a status no
//! test expects.

#![no_std]
#![no_main]

use userlib::{Args, eprintln};

userlib::entry!(main);

/// Exit status for a missing or malformed CODE.
const USAGE: i32 = 64;

fn main(args: &Args) -> i32 {
    match args.arg_str(1).and_then(|code| code.parse::<i32>().ok()) {
        Some(code) => code,
        None => {
            eprintln!("usage: exit-with CODE");
            USAGE
        }
    }
}
