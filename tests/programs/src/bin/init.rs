// SPDX-License-Identifier: MIT OR Apache-2.0
//! The test init: runs process, memory and fault scenarios and counts failures.
//!
//! The kernel starts `/init` as pid 1. Each argument that names a scenario
//! selects it (`/init fork-exec cow`); with none, or with `all`, every
//! scenario runs in the order of `test_programs::scenarios::ALL`. Those of
//! `scenarios::ON_REQUEST` (`console-read`, which waits for typed input)
//! run only when named. Other arguments (kernel command-line words the
//! kernel may pass on) are reported and ignored.
//!
//! Output, one line each, in this order:
//!
//! ```text
//! init: pid <pid>, <n> scenario(s)
//! init: running <name>
//! PASS <name>              or   FAIL <name>: <why>   or   SKIP <name>: <why>
//! ...
//! init: all tests done, <failed> failed
//! ```
//!
//! Scenario and helper programs print lines of their own in between (`echo-args:`,
//! `memory-hog:`, `mode-check:`, `c-hello:`, `hostile-elf: /bad/<name> refused with <ERRNO>`).
//! The exit status is the number of failed scenarios (at most 255), which
//! becomes QEMU's exit status when pid 1 exits. The scenarios themselves
//! live in the library (`src/scenarios/`), this file only picks and runs
//! them.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;

use test_programs::Launcher;
use test_programs::scenarios::{self, Passed, Scenario};
use userlib::{Args, println, syscall};

userlib::entry!(main);

fn main(args: &Args) -> i32 {
    let launcher = Launcher::from_args(args);
    let selected = select(args);
    println!(
        "init: pid {}, {} scenario(s)",
        syscall::getpid().0,
        selected.len()
    );
    let mut failed = 0usize;
    for (name, scenario) in selected {
        println!("init: running {name}");
        match scenario(&launcher) {
            Ok(Passed::Yes) => println!("PASS {name}"),
            Ok(Passed::Skipped(why)) => println!("SKIP {name}: {why}"),
            Err(why) => {
                println!("FAIL {name}: {why}");
                failed += 1;
            }
        }
    }
    println!("init: all tests done, {failed} failed");
    failed.min(255) as i32
}

/// The scenarios the arguments name, or all of them.
fn select(args: &Args) -> Vec<Scenario> {
    let mut selected = Vec::new();
    let mut everything = false;
    for word in args.argv_str().skip(1) {
        if word == "all" {
            everything = true;
        } else if let Some(scenario) = scenarios::ALL
            .iter()
            .chain(&scenarios::ON_REQUEST)
            .find(|(name, _)| *name == word)
        {
            selected.push(*scenario);
        } else {
            println!("init: ignoring argument {word:?} (not a scenario)");
        }
    }
    if everything || selected.is_empty() {
        scenarios::ALL.to_vec()
    } else {
        selected
    }
}
