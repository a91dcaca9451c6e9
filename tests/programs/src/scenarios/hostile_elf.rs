// SPDX-License-Identifier: MIT OR Apache-2.0
//! The `hostile-elf` scenario: every file in `/bad` is refused by execve.
//!
//! The files are made by `cargo xtask` (`xtask/src/programs.rs`): copies of
//! exit-with, each with one defect. A refusal must be `-ENOEXEC`, `-EINVAL`
//! or `-ENOMEM`; a child that gets anything else, or runs, is a failure.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use userlib::syscall::{self, Dirents, O_DIRECTORY, O_RDONLY};
use userlib::{Errno, println};

use super::{Outcome, Passed};
use crate::{Launcher, c_string, errno_name, in_child, wait_for};

/// errno values a refused ELF file may give.
const REFUSALS: [Errno; 3] = [Errno::ENOEXEC, Errno::EINVAL, Errno::ENOMEM];

/// execve each file in /bad: every one must be refused. Each refusal is
/// printed as `hostile-elf: /bad/<name> refused with <ERRNO>`.
pub fn hostile_elf(launcher: &Launcher) -> Outcome {
    if launcher.has_wrapper() {
        // On a Linux host the host kernel answers execve, not ours: it runs
        // an EM_386 file as i386 code, for one.
        return Ok(Passed::Skipped(
            "execve goes to the host kernel here (KML_EXEC_WRAPPER is set)".into(),
        ));
    }
    let Some(names) = list_directory(&launcher.path("/bad"))? else {
        return Ok(Passed::Skipped("no /bad directory".into()));
    };
    if names.is_empty() {
        return Ok(Passed::Skipped("/bad is empty".into()));
    }
    // Straight to the kernel: its refusal is what we test.
    let direct = launcher.without_wrapper();
    let mut problems = Vec::new();
    for name in names {
        let program = format!("/bad/{name}");
        let child = in_child(|| direct.exec(&program, &[&name], &[]).0)?;
        let status = wait_for(child)?;
        match status.exit_status() {
            Some(code) if REFUSALS.contains(&Errno(code)) => {
                println!(
                    "hostile-elf: {program} refused with {}",
                    errno_name(Errno(code))
                );
            }
            _ => problems.push(format!("{program}: {status}")),
        }
    }
    if problems.is_empty() {
        Ok(Passed::Yes)
    } else {
        Err(format!("not refused: {}", problems.join("; ")))
    }
}

/// The names in directory `path`, sorted, without `.` and `..`; `None` if
/// it does not exist.
fn list_directory(path: &str) -> Result<Option<Vec<String>>, String> {
    let c_path = c_string(path).ok_or("NUL in path")?;
    let directory = match syscall::open(&c_path, O_RDONLY | O_DIRECTORY, 0) {
        Ok(fd) => fd,
        Err(Errno::ENOENT) => return Ok(None),
        Err(error) => return Err(format!("open {path}: {}", errno_name(error))),
    };
    let mut names = Vec::new();
    let mut buffer = [0u8; 1024];
    let result = loop {
        match syscall::getdents64(directory, &mut buffer) {
            Ok(0) => break Ok(()),
            Ok(length) => names.extend(
                Dirents::new(&buffer[..length])
                    .filter(|entry| entry.name != b"." && entry.name != b"..")
                    .map(|entry| String::from_utf8_lossy(entry.name).into_owned()),
            ),
            Err(error) => break Err(format!("getdents64 {path}: {}", errno_name(error))),
        }
    };
    let _ = syscall::close(directory);
    result?;
    names.sort();
    Ok(Some(names))
}
