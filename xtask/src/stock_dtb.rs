// SPDX-License-Identifier: MIT OR Apache-2.0
//! The boards' stock device trees, from Debian's `linux-image-armmp` kernel.
//!
//! On hardware U-Boot passes the tree Linux ships for the board
//! (`imx6q-sabrelite.dtb`, `am57xx-beagle-x15.dtb`), not the minimal one
//! the build writes for QEMU. To boot the kernel with the real thing we take
//! those blobs from the Debian package of the armhf multiplatform kernel:
//! `apt-get download` of the package `linux-image-armmp` depends on, then
//! `dpkg-deb -x`, with apt's own state under `target/kml/stock-dtb/apt/`
//! (see `armhf_package`). The trees are cached in `target/kml/stock-dtb/`;
//! the package (about 45 MB) is deleted after extraction. Without apt,
//! network or root this fails with a reason, and the caller says so and
//! carries on without the stock tree.

use crate::armhf_package::Apt;
use crate::board::display_path;
use crate::error::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};

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
    let apt = Apt::new(cache, "stock-dtb")?;
    let depends = apt.run("apt-cache", &["depends", METAPACKAGE])?;
    let Some(package) = depends
        .lines()
        .filter_map(|line| line.trim().strip_prefix("Depends:"))
        .map(str::trim)
        .find(|name| name.starts_with("linux-image-") && name.ends_with("-armmp"))
    else {
        bail!("`apt-cache depends {METAPACKAGE}` names no linux-image-*-armmp package");
    };
    eprintln!("stock-dtb: downloading {package} (armhf)");
    let (unpacked, version) = apt.download_and_unpack(package)?;
    for tree in TREES {
        let found = find_file(&unpacked.join("usr/lib"), tree)
            .context_with(|| format!("looking for {tree}"))?;
        let Some(found) = found else {
            bail!("{tree} is not in {version}");
        };
        fs::copy(&found, cache.join(tree)).context_with(|| format!("keeping {tree}"))?;
        eprintln!(
            "stock-dtb: kept {} (from {version})",
            display_path(&cache.join(tree)).display(),
        );
    }
    fs::write(cache.join("SOURCE"), format!("{version}\n")).context("noting the source package")?;
    let _ = fs::remove_dir_all(&unpacked);
    Ok(())
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
