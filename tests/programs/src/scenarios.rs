// SPDX-License-Identifier: MIT OR Apache-2.0
//! The test init's scenarios: the table, what a scenario returns, helpers.
//!
//! A scenario is a function from the [`Launcher`] to an [`Outcome`]: it
//! passed, it was skipped (with why), or it failed (`Err` with why). The
//! init (`src/bin/init.rs`) runs them and prints `PASS`, `SKIP` or `FAIL`
//! lines; everything a scenario checks happens here. Scenarios that expect
//! a process to die make a forked child die, never the caller.

use alloc::format;
use alloc::string::String;

use userlib::Errno;

use crate::{Launcher, errno_name};

mod clone;
mod console;
mod cow;
mod directory;
mod exec;
mod faults;
mod glibc_calls;
mod hostile_elf;
mod kml;
mod mode_check;
mod pipe;
mod realtime;
mod round_robin;
mod sched_calls;
mod scheduling;
mod signals;
mod sleep;
mod trusted;
mod vdso;
mod vdso_linked;

/// What a scenario found: passed or skipped (`Ok`), or failed (`Err` with
/// the reason, one line).
pub type Outcome = Result<Passed, String>;

/// A scenario that did not fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Passed {
    /// It ran and every check held.
    Yes,
    /// It could not run here; the reason.
    Skipped(String),
}

/// One scenario: its name (command line and output) and its body.
pub type Scenario = (&'static str, fn(&Launcher) -> Outcome);

/// Every scenario, in the order `/init` with no arguments runs them.
pub const ALL: [Scenario; 33] = [
    ("fork-exec", exec::fork_exec),
    ("many-children", exec::many_children),
    ("demand-paging", exec::demand_paging),
    ("cow", cow::cow),
    ("clone", clone::clone_calls),
    ("futex", clone::futex_calls),
    ("segv-kernel-write", faults::segv_kernel_write),
    ("null-jump", faults::null_jump),
    ("undefined", faults::undefined),
    ("bad-pointer", faults::bad_pointer),
    ("pipe", pipe::pipe),
    ("hostile-elf", hostile_elf::hostile_elf),
    ("c-program", exec::c_program),
    ("sched-calls", sched_calls::sched_calls),
    ("nanosleep-durations", sleep::nanosleep_durations),
    ("idle-wfi", sleep::idle_wfi),
    ("rt-periodic", scheduling::rt_periodic),
    ("fifo-not-interrupted", scheduling::fifo_not_interrupted),
    ("rr-alternate", round_robin::rr_alternate),
    ("chdir-getcwd", directory::chdir_getcwd),
    ("trusted-mode", trusted::trusted_mode),
    ("trusted-paths", trusted::trusted_paths),
    ("trusted-inheritance", trusted::trusted_inheritance),
    ("trusted-faults", trusted::trusted_faults),
    ("trusted-preempted", trusted::trusted_preempted),
    ("trusted-chroot", trusted::trusted_chroot),
    ("vdso-call", vdso::vdso_call),
    ("kml-calls", kml::kml_calls),
    ("kml-kill", kml::kml_kill),
    ("vdso-linked", vdso_linked::vdso_linked),
    ("glibc-calls", glibc_calls::glibc_calls),
    ("signals", signals::signals),
    ("signals-trusted", signals::signals_trusted),
];

/// Scenarios that run only when named, never as part of [`ALL`]:
/// `console-read` waits for a line on the console, which nobody types in
/// an ordinary run.
pub const ON_REQUEST: [Scenario; 1] = [("console-read", console::console_read)];

/// Turns an errno into a failure message: `"{what}: ENAME"`.
fn failed(what: &str) -> impl Fn(Errno) -> String + '_ {
    move |error| format!("{what}: {}", errno_name(error))
}
