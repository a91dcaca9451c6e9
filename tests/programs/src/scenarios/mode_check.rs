// SPDX-License-Identifier: MIT OR Apache-2.0
//! Running `mode-check` and reading the CPU mode back from its exit status.
//!
//! The trusted scenarios and `chdir-getcwd` all start the same program in
//! a child, sometimes from another working directory, and want one answer:
//! the mode it ran in ([`CpuMode`], from its exit status) or the signal
//! that ended it. [`run`] does the starting, [`mode_of`] the reading.
//!
//! On a Linux host (`qemu-arm`) every program runs in USR mode, so
//! [`mode_for_trusted`] expects USR there and [`verdict`] turns a run whose
//! every check held into a skip: the plumbing was tested, the kernel's
//! part was not.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use userlib::eprintln;
use userlib::syscall::{self, WaitStatus};

use super::{Outcome, Passed};
use crate::cpu_mode::CpuMode;
use crate::{EXEC_FAILED, Launcher, c_string, errno_name, in_child, wait_for};

/// The program as every program is staged: runs in USR mode.
pub(super) const PLAIN: &str = "/bin/mode-check";
/// The same binary under `/trusted/`: runs in SYSTEM mode on KML-rs.
pub(super) const TRUSTED: &str = "/trusted/mode-check";

/// Exit status of a child whose `chdir` before the exec failed (not one
/// mode-check uses: its own are 1, 2, 16-31, 64 and 127).
const CHDIR_FAILED: i32 = 3;

/// Starts `program` (argv[0] = `program`, then `arguments`) in a child,
/// after `chdir(directory)` there if one is given, and waits for it.
/// Absolute paths go under the launcher's root, relative ones do not.
pub(super) fn run(
    launcher: &Launcher,
    directory: Option<&str>,
    program: &str,
    arguments: &[&str],
) -> Result<WaitStatus, String> {
    let mut argv: Vec<&str> = Vec::with_capacity(arguments.len() + 1);
    argv.push(program);
    argv.extend_from_slice(arguments);
    let child = in_child(|| {
        if let Some(directory) = directory {
            let path = launcher.path(directory);
            let Some(path_c) = c_string(&path) else {
                return CHDIR_FAILED;
            };
            if let Err(error) = syscall::chdir(&path_c) {
                eprintln!("mode-check run: chdir {path}: {}", errno_name(error));
                return CHDIR_FAILED;
            }
        }
        let error = launcher.exec(program, &argv, &[]);
        eprintln!("mode-check run: execve {program}: {}", errno_name(error));
        EXEC_FAILED
    })?;
    wait_for(child)
}

/// The mode a finished mode-check reported, or why there is none.
pub(super) fn mode_of(what: &str, status: WaitStatus) -> Result<CpuMode, String> {
    match status.exit_status() {
        Some(code) => match CpuMode::from_exit_status(code) {
            Some(mode) => Ok(mode),
            None => Err(format!("{what}: {status}, no mode (its output says why)")),
        },
        None => Err(format!("{what}: {status}, expected a mode as exit status")),
    }
}

/// [`run`], then checks that the program ran in `expected` mode.
pub(super) fn expect_mode(
    launcher: &Launcher,
    directory: Option<&str>,
    program: &str,
    arguments: &[&str],
    expected: CpuMode,
) -> Result<(), String> {
    let what = describe(directory, program, arguments);
    let mode = mode_of(&what, run(launcher, directory, program, arguments)?)?;
    if mode == expected {
        Ok(())
    } else {
        Err(format!("{what} ran in {mode} mode, expected {expected}"))
    }
}

/// `"mode-check fork (from /bin)"`: a run, for failure messages.
pub(super) fn describe(directory: Option<&str>, program: &str, arguments: &[&str]) -> String {
    let mut text = String::from(program);
    for argument in arguments {
        text.push(' ');
        text.push_str(argument);
    }
    if let Some(directory) = directory {
        text.push_str(&format!(" (from {directory})"));
    }
    text
}

/// The mode a `/trusted/` program gets here: SYSTEM on KML-rs, USR on a
/// Linux host, which has no trusted programs.
pub(super) fn mode_for_trusted(launcher: &Launcher) -> CpuMode {
    if launcher.has_wrapper() {
        CpuMode::User
    } else {
        CpuMode::System
    }
}

/// How a scenario whose checks all held ends: passed on KML-rs, skipped on
/// a Linux host, where `/trusted/` means nothing.
pub(super) fn verdict(launcher: &Launcher) -> Outcome {
    if launcher.has_wrapper() {
        Ok(Passed::Skipped(
            "a Linux host runs every program in USR mode (KML_EXEC_WRAPPER is set); \
             only the plumbing was checked"
                .into(),
        ))
    } else {
        Ok(Passed::Yes)
    }
}

/// Ends a scenario with every problem found, or none.
pub(super) fn conclude(launcher: &Launcher, problems: Vec<String>) -> Outcome {
    if problems.is_empty() {
        verdict(launcher)
    } else {
        Err(problems.join("; "))
    }
}
