// SPDX-License-Identifier: MIT OR Apache-2.0
//! `echo-args ARGS...`: prints argv and envp, checks them, exits as told.
//!
//! The `fork-exec` scenario's child. What it should have received is passed
//! in its own environment, so the check needs no channel back to init:
//!
//! - `ECHO_ARGC=n`: argc must be n;
//! - `ECHO_ARG<i>=text`: argv\[i\] must be text;
//! - `ECHO_PPID=pid`: getppid() must be pid (exec keeps the parent);
//! - `ECHO_EXIT=n`: the exit status when every check passes (default 0).
//!
//! It also checks the auxiliary vector the loader built (`AT_PAGESZ` is
//! 4096, `AT_ENTRY` and `AT_PHDR` are set, `AT_PHNUM` is at least one).
//! Output: one `echo-args: argv[i]=...` line per argument and per
//! environment string, then `echo-args: ok, exit N`, or a line
//! `echo-args: FAIL <why>` per failed check and exit status 1.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use userlib::args::{AT_ENTRY, AT_PAGESZ, AT_PHDR, AT_PHNUM};
use userlib::syscall::getppid;
use userlib::{Args, println};

userlib::entry!(main);

fn main(args: &Args) -> i32 {
    println!("echo-args: argc={}", args.argc());
    for (index, arg) in args.argv_str().enumerate() {
        println!("echo-args: argv[{index}]={arg}");
    }
    for (index, entry) in args.envp().text().enumerate() {
        println!("echo-args: envp[{index}]={entry}");
    }
    let failures = check(args);
    for failure in &failures {
        println!("echo-args: FAIL {failure}");
    }
    if !failures.is_empty() {
        return 1;
    }
    let status = number(args, "ECHO_EXIT").unwrap_or(0);
    println!("echo-args: ok, exit {status}");
    status
}

/// Every expectation the environment states, and the auxv sanity checks.
fn check(args: &Args) -> Vec<String> {
    let mut failures = Vec::new();
    if let Some(argc) = number(args, "ECHO_ARGC")
        && usize::try_from(argc) != Ok(args.argc())
    {
        failures.push(format!("argc is {}, expected {argc}", args.argc()));
    }
    for index in 0..args.argc().max(1) {
        let Some(expected) = args.env_str(&format!("ECHO_ARG{index}")) else {
            continue;
        };
        match args.arg_str(index) {
            Some(actual) if actual == expected => {}
            actual => failures.push(format!(
                "argv[{index}] is {actual:?}, expected {expected:?}"
            )),
        }
    }
    if let Some(parent) = number(args, "ECHO_PPID")
        && getppid().0 != parent
    {
        failures.push(format!("getppid() is {}, expected {parent}", getppid().0));
    }
    if args.auxv(AT_PAGESZ) != Some(4096) {
        failures.push(format!("AT_PAGESZ is {:?}", args.auxv(AT_PAGESZ)));
    }
    for (key, name) in [
        (AT_ENTRY, "AT_ENTRY"),
        (AT_PHDR, "AT_PHDR"),
        (AT_PHNUM, "AT_PHNUM"),
    ] {
        if args.auxv(key).unwrap_or(0) == 0 {
            failures.push(format!("{name} is missing or 0"));
        }
    }
    failures
}

/// Environment variable `name` as a number.
fn number(args: &Args, name: &str) -> Option<i32> {
    args.env_str(name)?.parse().ok()
}
