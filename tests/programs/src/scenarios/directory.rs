// SPDX-License-Identifier: MIT OR Apache-2.0
//! The working directory: chdir, getcwd, and a relative path to execve.
//!
//! `chdir-getcwd` moves init to `/bin` and back up with `..`, asking
//! `getcwd` after each step, then has a child start `mode-check` by a
//! path relative to `/bin`. Init ends where it began, at `/`, so the
//! scenarios after it see no difference. Nothing here depends on trust,
//! so it passes on a Linux host too, where the directories are under
//! `KML_ROOT`; that must then be a canonical absolute path (what `getcwd`
//! gives back).

use alloc::format;
use alloc::string::String;

use userlib::syscall::{self, PATH_MAX};

use super::mode_check::expect_mode;
use super::{Outcome, Passed, failed};
use crate::cpu_mode::CpuMode;
use crate::{Launcher, c_string};

/// chdir("/bin"), getcwd; chdir(".."), getcwd; exec "mode-check" from /bin.
pub fn chdir_getcwd(launcher: &Launcher) -> Outcome {
    let bin = launcher.path("/bin");
    change_directory(&bin)?;
    let in_bin = working_directory()?;
    change_directory("..")?;
    let in_root = working_directory()?;
    userlib::println!("chdir-getcwd: getcwd gave {in_bin}, then {in_root}");
    if in_bin != bin {
        return Err(format!("after chdir(\"/bin\"), getcwd gave {in_bin:?}"));
    }
    let root = match launcher.path("/").trim_end_matches('/') {
        "" => String::from("/"),
        root => String::from(root),
    };
    if in_root != root {
        return Err(format!("after chdir(\"..\"), getcwd gave {in_root:?}"));
    }
    expect_mode(launcher, Some("/bin"), "mode-check", &[], CpuMode::User)?;
    Ok(Passed::Yes)
}

/// `chdir(path)`, its error as a failure message.
fn change_directory(path: &str) -> Result<(), String> {
    let Some(path_c) = c_string(path) else {
        return Err(format!("{path:?} holds a NUL"));
    };
    let what = format!("chdir({path:?})");
    syscall::chdir(&path_c).map_err(failed(&what))
}

/// `getcwd`, as text.
fn working_directory() -> Result<String, String> {
    let mut buffer = [0u8; PATH_MAX];
    let path = syscall::getcwd(&mut buffer).map_err(failed("getcwd"))?;
    Ok(String::from_utf8_lossy(path).into_owned())
}
