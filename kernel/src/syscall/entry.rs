// SPDX-License-Identifier: MIT OR Apache-2.0
//! The two ways a system call enters the kernel, and their counts.
//!
//! A USR-mode program traps with `svc`; a SYSTEM-mode program's vDSO calls
//! the kernel's trampoline directly (Kernel-Mode Linux). Both reach
//! [`super::handle`] with the same frame. Each process counts its calls by
//! way in, so a test can prove that a trusted program took no exception
//! for them: the counts appear in the exit report (`kml.exit_report` on
//! the kernel command line).

/// How a system call entered the kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// An `svc` exception.
    Trap,
    /// A plain call through the direct-entry trampoline.
    Direct,
}

/// System calls made by the program a process runs, by way in. A new
/// process and a new program (execve) start from zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyscallCounts {
    /// Entered by `svc`.
    pub trapped: u64,
    /// Entered through the trampoline.
    pub direct: u64,
}

impl SyscallCounts {
    /// Counts one call that entered by `entry`.
    pub fn record(&mut self, entry: Entry) {
        match entry {
            Entry::Trap => self.trapped += 1,
            Entry::Direct => self.direct += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_way_apart() {
        let mut counts = SyscallCounts::default();
        counts.record(Entry::Trap);
        counts.record(Entry::Direct);
        counts.record(Entry::Direct);
        assert_eq!(
            counts,
            SyscallCounts {
                trapped: 1,
                direct: 2
            }
        );
    }
}
