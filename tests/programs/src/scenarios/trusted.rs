// SPDX-License-Identifier: MIT OR Apache-2.0
//! Trusted programs (issue 5): SYSTEM mode from `/trusted/`, and its limits.
//!
//! Every scenario here runs `mode-check`, one binary staged as
//! `/bin/mode-check`, `/trusted/mode-check`, `/trustedx/mode-check` and
//! inside `/jail`, and learns from its exit status which CPU mode it got
//! (`mode_check.rs`). What they check:
//!
//! - `trusted-mode`: `/bin/` runs in USR mode, `/trusted/` in SYSTEM mode,
//!   and both make their system calls fine;
//! - `trusted-paths`: trust follows the normalised absolute path, not the
//!   spelling (`..`, `.`, `//`, relative paths, a `/trustedx/` look-alike);
//! - `trusted-inheritance`: trust survives fork and is set anew by every
//!   execve, dropped by an untrusted path and gained by a trusted one;
//! - `trusted-faults`: NULL stores, undefined instructions and a smashed
//!   stack kill a trusted program with the signal they kill a plain one
//!   with, and nothing else;
//! - `trusted-preempted`: a SYSTEM-mode busy loop is preempted by the
//!   timer: a SCHED_FIFO init wakes from a 20 ms sleep on time, then kills
//!   it;
//! - `trusted-chroot`: a chrooted process that execs `/trusted/mode-check`
//!   gets USR mode (the `kml-check-chroot` feature).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use userlib::syscall::{self, Fd, O_RDONLY, SCHED_FIFO, Signal};
use userlib::{Errno, eprintln, print};

use super::mode_check::{
    PLAIN, TRUSTED, conclude, describe, expect_mode, mode_for_trusted, mode_of, run, verdict,
};
use super::realtime::{RealTime, Runaway, now, realtime_refused};
use super::{Outcome, Passed, failed};
use crate::cpu_mode::CpuMode;
use crate::{EXEC_FAILED, Launcher, c_string, errno_name, in_child, wait_for};

/// `/bin/mode-check` in USR mode, `/trusted/mode-check` in SYSTEM mode.
pub fn trusted_mode(launcher: &Launcher) -> Outcome {
    let runs = [
        (PLAIN, CpuMode::User),
        (TRUSTED, mode_for_trusted(launcher)),
    ];
    let problems = runs
        .into_iter()
        .filter_map(|(program, mode)| expect_mode(launcher, None, program, &[], mode).err())
        .collect();
    conclude(launcher, problems)
}

/// Paths that spell the way to mode-check differently: the directory to
/// start from, the path, and whether it leads into `/trusted/`.
const SPELLINGS: [(Option<&str>, &str, bool); 7] = [
    (Some("/trusted"), "mode-check", true),
    (Some("/bin"), "../trusted/mode-check", true),
    (Some("/trusted"), "../bin/mode-check", false),
    (None, "/bin/../trusted/mode-check", true),
    (None, "/trusted/../bin/mode-check", false),
    (None, "//trusted/./mode-check", true),
    (None, "/trustedx/mode-check", false),
];

/// Trust by the normalised absolute path: each of [`SPELLINGS`].
pub fn trusted_paths(launcher: &Launcher) -> Outcome {
    let problems = SPELLINGS
        .into_iter()
        .filter_map(|(directory, program, trusted)| {
            let mode = if trusted {
                mode_for_trusted(launcher)
            } else {
                CpuMode::User
            };
            expect_mode(launcher, directory, program, &[], mode).err()
        })
        .collect();
    conclude(launcher, problems)
}

/// Trust survives fork and is what the last execve's path says.
pub fn trusted_inheritance(launcher: &Launcher) -> Outcome {
    let trusted = mode_for_trusted(launcher);
    let runs: [(&str, &[&str], CpuMode); 4] = [
        (TRUSTED, &["fork"], trusted),
        (PLAIN, &["fork"], CpuMode::User),
        (TRUSTED, &["exec", PLAIN], CpuMode::User),
        (PLAIN, &["exec", TRUSTED], trusted),
    ];
    let problems = runs
        .into_iter()
        .filter_map(|(program, arguments, mode)| {
            expect_mode(launcher, None, program, arguments, mode).err()
        })
        .collect();
    conclude(launcher, problems)
}

/// mode-check's fault actions and the signal each must die of.
const FAULTS: [(&str, Signal); 3] = [
    ("fault-null", Signal::SIGSEGV),
    ("fault-udf", Signal::SIGILL),
    ("fault-stack", Signal::SIGSEGV),
];

/// Each fault, plain and trusted: killed by the expected signal, and init
/// (this process) goes on to the next.
pub fn trusted_faults(launcher: &Launcher) -> Outcome {
    let mut problems = Vec::new();
    for program in [PLAIN, TRUSTED] {
        for (action, signal) in FAULTS {
            let status = run(launcher, None, program, &[action])?;
            if status.term_signal() != Some(signal) {
                problems.push(format!(
                    "{}: {status}, expected signal {}",
                    describe(None, program, &[action]),
                    signal.0
                ));
            }
        }
    }
    conclude(launcher, problems)
}

/// init's real-time priority while the trusted program spins.
const INIT_PRIORITY: u32 = 50;
/// How long init sleeps, in nanoseconds (20 ms).
const SLEEP_NS: u64 = 20_000_000;
/// How late init may wake: under a tick of 10 ms plus slack, far below
/// "never", which is what a kernel that cannot preempt SYSTEM mode gives.
const LATE_BOUND_NS: u64 = 15_000_000;

/// A SCHED_FIFO init sleeps 20 ms while `/trusted/mode-check spin` runs:
/// it must wake on time, then kill the spinner with SIGKILL.
pub fn trusted_preempted(launcher: &Launcher) -> Outcome {
    if let Some(skip) = realtime_refused()? {
        return Ok(skip);
    }
    let output = syscall::pipe().map_err(failed("pipe"))?;
    // The child stays SCHED_OTHER: it is forked before init turns FIFO.
    let spinner = Runaway::start(|| {
        if syscall::dup2(output.write, Fd::STDOUT).is_err() {
            syscall::exit_group(EXEC_FAILED);
        }
        let _ = syscall::close(output.read);
        let _ = syscall::close(output.write);
        let error = launcher.exec(TRUSTED, &[TRUSTED, "spin"], &[]);
        eprintln!("trusted-preempted: execve {TRUSTED}: {}", errno_name(error));
        syscall::exit_group(EXEC_FAILED)
    })?;
    let _ = syscall::close(output.write);
    // Its first line says it runs, and in which mode; it spins after it.
    let line = read_line(output.read);
    let _ = syscall::close(output.read);
    let line = line?;
    print!("{line}");
    let expected = format!("runs in {} mode\n", mode_for_trusted(launcher));
    if !line.ends_with(&expected) {
        return Err(format!("the spinner said {line:?}, expected {expected:?}"));
    }

    let realtime = RealTime::enter(SCHED_FIFO, INIT_PRIORITY)?;
    let start = now()?;
    syscall::sleep_nanoseconds(SLEEP_NS).map_err(failed("nanosleep"))?;
    let extra = (now()? - start).saturating_sub(SLEEP_NS);
    print!(
        "trusted-preempted: a 20 ms nanosleep took {} us extra while {TRUSTED} spun\n",
        extra / 1000
    );
    spinner.stop()?;
    realtime.leave()?;
    if extra >= LATE_BOUND_NS {
        return Err(format!(
            "woke {extra} ns late, bound {LATE_BOUND_NS} ns: the spinner kept the CPU"
        ));
    }
    verdict(launcher)
}

/// Reads `fd` up to and including the first newline (at most 256 bytes).
fn read_line(fd: Fd) -> Result<String, String> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while line.len() < 256 && line.last() != Some(&b'\n') {
        match syscall::read(fd, &mut byte) {
            Ok(0) => return Err(format!("end of file after {line:?}")),
            Ok(_) => line.push(byte[0]),
            Err(Errno::EINTR) => {}
            Err(error) => return Err(format!("read: {}", errno_name(error))),
        }
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

// Statuses of the `trusted-chroot` child when it stops before the exec:
// none is a mode (16-31) or one of mode-check's own (1, 2, 64, 127).
/// chroot said EPERM (a Linux host without the capability).
const CHROOT_REFUSED: i32 = 4;
/// chroot failed otherwise.
const CHROOT_FAILED: i32 = 5;
/// chroot succeeded, yet `/init` still opened: nothing changed.
const CHROOT_INEFFECTIVE: i32 = 6;
/// In the jail on a Linux host, where the wrapper cannot follow.
const JAILED_ON_HOST: i32 = 7;

/// A child chroots to `/jail`, checks `/init` is gone, and execs
/// `/trusted/mode-check` (the jail's copy): USR mode.
pub fn trusted_chroot(launcher: &Launcher) -> Outcome {
    let child = in_child(|| {
        let Some(jail) = c_string(&launcher.path("/jail")) else {
            return CHROOT_FAILED;
        };
        match syscall::chroot(&jail) {
            Ok(()) => {}
            Err(Errno::EPERM) => return CHROOT_REFUSED,
            Err(error) => {
                eprintln!("trusted-chroot: chroot: {}", errno_name(error));
                return CHROOT_FAILED;
            }
        }
        // From here on `/` is the jail, on a host too: no root prefix.
        if let Ok(fd) = syscall::open(c"/init", O_RDONLY, 0) {
            let _ = syscall::close(fd);
            return CHROOT_INEFFECTIVE;
        }
        if launcher.has_wrapper() {
            return JAILED_ON_HOST;
        }
        let error = launcher.exec(TRUSTED, &[TRUSTED], &[]);
        eprintln!("trusted-chroot: execve {TRUSTED}: {}", errno_name(error));
        EXEC_FAILED
    })?;
    let status = wait_for(child)?;
    match status.exit_status() {
        Some(CHROOT_REFUSED) => Ok(Passed::Skipped(
            "chroot: EPERM (a Linux host without CAP_SYS_CHROOT)".into(),
        )),
        Some(JAILED_ON_HOST) => Ok(Passed::Skipped(
            "chroot worked, but a Linux host cannot run the ARM program in the jail \
             (its wrapper is outside)"
                .into(),
        )),
        Some(CHROOT_FAILED) => Err("chroot(\"/jail\") failed".into()),
        Some(CHROOT_INEFFECTIVE) => Err("after chroot(\"/jail\"), /init still opens".into()),
        _ => match mode_of(TRUSTED, status)? {
            CpuMode::User => Ok(Passed::Yes),
            mode => Err(format!("{TRUSTED} ran in {mode} mode although chrooted")),
        },
    }
}
