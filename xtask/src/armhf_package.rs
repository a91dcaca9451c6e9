// SPDX-License-Identifier: MIT OR Apache-2.0
//! Debian armhf packages, downloaded and unpacked without touching the
//! machine's apt configuration.
//!
//! Two things the tests use come from Debian's armhf archive: the stock
//! device trees (in the armmp kernel package, `stock_dtb`) and the
//! acceptance client of issue 8, `busybox-static` (`busybox`). Both are
//! `apt-get download` of an armhf package and `dpkg-deb -x`. Instead of
//! `dpkg --add-architecture armhf` (which changes the machine for good),
//! apt runs with its own state under `<cache>/apt/` and the armhf
//! architecture given on the command line: the same archive, the same
//! package, nothing left behind but the cache. Without apt, network or
//! root the functions fail with a reason; callers say so and carry on.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Context, Result, bail};

/// apt with private state in one cache directory.
pub struct Apt {
    /// Where packages are downloaded and unpacked.
    cache: PathBuf,
    /// `-o` options naming the private state and the architecture.
    options: Vec<String>,
}

impl Apt {
    /// apt with its state in `cache/apt/`, package lists read once
    /// (`apt-get update`); `label` prefixes progress lines.
    pub fn new(cache: &Path, label: &str) -> Result<Apt> {
        let apt = cache.join("apt");
        for dir in ["lists/partial", "cache/archives/partial"] {
            fs::create_dir_all(apt.join(dir)).context("creating apt's state directories")?;
        }
        let status = apt.join("status");
        if !status.exists() {
            fs::write(&status, "").context("creating apt's empty status file")?;
        }
        let options = vec![
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
        let apt = Apt {
            cache: cache.to_owned(),
            options,
        };
        eprintln!("{label}: reading Debian's armhf package lists (apt-get update, private state)");
        // A partly failed update (one mirror index out of sync) can still
        // list the package; whether it did shows in the next step.
        let _ = apt.run("apt-get", &["-q", "update"]);
        Ok(apt)
    }

    /// Runs an apt tool with the private options then `args`; its stdout.
    pub fn run(&self, program: &str, args: &[&str]) -> Result<String> {
        let output = Command::new(program)
            .args(&self.options)
            .args(args)
            .current_dir(&self.cache)
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

    /// Downloads `package` (armhf) and unpacks it into `cache/unpacked/`
    /// (replaced); returns that directory and the `.deb`'s file name. The
    /// `.deb` itself is deleted.
    pub fn download_and_unpack(&self, package: &str) -> Result<(PathBuf, String)> {
        self.run("apt-get", &["-q", "download", package])?;
        let deb = fs::read_dir(&self.cache)
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
        let unpacked = self.cache.join("unpacked");
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
        let name = deb
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = fs::remove_file(&deb);
        Ok((unpacked, name))
    }
}
