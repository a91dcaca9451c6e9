// SPDX-License-Identifier: MIT OR Apache-2.0
//! Kernel-Mode Linux scenarios (issue 5): one binary, both modes, the same
//! results, and the calls that schedule.
//!
//! - `kml-calls`: runs `kml-calls` (src/bin/kml-calls.rs) as
//!   `/bin/kml-calls` (USR mode) and `/trusted/kml-calls` (SYSTEM mode)
//!   with its output captured through a pipe. Both must exit 0 and print
//!   exactly the same bytes: sleeps, a blocking read, wait4, sched_yield,
//!   scheduling parameters, the vDSO's clock. We print each run's output;
//!   the kernel's exit report (`kml.exit_report`) shows, for the suite,
//!   that the trusted run entered the kernel only by direct call.
//! - `kml-kill`: `/trusted/kml-calls sleep` blocks in nanosleep, entered
//!   by direct call; we kill it with SIGKILL while it sleeps, and wait4
//!   must say so.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use userlib::syscall::{self, Fd, Pid, Signal};
use userlib::{Errno, eprintln, print};

use super::{Outcome, Passed, failed};
use crate::{EXEC_FAILED, Launcher, errno_name, in_child, wait_for};

/// The program where it runs in USR mode.
const PLAIN: &str = "/bin/kml-calls";
/// The same binary where it runs in SYSTEM mode.
const TRUSTED: &str = "/trusted/kml-calls";
/// Output longer than this is a runaway program.
const MAX_OUTPUT: usize = 4096;

/// Starts `program` with `arguments` in a child whose stdout is a pipe;
/// returns the child and the pipe's read end.
fn spawn_piped(
    launcher: &Launcher,
    program: &str,
    arguments: &[&str],
) -> Result<(Pid, Fd), String> {
    let output = syscall::pipe().map_err(failed("pipe"))?;
    let child = in_child(|| {
        if syscall::dup2(output.write, Fd::STDOUT).is_err() {
            return EXEC_FAILED;
        }
        let _ = syscall::close(output.read);
        let _ = syscall::close(output.write);
        let mut argv = Vec::from([program]);
        argv.extend_from_slice(arguments);
        let error = launcher.exec(program, &argv, &[]);
        eprintln!("kml: execve {program}: {}", errno_name(error));
        EXEC_FAILED
    })?;
    let _ = syscall::close(output.write);
    Ok((child, output.read))
}

/// Runs `program` with `arguments`, its stdout into a pipe we read to the
/// end; returns its output and its wait status.
fn capture(
    launcher: &Launcher,
    program: &str,
    arguments: &[&str],
) -> Result<(String, syscall::WaitStatus), String> {
    let (child, output) = spawn_piped(launcher, program, arguments)?;
    let text = read_to_end(output);
    let _ = syscall::close(output);
    let status = wait_for(child)?;
    Ok((text?, status))
}

/// Everything `fd` gives until end of file (at most [`MAX_OUTPUT`]).
fn read_to_end(fd: Fd) -> Result<String, String> {
    let mut text = Vec::new();
    let mut buffer = [0u8; 256];
    loop {
        match syscall::read(fd, &mut buffer) {
            Ok(0) => break,
            Ok(count) => text.extend_from_slice(&buffer[..count]),
            Err(Errno::EINTR) => {}
            Err(error) => return Err(format!("read: {}", errno_name(error))),
        }
        if text.len() > MAX_OUTPUT {
            return Err(format!("more than {MAX_OUTPUT} bytes of output"));
        }
    }
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// `/bin/kml-calls` and `/trusted/kml-calls`: both exit 0 with the same
/// output.
pub fn kml_calls(launcher: &Launcher) -> Outcome {
    let mut outputs = Vec::new();
    for program in [PLAIN, TRUSTED] {
        let (text, status) = capture(launcher, program, &[])?;
        print!("{text}");
        if status.exit_status() != Some(0) {
            return Err(format!("{program}: {status}"));
        }
        outputs.push(text);
    }
    if outputs[0] != outputs[1] {
        return Err(format!("{PLAIN} and {TRUSTED} printed different results"));
    }
    print!("kml-calls: {PLAIN} and {TRUSTED} printed the same results\n");
    Ok(Passed::Yes)
}

/// `/trusted/kml-calls sleep`, killed in its sleep.
pub fn kml_kill(launcher: &Launcher) -> Outcome {
    let (child, output) = spawn_piped(launcher, TRUSTED, &["sleep"])?;
    // Its line says it is about to sleep; give it time to get there.
    let mut line = [0u8; 64];
    let said = syscall::read(output, &mut line).map_err(failed("read"))?;
    let _ = syscall::close(output);
    print!("{}", String::from_utf8_lossy(&line[..said]));
    syscall::sleep_nanoseconds(10_000_000).map_err(failed("nanosleep"))?;
    syscall::kill(child, Signal::SIGKILL).map_err(failed("kill"))?;
    let status = wait_for(child)?;
    if status.term_signal() != Some(Signal::SIGKILL) {
        return Err(format!("{TRUSTED} sleep: {status}, expected SIGKILL"));
    }
    print!("kml-kill: {TRUSTED} was killed in its sleep: {status}\n");
    Ok(Passed::Yes)
}
