// SPDX-License-Identifier: MIT OR Apache-2.0
//! `cargo xtask build`: compile a board crate and write its artifacts.
//!
//! Cargo does the compiling; this file only knows how to ask it and what to
//! do with the ELF afterwards: copy it to `target/kml/<board>/kml.elf` (for
//! gdb), flatten it to `kml.bin` (for QEMU `-kernel`), check the zImage
//! header the kernel carries in its first bytes and write the same bytes as
//! `zImage` (for U-Boot's `bootz`), wrap them as `uImage` (for `bootm`),
//! write the vDSO apps link against (`vdso.so`, the same for every board)
//! and, for the i.MX6Q, the device tree QEMU lacks. With a ramdisk to
//! embed, `zImage-initrd` and `uImage-initrd` carry it too. Each board is
//! its own `cargo build`, so a failure names the board that failed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::board::{Artifacts, Board, TARGET, cargo_elf, display_path};
use crate::devicetree::sabrelite_dtb;
use crate::error::{Context, Result, bail};
use crate::image::{FlatImage, elf_to_flat};
use crate::{uimage, vdso, zimage};

/// What a successful build produced.
#[derive(Debug, Clone)]
pub struct Built {
    /// Paths of the artifacts.
    pub artifacts: Artifacts,
    /// Physical address the flat image must be loaded at.
    pub load_address: u64,
    /// The flat image (the zImage's bytes), and where the kernel's memory
    /// ends.
    pub image: FlatImage,
}

/// Builds `board` in the workspace at `root` and writes its artifacts,
/// printing one line per file.
pub fn build_board(root: &Path, board: Board) -> Result<Built> {
    // The vDSO first: the kernel embeds it.
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
    check_inside_ram(board, "the kernel's load address", image.load_address)?;
    zimage::check(&image.bytes, image.load_address).context_with(|| {
        format!(
            "checking the zImage header of {}",
            display_path(&source).display()
        )
    })?;
    let note = format!(
        ", load at {:#010x}, entry {:#010x}",
        image.load_address, image.entry
    );
    write_artifact(&artifacts.bin, &image.bytes, &note)?;
    write_artifact(
        &artifacts.zimage,
        &image.bytes,
        &format!(
            ", the same bytes: a zImage header runs at {:#010x} or relocates there",
            image.load_address
        ),
    )?;
    write_uimage(&artifacts.uimage, board, &image, &image.bytes, "")?;
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
        image,
    })
}

/// Writes `zImage-initrd` and `uImage-initrd` into `dir`: the built image
/// with `ramdisk` (a cpio archive) appended and recorded in its header.
/// Returns the path of the zImage.
pub fn write_embedded(built: &Built, ramdisk: &[u8], dir: &Path) -> Result<PathBuf> {
    if let Err(error) = kernel::ramdisk::Ramdisk::parse(ramdisk) {
        bail!("the ramdisk to embed is not an archive the kernel reads: {error}");
    }
    let image = &built.image;
    let memory_end = image.memory_end - image.load_address;
    let bytes = zimage::embed_initrd(&image.bytes, memory_end, ramdisk)?;
    let header = zimage::check(&bytes, image.load_address)?;
    fs::create_dir_all(dir).context_with(|| format!("creating {}", display_path(dir).display()))?;
    let zimage_path = dir.join("zImage-initrd");
    let offset = zimage::embedded_initrd(&bytes)?.map_or(0, |(offset, _)| offset);
    write_artifact(
        &zimage_path,
        &bytes,
        &format!(
            ", a {} byte ramdisk at offset {offset:#x}; ends at {:#010x}",
            ramdisk.len(),
            header.end
        ),
    )?;
    write_uimage(
        &dir.join("uImage-initrd"),
        built.artifacts.board,
        image,
        &bytes,
        " +initrd",
    )?;
    Ok(zimage_path)
}

/// Wraps `bytes` (an image linked like `image`) as a uImage at `path`.
fn write_uimage(
    path: &Path,
    board: Board,
    image: &FlatImage,
    bytes: &[u8],
    suffix: &str,
) -> Result<()> {
    let Ok(load) = u32::try_from(image.load_address) else {
        bail!("load address {:#x} is past 4 GiB", image.load_address);
    };
    let name = format!("KML-rs {} {board}{suffix}", env!("CARGO_PKG_VERSION"));
    let wrapped = uimage::wrap(bytes, load, load, &name, uimage::creation_time())?;
    let header = uimage::parse(&wrapped)?;
    write_artifact(
        path,
        &wrapped,
        &format!(
            ", U-Boot legacy image \"{}\", load and entry {:#010x}, data CRC {:#010x}",
            header.name, header.load, header.data_crc
        ),
    )
}

/// Fails unless `address` lies in the RAM every `board` has.
fn check_inside_ram(board: Board, what: &str, address: u64) -> Result<()> {
    let (base, size) = board.ram();
    if !(base..base + size).contains(&address) {
        bail!(
            "{what} {address:#010x} is outside {board}'s RAM ({base:#010x}..{:#010x})",
            base + size
        );
    }
    Ok(())
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
