// SPDX-License-Identifier: MIT OR Apache-2.0
//! The test init: runs process, memory and fault scenarios and counts failures.
//!
//! The kernel starts `/init` as pid 1. Each argument that names a scenario
//! selects it (`/init fork-exec cow`); with none, or with `all`, every
//! scenario runs in the order of [`SCENARIOS`]. Other arguments (kernel
//! command-line words the kernel may pass on) are reported and ignored.
//!
//! Output, one line each, in this order:
//!
//! ```text
//! init: pid <pid>, <n> scenario(s)
//! init: running <name>
//! PASS <name>              or   FAIL <name>: <why>   or   SKIP <name>: <why>
//! ...
//! init: all tests done, <failed> failed
//! ```
//!
//! The exit status is the number of failed scenarios (at most 255), which
//! becomes QEMU's exit status when pid 1 exits. Scenarios that expect a
//! child to die run the fault in a forked child, so init itself never
//! faults; the kernel prints its report for the child and init goes on.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::hint::black_box;
use core::sync::atomic::{AtomicU32, Ordering};

use test_programs::{Launcher, c_string, errno_name, expect_exit, in_child, wait_for};
use userlib::syscall::{
    self, Dirents, Fd, O_DIRECTORY, O_RDONLY, Pipe, Signal, Sysnum, WaitStatus, raw,
};
use userlib::{Args, Errno, eprintln, print, println};

userlib::entry!(main);

/// What a scenario found: passed, skipped (with why), or failed (`Err`).
type Outcome = Result<Passed, String>;

/// A scenario that did not fail.
enum Passed {
    /// It ran and every check held.
    Yes,
    /// It could not run here (say why).
    Skipped(String),
}

/// One scenario: a name for the command line and the output, and its body.
type Scenario = (&'static str, fn(&Launcher) -> Outcome);

/// Every scenario, in the order `/init` with no arguments runs them.
const SCENARIOS: [Scenario; 11] = [
    ("fork-exec", fork_exec),
    ("many-children", many_children),
    ("demand-paging", demand_paging),
    ("cow", cow),
    ("segv-kernel-write", segv_kernel_write),
    ("null-jump", null_jump),
    ("undefined", undefined),
    ("bad-pointer", bad_pointer),
    ("pipe", pipe),
    ("hostile-elf", hostile_elf),
    ("c-program", c_program),
];

fn main(args: &Args) -> i32 {
    let launcher = Launcher::from_args(args);
    let selected = select(args);
    println!(
        "init: pid {}, {} scenario(s)",
        syscall::getpid().0,
        selected.len()
    );
    let mut failed = 0usize;
    for (name, scenario) in selected {
        println!("init: running {name}");
        match scenario(&launcher) {
            Ok(Passed::Yes) => println!("PASS {name}"),
            Ok(Passed::Skipped(why)) => println!("SKIP {name}: {why}"),
            Err(why) => {
                println!("FAIL {name}: {why}");
                failed += 1;
            }
        }
    }
    println!("init: all tests done, {failed} failed");
    failed.min(255) as i32
}

/// The scenarios the arguments name, or all of them.
fn select(args: &Args) -> Vec<Scenario> {
    let mut selected = Vec::new();
    let mut everything = false;
    for word in args.argv_str().skip(1) {
        if word == "all" {
            everything = true;
        } else if let Some(scenario) = SCENARIOS.iter().find(|(name, _)| *name == word) {
            selected.push(*scenario);
        } else {
            println!("init: ignoring argument {word:?} (not a scenario)");
        }
    }
    if everything || selected.is_empty() {
        SCENARIOS.to_vec()
    } else {
        selected
    }
}

/// Turns an errno into a scenario failure message.
fn failed(what: &str) -> impl Fn(Errno) -> String + '_ {
    move |error| format!("{what}: {}", errno_name(error))
}

// fork-exec ------------------------------------------------------------

/// Exit status echo-args is told to use when everything it got is right.
const ECHO_STATUS: i32 = 7;
/// Exit status of the forked child when getppid() is wrong before exec.
const WRONG_PARENT: i32 = 3;

/// fork, then execve /bin/echo-args with argv and envp it checks.
fn fork_exec(launcher: &Launcher) -> Outcome {
    let parent = syscall::getpid();
    let argv = ["echo-args", "alpha", "beta gamma", ""];
    let mut environment = vec![
        format!("ECHO_ARGC={}", argv.len()),
        format!("ECHO_PPID={}", parent.0),
        format!("ECHO_EXIT={ECHO_STATUS}"),
    ];
    for (index, arg) in argv.iter().enumerate() {
        environment.push(format!("ECHO_ARG{index}={arg}"));
    }
    let child = in_child(|| {
        if syscall::getppid() != parent {
            eprintln!("fork-exec: child's getppid() is {}", syscall::getppid().0);
            return WRONG_PARENT;
        }
        let error = launcher.exec("/bin/echo-args", &argv, &environment);
        eprintln!("fork-exec: execve: {}", errno_name(error));
        test_programs::EXEC_FAILED
    })?;
    let status = wait_for(child)?;
    match status.exit_status() {
        Some(ECHO_STATUS) => Ok(Passed::Yes),
        Some(WRONG_PARENT) => Err("the child's getppid() was not init's pid".into()),
        Some(1) => Err("echo-args found argv, envp or auxv wrong (its FAIL lines say how)".into()),
        _ => expect_exit("echo-args", status, ECHO_STATUS).map(|()| Passed::Yes),
    }
}

// many-children --------------------------------------------------------

/// Children started at once by `many-children`.
const CHILDREN: i32 = 8;

/// fork 8 children that exec /bin/exit-with 10+i; wait for each.
fn many_children(launcher: &Launcher) -> Outcome {
    let mut children = Vec::new();
    for index in 0..CHILDREN {
        let code = 10 + index;
        let code_text = code.to_string();
        let pid = launcher.spawn("/bin/exit-with", &["exit-with", &code_text], &[])?;
        children.push((pid, code));
    }
    let mut problems = Vec::new();
    for (pid, code) in children {
        let status = wait_for(pid)?;
        if let Err(why) = expect_exit(&format!("child {}", pid.0), status, code) {
            problems.push(why);
        }
    }
    if problems.is_empty() {
        Ok(Passed::Yes)
    } else {
        Err(problems.join("; "))
    }
}

// demand-paging --------------------------------------------------------

/// exec /bin/memory-hog, which touches 4 MiB heap, 2 MiB stack, 4 MiB mmap.
fn demand_paging(launcher: &Launcher) -> Outcome {
    let status = launcher.run("/bin/memory-hog", &["memory-hog"], &[])?;
    expect_exit("memory-hog", status, 0).map(|()| Passed::Yes)
}

// cow ------------------------------------------------------------------

/// A global both sides of the fork write.
static GLOBAL: AtomicU32 = AtomicU32::new(0);

/// Values of the three places before the fork, in the child, in the parent.
const BEFORE: u32 = 0x1111_1111;
const CHILD_VALUE: u32 = 0x2222_2222;
const PARENT_VALUE: u32 = 0x3333_3333;

/// Exit status of the child when the parent's writes showed through.
const CHILD_SAW_PARENT: i32 = 3;

/// A global, a heap buffer and a stack array, written on both sides.
struct Places<'a> {
    heap: &'a mut [u32],
    stack: &'a mut [u32],
}

impl Places<'_> {
    /// Writes `value` everywhere.
    fn set(&mut self, value: u32) {
        GLOBAL.store(value, Ordering::SeqCst);
        self.heap.fill(value);
        self.stack.fill(value);
    }

    /// Which places do not hold `value` (empty: all do).
    fn differing(&self, value: u32) -> Vec<&'static str> {
        let mut wrong = Vec::new();
        if GLOBAL.load(Ordering::SeqCst) != value {
            wrong.push("global");
        }
        if black_box(&*self.heap).iter().any(|&word| word != value) {
            wrong.push("heap");
        }
        if black_box(&*self.stack).iter().any(|&word| word != value) {
            wrong.push("stack");
        }
        wrong
    }
}

/// fork; each side writes after the fork and must not see the other's.
///
/// The order is forced with two pipes: the child writes, tells the parent,
/// and waits; the parent checks it still sees its old values, writes its
/// own and lets the child check it still sees the child's.
fn cow(_launcher: &Launcher) -> Outcome {
    let mut heap = vec![0u32; 2048]; // two pages
    let mut stack_storage = [0u32; 256];
    // black_box: the array's address escapes, so it lives in memory that
    // the fork really copies, not in registers.
    let mut places = Places {
        heap: &mut heap,
        stack: black_box(&mut stack_storage),
    };
    places.set(BEFORE);
    let to_child = syscall::pipe().map_err(failed("pipe"))?;
    let to_parent = syscall::pipe().map_err(failed("pipe"))?;
    let child = in_child(|| {
        places.set(CHILD_VALUE);
        if signal(to_parent).is_err() || await_signal(to_child).is_err() {
            return 2;
        }
        if places.differing(CHILD_VALUE).is_empty() { 0 } else { CHILD_SAW_PARENT }
    })?;
    let result = cow_parent(&mut places, to_child, to_parent);
    let status = wait_for(child)?;
    for pipe in [to_child, to_parent] {
        let _ = syscall::close(pipe.read);
        let _ = syscall::close(pipe.write);
    }
    result?;
    if status.exit_status() == Some(CHILD_SAW_PARENT) {
        return Err("the child saw the parent's writes".into());
    }
    expect_exit("cow child", status, 0)?;
    match places.differing(PARENT_VALUE).as_slice() {
        [] => Ok(Passed::Yes),
        wrong => Err(format!("parent's own writes lost in {wrong:?}")),
    }
}

/// The parent's half of [`cow`].
fn cow_parent(places: &mut Places<'_>, to_child: Pipe, to_parent: Pipe) -> Result<(), String> {
    await_signal(to_parent).map_err(failed("waiting for the child"))?;
    let wrong = places.differing(BEFORE);
    places.set(PARENT_VALUE);
    signal(to_child).map_err(failed("signalling the child"))?;
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!("the parent saw the child's writes in {wrong:?}"))
    }
}

/// Writes one byte into `pipe`.
fn signal(pipe: Pipe) -> Result<(), Errno> {
    syscall::write_all(pipe.write, b"!")
}

/// Reads one byte from `pipe`; end of file is `EPIPE`.
fn await_signal(pipe: Pipe) -> Result<(), Errno> {
    let mut byte = [0u8; 1];
    match syscall::read(pipe.read, &mut byte)? {
        1 => Ok(()),
        _ => Err(Errno::EPIPE),
    }
}

// segv-kernel-write, null-jump, undefined ------------------------------

/// The first address of kernel memory (TTBR1 half), never user-accessible.
const KERNEL_ADDRESS: usize = 0xC000_0000;

/// Runs `body` in a child and expects the kernel to kill it with `signal`.
fn expect_signal(body: impl FnOnce() -> i32, signal: Signal) -> Outcome {
    let child = in_child(body)?;
    let status: WaitStatus = wait_for(child)?;
    match status.term_signal() {
        Some(actual) if actual == signal => Ok(Passed::Yes),
        _ => Err(format!("child: {status}, expected signal {}", signal.0)),
    }
}

/// A child writes to kernel memory: SIGSEGV.
fn segv_kernel_write(_launcher: &Launcher) -> Outcome {
    expect_signal(
        || {
            // SAFETY: deliberately invalid: kernel memory is not ours, so
            // the write cannot corrupt this program; the kernel must kill us.
            unsafe { core::ptr::write_volatile(KERNEL_ADDRESS as *mut u32, 0xDEAD_BEEF) };
            0
        },
        Signal::SIGSEGV,
    )
}

/// A child calls a function at address 0: SIGSEGV.
fn null_jump(_launcher: &Launcher) -> Outcome {
    expect_signal(
        || {
            // SAFETY: page 0 is never mapped (linker/user.ld starts at
            // 0x10000), so nothing runs there; the kernel must kill us.
            unsafe { userlib::fault::jump_to(0) }
        },
        Signal::SIGSEGV,
    )
}

/// A child executes an undefined instruction: SIGILL.
fn undefined(_launcher: &Launcher) -> Outcome {
    expect_signal(|| userlib::fault::undefined_instruction(), Signal::SIGILL)
}

// bad-pointer ----------------------------------------------------------

/// System calls with pointers that are not ours: each must give `-EFAULT`
/// (and an unknown number `-ENOSYS`), and the kernel must not fault.
fn bad_pointer(_launcher: &Launcher) -> Outcome {
    let pipe = syscall::pipe().map_err(failed("pipe"))?;
    let (read_end, write_end) = (pipe.read.0 as usize, pipe.write.0 as usize);
    let stdout = Fd::STDOUT.0 as usize;
    let enosys = Errno::ENOSYS;
    let efault = Errno::EFAULT;
    type Case = (&'static str, Sysnum, [usize; 6], Errno);
    let cases: [Case; 9] = [
        ("write(1, 0xc0000000, 10)", Sysnum::WRITE, [stdout, KERNEL_ADDRESS, 10, 0, 0, 0], efault),
        ("write(1, NULL, 10)", Sysnum::WRITE, [stdout, 0, 10, 0, 0, 0], efault),
        ("read(pipe, 0x10, 10)", Sysnum::READ, [read_end, 0x10, 10, 0, 0, 0], efault),
        ("read(pipe, 0xc0000000, 10)", Sysnum::READ, [read_end, KERNEL_ADDRESS, 10, 0, 0, 0], efault),
        ("writev(1, 0xc0000000, 1)", Sysnum::WRITEV, [stdout, KERNEL_ADDRESS, 1, 0, 0, 0], efault),
        ("uname(NULL)", Sysnum::UNAME, [0; 6], efault),
        ("open(0xc0000000, O_RDONLY)", Sysnum::OPEN, [KERNEL_ADDRESS, 0, 0, 0, 0, 0], efault),
        ("clock_gettime(1, 0xc0000000)", Sysnum::CLOCK_GETTIME, [1, KERNEL_ADDRESS, 0, 0, 0, 0], efault),
        ("syscall 0x7fff", Sysnum(0x7fff), [0; 6], enosys),
    ];
    let mut problems = Vec::new();
    for (what, number, words, expected) in cases {
        // The reads need data waiting, or they would block before they
        // ever look at the buffer.
        if number == Sysnum::READ {
            syscall::write_all(Fd(write_end as i32), b"0123456789").map_err(failed("pipe write"))?;
        }
        // SAFETY: every pointer argument is deliberately invalid (page 0
        // or kernel space), never memory of ours, so whatever the kernel
        // does it cannot corrupt this program; the fds are our pipe and
        // stdout, and the unknown number has no effect.
        let r0 = unsafe { raw::syscall6(number, words) };
        match syscall::decode(r0) {
            Err(error) if error == expected => {}
            result => problems.push(format!("{what} gave {result:?}, expected {}", errno_name(expected))),
        }
    }
    let _ = syscall::close(pipe.read);
    let _ = syscall::close(pipe.write);
    if problems.is_empty() {
        Ok(Passed::Yes)
    } else {
        Err(problems.join("; "))
    }
}

// pipe -----------------------------------------------------------------

/// Bytes the child sends through the pipe.
const PIPE_BYTES: usize = 64 * 1024;
/// Size of each of the child's writes (not a divisor of PIPE_BYTES).
const PIPE_CHUNK: usize = 1000;

/// The byte at `offset` of the pipe stream.
fn pipe_byte(offset: usize) -> u8 {
    (offset % 251) as u8
}

/// pipe + fork: the child writes 64 KiB in chunks, the parent reads it all,
/// checks every byte and sees end of file once the child is gone.
fn pipe(_launcher: &Launcher) -> Outcome {
    let pipe = syscall::pipe().map_err(failed("pipe"))?;
    let child = in_child(|| {
        let _ = syscall::close(pipe.read);
        let mut chunk = [0u8; PIPE_CHUNK];
        let mut sent = 0;
        while sent < PIPE_BYTES {
            let length = PIPE_CHUNK.min(PIPE_BYTES - sent);
            for (index, byte) in chunk[..length].iter_mut().enumerate() {
                *byte = pipe_byte(sent + index);
            }
            if syscall::write_all(pipe.write, &chunk[..length]).is_err() {
                return 2;
            }
            sent += length;
        }
        0
    })?;
    syscall::close(pipe.write).map_err(failed("close"))?;
    let received = drain(pipe.read, |offset, byte| byte == pipe_byte(offset));
    let _ = syscall::close(pipe.read);
    let status = wait_for(child)?;
    let (total, first_bad) = received.map_err(failed("read"))?;
    expect_exit("writer", status, 0)?;
    if let Some(offset) = first_bad {
        return Err(format!("byte {offset} is wrong"));
    }
    if total != PIPE_BYTES {
        return Err(format!("read {total} bytes before end of file, expected {PIPE_BYTES}"));
    }
    Ok(Passed::Yes)
}

/// Reads `fd` to end of file; returns the byte count and the offset of the
/// first byte `good` rejects.
fn drain(fd: Fd, good: impl Fn(usize, u8) -> bool) -> Result<(usize, Option<usize>), Errno> {
    let mut buffer = [0u8; 4096];
    let mut total = 0;
    let mut first_bad = None;
    loop {
        let length = match syscall::read(fd, &mut buffer) {
            Ok(0) => return Ok((total, first_bad)),
            Ok(length) => length,
            Err(Errno::EINTR) => continue,
            Err(error) => return Err(error),
        };
        if first_bad.is_none() {
            first_bad = buffer[..length]
                .iter()
                .enumerate()
                .find(|&(index, &byte)| !good(total + index, byte))
                .map(|(index, _)| total + index);
        }
        total += length;
    }
}

// hostile-elf ----------------------------------------------------------

/// errno values a refused ELF file may give.
const REFUSALS: [Errno; 3] = [Errno::ENOEXEC, Errno::EINVAL, Errno::ENOMEM];

/// execve each file in /bad: every one must be refused.
fn hostile_elf(launcher: &Launcher) -> Outcome {
    let Some(names) = list_directory(&launcher.path("/bad"))? else {
        return Ok(Passed::Skipped("no /bad directory".into()));
    };
    if names.is_empty() {
        return Ok(Passed::Skipped("/bad is empty".into()));
    }
    // Straight to the kernel: its refusal is what we test.
    let direct = launcher.without_wrapper();
    let mut problems = Vec::new();
    for name in names {
        let program = format!("/bad/{name}");
        let child = in_child(|| direct.exec(&program, &[&name], &[]).0)?;
        let status = wait_for(child)?;
        match status.exit_status() {
            Some(code) if REFUSALS.contains(&Errno(code)) => {
                println!("hostile-elf: {program} refused with {}", errno_name(Errno(code)));
            }
            _ => problems.push(format!("{program}: {status}")),
        }
    }
    if problems.is_empty() {
        Ok(Passed::Yes)
    } else {
        Err(format!("not refused: {}", problems.join("; ")))
    }
}

/// The names in directory `path`, sorted, without `.` and `..`; `None` if
/// it does not exist.
fn list_directory(path: &str) -> Result<Option<Vec<String>>, String> {
    let c_path = c_string(path).ok_or("NUL in path")?;
    let directory = match syscall::open(&c_path, O_RDONLY | O_DIRECTORY, 0) {
        Ok(fd) => fd,
        Err(Errno::ENOENT) => return Ok(None),
        Err(error) => return Err(format!("open {path}: {}", errno_name(error))),
    };
    let mut names = Vec::new();
    let mut buffer = [0u8; 1024];
    let result = loop {
        match syscall::getdents64(directory, &mut buffer) {
            Ok(0) => break Ok(()),
            Ok(length) => names.extend(
                Dirents::new(&buffer[..length])
                    .filter(|entry| entry.name != b"." && entry.name != b"..")
                    .map(|entry| String::from_utf8_lossy(entry.name).into_owned()),
            ),
            Err(error) => break Err(format!("getdents64 {path}: {}", errno_name(error))),
        }
    };
    let _ = syscall::close(directory);
    result?;
    names.sort();
    Ok(Some(names))
}

// c-program ------------------------------------------------------------

/// Lines c-hello must print, given the arguments we pass.
const C_HELLO_LINES: [&str; 3] = [
    "c-hello: argv[1]=from-init\n",
    "c-hello: argv[2]=two words\n",
    "c-hello: done\n",
];

/// fork + exec /bin/c-hello (built with GCC) with its stdout on a pipe;
/// expect exit 0 and its lines.
fn c_program(launcher: &Launcher) -> Outcome {
    let output = syscall::pipe().map_err(failed("pipe"))?;
    let child = in_child(|| {
        if syscall::dup2(output.write, Fd::STDOUT).is_err() {
            return 2;
        }
        let _ = syscall::close(output.read);
        let _ = syscall::close(output.write);
        let error = launcher.exec("/bin/c-hello", &["c-hello", "from-init", "two words"], &[]);
        eprintln!("c-program: execve: {}", errno_name(error));
        test_programs::EXEC_FAILED
    })?;
    let _ = syscall::close(output.write);
    let captured = read_to_end(output.read);
    let _ = syscall::close(output.read);
    let status = wait_for(child)?;
    let text = String::from_utf8_lossy(&captured.map_err(failed("read"))?).into_owned();
    // Pass the program's output on, so the console shows it too.
    print!("{text}");
    expect_exit("c-hello", status, 0)?;
    match C_HELLO_LINES.iter().find(|line| !text.contains(*line)) {
        None => Ok(Passed::Yes),
        Some(missing) => Err(format!("c-hello did not print {:?}", missing.trim_end())),
    }
}

/// Everything `fd` yields until end of file.
fn read_to_end(fd: Fd) -> Result<Vec<u8>, Errno> {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 512];
    loop {
        match syscall::read(fd, &mut buffer) {
            Ok(0) => return Ok(bytes),
            Ok(length) => bytes.extend_from_slice(&buffer[..length]),
            Err(Errno::EINTR) => {}
            Err(error) => return Err(error),
        }
    }
}
