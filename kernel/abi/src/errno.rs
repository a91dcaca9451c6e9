// SPDX-License-Identifier: MIT OR Apache-2.0
//! Linux `errno` values, returned to programs negated in r0.
//!
//! Every value keeps its Linux number: 1 to 40 from
//! include/uapi/asm-generic/errno-base.h and errno.h (the same on ARM), and
//! the few larger ones the kernel produces. A system call that fails leaves
//! `-errno` in r0, so values in `-4095..=-1` are errors to the caller.
//! [`Errno::name`] gives the C name for log lines.

/// A Linux error number (positive; the system call returns its negation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Errno(pub i32);

/// Declares each errno constant once, with its doc, and the name table.
macro_rules! errnos {
    ($($name:ident = $value:literal, $doc:literal;)*) => {
        impl Errno {
            $(
                #[doc = $doc]
                pub const $name: Errno = Errno($value);
            )*

            /// Every named value, in the order declared (for tests and tools).
            pub const ALL: &'static [Errno] = &[$(Errno::$name),*];

            /// The C name (`"ENOENT"`), or `"E?"` for a number we do not name.
            pub const fn name(self) -> &'static str {
                match self.0 {
                    $($value => stringify!($name),)*
                    _ => "E?",
                }
            }
        }
    };
}

errnos! {
    EPERM = 1, "Operation not permitted.";
    ENOENT = 2, "No such file or directory.";
    ESRCH = 3, "No such process.";
    EINTR = 4, "Interrupted system call.";
    EIO = 5, "I/O error.";
    ENXIO = 6, "No such device or address.";
    E2BIG = 7, "Argument list too long.";
    ENOEXEC = 8, "Exec format error.";
    EBADF = 9, "Bad file number.";
    ECHILD = 10, "No child processes.";
    EAGAIN = 11, "Try again (also `EWOULDBLOCK`).";
    ENOMEM = 12, "Out of memory.";
    EACCES = 13, "Permission denied.";
    EFAULT = 14, "Bad address.";
    ENOTBLK = 15, "Block device required.";
    EBUSY = 16, "Device or resource busy.";
    EEXIST = 17, "File exists.";
    EXDEV = 18, "Cross-device link.";
    ENODEV = 19, "No such device.";
    ENOTDIR = 20, "Not a directory.";
    EISDIR = 21, "Is a directory.";
    EINVAL = 22, "Invalid argument.";
    ENFILE = 23, "File table overflow.";
    EMFILE = 24, "Too many open files.";
    ENOTTY = 25, "Not a typewriter (inappropriate ioctl).";
    ETXTBSY = 26, "Text file busy.";
    EFBIG = 27, "File too large.";
    ENOSPC = 28, "No space left on device.";
    ESPIPE = 29, "Illegal seek.";
    EROFS = 30, "Read-only file system.";
    EMLINK = 31, "Too many links.";
    EPIPE = 32, "Broken pipe.";
    EDOM = 33, "Math argument out of domain of function.";
    ERANGE = 34, "Math result not representable.";
    EDEADLK = 35, "Resource deadlock would occur.";
    ENAMETOOLONG = 36, "File name too long.";
    ENOLCK = 37, "No record locks available.";
    ENOSYS = 38, "Function not implemented.";
    ENOTEMPTY = 39, "Directory not empty.";
    ELOOP = 40, "Too many symbolic links encountered.";
    EOVERFLOW = 75, "Value too large for defined data type.";
    EOPNOTSUPP = 95, "Operation not supported (also `ENOTSUP`).";
    ETIMEDOUT = 110, "Connection timed out (and futex or semaphore timeouts).";
}

impl Errno {
    /// Operation would block: the same number as [`Errno::EAGAIN`].
    pub const EWOULDBLOCK: Errno = Errno::EAGAIN;
    /// Not supported: the same number as [`Errno::EOPNOTSUPP`].
    pub const ENOTSUP: Errno = Errno::EOPNOTSUPP;

    /// The largest errno: r0 values `-MAX..=-1` are errors, the rest results.
    pub const MAX: i32 = 4095;

    /// The value a system call leaves in r0 for this error.
    pub const fn as_return_value(self) -> isize {
        -(self.0 as isize)
    }

    /// The error a raw r0 holds, if it holds one (Linux's rule: `-4095..=-1`).
    pub const fn from_return_value(r0: u32) -> Option<Errno> {
        let value = r0 as i32;
        if value < 0 && value >= -Errno::MAX {
            Some(Errno(-value))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_return_negated() {
        assert_eq!(Errno::ENOSYS.as_return_value(), -38);
        assert_eq!(Errno::ENOEXEC.as_return_value(), -8);
    }

    #[test]
    fn numbers_are_linux_numbers() {
        // Spot checks against asm-generic/errno-base.h and errno.h.
        assert_eq!(Errno::ESRCH.0, 3);
        assert_eq!(Errno::EBADF.0, 9);
        assert_eq!(Errno::EAGAIN.0, 11);
        assert_eq!(Errno::EWOULDBLOCK, Errno::EAGAIN);
        assert_eq!(Errno::ENOTDIR.0, 20);
        assert_eq!(Errno::EMFILE.0, 24);
        assert_eq!(Errno::ENOTTY.0, 25);
        assert_eq!(Errno::ESPIPE.0, 29);
        assert_eq!(Errno::EPIPE.0, 32);
        assert_eq!(Errno::ENAMETOOLONG.0, 36);
        assert_eq!(Errno::ELOOP.0, 40);
        assert_eq!(Errno::EOVERFLOW.0, 75);
        assert_eq!(Errno::ETIMEDOUT.0, 110);
    }

    #[test]
    fn one_to_forty_are_all_named_once() {
        for value in 1..=40 {
            let count = Errno::ALL.iter().filter(|errno| errno.0 == value).count();
            assert_eq!(count, 1, "errno {value}");
        }
        for (index, errno) in Errno::ALL.iter().enumerate() {
            assert!(
                !Errno::ALL[..index].contains(errno),
                "{} twice",
                errno.name()
            );
        }
    }

    #[test]
    fn names_match_constants() {
        assert_eq!(Errno::ENOENT.name(), "ENOENT");
        assert_eq!(Errno::EWOULDBLOCK.name(), "EAGAIN");
        assert_eq!(Errno(1000).name(), "E?");
    }

    #[test]
    fn raw_results_decode() {
        assert_eq!(Errno::from_return_value(-2i32 as u32), Some(Errno::ENOENT));
        assert_eq!(Errno::from_return_value(-4095i32 as u32), Some(Errno(4095)));
        assert_eq!(Errno::from_return_value(-4096i32 as u32), None);
        assert_eq!(Errno::from_return_value(0), None);
        assert_eq!(Errno::from_return_value(0x7000_0000), None);
    }
}
