// SPDX-License-Identifier: MIT OR Apache-2.0
//! The C test programs: `tests/programs/c/*.c`, built with GCC three ways.
//!
//! The name of a program (its file's stem) says how it is linked:
//!
//! - `vdso-*`: against the build's `vdso.so`, the way DESIGN.md shows an
//!   app is linked (`-nostdlib -no-pie ... vdso.so
//!   -Wl,--no-dynamic-linker`), with `userlib/c`'s start file and header
//!   (the program defines `KML_VDSO`). The kernel binds its imports at
//!   `execve`. After the link, `nm` must show every import as
//!   `U <name>@LINUX_2.6` (and there must be some), or staging fails.
//! - `needs-*`: the plain way, `arm-linux-gnueabihf-gcc app.c`, dynamically
//!   against glibc: a program KML-rs must refuse, naming `libc.so.6`.
//! - `glibc-*`: an unmodified Linux program, `arm-linux-gnueabihf-gcc
//!   -static -pthread`: static glibc, hard-float, not position-independent
//!   (the way Debian's `busybox-static` is built). The test init runs them
//!   from `/bin` and, copied by the ramdisk staging, from `/trusted`.
//! - anything else: static and freestanding, by `linker/user.ld`, with
//!   `userlib/c`'s start file and header.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use abi::vdso::VERSION_NODE;

use super::run_tool;
use crate::board::display_path;
use crate::error::{Context, Result, bail};

/// GCC for the C programs, and the Debian package that has it.
pub const C_COMPILER: &str = "arm-linux-gnueabihf-gcc";
pub const C_COMPILER_PACKAGE: &str = "gcc-arm-linux-gnueabihf";
/// Lists a program's symbols; binutils, which GCC's package depends on.
const NM: &str = "arm-linux-gnueabihf-nm";

/// Flags for every static C program: ARMv7-A in ARM state, soft-float calls
/// (no float code runs, and soft links without libgcc's hard-float
/// objects), no libc, static, not position-independent.
const STATIC_FLAGS: [&str; 12] = [
    "-march=armv7-a",
    "-marm",
    "-mfloat-abi=soft",
    "-O2",
    "-g",
    "-Wall",
    "-Wextra",
    "-nostdlib",
    "-static",
    "-ffreestanding",
    "-fno-pie",
    "-no-pie",
];

/// Flags for a program linked against the vDSO: DESIGN.md's line, plus
/// optimisation, debug info and warnings.
const VDSO_FLAGS: [&str; 9] = [
    "-march=armv7-a",
    "-mfloat-abi=soft",
    "-O2",
    "-g",
    "-Wall",
    "-Wextra",
    "-nostdlib",
    "-no-pie",
    "-Wl,--no-dynamic-linker",
];

/// Flags for an unmodified Linux program: the toolchain's defaults for
/// armhf (ARMv7-A, Thumb-2, VFPv3-D16 hard-float) with static glibc and
/// pthreads, not position-independent.
const STATIC_GLIBC_FLAGS: [&str; 8] = [
    "-O2", "-g", "-Wall", "-Wextra", "-static", "-pthread", "-fno-pie", "-no-pie",
];

/// How a C program is linked (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linkage {
    /// Static, freestanding, by `linker/user.ld`.
    Static,
    /// Against `vdso.so`.
    Vdso,
    /// Dynamically against glibc.
    Libc,
    /// Statically against glibc, hard-float.
    StaticGlibc,
}

impl Linkage {
    /// The linkage the name of program `name` asks for.
    pub fn of(name: &str) -> Linkage {
        if name.starts_with("vdso-") {
            Linkage::Vdso
        } else if name.starts_with("needs-") {
            Linkage::Libc
        } else if name.starts_with("glibc-") {
            Linkage::StaticGlibc
        } else {
            Linkage::Static
        }
    }
}

/// The C programs: `tests/programs/c/*.c`, sorted.
pub fn sources(workspace: &Path) -> Result<Vec<PathBuf>> {
    let directory = workspace.join("tests").join("programs").join("c");
    let entries = fs::read_dir(&directory)
        .context_with(|| format!("listing {}", display_path(&directory).display()))?;
    let mut sources = Vec::new();
    for entry in entries {
        let path = entry.context("listing the C programs")?.path();
        if path.extension().is_some_and(|extension| extension == "c") {
            sources.push(path);
        }
    }
    sources.sort();
    Ok(sources)
}

/// `tests/programs/c/c-hello.c` is the program `c-hello`.
pub fn program_name(source: &Path) -> Result<String> {
    match source.file_stem().and_then(|stem| stem.to_str()) {
        Some(stem) => Ok(stem.to_owned()),
        None => bail!("{} has no usable name", source.display()),
    }
}

/// Compiles `source` into `output` as its name says; `vdso` is the
/// `vdso.so` to link the `vdso-*` programs against.
pub fn compile(workspace: &Path, source: &Path, output: &Path, vdso: &Path) -> Result<()> {
    let support = workspace.join("userlib").join("c");
    let mut command = Command::new(C_COMPILER);
    let linkage = Linkage::of(&program_name(source)?);
    match linkage {
        Linkage::Static => {
            let script = workspace.join("linker").join("user.ld");
            command
                .args(STATIC_FLAGS)
                .arg(format!("-Wl,-T,{}", script.display()));
        }
        Linkage::Vdso => {
            command.args(VDSO_FLAGS);
        }
        Linkage::Libc => {
            command.args(["-O2", "-Wall"]);
        }
        Linkage::StaticGlibc => {
            command.args(STATIC_GLIBC_FLAGS);
        }
    }
    command.arg("-Wl,--build-id=none").arg("-o").arg(output);
    command.arg(source);
    if matches!(linkage, Linkage::Static | Linkage::Vdso) {
        command.arg("-I").arg(&support).arg(support.join("start.S"));
    }
    if linkage == Linkage::Vdso {
        command.arg(vdso);
    }
    run_tool(
        &mut command,
        &format!("compiling {}", display_path(source).display()),
    )?;
    if linkage == Linkage::Vdso {
        check_vdso_imports(output)?;
    }
    Ok(())
}

/// Runs `nm` on a program linked against the vDSO and checks its imports
/// (see [`vdso_imports`]); prints them.
fn check_vdso_imports(program: &Path) -> Result<()> {
    let shown = display_path(program);
    let output = Command::new(NM)
        .arg(program)
        .output()
        .context_with(|| format!("running {NM} on {}", shown.display()))?;
    if !output.status.success() {
        bail!("{NM} {} failed with {}", shown.display(), output.status);
    }
    let listing = String::from_utf8_lossy(&output.stdout);
    let imports =
        vdso_imports(&listing).context_with(|| format!("checking {}", shown.display()))?;
    println!(
        "checked {}: imports {}",
        shown.display(),
        imports.join(", ")
    );
    Ok(())
}

/// The imports in `nm` output (`U name@version` lines), each of which must
/// be at [`VERSION_NODE`]; there must be at least one. Weak ones (`w`)
/// may be anything: the kernel binds those it cannot find to 0.
fn vdso_imports(listing: &str) -> Result<Vec<String>> {
    let mut imports = Vec::new();
    for line in listing.lines() {
        let Some(symbol) = line.trim_start().strip_prefix("U ") else {
            continue;
        };
        match symbol.split_once('@') {
            Some((_, version)) if version == VERSION_NODE => imports.push(format!("U {symbol}")),
            _ => bail!("import {symbol} is not at {VERSION_NODE}: the vDSO would not bind it"),
        }
    }
    if imports.is_empty() {
        bail!("no import from the vDSO (no `U name@{VERSION_NODE}` in nm's listing)");
    }
    Ok(imports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_programs_are_named_by_their_file() {
        assert_eq!(
            program_name(Path::new("tests/programs/c/c-hello.c")).unwrap(),
            "c-hello"
        );
    }

    #[test]
    fn the_name_says_how_to_link() {
        assert_eq!(Linkage::of("c-hello"), Linkage::Static);
        assert_eq!(Linkage::of("vdso-linked"), Linkage::Vdso);
        assert_eq!(Linkage::of("needs-libc"), Linkage::Libc);
        assert_eq!(Linkage::of("glibc-threads"), Linkage::StaticGlibc);
        assert_eq!(Linkage::of("my-vdso-thing"), Linkage::Static);
    }

    #[test]
    fn vdso_imports_must_all_be_at_linux_2_6() {
        let listing = "\
00011f60 d _DYNAMIC
         U clock_gettime@LINUX_2.6
         w kml_optional
000103f0 T main
         U write@LINUX_2.6
";
        assert_eq!(
            vdso_imports(listing).unwrap(),
            ["U clock_gettime@LINUX_2.6", "U write@LINUX_2.6"]
        );
        let other = "         U clock_gettime@LINUX_2.6\n         U puts@GLIBC_2.4\n";
        let error = vdso_imports(other).unwrap_err().to_string();
        assert!(error.contains("puts@GLIBC_2.4"), "{error}");
        let unversioned = "         U clock_gettime\n";
        assert!(vdso_imports(unversioned).is_err());
        let error = vdso_imports("000103f0 T main\n").unwrap_err().to_string();
        assert!(error.contains("no import"), "{error}");
    }
}
