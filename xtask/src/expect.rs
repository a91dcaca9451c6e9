// SPDX-License-Identifier: MIT OR Apache-2.0
//! Expectation files (`tests/<suite>/<name>.test`): parser and matcher.
//!
//! A file is a header of `key: value` lines, a `---` line, then one regular
//! expression per non-empty line (see `tests/README.md`). The patterns must
//! match lines of the console output in order, each searched from the line
//! after the previous match, so a test names the lines it cares about and
//! ignores the rest: the kernel may print more without breaking every test.
//! The format is deliberately tiny so a failing test is read, not debugged.

use std::time::Duration;

use regex::Regex;

use crate::board::Board;
use crate::error::{Result, bail};

/// The exit status a test expects from QEMU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedExit {
    /// Exactly this status.
    Exact(i32),
    /// Anything but 0.
    Nonzero,
}

impl ExpectedExit {
    /// Whether `status` satisfies the expectation.
    pub fn accepts(self, status: i32) -> bool {
        match self {
            ExpectedExit::Exact(expected) => status == expected,
            ExpectedExit::Nonzero => status != 0,
        }
    }
}

impl std::fmt::Display for ExpectedExit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpectedExit::Exact(status) => write!(f, "{status}"),
            ExpectedExit::Nonzero => f.write_str("nonzero"),
        }
    }
}

/// Which ramdisk a test boots with (`initrd:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitrdChoice {
    /// None.
    None,
    /// The test programs' ramdisk, passed with `-initrd` (`test-programs`).
    TestPrograms,
    /// The test programs' ramdisk embedded in the kernel image, no
    /// `-initrd` (`embedded-test-programs`).
    EmbeddedTestPrograms,
    /// Debian's busybox-static and the scripts of `tests/busybox/scripts`
    /// (`busybox`); the case is skipped when the package cannot be had.
    Busybox,
}

/// The image file a test boots (`kernel:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFile {
    /// `kml.bin`, the default.
    Bin,
    /// `zImage`: the same bytes, named as U-Boot users know it.
    ZImage,
    /// `uImage`: QEMU's `-kernel` reads the U-Boot header as `bootm` does.
    UImage,
}

/// How a test's kernel gets into memory (`kernel: FILE [at ADDRESS]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KernelChoice {
    /// Which file.
    pub file: ImageFile,
    /// Loaded at this address and jumped to there, as U-Boot's `bootz`
    /// does, instead of by QEMU's Linux loader.
    pub load_at: Option<u32>,
}

impl Default for KernelChoice {
    fn default() -> Self {
        KernelChoice {
            file: ImageFile::Bin,
            load_at: None,
        }
    }
}

/// One output pattern, as written (before `{board}` is replaced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The regex source.
    pub source: String,
    /// 1-based line in the test file, for messages.
    pub line: usize,
}

/// A parsed test file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestSpec {
    /// The boards to boot, in file order.
    pub boards: Vec<Board>,
    /// Kernel command line after `semihosting`.
    pub append: String,
    /// Extra QEMU arguments (`qemu-args:`), split on whitespace.
    pub qemu_args: Vec<String>,
    /// The ramdisk (`initrd:`).
    pub initrd: InitrdChoice,
    /// The kernel image and how it is loaded (`kernel:`).
    pub kernel: KernelChoice,
    /// Boot with Debian's stock device tree for the board (`dtb: stock`).
    pub stock_dtb: bool,
    /// A line typed on the console (`stdin:`), sent as QEMU starts.
    pub stdin: Option<String>,
    /// Expected QEMU exit status.
    pub exit: ExpectedExit,
    /// How long QEMU may run.
    pub timeout: Duration,
    /// Patterns to find in order.
    pub patterns: Vec<Pattern>,
}

/// Default for the `timeout` key.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Parses a test file. Errors carry the line number.
pub fn parse(text: &str) -> Result<TestSpec> {
    let lines: Vec<&str> = text
        .lines()
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect();
    // Everything before the first `---` is header.
    let Some(separator) = lines.iter().position(|line| header_content(line) == "---") else {
        bail!("no `---` line between the header and the patterns");
    };
    let mut spec = parse_header(&lines[..separator])?;
    for (index, line) in lines.iter().enumerate().skip(separator + 1) {
        if line.trim().is_empty() {
            continue;
        }
        let pattern = Pattern {
            source: (*line).to_owned(),
            line: index + 1,
        };
        // Compile now so a bad pattern fails the file, not a boot.
        for &board in &spec.boards {
            compile(&pattern, board)?;
        }
        spec.patterns.push(pattern);
    }
    Ok(spec)
}

/// A header line without its comment and surrounding blanks.
fn header_content(line: &str) -> &str {
    line.split('#').next().unwrap_or("").trim()
}

/// Parses the `key: value` lines (line 1 onwards) into a spec without patterns.
fn parse_header(lines: &[&str]) -> Result<TestSpec> {
    let (mut boards, mut append, mut exit, mut timeout) = (None, None, None, None);
    let mut qemu_args: Option<Vec<String>> = None;
    let mut initrd: Option<InitrdChoice> = None;
    let mut kernel: Option<KernelChoice> = None;
    let mut stock_dtb: Option<bool> = None;
    let mut stdin: Option<String> = None;
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        let content = header_content(line);
        if content.is_empty() {
            continue;
        }
        let Some((key, value)) = content.split_once(':') else {
            bail!("line {number}: expected `key: value` or `---`, found `{content}`");
        };
        let (key, value) = (key.trim(), value.trim());
        let slot_taken = match key {
            "boards" => boards.replace(parse_boards(value, number)?).is_some(),
            "append" => append.replace(value.to_owned()).is_some(),
            "exit" => exit.replace(parse_exit(value, number)?).is_some(),
            "timeout" => timeout.replace(parse_timeout(value, number)?).is_some(),
            "initrd" => initrd.replace(parse_initrd(value, number)?).is_some(),
            "kernel" => kernel.replace(parse_kernel(value, number)?).is_some(),
            "dtb" if value == "stock" => stock_dtb.replace(true).is_some(),
            "dtb" => bail!("line {number}: `dtb` must be `stock`"),
            "stdin" => stdin.replace(value.to_owned()).is_some(),
            "qemu-args" => {
                let words = value.split_whitespace().map(str::to_owned).collect();
                qemu_args.replace(words).is_some()
            }
            other => bail!(
                "line {number}: unknown key `{other}` (known: boards, append, initrd, kernel, dtb, stdin, qemu-args, exit, timeout)"
            ),
        };
        if slot_taken {
            bail!("line {number}: `{key}` given twice");
        }
    }
    let Some(boards) = boards else {
        bail!("the header has no `boards:` line");
    };
    if stock_dtb == Some(true) && boards.iter().any(|&board| board != Board::Imx6q) {
        bail!("`dtb: stock` is for imx6q only (QEMU virt makes its own tree)");
    }
    Ok(TestSpec {
        boards,
        append: append.unwrap_or_default(),
        qemu_args: qemu_args.unwrap_or_default(),
        initrd: initrd.unwrap_or(InitrdChoice::None),
        kernel: kernel.unwrap_or_default(),
        stock_dtb: stock_dtb.unwrap_or(false),
        stdin,
        exit: exit.unwrap_or(ExpectedExit::Exact(0)),
        timeout: timeout.unwrap_or(DEFAULT_TIMEOUT),
        patterns: Vec::new(),
    })
}

fn parse_boards(value: &str, number: usize) -> Result<Vec<Board>> {
    let mut boards = Vec::new();
    for name in value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|n| !n.is_empty())
    {
        let Some(board) = Board::from_name(name) else {
            bail!("line {number}: unknown board `{name}` (known: imx6q, qemu-virt)");
        };
        if !board.has_emulator() {
            bail!("line {number}: {board} has no QEMU model; use qemu-virt");
        }
        if !boards.contains(&board) {
            boards.push(board);
        }
    }
    if boards.is_empty() {
        bail!("line {number}: `boards:` names no board");
    }
    Ok(boards)
}

fn parse_initrd(value: &str, number: usize) -> Result<InitrdChoice> {
    match value {
        "test-programs" => Ok(InitrdChoice::TestPrograms),
        "embedded-test-programs" => Ok(InitrdChoice::EmbeddedTestPrograms),
        "busybox" => Ok(InitrdChoice::Busybox),
        _ => bail!(
            "line {number}: `initrd` must be `test-programs`, `embedded-test-programs` or `busybox`"
        ),
    }
}

/// `FILE` or `FILE at ADDRESS`, FILE one of kml.bin, zImage, uImage.
fn parse_kernel(value: &str, number: usize) -> Result<KernelChoice> {
    let mut words = value.split_whitespace();
    let file = match words.next() {
        Some("kml.bin") => ImageFile::Bin,
        Some("zImage") => ImageFile::ZImage,
        Some("uImage") => ImageFile::UImage,
        _ => bail!("line {number}: `kernel` must name kml.bin, zImage or uImage"),
    };
    let load_at = match (words.next(), words.next(), words.next()) {
        (None, _, _) => None,
        (Some("at"), Some(address), None) => {
            let digits = address
                .strip_prefix("0x")
                .unwrap_or(address)
                .replace('_', "");
            match u32::from_str_radix(&digits, 16) {
                Ok(address) => Some(address),
                Err(_) => bail!("line {number}: `{address}` is not a hexadecimal address"),
            }
        }
        _ => bail!("line {number}: `kernel` wants `FILE` or `FILE at 0xADDRESS`"),
    };
    if file == ImageFile::UImage && load_at.is_some() {
        bail!("line {number}: a uImage is loaded where its header says, not `at` an address");
    }
    Ok(KernelChoice { file, load_at })
}

fn parse_exit(value: &str, number: usize) -> Result<ExpectedExit> {
    if value == "nonzero" {
        return Ok(ExpectedExit::Nonzero);
    }
    match value.parse::<u8>() {
        Ok(status) => Ok(ExpectedExit::Exact(i32::from(status))),
        Err(_) => bail!("line {number}: `exit:` wants 0..=255 or `nonzero`, found `{value}`"),
    }
}

fn parse_timeout(value: &str, number: usize) -> Result<Duration> {
    match value.parse::<u64>() {
        Ok(seconds) if seconds > 0 => Ok(Duration::from_secs(seconds)),
        _ => bail!("line {number}: `timeout:` wants whole seconds > 0, found `{value}`"),
    }
}

/// Compiles `pattern` for `board`, replacing `{board}` with its name.
pub fn compile(pattern: &Pattern, board: Board) -> Result<Regex> {
    let source = pattern.source.replace("{board}", board.name());
    match Regex::new(&source) {
        Ok(regex) => Ok(regex),
        Err(error) => bail!(
            "line {}: bad pattern `{}`: {error}",
            pattern.line,
            pattern.source
        ),
    }
}

/// Checks that the patterns match lines of `output` in order. The error
/// names the first pattern not found and the line after which it was sought.
pub fn check(patterns: &[Pattern], board: Board, output: &str) -> Result<()> {
    let lines: Vec<&str> = output.lines().collect();
    // Index of the next line to search, and the previous match (1-based line, text).
    let mut next = 0;
    let mut previous: Option<(usize, &str)> = None;
    for (index, pattern) in patterns.iter().enumerate() {
        let regex = compile(pattern, board)?;
        match lines[next..].iter().position(|line| regex.is_match(line)) {
            Some(offset) => {
                next += offset + 1;
                previous = Some((next, lines[next - 1]));
            }
            None => {
                let wanted = format!(
                    "pattern {} `{}` (test file line {})",
                    index + 1,
                    pattern.source,
                    pattern.line
                );
                match previous {
                    Some((number, text)) => {
                        bail!("{wanted} not found after output line {number} `{text}`")
                    }
                    None => bail!("{wanted} not found in the output ({} lines)", lines.len()),
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BANNER: &str = "\
# The boot banner.
boards: imx6q qemu-virt
append: kml.selftest=data-abort
exit: 102          # exact status, or `nonzero`
timeout: 30        # seconds

---
^KML-rs \\d+\\.\\d+\\.\\d+ on {board}

^KERNEL FAULT: data abort
^  r0 
";

    const OUTPUT: &str = "\
KML-rs 0.1.0 on imx6q
CPU: ARM Cortex-A9 r0p0
KERNEL FAULT: data abort
  cause: translation fault
  r0 00000000
";

    #[test]
    fn parses_header_and_patterns() {
        let spec = parse(BANNER).unwrap();
        assert_eq!(spec.boards, [Board::Imx6q, Board::QemuVirt]);
        assert_eq!(spec.append, "kml.selftest=data-abort");
        assert_eq!(spec.exit, ExpectedExit::Exact(102));
        assert_eq!(spec.timeout, Duration::from_secs(30));
        let sources: Vec<&str> = spec.patterns.iter().map(|p| p.source.as_str()).collect();
        // The trailing space of `^  r0 ` is part of the pattern.
        assert_eq!(
            sources,
            [
                "^KML-rs \\d+\\.\\d+\\.\\d+ on {board}",
                "^KERNEL FAULT: data abort",
                "^  r0 "
            ]
        );
        assert_eq!(spec.patterns[1].line, 10);
    }

    #[test]
    fn kernel_initrd_and_dtb_keys() {
        let spec = parse(
            "boards: imx6q\nkernel: zImage at 0x1200_0000\ninitrd: embedded-test-programs\ndtb: stock\n---\n",
        )
        .unwrap();
        assert_eq!(
            spec.kernel,
            KernelChoice {
                file: ImageFile::ZImage,
                load_at: Some(0x1200_0000)
            }
        );
        assert_eq!(spec.initrd, InitrdChoice::EmbeddedTestPrograms);
        assert!(spec.stock_dtb);
        let spec = parse("boards: imx6q\nkernel: uImage\n---\n").unwrap();
        assert_eq!(spec.kernel.file, ImageFile::UImage);
        assert_eq!(spec.initrd, InitrdChoice::None);
        for bad in [
            "kernel: vmlinux",
            "kernel: zImage at",
            "kernel: zImage at 12x",
            "kernel: uImage at 0x12000000",
            "dtb: mine",
            "initrd: elsewhere",
        ] {
            let text = format!("boards: imx6q\n{bad}\n---\n");
            assert!(parse(&text).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn defaults_and_crlf() {
        let spec = parse("boards: qemu-virt\r\n---\r\n^ok\r\n").unwrap();
        assert_eq!(spec.exit, ExpectedExit::Exact(0));
        assert_eq!(spec.timeout, DEFAULT_TIMEOUT);
        assert_eq!(spec.append, "");
        assert_eq!(spec.patterns[0].source, "^ok");
    }

    #[test]
    fn header_errors_are_reported() {
        let cases = [
            ("boards: imx6q\ncolour: blue\n---\n", "unknown key `colour`"),
            ("boards: imx6q\n", "no `---`"),
            ("exit: 0\n---\n", "no `boards:`"),
            ("boards: am572x\n---\n", "no QEMU model"),
            ("boards: imx7\n---\n", "unknown board"),
            ("boards: imx6q\nexit: maybe\n---\n", "line 2"),
            ("boards: imx6q\ntimeout: 0\n---\n", "timeout"),
            ("boards: imx6q\nboards: imx6q\n---\n", "given twice"),
            ("boards: imx6q\n---\n^(unclosed\n", "line 3: bad pattern"),
        ];
        for (text, expected) in cases {
            let error = parse(text).unwrap_err().to_string();
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn nonzero_exit() {
        let spec = parse("boards: imx6q\nexit: nonzero\n---\n").unwrap();
        assert!(spec.exit.accepts(101));
        assert!(!spec.exit.accepts(0));
    }

    #[test]
    fn matching_output_passes_with_board_substituted() {
        let spec = parse(BANNER).unwrap();
        check(&spec.patterns, Board::Imx6q, OUTPUT).unwrap();
    }

    #[test]
    fn wrong_board_fails() {
        let spec = parse(BANNER).unwrap();
        let error = check(&spec.patterns, Board::QemuVirt, OUTPUT)
            .unwrap_err()
            .to_string();
        assert!(error.contains("pattern 1"), "{error}");
        assert!(
            error.contains("not found in the output (5 lines)"),
            "{error}"
        );
    }

    #[test]
    fn order_matters_and_the_error_names_the_previous_match() {
        let spec = parse("boards: imx6q\n---\n^CPU\n^KML-rs\n").unwrap();
        let error = check(&spec.patterns, Board::Imx6q, OUTPUT)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("pattern 2 `^KML-rs` (test file line 4) not found after output line 2 `CPU: ARM Cortex-A9 r0p0`"),
            "{error}"
        );
    }

    #[test]
    fn one_line_matches_one_pattern_only() {
        let spec = parse("boards: imx6q\n---\nfault\nfault\n").unwrap();
        assert!(check(&spec.patterns, Board::Imx6q, "a fault\nanother fault\n").is_ok());
        assert!(check(&spec.patterns, Board::Imx6q, "a fault\n").is_err());
    }
}
