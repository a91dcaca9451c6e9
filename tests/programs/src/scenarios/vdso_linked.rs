// SPDX-License-Identifier: MIT OR Apache-2.0
//! The `vdso-linked` scenario: C programs linked against a shared object.
//!
//! `vdso-linked` (tests/programs/c/vdso-linked.c) is linked against the
//! build's `vdso.so`, so its calls (clock_gettime, getpid, write,
//! nanosleep, ...) are imports the kernel's loader binds at `execve`: we
//! run it from `/bin` (USR mode, the vDSO traps) and from `/trusted`
//! (SYSTEM mode, the vDSO enters the kernel directly); both must exit 0,
//! and print their own lines on the console. Then `needs-libc`
//! (tests/programs/c/needs-libc.c), an ordinary program linked against
//! glibc, must be refused with `ENOEXEC`: the vDSO is the one library
//! KML-rs binds (the kernel's log line names `libc.so.6`). We print
//! `vdso-linked: /bin/needs-libc refused with ENOEXEC`.
//!
//! On a Linux host the imports have no vDSO to come from (and libc would
//! be found): the scenario is skipped there.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use userlib::{Errno, println};

use super::{Outcome, Passed};
use crate::{Launcher, errno_name, expect_exit, in_child, wait_for};

/// The vDSO-linked program where it runs in USR mode.
const PLAIN: &str = "/bin/vdso-linked";
/// The same binary where it runs in SYSTEM mode.
const TRUSTED: &str = "/trusted/vdso-linked";
/// The program that needs glibc.
const NEEDS_LIBC: &str = "/bin/needs-libc";

/// Runs `vdso-linked` from `/bin` and `/trusted` (both must exit 0), and
/// checks that `needs-libc` is refused with `ENOEXEC`.
pub fn vdso_linked(launcher: &Launcher) -> Outcome {
    if launcher.has_wrapper() {
        return Ok(Passed::Skipped(
            "a Linux host binds no imports to a vDSO (KML_EXEC_WRAPPER is set)".into(),
        ));
    }
    let mut problems: Vec<String> = [PLAIN, TRUSTED]
        .into_iter()
        .filter_map(|program| {
            launcher
                .run(program, &[program], &[])
                .and_then(|status| expect_exit(program, status, 0))
                .err()
        })
        .collect();
    let child = in_child(|| launcher.exec(NEEDS_LIBC, &["needs-libc"], &[]).0)?;
    let status = wait_for(child)?;
    match status.exit_status() {
        Some(code) if Errno(code) == Errno::ENOEXEC => {
            println!(
                "vdso-linked: {NEEDS_LIBC} refused with {}",
                errno_name(Errno(code))
            );
        }
        _ => problems.push(format!(
            "{NEEDS_LIBC} was not refused with ENOEXEC: {status}"
        )),
    }
    if problems.is_empty() {
        Ok(Passed::Yes)
    } else {
        Err(problems.join("; "))
    }
}
