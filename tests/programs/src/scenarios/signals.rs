// SPDX-License-Identifier: MIT OR Apache-2.0
//! Signals (issue 8): `signal-check` in USR mode and in SYSTEM mode.
//!
//! `signals` runs `/bin/signal-check`, `signals-trusted` runs
//! `/trusted/signal-check` (the same binary, SYSTEM mode, its calls by
//! direct entry); each must exit 0 after its checks (see
//! `src/bin/signal-check.rs`: handlers, masks, SIGCHLD, EINTR and
//! restart, default kills, fault handlers, the alternate stack, a
//! tampered sigreturn).

use super::{Outcome, Passed};
use crate::{Launcher, expect_exit};

/// `/bin/signal-check` (USR mode).
pub fn signals(launcher: &Launcher) -> Outcome {
    run(launcher, "/bin/signal-check")
}

/// `/trusted/signal-check` (SYSTEM mode).
pub fn signals_trusted(launcher: &Launcher) -> Outcome {
    run(launcher, "/trusted/signal-check")
}

fn run(launcher: &Launcher, program: &str) -> Outcome {
    let status = launcher.run(program, &[program], &[])?;
    expect_exit(program, status, 0)?;
    Ok(Passed::Yes)
}
