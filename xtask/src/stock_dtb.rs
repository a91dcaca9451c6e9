// SPDX-License-Identifier: MIT OR Apache-2.0
//! The boards' stock device trees, from Debian's `linux-image-armmp` kernel.
//!
//! On hardware U-Boot passes the tree Linux ships for the board
//! (`imx6q-sabrelite.dtb`, `am57xx-beagle-x15.dtb`), not the minimal one
//! the build writes for QEMU. To boot the kernel with the real thing we take
//! those blobs from the Debian package of the armhf multiplatform kernel:
//! `apt-get download` of the package `linux-image-armmp` depends on, then
//! `dpkg-deb -x`. apt runs with its own state under
//! `target/kml/stock-dtb/apt/` and the armhf architecture given on the
//! command line, so the machine's apt configuration is left alone. The trees
//! are cached in `target/kml/stock-dtb/`; the package (about 45 MB) is
//! deleted after extraction. Without apt, network or root this fails with a
//! reason, and the caller says so and carries on without the stock tree.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::board::display_path;
use crate::error::{Context, Result, bail};

/// The metapackage whose dependency is the current armmp kernel.
const METAPACKAGE: &str = "linux-image-armmp";
/// The trees we keep.
pub const TREES: [&str; 2] = ["imx6q-sabrelite.dtb", "am57xx-beagle-x15.dtb"];

/// The cached stock tree called `name` (one of [`TREES`]), fetched first if
/// needed.
pub fn fetch(root: &Path, name: &str) -> Result<PathBuf> {
    let cache = root.join("target/kml/stock-dtb");
    let path = cache.join(name);
    if path.is_file() {
        return Ok(path);
    }
    download(&cache).context("fetching Debian's stock device trees")?;
    if !path.is_file() {
        bail!("{name} was not in the package");
    }
    Ok(path)
}

/// Downloads the armmp kernel package and keeps [`TREES`] from it.
fn download(cache: &Path) -> Result<()> {
    let apt = cache.join("apt");
    for dir in ["lists/partial", "cache/archives/partial"] {
        fs::create_dir_all(apt.join(dir)).context("creating apt's state directories")?;
    }
    let status = apt.join("status");
    if !status.exists() {
        fs::write(&status, "").context("creating apt's empty status file")?;
    }
    let options = [
        "-o".to_owned(),
        "APT::Architecture=armhf".to_owned(),
        "-o".to_owned(),
        "APT::Architectures::=armhf".to_owned(),
        "-o".to_owned(),
        format!("Dir::State::Lists={}", apt.join("lists").display()),
        "-o".to_owned(),
        format!("Dir::Cache={}", apt.join("cache").display()),
        "-o".to_owned(),
        format!("Dir::State::status={}", status.display()),
        "-o".to_owned(),
        "Debug::NoLocking=1".to_owned(),
    ];
    eprintln!("stock-dtb: reading Debian's armhf package lists (apt-get update, private state)");
    // A partly failed update (one mirror index out of sync) can still list
    // the kernel; whether it did shows in the next step.
    let _ = run("apt-get", &options, &["-q", "update"], cache);
    let depends = run("apt-cache", &options, &["depends", METAPACKAGE], cache)?;
    let Some(package) = depends
        .lines()
        .filter_map(|line| line.trim().strip_prefix("Depends:"))
        .map(str::trim)
        .find(|name| name.starts_with("linux-image-") && name.ends_with("-armmp"))
    else {
        bail!("`apt-cache depends {METAPACKAGE}` names no linux-image-*-armmp package");
    };
    eprintln!("stock-dtb: downloading {package} (armhf)");
    run("apt-get", &options, &["-q", "download", package], cache)?;
    let deb = fs::read_dir(cache)
        .context("listing the download")?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .find(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(package) && name.ends_with(".deb"))
        });
    let Some(deb) = deb else {
        bail!("apt-get download left no {package}*.deb");
    };
    let unpacked = cache.join("unpacked");
    let _ = fs::remove_dir_all(&unpacked);
    let extract = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(&unpacked)
        .status()
        .context("running dpkg-deb")?;
    if !extract.success() {
        bail!("dpkg-deb -x {} failed with {extract}", deb.display());
    }
    let version = deb
        .file_name()
        .map(|name| name.to_string_lossy().into_owned());
    for tree in TREES {
        let found = find_file(&unpacked.join("usr/lib"), tree)
            .context_with(|| format!("looking for {tree}"))?;
        let Some(found) = found else {
            bail!("{tree} is not in {}", deb.display());
        };
        fs::copy(&found, cache.join(tree)).context_with(|| format!("keeping {tree}"))?;
        eprintln!(
            "stock-dtb: kept {} (from {})",
            display_path(&cache.join(tree)).display(),
            version.as_deref().unwrap_or("the package")
        );
    }
    fs::write(
        cache.join("SOURCE"),
        format!("{}\n", version.unwrap_or_default()),
    )
    .context("noting the source package")?;
    let _ = fs::remove_dir_all(&unpacked);
    let _ = fs::remove_file(&deb);
    Ok(())
}

/// Runs an apt tool with `options` then `args` in `dir`; its stdout.
fn run(program: &str, options: &[String], args: &[&str], dir: &Path) -> Result<String> {
    let output = Command::new(program)
        .args(options)
        .args(args)
        .current_dir(dir)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .output()
        .context_with(|| format!("running {program}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("").trim().to_owned();
        bail!(
            "`{program} {}` failed with {}: {last}",
            args.join(" "),
            output.status
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The first file called `name` below `dir`, depth first.
fn find_file(dir: &Path, name: &str) -> Result<Option<PathBuf>> {
    let entries = fs::read_dir(dir).context_with(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let path = entry.context("listing")?.path();
        if path.is_dir() {
            if let Some(found) = find_file(&path, name)? {
                return Ok(Some(found));
            }
        } else if path.file_name().is_some_and(|file| file == name) {
            return Ok(Some(path));
        }
    }
    Ok(None)
}
