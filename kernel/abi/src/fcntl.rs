// SPDX-License-Identifier: MIT OR Apache-2.0
//! open flags, fcntl commands, lseek whences and the `*at` conventions.
//!
//! Values are ARM's (arch/arm/include/uapi/asm/fcntl.h over
//! asm-generic/fcntl.h). ARM differs from most architectures in four
//! flags: `O_DIRECTORY`, `O_NOFOLLOW`, `O_DIRECT` and `O_LARGEFILE` swap
//! places, so copying x86's numbers would be a real bug here. The values
//! are checked against arm-linux-gnueabihf's headers.

/// Open for reading only.
pub const O_RDONLY: u32 = 0o0;
/// Open for writing only.
pub const O_WRONLY: u32 = 0o1;
/// Open for reading and writing.
pub const O_RDWR: u32 = 0o2;
/// Mask of the access mode (the three above).
pub const O_ACCMODE: u32 = 0o3;
/// Create the file if it does not exist.
pub const O_CREAT: u32 = 0o100;
/// With `O_CREAT`, fail if it exists.
pub const O_EXCL: u32 = 0o200;
/// Do not make the terminal the controlling one.
pub const O_NOCTTY: u32 = 0o400;
/// Truncate to length 0.
pub const O_TRUNC: u32 = 0o1000;
/// Every write goes to the end.
pub const O_APPEND: u32 = 0o2000;
/// Never block: reads and writes give EAGAIN instead.
pub const O_NONBLOCK: u32 = 0o4000;
/// Synchronous data writes.
pub const O_DSYNC: u32 = 0o10000;
/// Signal-driven I/O (`FASYNC`).
pub const O_ASYNC: u32 = 0o20000;
/// Fail unless the path is a directory (ARM value).
pub const O_DIRECTORY: u32 = 0o40000;
/// Fail if the last component is a symbolic link (ARM value).
pub const O_NOFOLLOW: u32 = 0o100000;
/// Bypass the page cache (ARM value).
pub const O_DIRECT: u32 = 0o200000;
/// Allow files past 2 GiB (ARM value; implied by open on 32-bit glibc).
pub const O_LARGEFILE: u32 = 0o400000;
/// Do not update the access time.
pub const O_NOATIME: u32 = 0o1000000;
/// Close on execve.
pub const O_CLOEXEC: u32 = 0o2000000;
/// Synchronous writes (data and metadata).
pub const O_SYNC: u32 = 0o4000000 | O_DSYNC;
/// A handle for the path only.
pub const O_PATH: u32 = 0o10000000;

/// Duplicate to the lowest free descriptor at or above the argument.
pub const F_DUPFD: u32 = 0;
/// Get the descriptor flags (`FD_CLOEXEC`).
pub const F_GETFD: u32 = 1;
/// Set the descriptor flags.
pub const F_SETFD: u32 = 2;
/// Get the file status flags (`O_*`).
pub const F_GETFL: u32 = 3;
/// Set the file status flags (`O_APPEND`, `O_NONBLOCK`, ...).
pub const F_SETFL: u32 = 4;
/// Test a record lock.
pub const F_GETLK: u32 = 5;
/// Set a record lock.
pub const F_SETLK: u32 = 6;
/// Set a record lock, waiting.
pub const F_SETLKW: u32 = 7;
/// `F_DUPFD` with close-on-exec set on the new descriptor.
pub const F_DUPFD_CLOEXEC: u32 = 1030;
/// The descriptor flag: close on execve.
pub const FD_CLOEXEC: u32 = 1;

/// `*at` calls: relative paths start at the working directory.
pub const AT_FDCWD: i32 = -100;
/// `*at` calls: do not follow a final symbolic link.
pub const AT_SYMLINK_NOFOLLOW: u32 = 0x100;
/// unlinkat: remove a directory.
pub const AT_REMOVEDIR: u32 = 0x200;
/// linkat: follow a final symbolic link.
pub const AT_SYMLINK_FOLLOW: u32 = 0x400;
/// `*at` calls: an empty path means the descriptor itself.
pub const AT_EMPTY_PATH: u32 = 0x1000;

/// lseek: from the start.
pub const SEEK_SET: u32 = 0;
/// lseek: from the current offset.
pub const SEEK_CUR: u32 = 1;
/// lseek: from the end.
pub const SEEK_END: u32 = 2;

/// access and faccessat: the file exists.
pub const F_OK: u32 = 0;
/// access: may execute.
pub const X_OK: u32 = 1;
/// access: may write.
pub const W_OK: u32 = 2;
/// access: may read.
pub const R_OK: u32 = 4;

/// The longest path a system call accepts, NUL included (`PATH_MAX`).
pub const PATH_MAX: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arm_values_differ_from_x86() {
        // Checked against arm-linux-gnueabihf's <asm/fcntl.h>.
        assert_eq!(O_DIRECTORY, 0x4000);
        assert_eq!(O_NOFOLLOW, 0x8000);
        assert_eq!(O_DIRECT, 0x1_0000);
        assert_eq!(O_LARGEFILE, 0x2_0000);
        assert_eq!(O_CLOEXEC, 0x8_0000);
        assert_eq!(O_SYNC, 0x10_1000);
        assert_eq!(AT_FDCWD as u32, 0xFFFF_FF9C);
    }

    #[test]
    fn flags_do_not_overlap() {
        let flags = [
            O_CREAT,
            O_EXCL,
            O_NOCTTY,
            O_TRUNC,
            O_APPEND,
            O_NONBLOCK,
            O_DSYNC,
            O_ASYNC,
            O_DIRECTORY,
            O_NOFOLLOW,
            O_DIRECT,
            O_LARGEFILE,
            O_NOATIME,
            O_CLOEXEC,
            O_PATH,
        ];
        let mut seen = O_ACCMODE;
        for flag in flags {
            assert_eq!(flag.count_ones(), 1);
            assert_eq!(seen & flag, 0, "{flag:#o}");
            seen |= flag;
        }
    }
}
