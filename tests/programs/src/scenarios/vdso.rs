// SPDX-License-Identifier: MIT OR Apache-2.0
//! The `vdso-call` scenario: a program calls the kernel through its vDSO.
//!
//! `vdso-call` (src/bin/vdso-call.rs) finds the vDSO through
//! `AT_SYSINFO_EHDR`, looks up `__vdso_write`, `__vdso_getpid`,
//! `__vdso_getppid` and `__vdso_clock_gettime` in its dynamic symbol table,
//! calls them and compares each answer with the `svc` path's. We run it
//! from `/bin` (USR mode: the vDSO traps with `svc`) and from `/trusted`
//! (SYSTEM mode: the vDSO enters the kernel through its trampoline), and
//! both must exit 0; what went wrong, if anything, is in their output.
//!
//! On a Linux host the vDSO is Linux's (or QEMU's), which exports no
//! `__vdso_getpid`: the scenario is skipped there.

use alloc::string::String;
use alloc::vec::Vec;

use super::{Outcome, Passed};
use crate::{Launcher, expect_exit};

/// The program as every program is staged: runs in USR mode.
const PLAIN: &str = "/bin/vdso-call";
/// The same binary under `/trusted/`: runs in SYSTEM mode on KML-rs.
const TRUSTED: &str = "/trusted/vdso-call";

/// Runs `vdso-call` from `/bin` and from `/trusted`; both must exit 0.
pub fn vdso_call(launcher: &Launcher) -> Outcome {
    if launcher.has_wrapper() {
        return Ok(Passed::Skipped(
            "a Linux host's vDSO has no __vdso_getpid (KML_EXEC_WRAPPER is set)".into(),
        ));
    }
    let problems: Vec<String> = [PLAIN, TRUSTED]
        .into_iter()
        .filter_map(|program| {
            launcher
                .run(program, &[program], &[])
                .and_then(|status| expect_exit(program, status, 0))
                .err()
        })
        .collect();
    if problems.is_empty() {
        Ok(Passed::Yes)
    } else {
        Err(problems.join("; "))
    }
}
