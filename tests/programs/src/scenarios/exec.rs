// SPDX-License-Identifier: MIT OR Apache-2.0
//! Scenarios that start programs and check how they end.
//!
//! `fork-exec`, `many-children`, `demand-paging` and `c-program` each fork
//! and execute a program from the root (`/bin/...`), then check what comes
//! back: the exit status, and for `c-program` the output too.
//! What the child received is checked by the child itself (echo-args reads
//! its expectations from its environment), so no channel back is needed.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use userlib::syscall::{self, Fd};
use userlib::{Errno, eprintln, print};

use super::{Outcome, Passed, failed};
use crate::{EXEC_FAILED, Launcher, errno_name, expect_exit, in_child, wait_for};

/// Exit status echo-args is told to use when everything it got is right.
const ECHO_STATUS: i32 = 7;
/// Exit status of the forked child when getppid() is wrong before exec.
const WRONG_PARENT: i32 = 3;

/// fork, then execve /bin/echo-args with argv and envp it checks.
pub fn fork_exec(launcher: &Launcher) -> Outcome {
    let parent = syscall::getpid();
    let argv = ["echo-args", "alpha", "beta gamma", ""];
    let mut environment = vec![
        format!("ECHO_ARGC={}", argv.len()),
        format!("ECHO_PPID={}", parent.0),
        format!("ECHO_EXIT={ECHO_STATUS}"),
    ];
    for (index, arg) in argv.iter().enumerate() {
        environment.push(format!("ECHO_ARG{index}={arg}"));
    }
    let child = in_child(|| {
        if syscall::getppid() != parent {
            eprintln!("fork-exec: child's getppid() is {}", syscall::getppid().0);
            return WRONG_PARENT;
        }
        let error = launcher.exec("/bin/echo-args", &argv, &environment);
        eprintln!("fork-exec: execve: {}", errno_name(error));
        EXEC_FAILED
    })?;
    let status = wait_for(child)?;
    match status.exit_status() {
        Some(ECHO_STATUS) => Ok(Passed::Yes),
        Some(WRONG_PARENT) => Err("the child's getppid() was not init's pid".into()),
        Some(1) => Err("echo-args found argv, envp or auxv wrong (its FAIL lines say how)".into()),
        _ => expect_exit("echo-args", status, ECHO_STATUS).map(|()| Passed::Yes),
    }
}

/// Children started at once by `many-children`.
const CHILDREN: i32 = 8;

/// fork 8 children that exec /bin/exit-with 10+i; wait for each.
pub fn many_children(launcher: &Launcher) -> Outcome {
    let mut children = Vec::new();
    for index in 0..CHILDREN {
        let code = 10 + index;
        let code_text = code.to_string();
        let pid = launcher.spawn("/bin/exit-with", &["exit-with", &code_text], &[])?;
        children.push((pid, code));
    }
    let mut problems = Vec::new();
    for (pid, code) in children {
        let status = wait_for(pid)?;
        if let Err(why) = expect_exit(&format!("child {}", pid.0), status, code) {
            problems.push(why);
        }
    }
    if problems.is_empty() {
        Ok(Passed::Yes)
    } else {
        Err(problems.join("; "))
    }
}

/// exec /bin/memory-hog, which touches 4 MiB heap, 2 MiB stack, 4 MiB mmap.
///
/// Runs it [`RUNS`] times and compares the free memory after each run
/// (sysinfo): every frame the hog and its page tables took must be back.
/// The early runs also settle init's own pages (stack, heap); which run
/// that happens in depends on init's layout, so the check asks for one
/// later run that gave back exactly what it took rather than a fixed one.
pub fn demand_paging(launcher: &Launcher) -> Outcome {
    let mut free_after = [0u32; RUNS];
    for free in &mut free_after {
        let status = launcher.run("/bin/memory-hog", &["memory-hog"], &[])?;
        expect_exit("memory-hog", status, 0)?;
        *free = syscall::free_memory().map_err(failed("sysinfo"))?;
    }
    let shown: Vec<String> = free_after.iter().map(|free| format!("{free}")).collect();
    print!(
        "demand-paging: free memory after each run: {} bytes\n",
        shown.join(" and ")
    );
    // The hog touches about 11 MiB (2,800 pages) per run, so a leak of its
    // pages or page tables shows as megabytes. Init itself may still grow
    // by a page or two between runs (its heap and stack, touched at slightly
    // different depths depending on where the timer preempted it and on
    // where its own image ends), which is not the hog's memory: allow that
    // much, and no more.
    let lost = i64::from(free_after[0]) - i64::from(free_after[RUNS - 1]);
    if lost > i64::from(INIT_GROWTH_ALLOWED) {
        return Err(format!("{lost} bytes were not given back over the runs"));
    }
    // A leak in the hog repeats on every run; init's growth is a one-off.
    // So once init has settled, some run must give back exactly what it
    // took.
    if !free_after[1..].windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(format!(
            "no run after the first gave back all it took: {}",
            shown.join(", ")
        ));
    }
    Ok(Passed::Yes)
}

/// How many times `demand-paging` runs the hog.
const RUNS: usize = 4;

/// How much init's own memory may grow across the runs of `demand-paging`.
const INIT_GROWTH_ALLOWED: u32 = 4 * 4096;

/// Lines c-hello must print, given the arguments we pass.
const C_HELLO_LINES: [&str; 3] = [
    "c-hello: argv[1]=from-init\n",
    "c-hello: argv[2]=two words\n",
    "c-hello: done\n",
];

/// fork + exec /bin/c-hello (built with GCC) with its stdout on a pipe;
/// expect exit 0 and its lines.
pub fn c_program(launcher: &Launcher) -> Outcome {
    let output = syscall::pipe().map_err(failed("pipe"))?;
    let child = in_child(|| {
        if syscall::dup2(output.write, Fd::STDOUT).is_err() {
            return 2;
        }
        let _ = syscall::close(output.read);
        let _ = syscall::close(output.write);
        let error = launcher.exec("/bin/c-hello", &["c-hello", "from-init", "two words"], &[]);
        eprintln!("c-program: execve: {}", errno_name(error));
        EXEC_FAILED
    })?;
    let _ = syscall::close(output.write);
    let captured = read_to_end(output.read);
    let _ = syscall::close(output.read);
    let status = wait_for(child)?;
    let text = String::from_utf8_lossy(&captured.map_err(failed("read"))?).into_owned();
    // Pass the program's output on, so the console shows it too.
    print!("{text}");
    expect_exit("c-hello", status, 0)?;
    match C_HELLO_LINES.iter().find(|line| !text.contains(*line)) {
        None => Ok(Passed::Yes),
        Some(missing) => Err(format!("c-hello did not print {:?}", missing.trim_end())),
    }
}

/// Everything `fd` yields until end of file.
fn read_to_end(fd: Fd) -> Result<Vec<u8>, Errno> {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 512];
    loop {
        match syscall::read(fd, &mut buffer) {
            Ok(0) => return Ok(bytes),
            Ok(length) => bytes.extend_from_slice(&buffer[..length]),
            Err(Errno::EINTR) => {}
            Err(error) => return Err(error),
        }
    }
}
