// SPDX-License-Identifier: MIT OR Apache-2.0
//! The test root: the test programs built and laid out as the suites' `/`.
//!
//! [`stage_test_root`] writes `target/kml/root/`, the directory the QEMU
//! suites pack into their ramdisk:
//!
//! ```text
//! init                 the test init (tests/programs/src/bin/init.rs)
//! bin/echo-args        Rust programs init starts
//! bin/exit-with
//! bin/memory-hog
//! bin/mode-check       reports its CPU mode (the trusted suites, issue 5)
//! bin/vdso-call        calls the kernel through the vDSO (the vDSO suite)
//! bin/kml-calls        blocking and scheduling calls (the KML suite)
//! bin/bench            the benchmarks (`cargo xtask bench` boots it as init)
//! bin/signal-check     POSIX signals by raw system calls (issue 8)
//! bin/c-hello          C programs (tests/programs/c/*.c), built with GCC:
//! bin/vdso-linked      linked against vdso.so, imports bound by the kernel
//! bin/needs-libc       dynamically linked against glibc: refused
//! bin/glibc-*          static glibc, hard-float: unmodified Linux programs
//! bin/echo-link        a symlink to `echo-args` (readlink, glibc-calls)
//! trusted/mode-check   the same binary again, where it runs in SYSTEM mode
//! trusted/signal-check signal-check in SYSTEM mode (issue 8)
//! trusted/vdso-call    likewise: the vDSO's SYSTEM-mode way in
//! trusted/kml-calls    likewise: the same calls by direct kernel entry
//! trusted/bench        the benchmarks' SYSTEM-mode half
//! trusted/vdso-linked  likewise: the C program's bound vDSO calls
//! trusted/glibc-*      every static-glibc program again, in SYSTEM mode
//! trustedx/mode-check  and where it must not: a look-alike of /trusted/
//! jail/bin/mode-check  and in the root of a chroot, where it must not either
//! jail/trusted/mode-check
//! bad/<case>           hostile ELF files: corrupted copies of exit-with
//! ```
//!
//! Everything is mode 0755, the hostile files too: the kernel must refuse
//! them for what is inside, not for a missing execute bit. Staged programs
//! are stripped of debug info (the unstripped ones stay under the Cargo
//! target directory for gdb); that keeps the ramdisk small.
//!
//! How each C program is built is in `c_programs`: its name says whether
//! it is static, linked against the `vdso.so` that [`crate::vdso::build`]
//! links (built here too, so staging needs no board build first), or
//! linked against glibc.
//!
//! The hostile files are made by [`Corruption::apply`] (`hostile_elf`),
//! plain byte surgery on a good ELF with one defect each. Each matches a
//! check the kernel's loader must make (issue 3): the file is refused by
//! `execve` with `-ENOEXEC`, `-EINVAL` or `-ENOMEM`.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::board::{TARGET, display_path};
use crate::error::{Context, Result, bail};
use crate::setup;

mod c_programs;
mod hostile_elf;

pub use hostile_elf::Corruption;

/// The Cargo package of the Rust test programs.
const PACKAGE: &str = "test-programs";

/// Each Rust program: its Cargo binary name and its path in the root.
const RUST_PROGRAMS: [(&str, &str); 9] = [
    ("init", "init"),
    ("echo-args", "bin/echo-args"),
    ("exit-with", "bin/exit-with"),
    ("memory-hog", "bin/memory-hog"),
    ("mode-check", "bin/mode-check"),
    ("vdso-call", "bin/vdso-call"),
    ("kml-calls", "bin/kml-calls"),
    ("bench", "bin/bench"),
    ("signal-check", "bin/signal-check"),
];

/// Staged programs copied to a second place: the original and the copy.
/// The trusted suites run the same bytes from `/bin`, from `/trusted`
/// (SYSTEM mode), from a `/trusted` look-alike and from inside `/jail`
/// (USR mode), so only the path differs. Copies, not links (see
/// `SYMLINKS`): each program stays a regular file wherever it is run from.
const COPIES: [(&str, &str); 9] = [
    ("bin/mode-check", "trusted/mode-check"),
    ("bin/mode-check", "trustedx/mode-check"),
    ("bin/mode-check", "jail/bin/mode-check"),
    ("bin/mode-check", "jail/trusted/mode-check"),
    ("bin/vdso-call", "trusted/vdso-call"),
    ("bin/kml-calls", "trusted/kml-calls"),
    ("bin/vdso-linked", "trusted/vdso-linked"),
    ("bin/bench", "trusted/bench"),
    ("bin/signal-check", "trusted/signal-check"),
];

/// Symlinks in the root: the link and its (relative) target.
const SYMLINKS: [(&str, &str); 1] = [("bin/echo-link", "echo-args")];

/// Strips staged copies; binutils, which GCC's package depends on.
const STRIP: &str = "arm-linux-gnueabihf-strip";

/// The staged program the hostile files are corrupted copies of.
const HOSTILE_BASE: &str = "bin/exit-with";

/// Builds the test programs and writes the test root; returns its path
/// (`target/kml/root` in `workspace`), replacing what was there.
pub fn stage_test_root(workspace: &Path) -> Result<PathBuf> {
    setup::ensure_rust_target(workspace)?;
    setup::ensure_debian_tool(c_programs::C_COMPILER, c_programs::C_COMPILER_PACKAGE)?;
    build_rust_programs(workspace)?;

    let root = workspace.join("target").join("kml").join("root");
    let shown = display_path(&root);
    if root.exists() {
        fs::remove_dir_all(&root).context_with(|| format!("removing {}", shown.display()))?;
    }
    for directory in ["bin", "bad"] {
        fs::create_dir_all(root.join(directory))
            .context_with(|| format!("creating {}/{directory}", shown.display()))?;
    }

    let built = crate::build::target_dir(workspace)
        .join(TARGET)
        .join("release");
    for (binary, staged) in RUST_PROGRAMS {
        strip_into(&built.join(binary), &root.join(staged))?;
    }
    let c_built = crate::build::target_dir(workspace).join("kml-c");
    fs::create_dir_all(&c_built)
        .context_with(|| format!("creating {}", display_path(&c_built).display()))?;
    let vdso = c_built.join(crate::vdso::FILE_NAME);
    let linked = crate::vdso::build(workspace)?;
    fs::write(&vdso, &linked.bytes)
        .context_with(|| format!("writing {}", display_path(&vdso).display()))?;
    for source in c_programs::sources(workspace)? {
        let name = c_programs::program_name(&source)?;
        let program = c_built.join(&name);
        c_programs::compile(workspace, &source, &program, &vdso)?;
        strip_into(&program, &root.join("bin").join(&name))?;
        if c_programs::Linkage::of(&name) == c_programs::Linkage::StaticGlibc {
            let trusted = root.join("trusted");
            fs::create_dir_all(&trusted)
                .context_with(|| format!("creating {}/trusted", shown.display()))?;
            copy_program(&root.join("bin").join(&name), &trusted.join(&name))?;
        }
    }
    for (original, copy) in COPIES {
        copy_program(&root.join(original), &root.join(copy))?;
    }
    for (link, target) in SYMLINKS {
        std::os::unix::fs::symlink(target, root.join(link))
            .context_with(|| format!("linking {}/{link}", shown.display()))?;
    }

    let base_path = root.join(HOSTILE_BASE);
    let base = fs::read(&base_path)
        .context_with(|| format!("reading {}", display_path(&base_path).display()))?;
    for corruption in Corruption::ALL {
        let bytes = corruption
            .apply(&base)
            .context_with(|| format!("making bad/{}", corruption.file_name()))?;
        write_executable(&root.join("bad").join(corruption.file_name()), &bytes)?;
    }
    Ok(root)
}

/// `cargo build --release --target armv7a-none-eabi -p test-programs`.
fn build_rust_programs(workspace: &Path) -> Result<()> {
    crate::build::build_target_package(workspace, PACKAGE, &[])
}

/// Copies `program` to `staged` without debug info, mode 0755.
fn strip_into(program: &Path, staged: &Path) -> Result<()> {
    let mut command = Command::new(STRIP);
    command
        .arg("--strip-debug")
        .arg("-o")
        .arg(staged)
        .arg(program);
    run_tool(
        &mut command,
        &format!("stripping {}", display_path(program).display()),
    )?;
    make_executable(staged)?;
    report(staged)
}

/// Copies the staged program `original` to `copy` (making its directory),
/// mode 0755.
fn copy_program(original: &Path, copy: &Path) -> Result<()> {
    if let Some(directory) = copy.parent() {
        fs::create_dir_all(directory)
            .context_with(|| format!("creating {}", display_path(directory).display()))?;
    }
    fs::copy(original, copy).context_with(|| {
        format!(
            "copying {} to {}",
            display_path(original).display(),
            display_path(copy).display()
        )
    })?;
    make_executable(copy)?;
    report(copy)
}

/// Writes `bytes` to `path` with mode 0755.
fn write_executable(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).context_with(|| format!("writing {}", display_path(path).display()))?;
    make_executable(path)?;
    report(path)
}

/// Sets mode 0755.
pub fn make_executable(path: &Path) -> Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .context_with(|| format!("making {} executable", display_path(path).display()))
}

/// Prints `staged <path> (<size> bytes)`.
fn report(path: &Path) -> Result<()> {
    let size = fs::metadata(path)
        .context_with(|| format!("reading {}", display_path(path).display()))?
        .len();
    println!("staged {} ({size} bytes)", display_path(path).display());
    Ok(())
}

/// Runs a tool; on failure the error carries its stderr.
fn run_tool(command: &mut Command, what: &str) -> Result<()> {
    let output = command
        .output()
        .context_with(|| format!("{what}: running {:?}", command.get_program()))?;
    if !output.status.success() {
        bail!(
            "{what}: {:?} failed with {}:\n{}",
            command.get_program(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim_end()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds everything and writes target/kml/root: slow, and needs the
    /// ARM target and GCC, so only on request:
    /// `cargo test -p xtask -- --ignored stages_the_test_root`.
    #[test]
    #[ignore = "builds the test programs (slow; needs GCC for ARM)"]
    fn stages_the_test_root() {
        let root = stage_test_root(&crate::board::workspace_root()).unwrap();
        for path in [
            "init",
            "bin/echo-args",
            "bin/exit-with",
            "bin/memory-hog",
            "bin/mode-check",
            "bin/vdso-call",
            "bin/c-hello",
            "bin/vdso-linked",
            "bin/needs-libc",
            "trusted/mode-check",
            "trusted/vdso-call",
            "trusted/vdso-linked",
            "bin/kml-calls",
            "trusted/kml-calls",
            "trustedx/mode-check",
            "jail/bin/mode-check",
            "jail/trusted/mode-check",
        ] {
            let file = root.join(path);
            let mode = fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o755, "{path}");
        }
        for case in Corruption::ALL {
            assert!(root.join("bad").join(case.file_name()).is_file());
        }
    }
}
