// SPDX-License-Identifier: MIT OR Apache-2.0
//! Linux `errno` values, returned to programs negated in r0.
//!
//! Only the values the kernel already produces are listed; each keeps its
//! Linux number (include/uapi/asm-generic/errno-base.h).

/// A Linux error number (positive; the system call returns its negation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub i32);

impl Errno {
    /// Operation not permitted.
    pub const EPERM: Errno = Errno(1);
    /// No such file or directory.
    pub const ENOENT: Errno = Errno(2);
    /// Exec format error.
    pub const ENOEXEC: Errno = Errno(8);
    /// Out of memory.
    pub const ENOMEM: Errno = Errno(12);
    /// Bad address.
    pub const EFAULT: Errno = Errno(14);
    /// Invalid argument.
    pub const EINVAL: Errno = Errno(22);
    /// Function not implemented.
    pub const ENOSYS: Errno = Errno(38);

    /// The value a system call leaves in r0 for this error.
    pub const fn as_return_value(self) -> isize {
        -(self.0 as isize)
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
}
