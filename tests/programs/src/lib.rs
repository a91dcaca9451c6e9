// SPDX-License-Identifier: MIT OR Apache-2.0
//! Helpers shared by the test programs: paths, spawning, waiting, errno names.
//!
//! The programs run on KML-rs, where `/init` and `/bin/...` come from the
//! ramdisk, and under `qemu-arm` on a Linux host, where two environment
//! variables adapt them:
//!
//! - `KML_ROOT`: a directory prefixed to every absolute path we open or
//!   execute (`KML_ROOT=/tmp/root` makes `/bin/echo-args` into
//!   `/tmp/root/bin/echo-args`). Unset on KML-rs.
//! - `KML_EXEC_WRAPPER`: a program that runs ARM binaries (`qemu-arm`).
//!   A Linux host cannot `execve` an ARM file by itself (without binfmt_misc),
//!   so with this set we execute `wrapper -0 argv0 path args...`, which keeps
//!   our pid and parent just like a direct `execve`. Unset on KML-rs.
//!
//! Both are passed on to every program we start, so children behave alike.

#![no_std]

extern crate alloc;

pub mod cpu_mode;
pub mod scenarios;

use alloc::ffi::CString;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::CStr;

use userlib::syscall::{self, Fork, WaitStatus};
use userlib::{Args, Errno, Pid};

/// Environment variable naming the host directory that stands for `/`.
pub const ROOT_VARIABLE: &str = "KML_ROOT";
/// Environment variable naming the program that runs ARM binaries.
pub const WRAPPER_VARIABLE: &str = "KML_EXEC_WRAPPER";

/// Exit status of a child whose `execve` failed (as shells use).
pub const EXEC_FAILED: i32 = 127;

/// Where programs live and how to start them (see the module doc).
#[derive(Clone, Debug, Default)]
pub struct Launcher {
    /// Prefix for absolute paths; empty on KML-rs.
    root: String,
    /// Program that runs ARM binaries on a Linux host, if any.
    wrapper: Option<String>,
}

impl Launcher {
    /// The launcher our own environment describes.
    pub fn from_args(args: &Args) -> Self {
        Launcher {
            root: String::from(args.env_str(ROOT_VARIABLE).unwrap_or("")),
            wrapper: args
                .env_str(WRAPPER_VARIABLE)
                .filter(|wrapper| !wrapper.is_empty())
                .map(String::from),
        }
    }

    /// Whether ARM programs are started through a wrapper (a Linux host).
    pub fn has_wrapper(&self) -> bool {
        self.wrapper.is_some()
    }

    /// The same root without the wrapper: `execve` goes straight to the
    /// kernel, as it must when the kernel's own answer is what we test.
    pub fn without_wrapper(&self) -> Self {
        Launcher {
            root: self.root.clone(),
            wrapper: None,
        }
    }

    /// `path` (`/bin/echo-args`) under the root. A relative path
    /// (`mode-check`, `../trusted/x`) is the working directory's business,
    /// not the root's, and comes back as it is.
    pub fn path(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("{}{path}", self.root)
        } else {
            String::from(path)
        }
    }

    /// The environment a child gets: our two variables, then `extra`
    /// (`NAME=value` strings).
    pub fn environment(&self, extra: &[String]) -> Vec<String> {
        let mut environment = Vec::new();
        if !self.root.is_empty() {
            environment.push(format!("{ROOT_VARIABLE}={}", self.root));
        }
        if let Some(wrapper) = &self.wrapper {
            environment.push(format!("{WRAPPER_VARIABLE}={wrapper}"));
        }
        environment.extend(extra.iter().cloned());
        environment
    }

    /// Replaces this process with `program` (an absolute path is put under
    /// the root, a relative one starts from the working directory) with `argv` and our environment plus `extra_env`. Returns
    /// only on failure.
    pub fn exec(&self, program: &str, argv: &[&str], extra_env: &[String]) -> Errno {
        let path = self.path(program);
        let mut strings: Vec<String> = Vec::new();
        let target = match &self.wrapper {
            Some(wrapper) => {
                // wrapper -0 argv0 path argv[1..]
                strings.push(wrapper.clone());
                strings.push(String::from("-0"));
                strings.push(String::from(argv.first().copied().unwrap_or(program)));
                strings.push(path);
                strings.extend(argv.iter().skip(1).map(|arg| String::from(*arg)));
                wrapper.clone()
            }
            None => {
                strings.extend(argv.iter().map(|arg| String::from(*arg)));
                path
            }
        };
        let environment = self.environment(extra_env);
        let (Some(target), Some(argv), Some(envp)) = (
            c_string(&target),
            c_strings(&strings),
            c_strings(&environment),
        ) else {
            return Errno::EINVAL;
        };
        let argv: Vec<&CStr> = argv.iter().map(CString::as_c_str).collect();
        let envp: Vec<&CStr> = envp.iter().map(CString::as_c_str).collect();
        syscall::execve(&target, &argv, &envp)
    }

    /// Starts `program` in a child (fork + [`Launcher::exec`]); a child
    /// whose exec fails reports it and exits with [`EXEC_FAILED`].
    pub fn spawn(&self, program: &str, argv: &[&str], extra_env: &[String]) -> Result<Pid, String> {
        in_child(|| {
            let error = self.exec(program, argv, extra_env);
            userlib::eprintln!(
                "spawn: execve {}: {}",
                self.path(program),
                errno_name(error)
            );
            EXEC_FAILED
        })
    }

    /// [`Launcher::spawn`], then [`wait_for`] it.
    pub fn run(
        &self,
        program: &str,
        argv: &[&str],
        extra_env: &[String],
    ) -> Result<WaitStatus, String> {
        let child = self.spawn(program, argv, extra_env)?;
        wait_for(child)
    }
}

/// Forks; the child runs `body` and exits with its result.
pub fn in_child(body: impl FnOnce() -> i32) -> Result<Pid, String> {
    match syscall::fork() {
        Ok(Fork::Child) => syscall::exit_group(body()),
        Ok(Fork::Parent(child)) => Ok(child),
        Err(error) => Err(format!("fork: {}", errno_name(error))),
    }
}

/// Waits for `child` and returns its status.
pub fn wait_for(child: Pid) -> Result<WaitStatus, String> {
    match syscall::wait4(child, 0) {
        Ok((pid, status)) if pid == child => Ok(status),
        Ok((pid, _)) => Err(format!("wait4({}) reported pid {}", child.0, pid.0)),
        Err(error) => Err(format!("wait4({}): {}", child.0, errno_name(error))),
    }
}

/// Checks that `status` is a normal exit with `expected`.
pub fn expect_exit(what: &str, status: WaitStatus, expected: i32) -> Result<(), String> {
    match status.exit_status() {
        Some(code) if code == expected => Ok(()),
        _ => Err(format!("{what}: {status}, expected exit status {expected}")),
    }
}

/// `text` as a C string; `None` if it holds a NUL.
pub fn c_string(text: &str) -> Option<CString> {
    CString::new(text).ok()
}

/// Each of `texts` as a C string; `None` if any holds a NUL.
pub fn c_strings(texts: &[String]) -> Option<Vec<CString>> {
    texts.iter().map(|text| c_string(text)).collect()
}

/// The C name of `error` (`"EFAULT"`), or `errno N` for one abi does not
/// name.
pub fn errno_name(error: Errno) -> String {
    match error.name() {
        "E?" => format!("errno {}", error.0),
        name => String::from(name),
    }
}
