// SPDX-License-Identifier: MIT OR Apache-2.0
//! `struct sysinfo`, which the sysinfo system call fills in.
//!
//! Layout from include/uapi/linux/sysinfo.h for a 32-bit `long`: 64 bytes,
//! with `mem_unit` scaling the memory fields (we always report 1).

use crate::bytes::{put_u16, put_u32};

/// Size of the struct on ARM.
pub const SYSINFO_SIZE: usize = 64;

/// What sysinfo reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sysinfo {
    /// Seconds since boot.
    pub uptime: u32,
    /// `loads[0]`. Linux puts the 1-minute load average there; KML-rs has
    /// no load average and reports how many times the CPU went idle (WFI)
    /// since boot instead, which is how tests see an idle system.
    pub idle_entries: u32,
    /// `loads[1]`: how many exceptions the kernel has taken since boot
    /// (system calls by `svc`, interrupts, aborts; not direct calls), which
    /// is how the benchmarks count exceptions per operation.
    pub exceptions: u32,
    /// Total usable RAM in bytes.
    pub total_ram: u32,
    /// Free RAM in bytes.
    pub free_ram: u32,
    /// Number of processes.
    pub processes: u16,
}

impl Sysinfo {
    /// The bytes a program sees: uptime, loads[3], totalram, freeram,
    /// sharedram, bufferram, totalswap, freeswap, procs, pad, totalhigh,
    /// freehigh, mem_unit, padding.
    pub fn to_bytes(&self) -> [u8; SYSINFO_SIZE] {
        let mut bytes = [0; SYSINFO_SIZE];
        put_u32(&mut bytes, 0, self.uptime);
        put_u32(&mut bytes, 4, self.idle_entries);
        put_u32(&mut bytes, 8, self.exceptions);
        put_u32(&mut bytes, 16, self.total_ram);
        put_u32(&mut bytes, 20, self.free_ram);
        put_u16(&mut bytes, 40, self.processes);
        put_u32(&mut bytes, 52, 1);
        bytes
    }

    /// Free RAM in bytes from the bytes of a struct (for programs).
    pub fn free_ram_of(bytes: &[u8; SYSINFO_SIZE]) -> u32 {
        u32::from_le_bytes([bytes[20], bytes[21], bytes[22], bytes[23]])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_sit_where_linux_puts_them() {
        let info = Sysinfo {
            uptime: 7,
            idle_entries: 9,
            exceptions: 11,
            total_ram: 0x1000,
            free_ram: 0x800,
            processes: 3,
        };
        let bytes = info.to_bytes();
        assert_eq!(bytes[0], 7);
        assert_eq!(bytes[4], 9);
        assert_eq!(bytes[8], 11);
        assert_eq!(Sysinfo::free_ram_of(&bytes), 0x800);
        assert_eq!(u16::from_le_bytes([bytes[40], bytes[41]]), 3);
        assert_eq!(
            u32::from_le_bytes([bytes[52], bytes[53], bytes[54], bytes[55]]),
            1
        );
    }
}
