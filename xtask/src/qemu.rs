// SPDX-License-Identifier: MIT OR Apache-2.0
//! QEMU command lines and the two ways we start QEMU.
//!
//! [`command_line`] is a pure function from a board, its artifacts and the
//! user's options to argv, so the exact lines are unit-tested. Interactive
//! runs ([`run_interactive`]) replace xtask with QEMU, which then owns the
//! terminal (`mon:stdio`: Ctrl-A X quits, Ctrl-A C is the monitor) and whose
//! exit status becomes ours. Test runs ([`run_captured`]) put the console on
//! a pipe, disable the monitor, and kill QEMU at a deadline.
//!
//! The kernel exits QEMU through semihosting only when its command line holds
//! the word `semihosting`, which is why it always comes first in `-append`: on
//! hardware the same call would trap into a debugger that is not there.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::board::{Artifacts, Board, display_path};
use crate::error::{Context, Result, bail};
use crate::setup::QEMU;

/// Where the kernel console goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Console {
    /// The terminal, multiplexed with the QEMU monitor.
    Terminal,
    /// A pipe to xtask; no monitor.
    Capture,
}

/// How the kernel image gets into the emulated RAM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Boot {
    /// `-kernel FILE`: QEMU's Linux loader puts a raw image at RAM +
    /// 0x10000 (the link address), or a uImage where its header says, and
    /// enters it with the device tree in r2.
    Direct(String),
    /// As U-Boot's `bootz`: QEMU's generic loader puts `image` at `address`
    /// and `-kernel` gets `stand_in`, a uImage of two words that jumps
    /// there, entered like a kernel (r0 = 0, r2 = the device tree).
    LoadedAt {
        /// The image.
        image: String,
        /// Where it is loaded and entered.
        address: u32,
        /// The jump (see [`bootz_stand_in`]).
        stand_in: String,
    },
}

/// What the user may change about a QEMU run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The kernel; `None` boots the board's `kml.bin` directly.
    pub boot: Option<Boot>,
    /// The device tree instead of the board's generated one, if any.
    pub dtb: Option<String>,
    /// Kernel command line after the leading `semihosting`.
    pub append: String,
    /// Ramdisk passed with `-initrd`.
    pub initrd: Option<String>,
    /// Stop at the first instruction and wait for gdb on :1234.
    pub gdb: bool,
    /// Arguments appended verbatim.
    pub extra: Vec<String>,
}

/// Physical address at which QEMU puts a raw `-kernel` image: RAM base plus
/// 0x10000, as for a 32-bit Linux `Image`.
pub fn raw_kernel_address(board: Board) -> Option<u64> {
    match board {
        Board::Imx6q => Some(0x1001_0000),
        Board::QemuVirt => Some(0x4001_0000),
        Board::Am572x => None,
    }
}

/// The argv (without the program) that boots `artifacts` under QEMU.
pub fn command_line(
    artifacts: &Artifacts,
    options: &Options,
    console: Console,
) -> Result<Vec<String>> {
    let board = artifacts.board;
    let mut args = match board {
        Board::Imx6q => strings(&["-M", "sabrelite", "-smp", "4", "-m", "1G"]),
        Board::QemuVirt => strings(&["-M", "virt", "-cpu", "cortex-a15", "-m", "256M"]),
        Board::Am572x => bail!("{board} has no QEMU model"),
    };
    match &options.boot {
        None => args.extend(["-kernel".into(), path_arg(&artifacts.bin)?]),
        Some(Boot::Direct(image)) => args.extend(["-kernel".into(), image.clone()]),
        Some(Boot::LoadedAt {
            image,
            address,
            stand_in,
        }) => args.extend([
            "-kernel".into(),
            stand_in.clone(),
            "-device".into(),
            format!("loader,file={image},addr={address:#x},force-raw=on"),
        ]),
    }
    match (&options.dtb, &artifacts.dtb) {
        (Some(dtb), _) => args.extend(["-dtb".into(), dtb.clone()]),
        (None, Some(dtb)) => args.extend(["-dtb".into(), path_arg(dtb)?]),
        (None, None) => {}
    }
    args.extend(["-append".into(), kernel_command_line(&options.append)]);
    if board == Board::Imx6q {
        // UART1 is the first -serial, UART2 the second; the tree's
        // stdout-path (serial1) makes UART2 the console.
        args.extend(strings(&["-serial", "null"]));
    }
    args.extend(match console {
        Console::Terminal => strings(&["-serial", "mon:stdio"]),
        Console::Capture => strings(&["-serial", "stdio", "-monitor", "none"]),
    });
    args.extend(strings(&[
        "-semihosting-config",
        "enable=on,target=native",
        "-no-reboot",
        "-display",
        "none",
    ]));
    if let Some(initrd) = &options.initrd {
        args.extend(["-initrd".into(), initrd.clone()]);
    }
    if options.gdb {
        args.extend(strings(&["-s", "-S"]));
    }
    args.extend(options.extra.iter().cloned());
    Ok(args)
}

/// Offset from RAM's start of the [`bootz_stand_in`]: past QEMU's own
/// boot code at the start of RAM, below the kernel's link address.
pub const STAND_IN_OFFSET: u32 = 0x100;

/// A uImage whose two words jump to `address` (`ldr pc, [pc, #-4]` and the
/// address), loaded at `ram_base` + [`STAND_IN_OFFSET`]. QEMU's `-kernel`
/// enters a Linux uImage with r0 = 0, r1 = the machine number and r2 = the
/// device tree, which the jump keeps: the state U-Boot's `bootz ADDRESS -
/// FDT` leaves, with the kernel where `bootz` finds it.
pub fn bootz_stand_in(ram_base: u32, address: u32) -> Result<Vec<u8>> {
    const LDR_PC_FROM_NEXT_WORD: u32 = 0xE51F_F004; // ldr pc, [pc, #-4]
    let mut code = LDR_PC_FROM_NEXT_WORD.to_le_bytes().to_vec();
    code.extend_from_slice(&address.to_le_bytes());
    let at = ram_base + STAND_IN_OFFSET;
    crate::uimage::wrap(&code, at, at, "bootz stand-in", 0)
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// `semihosting`, then the user's arguments.
fn kernel_command_line(append: &str) -> String {
    let append = append.trim();
    if append.is_empty() {
        "semihosting".to_owned()
    } else {
        format!("semihosting {append}")
    }
}

/// A path as a UTF-8 argument, relative to the current directory if below it.
fn path_arg(path: &Path) -> Result<String> {
    let shown = display_path(path);
    match shown.to_str() {
        Some(text) => Ok(text.to_owned()),
        None => bail!("path {} is not UTF-8", shown.display()),
    }
}

/// The command as a shell line a person can copy.
pub fn shell_line(args: &[String]) -> String {
    std::iter::once(QEMU.to_owned())
        .chain(args.iter().map(|arg| shell_quote(arg)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Single-quotes `arg` unless it consists only of characters a shell leaves alone.
fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// Becomes QEMU; returns only if QEMU could not be started (on Unix) or
/// with its exit status (elsewhere).
pub fn run_interactive(args: &[String]) -> Result<i32> {
    let mut command = Command::new(QEMU);
    command.args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let error = command.exec();
        bail!("starting {QEMU}: {error}");
    }
    #[cfg(not(unix))]
    {
        let status = command
            .status()
            .context_with(|| format!("starting {QEMU}"))?;
        Ok(exit_code(status).unwrap_or(1))
    }
}

/// The outcome of a captured run.
#[derive(Debug, Clone)]
pub struct Captured {
    /// QEMU's exit status; `None` if it died of a signal or we killed it.
    pub status: Option<i32>,
    /// Whether we killed QEMU at the deadline.
    pub timed_out: bool,
    /// The console (serial) output, `\r` removed.
    pub console: String,
    /// QEMU's own messages.
    pub stderr: String,
    /// Wall time from start to exit.
    pub elapsed: Duration,
}

/// Keep at most this much console output; a kernel stuck printing in a loop
/// should not eat the memory of the machine.
const OUTPUT_LIMIT: usize = 8 * 1024 * 1024;

/// How long after QEMU starts a test's `stdin:` line is typed.
const TYPING_DELAY: Duration = Duration::from_secs(1);

/// Runs QEMU with the console on a pipe, killing it after `timeout`, and
/// types `input` on its console (see [`TYPING_DELAY`]). Like
/// [`run_interactive`], it runs in our current directory, which the paths
/// from [`command_line`] are relative to.
pub fn run_captured(args: &[String], timeout: Duration, input: Option<&str>) -> Result<Captured> {
    let start = Instant::now();
    let mut child = Command::new(QEMU)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context_with(|| format!("starting {QEMU}"))?;
    // Typed on the console a second after QEMU starts, when the program
    // under test is already waiting, so a test sees a blocked read resume.
    // The thread hands the pipe back, and it stays open until QEMU has
    // ended: QEMU never sees end-of-file.
    let typing = match (input, child.stdin.take()) {
        (Some(text), Some(mut stdin)) => {
            let line = format!("{text}\n");
            Some(thread::spawn(move || {
                use std::io::Write;
                thread::sleep(TYPING_DELAY);
                let _ = stdin.write_all(line.as_bytes());
                stdin
            }))
        }
        _ => None,
    };
    let stdout = child
        .stdout
        .take()
        .map(|pipe| thread::spawn(move || drain(pipe)));
    let stderr = child
        .stderr
        .take()
        .map(|pipe| thread::spawn(move || drain(pipe)));

    let (status, timed_out) = wait_with_deadline(&mut child, start + timeout)?;
    drop(typing.map(thread::JoinHandle::join));
    let elapsed = start.elapsed();
    let join = |reader: Option<thread::JoinHandle<Vec<u8>>>| {
        let bytes = reader.and_then(|r| r.join().ok()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).replace('\r', "")
    };
    Ok(Captured {
        status: status.and_then(exit_code),
        timed_out,
        console: join(stdout),
        stderr: join(stderr),
        elapsed,
    })
}

/// Waits for `child` until `deadline`, then kills it. Returns the status (if
/// it exited by itself) and whether it was killed.
fn wait_with_deadline(child: &mut Child, deadline: Instant) -> Result<(Option<ExitStatus>, bool)> {
    loop {
        if let Some(status) = child.try_wait().context("waiting for QEMU")? {
            return Ok((Some(status), false));
        }
        if Instant::now() >= deadline {
            // kill fails only if it already exited; wait reaps it either way.
            let _ = child.kill();
            child.wait().context("reaping QEMU")?;
            return Ok((None, true));
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Reads a pipe to its end, keeping the first [`OUTPUT_LIMIT`] bytes.
fn drain(mut pipe: impl Read) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        match pipe.read(&mut buffer) {
            Ok(0) | Err(_) => return kept,
            Ok(n) => {
                let room = OUTPUT_LIMIT.saturating_sub(kept.len());
                kept.extend_from_slice(&buffer[..n.min(room)]);
            }
        }
    }
}

/// The exit code, or 128 + signal number like a shell, if there is one.
fn exit_code(status: ExitStatus) -> Option<i32> {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return Some(128 + signal);
        }
    }
    status.code()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn imx6q_terminal_line() {
        let artifacts = Artifacts::new(Path::new("/ws"), Board::Imx6q);
        let options = Options {
            append: "init=/bin/sh".into(),
            ..Options::default()
        };
        let args = command_line(&artifacts, &options, Console::Terminal).unwrap();
        // The kernel command line is one argument with a space in it.
        let mut expected = words(
            "-M sabrelite -smp 4 -m 1G -kernel /ws/target/kml/imx6q/kml.bin \
             -dtb /ws/target/kml/imx6q/qemu-sabrelite.dtb -append APPEND \
             -serial null -serial mon:stdio -semihosting-config enable=on,target=native \
             -no-reboot -display none",
        );
        for word in &mut expected {
            if word == "APPEND" {
                *word = "semihosting init=/bin/sh".into();
            }
        }
        assert_eq!(args, expected);
    }

    #[test]
    fn virt_capture_line_with_initrd_gdb_and_extras() {
        let artifacts = Artifacts::new(Path::new("/ws"), Board::QemuVirt);
        let options = Options {
            append: String::new(),
            initrd: Some("/tmp/ramdisk.cpio".into()),
            gdb: true,
            extra: vec!["-d".into(), "int".into()],
            ..Options::default()
        };
        let args = command_line(&artifacts, &options, Console::Capture).unwrap();
        assert_eq!(
            args,
            words(
                "-M virt -cpu cortex-a15 -m 256M -kernel /ws/target/kml/qemu-virt/kml.bin \
                 -append semihosting -serial stdio -monitor none \
                 -semihosting-config enable=on,target=native -no-reboot -display none \
                 -initrd /tmp/ramdisk.cpio -s -S -d int"
            )
        );
    }

    #[test]
    fn bootz_style_line_and_stand_in() {
        let artifacts = Artifacts::new(Path::new("/ws"), Board::Imx6q);
        let options = Options {
            boot: Some(Boot::LoadedAt {
                image: "zImage".into(),
                address: 0x1200_0000,
                stand_in: "jump.uImage".into(),
            }),
            dtb: Some("stock.dtb".into()),
            ..Options::default()
        };
        let args = command_line(&artifacts, &options, Console::Capture).unwrap();
        let line = args.join(" ");
        assert!(
            line.contains(
                "-kernel jump.uImage -device loader,file=zImage,addr=0x12000000,force-raw=on -dtb stock.dtb "
            ),
            "{line}"
        );
        let stand_in = bootz_stand_in(0x1000_0000, 0x1200_0000).unwrap();
        let header = crate::uimage::parse(&stand_in).unwrap();
        assert_eq!(
            (header.load, header.entry, header.size),
            (0x1000_0100, 0x1000_0100, 8)
        );
        assert_eq!(stand_in[64..], [0x04, 0xF0, 0x1F, 0xE5, 0, 0, 0, 0x12]);
    }

    #[test]
    fn am572x_has_no_line() {
        let artifacts = Artifacts::new(Path::new("/ws"), Board::Am572x);
        assert!(command_line(&artifacts, &Options::default(), Console::Capture).is_err());
    }

    #[test]
    fn shell_line_quotes_only_what_needs_it() {
        let args = vec!["-append".to_owned(), "semihosting a='b c'".to_owned()];
        assert_eq!(
            shell_line(&args),
            r"qemu-system-arm -append 'semihosting a='\''b c'\'''"
        );
    }
}
