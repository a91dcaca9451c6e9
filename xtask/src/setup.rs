// SPDX-License-Identifier: MIT OR Apache-2.0
//! Tool checks: the Rust target and QEMU, installed on first use.
//!
//! A fresh checkout should need nothing but `cargo xtask test`. So before
//! building we make sure rustup has the `armv7a-none-eabi` target, and before
//! booting we make sure `qemu-system-arm` is on `PATH`. Installing QEMU needs
//! root; as root (a container, CI) we run apt-get ourselves, otherwise we say
//! exactly which command to run and stop.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::board::TARGET;
use crate::error::{Context, Result, bail};

/// The QEMU binary every board runs under.
pub const QEMU: &str = "qemu-system-arm";

/// Makes sure rustup has the kernel target, adding it if not.
///
/// Without rustup (a distribution toolchain) we cannot tell, so we go on and
/// let `cargo build` report a missing target.
pub fn ensure_rust_target(root: &Path) -> Result<()> {
    // Run in the workspace so rustup picks the toolchain of rust-toolchain.toml.
    let listed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(root)
        .output();
    let Ok(listed) = listed else {
        eprintln!("note: rustup not found; assuming the {TARGET} target is installed");
        return Ok(());
    };
    if !listed.status.success() {
        bail!(
            "`rustup target list --installed` failed: {}",
            String::from_utf8_lossy(&listed.stderr).trim()
        );
    }
    if String::from_utf8_lossy(&listed.stdout)
        .lines()
        .any(|line| line.trim() == TARGET)
    {
        return Ok(());
    }
    eprintln!("setup: the {TARGET} target is missing; running `rustup target add {TARGET}`");
    let added = Command::new("rustup")
        .args(["target", "add", TARGET])
        .current_dir(root)
        .output()
        .context("running rustup")?;
    if !added.status.success() {
        bail!(
            "`rustup target add {TARGET}` failed: {}",
            String::from_utf8_lossy(&added.stderr).trim()
        );
    }
    eprintln!("setup: installed the {TARGET} target");
    Ok(())
}

/// Makes sure `qemu-system-arm` is on `PATH`, installing it with apt-get when
/// we are root.
pub fn ensure_qemu() -> Result<()> {
    if find_in_path(QEMU).is_some() {
        return Ok(());
    }
    if !is_root() {
        bail!(
            "{QEMU} is missing: install it with `sudo apt-get install qemu-system-arm` \
             (Debian package qemu-system-arm)"
        );
    }
    eprintln!("setup: {QEMU} is missing; installing the Debian package qemu-system-arm");
    run_visible("apt-get", &["update"])?;
    run_visible("apt-get", &["install", "-y", "qemu-system-arm"])?;
    if find_in_path(QEMU).is_none() {
        bail!("apt-get installed qemu-system-arm but {QEMU} is still not on PATH");
    }
    eprintln!("setup: installed {QEMU}");
    Ok(())
}

/// Makes sure `program` is on `PATH`, installing Debian `package` with
/// apt-get when we are root (as [`ensure_qemu`] does for QEMU).
pub fn ensure_debian_tool(program: &str, package: &str) -> Result<()> {
    if find_in_path(program).is_some() {
        return Ok(());
    }
    if !is_root() {
        bail!("{program} is missing: install it with `sudo apt-get install {package}`");
    }
    eprintln!("setup: {program} is missing; installing the Debian package {package}");
    run_visible("apt-get", &["update"])?;
    run_visible("apt-get", &["install", "-y", package])?;
    if find_in_path(program).is_none() {
        bail!("apt-get installed {package} but {program} is still not on PATH");
    }
    eprintln!("setup: installed {program}");
    Ok(())
}

/// Runs an apt-get step with its output on the terminal.
fn run_visible(program: &str, args: &[&str]) -> Result<()> {
    eprintln!("setup: running `{program} {}`", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .context_with(|| format!("running {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed with {status}", args.join(" "));
    }
    Ok(())
}

/// Whether we run as uid 0, asked of `id -u` to stay free of libc.
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// The first executable called `program` in `PATH`.
fn find_in_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}
