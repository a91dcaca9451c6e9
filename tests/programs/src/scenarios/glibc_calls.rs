// SPDX-License-Identifier: MIT OR Apache-2.0
//! The small calls a static glibc program makes at start, with their errors.
//!
//! `glibc-calls` runs in a forked child, because several checks change
//! the process for good (a lowered hard limit cannot be raised again, the
//! name and dumpable flag change) and init must stay as it was for the
//! scenarios after it. The child checks, in order: set_tid_address and
//! set_robust_list, umask, madvise (DONTNEED reads back zeros), the
//! resource limits (and that a grandchild inherits lowered ones), the
//! `_time64` clocks, readlink and stat64/lstat64 on the test root's
//! symlink, fcntl and statx (in `descriptors`), getrandom and prctl. Each check that fails prints one
//! `glibc-calls:` line and the child exits 1. Bad pointers go through
//! the raw call with an address in kernel space, which the kernel must
//! refuse with `EFAULT`.

use alloc::format;
use alloc::string::String;
use core::ffi::CStr;

use userlib::Errno;
use userlib::syscall::{self, Sysnum, raw};

use super::{Outcome, Passed, failed};
use crate::{Launcher, c_string, errno_name, expect_exit, in_child, wait_for};

mod descriptors;

/// An address in the kernel's half: never a valid buffer.
const KERNEL_ADDRESS: usize = 0xc000_0000;

/// Forks, runs every check in the child, and reports its verdict.
pub fn glibc_calls(launcher: &Launcher) -> Outcome {
    let link = launcher.path("/bin/echo-link");
    let child = in_child(move || match checks(&link) {
        Ok(()) => 0,
        Err(problem) => {
            userlib::println!("glibc-calls: {problem}");
            1
        }
    })?;
    expect_exit("glibc-calls child", wait_for(child)?, 0)?;
    Ok(Passed::Yes)
}

/// Every check, the first failure as `Err`.
fn checks(link: &str) -> Result<(), String> {
    thread_hooks()?;
    file_mask()?;
    advice()?;
    limits()?;
    clocks()?;
    links(link)?;
    descriptors::checks(link)?;
    random()?;
    names()?;
    Ok(())
}

/// Makes `call` with raw `words`, expecting `expected`.
fn expect_error(
    what: &str,
    call: Sysnum,
    words: [usize; 6],
    expected: Errno,
) -> Result<(), String> {
    // SAFETY: every pointer argument is deliberately invalid (kernel
    // space) or NULL, never memory of ours, so the call cannot corrupt
    // this program.
    let r0 = unsafe { raw::syscall6(call, words) };
    match syscall::decode(r0) {
        Err(error) if error == expected => Ok(()),
        result => Err(format!(
            "{what} gave {result:?}, expected {}",
            errno_name(expected)
        )),
    }
}

/// Checks `got == wanted`, naming `what`.
fn same<T: PartialEq + core::fmt::Debug>(what: &str, got: T, wanted: T) -> Result<(), String> {
    if got == wanted {
        Ok(())
    } else {
        Err(format!("{what} gave {got:?}, expected {wanted:?}"))
    }
}

/// set_tid_address returns the tid; set_robust_list wants 12 bytes.
fn thread_hooks() -> Result<(), String> {
    static mut TID: u32 = 0;
    // SAFETY: TID is a static, valid for the whole program.
    let tid = unsafe { syscall::set_tid_address(&raw mut TID) };
    same("set_tid_address", tid, syscall::gettid().0 as u32)?;
    static mut HEAD: [u32; 3] = [0; 3];
    let head = (&raw mut HEAD).cast::<u8>();
    // SAFETY: HEAD is a static, valid for the whole program.
    unsafe { syscall::set_robust_list(head, 12) }.map_err(failed("set_robust_list(12)"))?;
    // SAFETY: as above; the length is refused before anything is stored.
    let wrong = unsafe { syscall::set_robust_list(head, 24) };
    same("set_robust_list(24)", wrong, Err(Errno::EINVAL))
}

/// umask starts at 022 and returns the old mask, permission bits only.
fn file_mask() -> Result<(), String> {
    same("umask(027)", syscall::umask(0o027), 0o022)?;
    same("umask(07777)", syscall::umask(0o7777), 0o027)?;
    same("umask(022)", syscall::umask(0o022), 0o777)
}

/// madvise: hints succeed, DONTNEED zero-fills anonymous memory, bad
/// alignment or advice is EINVAL, an unmapped range ENOMEM.
fn advice() -> Result<(), String> {
    let length = 2 * 4096;
    let rw = syscall::PROT_READ | syscall::PROT_WRITE;
    let area = syscall::mmap_anonymous(length, rw).map_err(failed("mmap2"))?;
    let pointer = area.as_ptr();
    // SAFETY: the mapping is ours, `length` bytes, readable and writable.
    unsafe { pointer.write_bytes(0xAA, length) };
    // SAFETY: nothing holds references into the mapping; the hints keep
    // its contents, and DONTNEED's loss is what we check.
    unsafe {
        syscall::madvise(pointer, length, syscall::MADV_WILLNEED)
            .map_err(failed("madvise(WILLNEED)"))?;
        // SAFETY: reading our own mapping.
        same("byte after WILLNEED", pointer.read_volatile(), 0xAA)?;
        syscall::madvise(pointer, length, syscall::MADV_DONTNEED)
            .map_err(failed("madvise(DONTNEED)"))?;
        same("byte after DONTNEED", pointer.add(4097).read_volatile(), 0)?;
        same(
            "madvise(unaligned)",
            syscall::madvise(pointer.add(1), 4096, syscall::MADV_NORMAL),
            Err(Errno::EINVAL),
        )?;
        same(
            "madvise(advice 999)",
            syscall::madvise(pointer, 4096, 999),
            Err(Errno::EINVAL),
        )?;
        syscall::munmap(pointer, length).map_err(failed("munmap"))?;
        same(
            "madvise(unmapped)",
            syscall::madvise(pointer, 4096, syscall::MADV_NORMAL),
            Err(Errno::ENOMEM),
        )
    }
}

/// The limits' defaults, lowering, the refusals, and inheritance.
fn limits() -> Result<(), String> {
    use syscall::{RLIM_INFINITY, RLIMIT_AS, RLIMIT_NOFILE, RLIMIT_STACK, Rlimit, Rlimit64};
    let stack = syscall::getrlimit(RLIMIT_STACK).map_err(failed("getrlimit(STACK)"))?;
    same(
        "RLIMIT_STACK",
        (stack.current, stack.maximum),
        (8 << 20, 8 << 20),
    )?;
    let files = syscall::getrlimit(RLIMIT_NOFILE).map_err(failed("getrlimit(NOFILE)"))?;
    same("RLIMIT_NOFILE", (files.current, files.maximum), (256, 256))?;
    let space = syscall::getrlimit(RLIMIT_AS).map_err(failed("getrlimit(AS)"))?;
    same("RLIMIT_AS", space.maximum, RLIM_INFINITY)?;
    let wide = syscall::prlimit64(0, RLIMIT_AS, None).map_err(failed("prlimit64(AS)"))?;
    same(
        "prlimit64 RLIMIT_AS",
        wide.maximum,
        syscall::RLIM64_INFINITY,
    )?;
    let lowered = Rlimit64 {
        current: 64,
        maximum: 128,
    };
    let old = syscall::prlimit64(0, RLIMIT_NOFILE, Some(&lowered));
    same("prlimit64(NOFILE, 64/128)", old, Ok(Rlimit64::both(256)))?;
    let now = syscall::getrlimit(RLIMIT_NOFILE).map_err(failed("getrlimit(NOFILE)"))?;
    same(
        "lowered RLIMIT_NOFILE",
        (now.current, now.maximum),
        (64, 128),
    )?;
    let raise = Rlimit {
        current: 64,
        maximum: 256,
    };
    same(
        "setrlimit(raise hard)",
        syscall::setrlimit(RLIMIT_NOFILE, &raise),
        Err(Errno::EPERM),
    )?;
    let inverted = Rlimit64 {
        current: 100,
        maximum: 50,
    };
    let result = syscall::prlimit64(0, RLIMIT_NOFILE, Some(&inverted));
    same("prlimit64(soft > hard)", result, Err(Errno::EINVAL))?;
    same("getrlimit(16)", syscall::getrlimit(16), Err(Errno::EINVAL))?;
    let absent = syscall::prlimit64(0x7fff_0000, RLIMIT_NOFILE, None);
    same("prlimit64(no such pid)", absent, Err(Errno::ESRCH))?;
    expect_error(
        "ugetrlimit(STACK, kernel address)",
        Sysnum::Ugetrlimit,
        [RLIMIT_STACK as usize, KERNEL_ADDRESS, 0, 0, 0, 0],
        Errno::EFAULT,
    )?;
    let grandchild = in_child(|| match syscall::getrlimit(RLIMIT_NOFILE) {
        Ok(limit) if (limit.current, limit.maximum) == (64, 128) => 0,
        _ => 1,
    })?;
    expect_exit("fork inherits the lowered limit", wait_for(grandchild)?, 0)
}

/// The `_time64` clocks agree with the 32-bit ones and check arguments.
fn clocks() -> Result<(), String> {
    use syscall::{CLOCK_MONOTONIC, Timespec64};
    let old = syscall::clock_gettime(CLOCK_MONOTONIC).map_err(failed("clock_gettime"))?;
    let new = syscall::clock_gettime64(CLOCK_MONOTONIC).map_err(failed("clock_gettime64"))?;
    if new.sec < i64::from(old.sec) || !(0..1_000_000_000).contains(&new.nsec) {
        return Err(format!("clock_gettime64 gave {new:?} after {old:?}"));
    }
    let resolution = syscall::clock_getres64(CLOCK_MONOTONIC).map_err(failed("clock_getres64"))?;
    if resolution.sec != 0 || resolution.nsec <= 0 {
        return Err(format!("clock_getres_time64 gave {resolution:?}"));
    }
    let millisecond = Timespec64::from_nanoseconds(1_000_000);
    syscall::clock_nanosleep64(CLOCK_MONOTONIC, 0, &millisecond)
        .map_err(failed("clock_nanosleep_time64"))?;
    let after = syscall::clock_gettime64(CLOCK_MONOTONIC).map_err(failed("clock_gettime64"))?;
    let slept = (after.sec - new.sec) * 1_000_000_000 + (after.nsec - new.nsec);
    if slept < 1_000_000 {
        return Err(format!("clock_nanosleep_time64 of 1 ms took {slept} ns"));
    }
    same(
        "clock_gettime64(99)",
        syscall::clock_gettime64(99),
        Err(Errno::EINVAL),
    )?;
    let bad = Timespec64 {
        sec: 0,
        nsec: 1_000_000_000,
    };
    let refused = syscall::clock_nanosleep64(CLOCK_MONOTONIC, 0, &bad);
    same(
        "clock_nanosleep_time64(nsec 1e9)",
        refused,
        Err(Errno::EINVAL),
    )?;
    expect_error(
        "clock_gettime64(MONOTONIC, kernel address)",
        Sysnum::ClockGettime64,
        [CLOCK_MONOTONIC as usize, KERNEL_ADDRESS, 0, 0, 0, 0],
        Errno::EFAULT,
    )
}

/// readlink: the target, cut without a NUL; EINVAL for a file that is
/// no link; ENOENT for `/proc/self/exe`.
fn links(link: &str) -> Result<(), String> {
    let path = c_string(link).ok_or("the link path holds a NUL")?;
    let mut buffer = [0u8; 64];
    let target = syscall::readlink(&path, &mut buffer).map_err(failed("readlink"))?;
    same("readlink", target, b"echo-args".as_slice())?;
    let mut short = [0u8; 4];
    let cut = syscall::readlink(&path, &mut short).map_err(failed("readlink(4 bytes)"))?;
    same("readlink into 4 bytes", cut, b"echo".as_slice())?;
    let file = c_string(&link.replace("echo-link", "echo-args")).ok_or("NUL in path")?;
    same(
        "readlink(file)",
        syscall::readlink(&file, &mut buffer).map(<[u8]>::len),
        Err(Errno::EINVAL),
    )?;
    let exe = c"/proc/self/exe";
    same(
        "readlink(/proc/self/exe)",
        syscall::readlink(exe, &mut buffer).map(<[u8]>::len),
        Err(Errno::ENOENT),
    )?;
    statuses(&path, &file)?;
    expect_error(
        "readlink(link, kernel address)",
        Sysnum::Readlink,
        [path.as_ptr() as usize, KERNEL_ADDRESS, 16, 0, 0, 0],
        Errno::EFAULT,
    )?;
    expect_error(
        "readlink(link, buffer, 0)",
        Sysnum::Readlink,
        [path.as_ptr() as usize, 0, 0, 0, 0, 0],
        Errno::EINVAL,
    )
}

/// stat64 follows the link to the file, lstat64 sees the link itself.
fn statuses(link: &CStr, file: &CStr) -> Result<(), String> {
    use syscall::{S_IFMT, S_IFREG};
    let linked = syscall::stat64(link).map_err(failed("stat64(link)"))?;
    let target = syscall::stat64(file).map_err(failed("stat64(file)"))?;
    same("stat64(link) type", linked.st_mode & S_IFMT, S_IFREG)?;
    same("stat64(link) inode", linked.st_ino, target.st_ino)?;
    if target.st_size <= 0 {
        return Err(format!("stat64(file) size {}", target.st_size));
    }
    let itself = syscall::lstat64(link).map_err(failed("lstat64(link)"))?;
    same("lstat64(link) type", itself.st_mode & S_IFMT, 0o120_000)?;
    same("lstat64(link) size", itself.st_size, 9)?;
    let missing = syscall::stat64(c"/no/such/file").map(|status| status.st_ino);
    same("stat64(missing)", missing, Err(Errno::ENOENT))?;
    let empty = syscall::fstatat64(syscall::AT_FDCWD, c"", 0).map(|status| status.st_ino);
    same("fstatat64(\"\")", empty, Err(Errno::ENOENT))?;
    let flags = syscall::fstatat64(syscall::AT_FDCWD, file, 0x8000).map(|status| status.st_ino);
    same("fstatat64(flags 0x8000)", flags, Err(Errno::EINVAL))?;
    expect_error(
        "stat64(file, kernel address)",
        Sysnum::Stat64,
        [file.as_ptr() as usize, KERNEL_ADDRESS, 0, 0, 0, 0],
        Errno::EFAULT,
    )
}

/// getrandom fills the buffer with bytes that differ per call.
fn random() -> Result<(), String> {
    let (mut first, mut second) = ([0u8; 32], [0u8; 32]);
    same("getrandom(32)", syscall::getrandom(&mut first, 0), Ok(32))?;
    let flags = syscall::GRND_NONBLOCK;
    same(
        "getrandom(32, NONBLOCK)",
        syscall::getrandom(&mut second, flags),
        Ok(32),
    )?;
    if first == second || first == [0; 32] {
        return Err(format!("getrandom gave {first:02x?} then {second:02x?}"));
    }
    same(
        "getrandom(flags 8)",
        syscall::getrandom(&mut first, 8),
        Err(Errno::EINVAL),
    )?;
    let both = syscall::GRND_RANDOM | syscall::GRND_INSECURE;
    same(
        "getrandom(RANDOM|INSECURE)",
        syscall::getrandom(&mut first, both),
        Err(Errno::EINVAL),
    )?;
    same("getrandom(0 bytes)", syscall::getrandom(&mut [], 0), Ok(0))?;
    expect_error(
        "getrandom(kernel address)",
        Sysnum::Getrandom,
        [KERNEL_ADDRESS, 16, 0, 0, 0, 0],
        Errno::EFAULT,
    )
}

/// prctl: the name (inherited by fork, cut at 15 bytes) and dumpable.
fn names() -> Result<(), String> {
    let name = syscall::get_name().map_err(failed("PR_GET_NAME"))?;
    same("PR_GET_NAME", &name[..5], b"init\0".as_slice())?;
    syscall::set_name(c"glibc-calls-long-name").map_err(failed("PR_SET_NAME"))?;
    let name = syscall::get_name().map_err(failed("PR_GET_NAME"))?;
    same("PR_GET_NAME after set", &name, b"glibc-calls-lon\0")?;
    same("PR_GET_DUMPABLE", syscall::get_dumpable(), Ok(true))?;
    syscall::set_dumpable(0).map_err(failed("PR_SET_DUMPABLE(0)"))?;
    same(
        "PR_GET_DUMPABLE after 0",
        syscall::get_dumpable(),
        Ok(false),
    )?;
    same(
        "PR_SET_DUMPABLE(2)",
        syscall::set_dumpable(2),
        Err(Errno::EINVAL),
    )?;
    expect_error(
        "prctl(9999)",
        Sysnum::Prctl,
        [9999, 0, 0, 0, 0, 0],
        Errno::EINVAL,
    )?;
    expect_error(
        "prctl(PR_GET_NAME, kernel address)",
        Sysnum::Prctl,
        [syscall::PR_GET_NAME as usize, KERNEL_ADDRESS, 0, 0, 0, 0],
        Errno::EFAULT,
    )?;
    Ok(())
}
