// SPDX-License-Identifier: MIT OR Apache-2.0
//! `cargo xtask build`: compile a board crate and write its artifacts.
//!
//! Cargo does the compiling; this file only knows how to ask it and what to
//! do with the ELF afterwards: copy it to `target/kml/<board>/kml.elf` (for
//! gdb), flatten it to `kml.bin` (for QEMU `-kernel` and U-Boot), write the
//! vDSO apps link against (`vdso.so`, the same for every board) and, for the
//! i.MX6Q, write the device tree QEMU lacks. Each board is its own `cargo
//! build`, so a failure names the board that failed.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::board::{Artifacts, Board, TARGET, cargo_elf, display_path};
use crate::devicetree::sabrelite_dtb;
use crate::error::{Context, Result, bail};
use crate::image::{FlatImage, elf_to_flat};
use crate::vdso;

/// What a successful build produced.
#[derive(Debug, Clone)]
pub struct Built {
    /// Paths of the artifacts.
    pub artifacts: Artifacts,
    /// Physical address the flat image must be loaded at.
    pub load_address: u64,
}

/// Builds `board` in the workspace at `root` and writes its artifacts,
/// printing one line per file.
pub fn build_board(root: &Path, board: Board) -> Result<Built> {
    // The vDSO first: the kernel is to embed it (issue 5).
    let vdso = vdso::build(root)?;
    let vdso_path = target_dir(root).join("kml-vdso").join(vdso::FILE_NAME);
    build_target_package(
        root,
        &board.package(),
        &[("KML_VDSO", vdso_path.as_os_str())],
    )?;
    let artifacts = Artifacts::new(root, board);
    fs::create_dir_all(&artifacts.dir)
        .context_with(|| format!("creating {}", display_path(&artifacts.dir).display()))?;

    let source = cargo_elf(root, board);
    let elf = fs::read(&source)
        .context_with(|| format!("reading {}", display_path(&source).display()))?;
    write_artifact(&artifacts.elf, &elf, "")?;

    let image: FlatImage = elf_to_flat(&elf).context_with(|| {
        format!(
            "converting {} to a flat image",
            display_path(&source).display()
        )
    })?;
    let note = format!(
        ", load at {:#010x}, entry {:#010x}",
        image.load_address, image.entry
    );
    write_artifact(&artifacts.bin, &image.bytes, &note)?;
    write_artifact(
        &artifacts.dir.join(vdso::FILE_NAME),
        &vdso.bytes,
        &vdso.note(),
    )?;

    if let Some(dtb) = &artifacts.dtb {
        write_artifact(dtb, &sabrelite_dtb()?, "")?;
    }
    Ok(Built {
        artifacts,
        load_address: image.load_address,
    })
}

/// Runs `cargo build --release --target armv7a-none-eabi -p <package>`
/// with its output on the terminal.
/// `environment` is passed to the build (the kernel reads `KML_VDSO`).
pub fn build_target_package(
    root: &Path,
    package: &str,
    environment: &[(&str, &std::ffi::OsStr)],
) -> Result<()> {
    let status = Command::new(cargo())
        .args(["build", "--release", "--target", TARGET, "-p", package])
        .envs(environment.iter().copied())
        .current_dir(root)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("building {package}: cargo failed with {status}");
    }
    Ok(())
}

/// The Cargo target directory: `CARGO_TARGET_DIR` (relative to the
/// workspace) when set, else `target/`.
pub fn target_dir(workspace: &Path) -> std::path::PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(directory) if !directory.is_empty() => workspace.join(directory),
        _ => workspace.join("target"),
    }
}

/// The cargo that runs us (so the pinned toolchain builds the kernel too).
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Writes one artifact and prints `wrote <path> (<size><note>)`.
fn write_artifact(path: &Path, bytes: &[u8], note: &str) -> Result<()> {
    let shown = display_path(path);
    fs::write(path, bytes).context_with(|| format!("writing {}", shown.display()))?;
    println!("wrote {} ({} bytes{note})", shown.display(), bytes.len());
    Ok(())
}
