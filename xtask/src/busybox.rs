// SPDX-License-Identifier: MIT OR Apache-2.0
//! Debian's `busybox-static` (armhf): the programs people already have.
//!
//! Issue 8's acceptance client is a binary nobody here wrote: busybox
//! built by Debian against static glibc, hard-float. [`fetch`] downloads
//! the armhf package (see `armhf_package`) once into
//! `target/kml/busybox/`; [`stage_root`] lays out the ramdisk the
//! `initrd: busybox` tests boot:
//!
//! ```text
//! bin/busybox        the package's binary, unchanged (USR mode)
//! bin/sh, bin/ls...  symlinks to busybox for the [`APPLETS`], so the
//!                    shell finds them on PATH (Debian's build does not
//!                    run applets inside the shell by itself)
//! trusted/busybox    the same bytes, a regular file (SYSTEM mode)
//! trusted/sh...      the same symlinks: with PATH=/trusted every command
//!                    of a script runs in SYSTEM mode
//! scripts/*          tests/busybox/scripts/, the shell scripts the tests run
//! ```
//!
//! When the package cannot be had (no apt, no network, not root) the
//! busybox tests are skipped with the reason; nothing else depends on it.

use std::fs;
use std::path::{Path, PathBuf};

use crate::armhf_package::Apt;
use crate::board::display_path;
use crate::error::{Context, Result, bail};

/// The Debian package.
pub const PACKAGE: &str = "busybox-static";

/// The applets linked in `bin/` and `trusted/`: what the scripts use, and
/// the common ones a user would try.
pub const APPLETS: [&str; 48] = [
    "[",
    "awk",
    "basename",
    "bc",
    "cat",
    "cmp",
    "cut",
    "date",
    "dc",
    "dirname",
    "du",
    "echo",
    "env",
    "expr",
    "false",
    "find",
    "grep",
    "head",
    "hexdump",
    "id",
    "kill",
    "ls",
    "md5sum",
    "od",
    "printf",
    "ps",
    "pwd",
    "readlink",
    "sed",
    "seq",
    "sh",
    "sha256sum",
    "sleep",
    "sort",
    "stat",
    "tail",
    "tee",
    "test",
    "tr",
    "true",
    "uname",
    "uniq",
    "uptime",
    "wc",
    "which",
    "xargs",
    "yes",
    "cksum",
];

/// The cached binary, fetched first if needed.
pub fn fetch(root: &Path) -> Result<PathBuf> {
    let cache = root.join("target/kml/busybox");
    let binary = cache.join("busybox");
    if binary.is_file() {
        return Ok(binary);
    }
    fs::create_dir_all(&cache).context("creating target/kml/busybox")?;
    let apt = Apt::new(&cache, "busybox")?;
    eprintln!("busybox: downloading {PACKAGE} (armhf)");
    let (unpacked, version) = apt
        .download_and_unpack(PACKAGE)
        .context_with(|| format!("fetching Debian's {PACKAGE}"))?;
    let found = unpacked.join("bin/busybox");
    if !found.is_file() {
        bail!("{version} has no bin/busybox");
    }
    fs::copy(&found, &binary).context("keeping bin/busybox")?;
    fs::write(cache.join("SOURCE"), format!("{version}\n")).context("noting the package")?;
    let _ = fs::remove_dir_all(&unpacked);
    eprintln!(
        "busybox: kept {} (from {version})",
        display_path(&binary).display()
    );
    Ok(binary)
}

/// Writes the busybox tests' root (`target/kml/busybox-root`), replacing
/// what was there; returns its path.
pub fn stage_root(root: &Path, busybox: &Path) -> Result<PathBuf> {
    let staged = root.join("target/kml/busybox-root");
    if staged.exists() {
        fs::remove_dir_all(&staged).context("removing the old busybox root")?;
    }
    for directory in ["bin", "trusted", "scripts"] {
        fs::create_dir_all(staged.join(directory))
            .context_with(|| format!("creating busybox-root/{directory}"))?;
    }
    for directory in ["bin", "trusted"] {
        let copy = staged.join(directory).join("busybox");
        fs::copy(busybox, &copy).context_with(|| format!("copying busybox to {directory}"))?;
        crate::programs::make_executable(&copy)?;
        for applet in APPLETS {
            std::os::unix::fs::symlink("busybox", staged.join(directory).join(applet))
                .context_with(|| format!("linking {directory}/{applet}"))?;
        }
    }
    let scripts = root.join("tests/busybox/scripts");
    let entries = fs::read_dir(&scripts)
        .context_with(|| format!("listing {}", display_path(&scripts).display()))?;
    for entry in entries {
        let path = entry.context("listing the scripts")?.path();
        if let Some(name) = path.file_name() {
            fs::copy(&path, staged.join("scripts").join(name))
                .context_with(|| format!("copying {}", path.display()))?;
        }
    }
    Ok(staged)
}

/// Fetches busybox and packs its test ramdisk into
/// `target/kml/busybox.cpio`; returns the archive's path.
pub fn ramdisk(root: &Path) -> Result<String> {
    let busybox = fetch(root)?;
    let staged = stage_root(root, &busybox)?;
    let archive = root.join("target/kml/busybox.cpio");
    crate::ramdisk::write_archive(&staged, &archive)?;
    Ok(display_path(&archive).to_string_lossy().into_owned())
}
