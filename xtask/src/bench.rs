// SPDX-License-Identifier: MIT OR Apache-2.0
//! `cargo xtask bench`: instructions and exceptions per kernel operation.
//!
//! The guest does the measuring (`tests/programs/src/bin/bench.rs`): booted
//! as init under `qemu-system-arm -icount shift=0,sleep=off`, where one guest
//! instruction is one nanosecond of virtual time, it times each operation in
//! a loop on the monotonic clock, subtracts the same loop left empty, and
//! prints `bench: <op> instructions=<N> exceptions=<M>` per operation, then
//! `bench: done`. A clock delta is an instruction count there, so the numbers
//! are the same on every run and every host, however loaded. This file boots
//! it on each board, checks that every operation of [`OPERATIONS`] came back
//! once and nothing failed ([`parse`], a pure function), prints one Markdown
//! table for all boards (the one README.md shows) and writes
//! `target/kml/bench.json`, shaped
//! `{"<board>": {"<op>": {"instructions": N, "exceptions": N}}}`.
//!
//! The numbers are reported, never judged: no threshold here or in `cargo
//! xtask test`, whose `bench/bench-smoke` suite only checks that every line
//! is printed. The issue's targets and Linux's numbers are carried in
//! [`OPERATIONS`] only to print them beside ours.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use regex::Regex;

use crate::board::{Board, display_path};
use crate::build::build_board;
use crate::error::{Context, Error, Result, bail};
use crate::qemu::{Captured, Console, Options, command_line, run_captured, shell_line};

/// One measured operation: its name in the guest's lines, in the table and
/// in the JSON, and the issue's numbers printed beside ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The key: `bench: <name> instructions=...`.
    pub name: &'static str,
    /// Linux's cost from the issue: PREEMPT_RT, then non-RT Linux 6.1 in
    /// parentheses where the issue gives it; empty where it gives none.
    pub linux: &'static str,
    /// The issue's goal for KML-rs; empty where it sets none.
    pub target: &'static str,
}

const fn operation(name: &'static str, linux: &'static str, target: &'static str) -> Operation {
    Operation {
        name,
        linux,
        target,
    }
}

/// Every operation the guest reports, in the issue's order: the order of
/// the table and of each board's object in bench.json. (The guest prints
/// them in another order; `tests/bench/bench-smoke.test` follows that one.)
pub const OPERATIONS: [Operation; 15] = [
    operation("getpid_svc", "184 (6.1: 150)", "≤ 46"),
    operation("getpid_vdso_user", "", ""),
    operation("getpid_vdso_trusted", "", "≤ 20, 0 exceptions"),
    operation("clock_gettime_vdso_user", "77", ""),
    operation("clock_gettime_vdso_trusted", "", ""),
    operation("clock_gettime_svc", "350", ""),
    operation("sched_yield_alone", "872", "≤ 174"),
    operation("yield_switch", "", ""),
    operation("pipe_roundtrip", "20,427 (6.1: 13,065)", "≤ 2,550"),
    operation("nanosleep_1ms_over_min", "4,832", ""),
    operation("nanosleep_1ms_over_avg", "5,133", ""),
    operation("nanosleep_1ms_over_max", "5,888", "≤ 1,470"),
    operation("fork_exit_wait", "", ""),
    operation("execve_small", "", ""),
    operation("boot_to_init", "~3.4 billion", "< 10,000,000"),
];

/// The boards measured when `--board` is not given: the two QEMU models.
pub const DEFAULT_BOARDS: [Board; 2] = [Board::Imx6q, Board::QemuVirt];

/// The kernel command line that makes the benchmark program init.
pub const APPEND: &str = "init=/bin/bench";

/// The QEMU arguments that turn guest time into an instruction count:
/// one instruction per nanosecond (`shift=0`), and idle time skipped
/// rather than waited for (`sleep=off`).
pub const ICOUNT: [&str; 2] = ["-icount", "shift=0,sleep=off"];

/// How long one board's run may take. A whole run took 0.6 to 0.8 s of
/// host time on either board (2 cores, 2025), because `sleep=off` skips
/// the sleeps; two minutes leaves room for a slow or busy host and a
/// kernel gone slow, and still ends a hung run.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Console lines shown when a run fails.
const TAIL_LINES: usize = 40;

/// What one operation cost, per operation, loop overhead subtracted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Guest instructions (virtual nanoseconds under `-icount shift=0`).
    pub instructions: u64,
    /// Exceptions taken (SVC, IRQ, aborts), from `sysinfo` `loads[1]`.
    pub exceptions: u64,
}

/// Every operation's cost on one board, in [`OPERATIONS`] order.
pub type Costs = [Cost; OPERATIONS.len()];

/// Boots the benchmark on each of `boards` and reports; fails, after
/// trying every board, if any board could not be built or measured, and
/// then writes no bench.json.
pub fn run(root: &Path, boards: &[Board]) -> Result<()> {
    if let Some(board) = boards.iter().find(|board| !board.has_emulator()) {
        bail!(
            "{board} has no QEMU model, so it cannot be measured under -icount; \
             `cargo xtask bench --board qemu-virt` measures the same Cortex-A15 code"
        );
    }
    crate::setup::ensure_rust_target(root)?;
    crate::setup::ensure_qemu()?;
    let initrd = crate::test::test_programs_ramdisk(root)?;
    let mut measured = Vec::new();
    let mut failed = Vec::new();
    for &board in boards {
        match measure(root, board, &initrd) {
            Ok(costs) => measured.push((board, costs)),
            Err(error) => {
                eprint!("bench: {board} FAILED: {error}");
                failed.push(board.name());
            }
        }
    }
    if !measured.is_empty() {
        println!("\n{}", table(&measured));
    }
    if !failed.is_empty() {
        bail!(
            "the benchmark failed on {}; target/kml/bench.json not written",
            failed.join(", ")
        );
    }
    let path = root.join("target").join("kml").join("bench.json");
    std::fs::write(&path, json(&measured))
        .context_with(|| format!("writing {}", display_path(&path).display()))?;
    println!("wrote {}", display_path(&path).display());
    Ok(())
}

/// Builds `board`, boots the benchmark on it and parses what it printed.
fn measure(root: &Path, board: Board, initrd: &str) -> Result<Costs> {
    let built = build_board(root, board)?;
    let options = Options {
        append: APPEND.to_owned(),
        initrd: Some(initrd.to_owned()),
        extra: ICOUNT.iter().map(|arg| (*arg).to_owned()).collect(),
        ..Options::default()
    };
    let args = command_line(&built.artifacts, &options, Console::Capture)?;
    println!(
        "bench: booting {board} under {} (at most {} s)\n{}",
        ICOUNT.join(" "),
        TIMEOUT.as_secs(),
        shell_line(&args)
    );
    let captured = run_captured(&args, TIMEOUT, None)?;
    println!(
        "bench: {board} ran for {:.1} s",
        captured.elapsed.as_secs_f64()
    );
    check_run(&captured)
        .and_then(|()| parse(&captured.console))
        .map_err(|error| Error::new(format!("{error}\n{}", console_tail(&captured))))
}

/// Whether QEMU ended by itself with status 0 (init's exit status).
fn check_run(captured: &Captured) -> Result<()> {
    if captured.timed_out {
        bail!("QEMU killed after {} s", TIMEOUT.as_secs());
    }
    match captured.status {
        Some(0) => Ok(()),
        Some(status) => bail!("QEMU exited with status {status} (init's or the kernel's)"),
        None => bail!("QEMU ended without an exit status"),
    }
}

/// The last console lines and QEMU's messages, indented.
fn console_tail(captured: &Captured) -> String {
    let lines: Vec<&str> = captured.console.lines().collect();
    let shown = &lines[lines.len().saturating_sub(TAIL_LINES)..];
    let mut out = format!(
        "    --- console output (last {} of {} lines) ---\n",
        shown.len(),
        lines.len()
    );
    for line in shown {
        let _ = writeln!(out, "    | {line}");
    }
    let stderr = captured.stderr.trim_end();
    if !stderr.is_empty() {
        out.push_str("    --- QEMU stderr ---\n");
        for line in stderr.lines() {
            let _ = writeln!(out, "    | {line}");
        }
    }
    out
}

/// Reads the guest's console: every line that starts with `bench:` must
/// be a result (`bench: <op> instructions=<N> exceptions=<M>`, each of
/// [`OPERATIONS`] exactly once), `bench: done`, or a failure (`bench: FAIL
/// ...`), which fails the parse; other lines (the kernel's) are ignored.
/// The error names every problem found.
pub fn parse(console: &str) -> Result<Costs> {
    let result =
        Regex::new(r"^bench: (\S+) instructions=(\d+) exceptions=(\d+)$").expect("valid regex");
    let mut found: [Option<Cost>; OPERATIONS.len()] = [None; OPERATIONS.len()];
    let (mut done, mut problems) = (false, Vec::new());
    for line in console.lines().map(str::trim_end) {
        let Some(rest) = line.strip_prefix("bench:").map(str::trim_start) else {
            continue;
        };
        if rest == "done" {
            done = true;
        } else if rest.starts_with("FAIL") {
            problems.push(format!("the guest reported `{line}`"));
        } else if let Some(fields) = result.captures(line) {
            if let Err(problem) = record(&mut found, &fields[1], &fields[2], &fields[3]) {
                problems.push(problem);
            }
        } else {
            problems.push(format!("unreadable line `{line}`"));
        }
    }
    let missing: Vec<&str> = OPERATIONS
        .iter()
        .zip(&found)
        .filter(|(_, cost)| cost.is_none())
        .map(|(operation, _)| operation.name)
        .collect();
    if !missing.is_empty() {
        problems.push(format!("no result for {}", missing.join(", ")));
    }
    if !done {
        problems.push("no `bench: done` line: the program stopped early".to_owned());
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("; "));
    }
    Ok(found.map(Option::unwrap_or_default))
}

/// Stores one result line's numbers under its operation.
fn record(
    found: &mut [Option<Cost>],
    name: &str,
    instructions: &str,
    exceptions: &str,
) -> std::result::Result<(), String> {
    let Some(index) = OPERATIONS.iter().position(|op| op.name == name) else {
        return Err(format!(
            "unknown operation `{name}` (new in bench.rs? add it to OPERATIONS in xtask/src/bench.rs)"
        ));
    };
    if found[index].is_some() {
        return Err(format!("`{name}` reported twice"));
    }
    let number = |text: &str| {
        text.parse::<u64>()
            .map_err(|_| format!("`{name}`: {text} is out of range"))
    };
    found[index] = Some(Cost {
        instructions: number(instructions)?,
        exceptions: number(exceptions)?,
    });
    Ok(())
}

/// The Markdown table: one row per operation, `instructions (exceptions)`
/// for each board, then the issue's target and Linux's numbers. Columns
/// are padded so it reads on a terminal and pastes into README.md as is.
pub fn table(measured: &[(Board, Costs)]) -> String {
    let mut header = vec!["operation".to_owned()];
    header.extend(measured.iter().map(|(board, _)| board.name().to_owned()));
    header.extend(["target".to_owned(), "Linux PREEMPT_RT (6.1)".to_owned()]);
    let mut rows = vec![header];
    for (index, operation) in OPERATIONS.iter().enumerate() {
        let mut row = vec![operation.name.to_owned()];
        row.extend(measured.iter().map(|(_, costs)| {
            let cost = costs[index];
            format!("{} ({})", grouped(cost.instructions), cost.exceptions)
        }));
        row.extend([operation.target.to_owned(), operation.linux.to_owned()]);
        rows.push(row);
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|column| {
            let width = |row: &Vec<String>| row[column].chars().count();
            rows.iter().map(width).max().unwrap_or(0).max(3)
        })
        .collect();
    let mut out = String::new();
    for (number, row) in rows.iter().enumerate() {
        // Names left, numbers right, as Markdown's `---:` asks.
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(column, (cell, &width))| match column {
                0 => format!("{cell:<width$}"),
                _ => format!("{cell:>width$}"),
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
        if number == 0 {
            let rules: Vec<String> = widths
                .iter()
                .enumerate()
                .map(|(column, &width)| match column {
                    0 => "-".repeat(width),
                    _ => format!("{}:", "-".repeat(width - 1)),
                })
                .collect();
            let _ = writeln!(out, "| {} |", rules.join(" | "));
        }
    }
    out
}

/// `1234567` as `1,234,567`.
fn grouped(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// bench.json: boards in the order measured, operations in [`OPERATIONS`]
/// order, one operation per line. Written by hand (xtask has no serde);
/// the names need no escaping, which a test checks.
pub fn json(measured: &[(Board, Costs)]) -> String {
    let mut out = String::from("{\n");
    for (board_index, (board, costs)) in measured.iter().enumerate() {
        let _ = writeln!(out, "  \"{board}\": {{");
        for (index, (operation, cost)) in OPERATIONS.iter().zip(costs).enumerate() {
            let comma = if index + 1 < OPERATIONS.len() {
                ","
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "    \"{}\": {{\"instructions\": {}, \"exceptions\": {}}}{comma}",
                operation.name, cost.instructions, cost.exceptions
            );
        }
        let comma = if board_index + 1 < measured.len() {
            ","
        } else {
            ""
        };
        let _ = writeln!(out, "  }}{comma}");
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A console with every operation, in the guest's order, among kernel
    /// lines; `getpid_svc` costs 349 instructions and 1 exception.
    fn good_console() -> String {
        let mut console = "KML-rs 0.1.0 on qemu-virt\nstarting /bin/bench\n".to_owned();
        for (index, operation) in OPERATIONS.iter().enumerate().rev() {
            let instructions = if operation.name == "getpid_svc" {
                349
            } else {
                1000 + index
            };
            console.push_str(&format!(
                "bench: {} instructions={instructions} exceptions=1\n",
                operation.name
            ));
        }
        console.push_str("bench: done\ninit exited with status 0\n");
        console
    }

    #[test]
    fn reads_every_operation_in_table_order() {
        let costs = parse(&good_console()).unwrap();
        assert_eq!(
            costs[0],
            Cost {
                instructions: 349,
                exceptions: 1
            }
        );
        assert_eq!(costs[14].instructions, 1014);
        // \r\n from a serial line reads the same.
        assert_eq!(parse(&good_console().replace('\n', "\r\n")).unwrap(), costs);
    }

    /// The error `console` gives, which must contain each of `expected`.
    fn assert_fails(console: &str, expected: &[&str]) {
        let error = parse(console).unwrap_err().to_string();
        for part in expected {
            assert!(error.contains(part), "{error:?} lacks {part:?}");
        }
    }

    #[test]
    fn a_fail_line_fails() {
        let console = good_console().replace(
            "bench: done",
            "bench: FAIL execve /bin/bench: ENOENT\nbench: done",
        );
        assert_fails(
            &console,
            &["the guest reported `bench: FAIL execve /bin/bench: ENOENT`"],
        );
    }

    #[test]
    fn missing_results_and_done_are_named() {
        let console: String = good_console()
            .lines()
            .filter(|line| !line.contains("pipe_roundtrip") && !line.contains("done"))
            .map(|line| format!("{line}\n"))
            .collect();
        assert_fails(
            &console,
            &["no result for pipe_roundtrip", "no `bench: done` line"],
        );
        assert_fails("", &["no result for getpid_svc, getpid_vdso_user,"]);
    }

    #[test]
    fn duplicates_unknown_and_garbage_fail() {
        let twice = format!(
            "{}bench: getpid_svc instructions=1 exceptions=0\n",
            good_console()
        );
        assert_fails(&twice, &["`getpid_svc` reported twice"]);
        let unknown = format!(
            "{}bench: teleport instructions=1 exceptions=0\n",
            good_console()
        );
        assert_fails(&unknown, &["unknown operation `teleport`"]);
        for garbage in [
            "bench: getpid_svc instructions=12",
            "bench: getpid_svc instructions=-3 exceptions=0",
            "bench: getpid_svc exceptions=0 instructions=3",
            "bench: ",
        ] {
            let console = format!("{}{garbage}\n", good_console());
            assert_fails(
                &console,
                &[&format!("unreadable line `{}`", garbage.trim_end())],
            );
        }
        let huge = good_console().replace("=349", "=99999999999999999999999");
        assert_fails(
            &huge,
            &["`getpid_svc`: 99999999999999999999999 is out of range"],
        );
        // Lines that are not the program's are none of our business.
        let noise = format!("benchmarks: soon\n{}xbench: done?\n", good_console());
        assert!(parse(&noise).is_ok());
    }

    #[test]
    fn json_has_the_issue_shape() {
        let mut costs = Costs::default();
        costs[0] = Cost {
            instructions: 349,
            exceptions: 1,
        };
        let text = json(&[(Board::Imx6q, costs), (Board::QemuVirt, costs)]);
        assert!(text.starts_with(
            "{\n  \"imx6q\": {\n    \"getpid_svc\": {\"instructions\": 349, \"exceptions\": 1},\n    \"getpid_vdso_user\": {\"instructions\": 0, \"exceptions\": 0},\n"
        ));
        assert!(text.contains(
            "    \"boot_to_init\": {\"instructions\": 0, \"exceptions\": 0}\n  },\n  \"qemu-virt\": {\n"
        ));
        assert!(text.ends_with("\"exceptions\": 0}\n  }\n}\n"));
        assert_eq!(json(&[]), "{\n}\n");
        // Names go into the JSON unescaped, so they must need no escaping.
        let plain = |name: &str| {
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
        };
        assert!(OPERATIONS.iter().all(|op| plain(op.name)));
        assert!(Board::ALL.iter().all(|board| plain(board.name())));
    }

    #[test]
    fn table_lines_up() {
        let mut costs = Costs::default();
        costs[14] = Cost {
            instructions: 3_400_000_000,
            exceptions: 0,
        };
        let text = table(&[(Board::QemuVirt, costs)]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), OPERATIONS.len() + 2);
        assert!(lines[0].starts_with("| operation "), "{}", lines[0]);
        assert!(lines[0].contains(" qemu-virt | "), "{}", lines[0]);
        assert!(lines[1].starts_with("| ---"), "{}", lines[1]);
        assert!(lines[16].contains("| 3,400,000,000 (0) |"), "{}", lines[16]);
        let width = lines[0].chars().count();
        assert!(
            lines.iter().all(|line| line.chars().count() == width),
            "{text}"
        );
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(20_427), "20,427");
        assert_eq!(grouped(3_400_000_000), "3,400,000,000");
    }

    /// The smoke suite boots the program as we do and waits for every line.
    #[test]
    fn the_smoke_test_expects_every_operation() {
        let path = crate::board::workspace_root().join("tests/bench/bench-smoke.test");
        let text = std::fs::read_to_string(&path).expect("tests/bench/bench-smoke.test");
        let spec = crate::expect::parse(&text).expect("the smoke test parses");
        assert_eq!(spec.append, APPEND);
        assert_eq!(spec.qemu_args, ICOUNT);
        assert_eq!(spec.boards, DEFAULT_BOARDS);
        assert!(matches!(
            spec.initrd,
            crate::expect::InitrdChoice::TestPrograms
        ));
        let sources: Vec<&str> = spec.patterns.iter().map(|p| p.source.as_str()).collect();
        for operation in OPERATIONS {
            let wanted = format!(
                r"^bench: {} instructions=\d+ exceptions=\d+$",
                operation.name
            );
            assert!(sources.contains(&wanted.as_str()), "no pattern {wanted}");
        }
        assert_eq!(sources.len(), OPERATIONS.len() + 1);
        assert_eq!(sources.last(), Some(&"^bench: done$"));
    }
}
