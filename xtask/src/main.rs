// SPDX-License-Identifier: MIT OR Apache-2.0
//! `cargo xtask`: build, boot and test KML-rs from one host-side command.
//!
//! The cargo-xtask pattern (as in Hubris's `build/xtask`): a plain host binary
//! in the workspace, run through the alias in `.cargo/config.toml`, instead
//! of shell scripts or make. This file is the command-line interface only;
//! each command lives in its own module and the board contract (package
//! names, artifact paths) in `board`.
//!
//! Principles: every step prints what it writes or runs, so a log is enough
//! to reproduce it by hand; errors say what was being done and why it failed;
//! missing tools are installed (or named) before anything slow starts.

mod armhf_package;
mod bench;
mod board;
mod build;
mod busybox;
mod devicetree;
mod error;
mod expect;
mod image;
mod programs;
mod qemu;
mod ramdisk;
mod setup;
mod stock_dtb;
mod test;
mod uimage;
mod vdso;
mod zimage;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::board::{Board, display_path, workspace_root};
use crate::error::{Context, Result, bail};

/// Build, run and test the KML-rs kernel.
///
/// Artifacts go to target/kml/<board>/: kml.elf (with symbols), kml.bin (flat
/// image for QEMU -kernel), zImage (the same bytes, for U-Boot's bootz),
/// uImage (for bootm), vdso.so (the vDSO apps link against), initrd.cpio
/// (the demo ramdisk) and, for imx6q, qemu-sabrelite.dtb.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Shown at the end of `cargo xtask --help`.
const EXAMPLES: &str = "\
Examples:
  cargo xtask run                          boot the i.MX6Q build in QEMU sabrelite
  cargo xtask run --board qemu-virt --gdb  boot on QEMU virt, wait for gdb on :1234
  cargo xtask run -- -d int,guest_errors   pass arguments to QEMU
  cargo xtask test --qemu-only boot/       only the QEMU tests in tests/boot/
  cargo xtask bench --board qemu-virt      instructions per system call, on QEMU virt
  cargo xtask ramdisk rootfs -o rd.cpio    pack rootfs/ into a ramdisk for --initrd";

/// What `cargo xtask run` asks the demo init to show when given no
/// `--append`.
const DEMO_SCENARIOS: &str =
    "-- fork-exec many-children demand-paging cow pipe c-program trusted-mode vdso-call";

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the kernel for a board (default: every board) and write its
    /// artifacts to target/kml/<board>/.
    Build {
        /// The board to build; all three when omitted.
        #[arg(long, value_enum)]
        board: Option<Board>,
        /// Also write zImage-initrd and uImage-initrd, images that carry
        /// this ramdisk (a directory, packed as `ramdisk` does, or a cpio
        /// newc archive); the kernel uses it when the device tree names no
        /// initrd.
        #[arg(long, value_name = "DIR|FILE")]
        embed_initrd: Option<PathBuf>,
    },
    /// Build a board and boot it in QEMU with the console on this terminal.
    ///
    /// Quit QEMU with Ctrl-A X (Ctrl-A C toggles the monitor). The exit
    /// status is QEMU's, which is the kernel's semihosting exit status
    /// (0 clean, 101 panic, 102 kernel fault).
    Run(RunArgs),
    /// Run the host unit tests, build every board and run the QEMU suites
    /// in tests/; the last line is `N passed, N failed`.
    Test(TestArgs),
    /// Measure the kernel: instructions and exceptions per operation
    /// (system calls, switches, pipes, sleeps, fork, exec, boot).
    ///
    /// Boots /bin/bench of the test programs as init under QEMU `-icount
    /// shift=0,sleep=off`, where one guest instruction is one nanosecond,
    /// so the counts are the same on every run and host. Prints a table
    /// (instructions per operation, loop overhead subtracted, with
    /// exceptions per operation in parentheses) and writes
    /// target/kml/bench.json. Fails if any operation is missing or the
    /// program reports a failure; the numbers themselves never fail it.
    Bench {
        /// The board to measure; imx6q and qemu-virt when omitted (am572x
        /// has no QEMU model).
        #[arg(long, value_enum)]
        board: Option<Board>,
    },
    /// Pack a directory tree into a cpio newc archive (the initramfs
    /// format) for `run --initrd`.
    ///
    /// The directory becomes the ramdisk's root. Directories, regular files
    /// and symlinks are packed with their permission bits; owners, times
    /// and inode numbers are zeroed or renumbered, so the same tree always
    /// gives the same archive. GNU `cpio -o -H newc` archives work as well.
    Ramdisk {
        /// The directory to pack.
        #[arg(value_name = "DIR")]
        directory: PathBuf,
        /// Where to write the archive.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Install what the other commands need: the armv7a-none-eabi Rust
    /// target and qemu-system-arm (they do this by themselves too).
    Setup,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The board to boot (am572x has no QEMU model; use qemu-virt).
    #[arg(long, value_enum, default_value_t = Board::Imx6q)]
    board: Board,
    /// Ramdisk (cpio archive) for QEMU's -initrd. Default: the demo
    /// ramdisk of tests/programs, whose /init then runs a quick set of
    /// scenarios (fork-exec, demand paging, COW, pipes, a C program, a
    /// trusted program, the vDSO); choose others with
    /// `--append "-- cow rt-periodic"`, or all with `--append "-- all"`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_initrd")]
    initrd: Option<PathBuf>,
    /// Boot without a ramdisk: banner and self-checks only.
    #[arg(long)]
    no_initrd: bool,
    /// Kernel command line, added after the leading `semihosting`.
    #[arg(long, value_name = "ARGS", allow_hyphen_values = true)]
    append: Option<String>,
    /// Freeze the CPU at reset and wait for gdb-multiarch on TCP port 1234
    /// (QEMU -s -S).
    #[arg(long)]
    gdb: bool,
    /// Arguments after `--` are passed to QEMU verbatim (e.g. -- -d int).
    #[arg(last = true, value_name = "EXTRA_QEMU_ARGS")]
    qemu_args: Vec<String>,
}

#[derive(Debug, Args)]
struct TestArgs {
    /// Run only the QEMU tests whose `suite/name` contains PATTERN (host
    /// tests still run unless --qemu-only).
    #[arg(value_name = "PATTERN")]
    filter: Option<String>,
    /// Skip the host unit tests; build the boards and run the QEMU suites.
    #[arg(long, conflicts_with = "host_only")]
    qemu_only: bool,
    /// Run the host unit tests only.
    #[arg(long)]
    host_only: bool,
    /// How many QEMU instances to run at once.
    #[arg(short, long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u16).range(1..))]
    jobs: u16,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    match dispatch(&root, cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(root: &Path, command: Command) -> Result<ExitCode> {
    match command {
        Command::Build {
            board,
            embed_initrd,
        } => {
            setup::ensure_rust_target(root)?;
            let boards = board.map_or(Board::ALL.to_vec(), |board| vec![board]);
            let demo = PathBuf::from(test::test_programs_ramdisk(root)?);
            let embedded = embed_initrd
                .map(|path| ramdisk_to_embed(root, &path))
                .transpose()?;
            for board in boards {
                let built = build::build_board(root, board)?;
                let artifacts = &built.artifacts;
                fs::copy(&demo, &artifacts.initrd).context_with(|| {
                    format!(
                        "copying the demo ramdisk to {}",
                        display_path(&artifacts.initrd).display()
                    )
                })?;
                println!(
                    "wrote {} (the demo ramdisk, a copy of {})",
                    display_path(&artifacts.initrd).display(),
                    display_path(&demo).display()
                );
                match &embedded {
                    Some(ramdisk) => {
                        build::write_embedded(&built, ramdisk, &artifacts.dir)?;
                    }
                    None => remove_stale(&[&artifacts.zimage_initrd, &artifacts.uimage_initrd])?,
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run(args) => run(root, args),
        Command::Test(args) => {
            let selection = test::Selection {
                filter: args.filter,
                host: !args.qemu_only,
                qemu: !args.host_only,
                jobs: usize::from(args.jobs),
            };
            if selection.qemu {
                setup::ensure_rust_target(root)?;
                setup::ensure_qemu()?;
            }
            let tally = test::run(root, &selection)?;
            Ok(if tally.failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Bench { board } => {
            let boards = board.map_or(bench::DEFAULT_BOARDS.to_vec(), |board| vec![board]);
            bench::run(root, &boards)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ramdisk { directory, output } => {
            ramdisk::write_archive(&directory, &output)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Setup => {
            setup::ensure_rust_target(root)?;
            setup::ensure_qemu()?;
            println!("setup: the armv7a-none-eabi target and qemu-system-arm are installed");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `cargo xtask run`: returns only on error or (off Unix) with QEMU's status.
fn run(root: &Path, args: RunArgs) -> Result<ExitCode> {
    let board = args.board;
    if !board.has_emulator() {
        eprintln!(
            "{board} has no emulator: QEMU has no model of the AM572x.\n\
             `cargo xtask run --board qemu-virt` runs the same Cortex-A15 code \
             (GICv2, generic timer) on QEMU virt."
        );
        return Ok(ExitCode::from(2));
    }
    setup::ensure_rust_target(root)?;
    setup::ensure_qemu()?;
    let demo = args.initrd.is_none() && !args.no_initrd;
    let initrd = match &args.initrd {
        Some(path) => Some(initrd_argument(path)?),
        None if args.no_initrd => None,
        None => Some(test::test_programs_ramdisk(root)?),
    };
    // The demo ramdisk's init runs every scenario when given none, the
    // timing ones too, which need -icount to be reliable (see
    // tests/scheduling): a plain run shows the quick ones.
    let append = match args.append {
        Some(append) => append,
        None if demo => DEMO_SCENARIOS.to_owned(),
        None => String::new(),
    };
    let built = build::build_board(root, board)?;
    if let Some(expected) = qemu::raw_kernel_address(board)
        && built.load_address != expected
    {
        eprintln!(
            "warning: kml.bin starts at {:#010x}, but QEMU loads a raw -kernel image \
             at {expected:#010x} (RAM base + 0x10000)",
            built.load_address
        );
    }
    let options = qemu::Options {
        append,
        initrd,
        gdb: args.gdb,
        extra: args.qemu_args,
        ..qemu::Options::default()
    };
    let qemu_args = qemu::command_line(&built.artifacts, &options, qemu::Console::Terminal)?;
    eprintln!("{}", qemu::shell_line(&qemu_args));
    if args.gdb {
        eprintln!(
            "waiting for gdb-multiarch on :1234: gdb-multiarch {} -ex 'target remote :1234'",
            display_path(&built.artifacts.elf).display()
        );
    }
    let status = qemu::run_interactive(&qemu_args)?;
    Ok(ExitCode::from(u8::try_from(status).unwrap_or(1)))
}

/// The bytes of the ramdisk `--embed-initrd` names: a directory is packed
/// (to `target/kml/embedded-initrd.cpio`), a file taken as it is.
fn ramdisk_to_embed(root: &Path, path: &Path) -> Result<Vec<u8>> {
    let archive = if path.is_dir() {
        let archive = root.join("target/kml/embedded-initrd.cpio");
        if let Some(parent) = archive.parent() {
            fs::create_dir_all(parent).context("creating target/kml")?;
        }
        ramdisk::write_archive(path, &archive)?;
        archive
    } else {
        path.to_path_buf()
    };
    fs::read(&archive).context_with(|| format!("--embed-initrd {}", archive.display()))
}

/// Removes images a previous `build --embed-initrd` left, so the
/// directory never holds a ramdisk-carrying image older than the kernel.
fn remove_stale(paths: &[&Path]) -> Result<()> {
    for path in paths {
        if path.exists() {
            fs::remove_file(path)
                .context_with(|| format!("removing {}", display_path(path).display()))?;
            println!(
                "removed {} (from an older build with --embed-initrd)",
                display_path(path).display()
            );
        }
    }
    Ok(())
}

/// Checks the ramdisk exists and returns it as a UTF-8 argument.
fn initrd_argument(path: &Path) -> Result<String> {
    if !path.is_file() {
        bail!("--initrd {}: no such file", path.display());
    }
    match path.to_str() {
        Some(text) => Ok(text.to_owned()),
        None => bail!("--initrd {}: the path is not UTF-8", path.display()),
    }
}
