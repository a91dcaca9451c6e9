// SPDX-License-Identifier: MIT OR Apache-2.0
//! `cargo xtask test`: host unit tests, every board build, the QEMU suites.
//!
//! The three layers run in order and are all counted in one tally, so the
//! last line (`N passed, N failed`) is the whole verdict and CI needs nothing
//! else. Host tests are counted by reading libtest's `test result:` lines.
//! QEMU cases (one per test file and board) run at most `--jobs` at a time;
//! each gets a deadline, and a failure prints the reason and the tail of the
//! console so the log alone explains it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::thread;

use regex::Regex;

use crate::board::{Artifacts, Board, display_path};
use crate::build::{Built, build_board, cargo, write_embedded};
use crate::error::{Context, Result, bail};
use crate::expect::{ImageFile, InitrdChoice, TestSpec, check, parse};
use crate::qemu::{Boot, Captured, Console, Options, bootz_stand_in, command_line, run_captured};

/// The crates whose unit tests run on the host.
const HOST_PACKAGES: [&str; 6] = ["abi", "kernel", "armv7", "drivers", "xtask", "userlib"];

/// Console lines shown when a QEMU case fails.
const TAIL_LINES: usize = 40;

/// What to run.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Only QEMU cases whose `suite/name` contains this.
    pub filter: Option<String>,
    /// Run the host unit tests.
    pub host: bool,
    /// Build the boards and run the QEMU cases.
    pub qemu: bool,
    /// QEMU instances at once.
    pub jobs: usize,
}

/// Passed and failed counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed (or could not run).
    pub failed: usize,
    /// QEMU cases not run because their board did not build.
    pub skipped: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

/// Runs the selected layers and prints the summary; the result is the tally.
pub fn run(root: &Path, selection: &Selection) -> Result<Tally> {
    let mut tally = Tally::default();
    if selection.host {
        if let Err(error) = crate::setup::ensure_debian_tool("mkimage", "u-boot-tools") {
            println!("NOTE: {error}; the uImage checks against `mkimage -l` are skipped");
        }
        println!("== host unit tests");
        tally.add(host_tests(root)?);
    }
    if selection.qemu {
        println!("== building every board");
        let (builds, built) = build_all(root);
        tally.add(builds);
        println!("== image headers (mkimage -l)");
        tally.add(check_uimages(&built));
        println!("== QEMU suites");
        tally.add(qemu_suites(root, selection, &built)?);
    }
    if tally.skipped > 0 {
        println!(
            "{} QEMU cases skipped (their board did not build)",
            tally.skipped
        );
    }
    println!("{} passed, {} failed", tally.passed, tally.failed);
    Ok(tally)
}

/// Runs `cargo test` on [`HOST_PACKAGES`], echoing its output while counting.
fn host_tests(root: &Path) -> Result<Tally> {
    let mut child = Command::new(cargo())
        .arg("test")
        .args(HOST_PACKAGES.iter().flat_map(|package| ["-p", package]))
        .current_dir(root)
        .stdout(Stdio::piped())
        .spawn()
        .context("running cargo test")?;
    let mut captured = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.context("reading cargo test output")?;
            println!("{line}");
            captured.push_str(&line);
            captured.push('\n');
        }
    }
    let status = child.wait().context("waiting for cargo test")?;
    let (passed, mut failed) = count_results(&captured);
    if !status.success() && failed == 0 {
        // A build error or a crash: there is no count, so count the run.
        eprintln!("cargo test failed with {status} and reported no failed test");
        failed = 1;
    }
    Ok(Tally {
        passed,
        failed,
        skipped: 0,
    })
}

/// Sums the `test result: ok. N passed; M failed` lines of libtest.
fn count_results(output: &str) -> (usize, usize) {
    let line = Regex::new(r"test result: \w+\. (\d+) passed; (\d+) failed").expect("valid regex");
    line.captures_iter(output)
        .fold((0, 0), |(passed, failed), found| {
            let number = |i: usize| found[i].parse::<usize>().unwrap_or(0);
            (passed + number(1), failed + number(2))
        })
}

/// Builds every board, counting a failed build as one failure. Returns the
/// boards that built.
fn build_all(root: &Path) -> (Tally, Vec<Built>) {
    let mut tally = Tally::default();
    let mut built = Vec::new();
    for board in Board::ALL {
        match build_board(root, board) {
            Ok(result) => built.push(result),
            Err(error) => {
                println!("FAIL build [{board}]: {error}");
                tally.failed += 1;
            }
        }
    }
    (tally, built)
}

/// Checks each board's uImage as U-Boot's own tool reads it: `mkimage -l`
/// must accept the CRCs and report a Linux ARM kernel whose load address
/// and entry are the kernel's link address and whose size is the zImage's.
/// One pass or fail per board; without mkimage, one visible skip line.
fn check_uimages(built: &[Built]) -> Tally {
    let mut tally = Tally::default();
    for result in built {
        let board = result.artifacts.board;
        let uimage = &result.artifacts.uimage;
        let output = Command::new("mkimage").arg("-l").arg(uimage).output();
        let Ok(output) = output else {
            println!("SKIP uImage header [{board}] (mkimage not installed: Debian u-boot-tools)");
            continue;
        };
        let listing = String::from_utf8_lossy(&output.stdout);
        let load = format!("{:08x}", result.load_address);
        let expected = [
            "Image Type:   ARM Linux Kernel Image (uncompressed)".to_owned(),
            format!("Data Size:    {} Bytes", result.image.bytes.len()),
            format!("Load Address: {load}"),
            format!("Entry Point:  {load}"),
        ];
        let missing: Vec<&String> = expected
            .iter()
            .filter(|line| !listing.contains(line.as_str()))
            .collect();
        if output.status.success() && missing.is_empty() {
            println!("PASS uImage header [{board}] (mkimage -l: load and entry {load})");
            tally.passed += 1;
        } else {
            println!(
                "FAIL uImage header [{board}]: mkimage -l {} ({}), missing {missing:?}:\n{listing}{}",
                display_path(uimage).display(),
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
            tally.failed += 1;
        }
    }
    tally
}

/// One test file and what became of parsing it.
struct TestFile {
    /// `suite/name`.
    name: String,
    path: PathBuf,
    spec: Result<TestSpec>,
}

/// One boot of one test file on one board.
struct Case<'a> {
    name: &'a str,
    spec: &'a TestSpec,
    board: Board,
    /// How QEMU boots it, or why it cannot.
    options: Result<Options>,
}

/// What the cases boot, made once before they run.
#[derive(Default)]
struct Prepared {
    /// The test programs' ramdisk.
    programs: Option<String>,
    /// Per board, the directory with the images that embed it.
    embedded: Vec<(Board, Result<PathBuf>)>,
    /// Debian's imx6q-sabrelite.dtb, or why we have none.
    stock_dtb: Option<Result<PathBuf>>,
    /// The busybox ramdisk, or why we have none.
    busybox: Option<Result<String>>,
}

/// Finds, filters and runs the QEMU cases.
fn qemu_suites(root: &Path, selection: &Selection, built: &[Built]) -> Result<Tally> {
    let mut tally = Tally::default();
    let files = discover(&root.join("tests"))?;
    let files: Vec<TestFile> = files
        .into_iter()
        .filter(|file| {
            selection
                .filter
                .as_ref()
                .is_none_or(|f| file.name.contains(f.as_str()))
        })
        .collect();
    if files.is_empty() {
        println!("no QEMU test matched");
    }
    let specs: Vec<&TestSpec> = files
        .iter()
        .filter_map(|file| file.spec.as_ref().ok())
        .collect();
    let mut prepared = Prepared::default();
    let needs_programs =
        |spec: &TestSpec| !matches!(spec.initrd, InitrdChoice::None | InitrdChoice::Busybox);
    if specs.iter().any(|spec| needs_programs(spec)) {
        match test_programs_ramdisk(root) {
            Ok(path) => prepared.programs = Some(path),
            Err(error) => {
                println!("FAIL test programs: {error}");
                tally.failed += 1;
            }
        }
    }
    if let Some(programs) = &prepared.programs {
        prepared.embedded = embed_test_programs(root, &specs, built, programs);
    }
    if specs.iter().any(|spec| spec.stock_dtb) {
        prepared.stock_dtb = Some(crate::stock_dtb::fetch(root, "imx6q-sabrelite.dtb"));
        if let Some(Err(error)) = &prepared.stock_dtb {
            println!(
                "NOTE: no stock imx6q-sabrelite.dtb ({error}); the `dtb: stock` cases boot \
                 with the build's qemu-sabrelite.dtb instead"
            );
        }
    }
    if specs
        .iter()
        .any(|spec| spec.initrd == InitrdChoice::Busybox)
    {
        println!("== fetching Debian's {} (armhf)", crate::busybox::PACKAGE);
        prepared.busybox = Some(crate::busybox::ramdisk(root));
    }
    let mut cases = Vec::new();
    for file in &files {
        let spec = match &file.spec {
            Ok(spec) => spec,
            Err(error) => {
                println!(
                    "FAIL {}: {}: {error}",
                    file.name,
                    display_path(&file.path).display()
                );
                tally.failed += 1;
                continue;
            }
        };
        if let (InitrdChoice::Busybox, Some(Err(error))) = (spec.initrd, &prepared.busybox) {
            println!(
                "SKIP {} ({} is unavailable: {error})",
                file.name,
                crate::busybox::PACKAGE
            );
            tally.skipped += spec.boards.len();
            continue;
        }
        if needs_programs(spec) && prepared.programs.is_none() {
            println!("SKIP {} (the test programs did not build)", file.name);
            tally.skipped += spec.boards.len();
            continue;
        }
        for &board in &spec.boards {
            if built.iter().any(|result| result.artifacts.board == board) {
                cases.push(Case {
                    name: &file.name,
                    spec,
                    board,
                    options: case_options(root, spec, board, &prepared),
                });
            } else {
                println!("SKIP {} [{board}] ({board} did not build)", file.name);
                tally.skipped += 1;
            }
        }
    }
    tally.add(run_cases(root, cases, selection.jobs));
    Ok(tally)
}

/// Where the test runner keeps the images it makes for one board.
fn test_image_dir(root: &Path, board: Board) -> PathBuf {
    root.join("target/kml/tests").join(board.name())
}

/// Writes, for each board a test boots with `initrd:
/// embedded-test-programs`, the images that carry the test programs.
fn embed_test_programs(
    root: &Path,
    specs: &[&TestSpec],
    built: &[Built],
    programs: &str,
) -> Vec<(Board, Result<PathBuf>)> {
    let wanted = |board: Board| {
        specs.iter().any(|spec| {
            spec.initrd == InitrdChoice::EmbeddedTestPrograms && spec.boards.contains(&board)
        })
    };
    built
        .iter()
        .filter(|result| wanted(result.artifacts.board))
        .map(|result| {
            let board = result.artifacts.board;
            let dir = test_image_dir(root, board);
            let written = std::fs::read(programs)
                .context("reading the test programs' ramdisk")
                .and_then(|ramdisk| write_embedded(result, &ramdisk, &dir))
                .map(|_| dir);
            (board, written)
        })
        .collect()
}

/// The QEMU options of one case: kernel file and how it is loaded, ramdisk,
/// device tree, command line.
fn case_options(
    root: &Path,
    spec: &TestSpec,
    board: Board,
    prepared: &Prepared,
) -> Result<Options> {
    let artifacts = Artifacts::new(root, board);
    let embedded = match spec.initrd {
        InitrdChoice::EmbeddedTestPrograms => {
            match prepared.embedded.iter().find(|(b, _)| *b == board) {
                Some((_, Ok(dir))) => Some(dir.clone()),
                Some((_, Err(error))) => bail!("embedding the test programs: {error}"),
                None => bail!("no image with the test programs embedded for {board}"),
            }
        }
        _ => None,
    };
    let image = match (spec.kernel.file, &embedded) {
        (ImageFile::Bin | ImageFile::ZImage, Some(dir)) => dir.join("zImage-initrd"),
        (ImageFile::UImage, Some(dir)) => dir.join("uImage-initrd"),
        (ImageFile::Bin, None) => artifacts.bin.clone(),
        (ImageFile::ZImage, None) => artifacts.zimage.clone(),
        (ImageFile::UImage, None) => artifacts.uimage.clone(),
    };
    let image = display_path(&image).to_string_lossy().into_owned();
    let boot = match spec.kernel.load_at {
        None => Boot::Direct(image),
        Some(address) => {
            let (ram_base, _) = board.ram();
            let stand_in = test_image_dir(root, board).join(format!("bootz-{address:08x}.uImage"));
            let ram_base = u32::try_from(ram_base).context("RAM base")?;
            std::fs::create_dir_all(test_image_dir(root, board))
                .context("creating target/kml/tests")?;
            std::fs::write(&stand_in, bootz_stand_in(ram_base, address)?)
                .context_with(|| format!("writing {}", stand_in.display()))?;
            Boot::LoadedAt {
                image,
                address,
                stand_in: display_path(&stand_in).to_string_lossy().into_owned(),
            }
        }
    };
    let dtb = match &prepared.stock_dtb {
        Some(Ok(path)) if spec.stock_dtb => Some(display_path(path).to_string_lossy().into_owned()),
        _ => None,
    };
    Ok(Options {
        boot: Some(boot),
        dtb,
        append: spec.append.clone(),
        extra: spec.qemu_args.clone(),
        initrd: match spec.initrd {
            InitrdChoice::TestPrograms => prepared.programs.clone(),
            InitrdChoice::Busybox => prepared
                .busybox
                .as_ref()
                .and_then(|r| r.as_ref().ok())
                .cloned(),
            _ => None,
        },
        ..Options::default()
    })
}

/// Builds the test programs and packs them into the ramdisk that test
/// files with `initrd: test-programs` boot with.
pub fn test_programs_ramdisk(root: &Path) -> Result<String> {
    println!("== building the test programs");
    let staged = crate::programs::stage_test_root(root)?;
    let archive = root.join("target/kml/test-programs.cpio");
    crate::ramdisk::write_archive(&staged, &archive)?;
    Ok(archive.to_string_lossy().into_owned())
}

/// Every `*.test` file below `dir`, sorted by name, parsed.
fn discover(dir: &Path) -> Result<Vec<TestFile>> {
    let mut paths = Vec::new();
    collect_test_files(dir, &mut paths)?;
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(dir).unwrap_or(&path).with_extension("");
            let name = relative.to_string_lossy().replace('\\', "/");
            let spec = std::fs::read_to_string(&path)
                .context("reading the file")
                .and_then(|text| parse(&text));
            TestFile { name, path, spec }
        })
        .collect())
}

fn collect_test_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .context_with(|| format!("listing {}", display_path(dir).display()))?;
    for entry in entries {
        let path = entry.context("listing tests")?.path();
        if path.is_dir() {
            collect_test_files(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "test") {
            out.push(path);
        }
    }
    Ok(())
}

/// Runs the cases on `jobs` worker threads, printing each verdict as it comes.
fn run_cases(root: &Path, cases: Vec<Case<'_>>, jobs: usize) -> Tally {
    let queue = Mutex::new(cases.into_iter());
    let tally = Mutex::new(Tally::default());
    thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                loop {
                    // Take the next case and release the queue before booting it.
                    let next = queue.lock().map(|mut queue| queue.next());
                    let Ok(Some(case)) = next else { break };
                    let (passed, report) = run_case(root, &case);
                    // Print under the tally lock so reports do not interleave.
                    if let Ok(mut tally) = tally.lock() {
                        print!("{report}");
                        if passed {
                            tally.passed += 1;
                        } else {
                            tally.failed += 1;
                        }
                    }
                }
            });
        }
    });
    tally.into_inner().unwrap_or_default()
}

/// Boots one case and returns whether it passed and its report.
fn run_case(root: &Path, case: &Case<'_>) -> (bool, String) {
    let title = format!("{} [{}]", case.name, case.board);
    let artifacts = Artifacts::new(root, case.board);
    let options = match &case.options {
        Ok(options) => options,
        Err(error) => return (false, format!("FAIL {title}: {error}\n")),
    };
    let captured = command_line(&artifacts, options, Console::Capture)
        .and_then(|args| run_captured(&args, case.spec.timeout, case.spec.stdin.as_deref()));
    let captured = match captured {
        Ok(captured) => captured,
        Err(error) => return (false, format!("FAIL {title}: {error}\n")),
    };
    let seconds = captured.elapsed.as_secs_f64();
    match verdict(case, &captured) {
        Ok(()) => (true, format!("PASS {title} ({seconds:.1} s)\n")),
        Err(reason) => (
            false,
            format!(
                "FAIL {title} ({seconds:.1} s): {reason}\n{}",
                failure_output(&captured)
            ),
        ),
    }
}

/// Why a finished case failed, if it did.
fn verdict(case: &Case<'_>, captured: &Captured) -> Result<()> {
    if captured.timed_out {
        bail!("TIMEOUT after {}s", case.spec.timeout.as_secs());
    }
    let mut reasons = Vec::new();
    match captured.status {
        Some(status) if case.spec.exit.accepts(status) => {}
        Some(status) => reasons.push(format!("exit status {status}, expected {}", case.spec.exit)),
        None => reasons.push("QEMU ended without an exit status".to_owned()),
    }
    if let Err(error) = check(&case.spec.patterns, case.board, &captured.console) {
        reasons.push(error.to_string());
    }
    if !reasons.is_empty() {
        bail!("{}", reasons.join("; "));
    }
    Ok(())
}

/// The last console lines and QEMU's own messages, indented.
fn failure_output(captured: &Captured) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = captured.console.lines().collect();
    let shown = &lines[lines.len().saturating_sub(TAIL_LINES)..];
    out.push_str(&format!(
        "    --- console output (last {} of {} lines) ---\n",
        shown.len(),
        lines.len()
    ));
    for line in shown {
        out.push_str(&format!("    | {line}\n"));
    }
    let stderr = captured.stderr.trim_end();
    if !stderr.is_empty() {
        out.push_str("    --- QEMU stderr ---\n");
        for line in stderr.lines() {
            out.push_str(&format!("    | {line}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_libtest_summaries() {
        let output = "\
running 3 tests
test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
test result: FAILED. 7 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out
   Doc-tests abi
test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out
";
        assert_eq!(count_results(output), (10, 2));
        assert_eq!(count_results("error[E0425]: cannot find value"), (0, 0));
    }

    #[test]
    fn the_shipped_test_files_parse() {
        let tests = crate::board::workspace_root().join("tests");
        let files = discover(&tests).expect("tests/ is readable");
        assert!(files.iter().any(|file| file.name == "boot/banner"));
        for file in files {
            if let Err(error) = file.spec {
                panic!("{}: {error}", file.name);
            }
        }
    }
}
