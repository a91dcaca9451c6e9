// SPDX-License-Identifier: MIT OR Apache-2.0
//! The vDSO's contract: its names, its version and its data-page layout.
//!
//! The vDSO (`kernel/vdso`, linked into `vdso.so`) is a shared object the
//! kernel maps into every process at `VDSO_BASE`: one page of text, then one
//! read-only page of data, [`VdsoData`], that the kernel fills in per process.
//! Three parties read this file and must agree:
//!
//! - the vDSO's assembly loads [`VdsoData::direct_entry`] from
//!   [`VDSO_DATA_OFFSET`] + [`VdsoData::DIRECT_ENTRY_OFFSET`] past its own
//!   first byte, PC-relatively (both reach it as `const` operands);
//! - xtask links and checks `vdso.so` against [`SONAME`], [`VERSION_NODE`]
//!   and [`SYMBOLS`], each exported also as [`ALIAS_PREFIX`]`<name>`;
//! - the kernel writes the data page with [`VdsoData::to_bytes`] and binds an
//!   app's imports to these names at [`VERSION_NODE`].
//!
//! The entry points return what the kernel put in r0, as Linux's own vDSO
//! functions do: a value `>= 0` on success, `-errno` on failure (there is no
//! C library in between to turn that into `-1` and `errno`).
//!
//! # Direct entry
//! `direct_entry` is 0 in a USR-mode process: each entry point makes the
//! Linux EABI system call (`svc #0`, number in r7). In a SYSTEM-mode process
//! it is the address of the kernel's trampoline, and the entry point calls it
//! with `blx` in the same register convention: arguments in r0-r5, the
//! number in r7, the return address in lr, sp the thread's own (8-byte
//! aligned) stack, ARM state; the result comes back in r0. The trampoline
//! (`kml_direct_entry` in the arch crate) saves every register in the trap
//! frame an `svc` would have built and restores them all but r0, as the
//! `svc` path does; the entry point saves r4, r5, r7 and lr itself all the
//! same, so it relies on no more than AAPCS promises of any function.
//!
//! # The time without the kernel
//! Where the kernel's monotonic clock is a counter programs may read (the
//! generic timer's CNTVCT on the Cortex-A15), the data page gives its
//! frequency and reciprocal and `clock_gettime` computes the time in the
//! vDSO ([`CounterScale::split`]), in both modes; otherwise (the
//! Cortex-A9) `counter_frequency` is 0 and the call enters the kernel.

use crate::bytes::{put_u32, put_u64};
use crate::counter::CounterScale;

/// The vDSO's `DT_SONAME`, as on Linux.
pub const SONAME: &str = "linux-vdso.so.1";
/// The version node every symbol is defined at, as on Linux.
pub const VERSION_NODE: &str = "LINUX_2.6";
/// Every entry point is exported a second time under this prefix
/// (`clock_gettime` and `__vdso_clock_gettime`), the name C libraries look
/// up in a vDSO.
pub const ALIAS_PREFIX: &str = "__vdso_";

/// The exported entry points, by their plain names.
///
/// The first five are the old KML's set; the rest are the calls a real-time
/// program makes most. `kernel_sched_timeout(ts)` is the old KML call, kept
/// for its programs: it sleeps for the relative time `*ts` on
/// `CLOCK_MONOTONIC`, that is `clock_nanosleep(CLOCK_MONOTONIC, 0, ts,
/// NULL)`. `syscall(number, a0, ..., a5)` makes any system call, with the
/// C library's prototype (the number first, the last three arguments on
/// the stack): the way in for every call without a name here, so that a
/// SYSTEM-mode program never needs `svc`. Every other name is the Linux
/// system call of that name.
pub const SYMBOLS: [&str; 18] = [
    "clock_gettime",
    "gettimeofday",
    "sched_yield",
    "nanosleep",
    "kernel_sched_timeout",
    "getpid",
    "gettid",
    "getppid",
    "read",
    "write",
    "clock_nanosleep",
    "clock_getres",
    "sched_setscheduler",
    "sched_getscheduler",
    "sched_setparam",
    "sched_getparam",
    "exit",
    "syscall",
];

/// Where the vDSO's text (its ELF image, headers first) starts, from
/// `VDSO_BASE`.
pub const VDSO_TEXT_OFFSET: u32 = 0;
/// Where the data page starts, from `VDSO_BASE`: the text, headers
/// included, must fit in the page before it (the link checks).
pub const VDSO_DATA_OFFSET: u32 = 0x1000;
/// Size of the data page the kernel maps.
pub const VDSO_DATA_PAGE_SIZE: u32 = 0x1000;

/// [`VdsoData::magic`]: the page starts with the bytes `KMLv`.
pub const VDSO_MAGIC: u32 = u32::from_le_bytes(*b"KMLv");
/// [`VdsoData::version`]: bumped whenever a field is added or changes.
pub const VDSO_DATA_VERSION: u32 = 2;

/// Reserved words after the fields, so later versions fit in the same
/// 64 bytes.
const RESERVED_WORDS: usize = 10;

/// The vDSO data page, as the vDSO code reads it (little-endian words).
///
/// The kernel writes it with [`VdsoData::to_bytes`] at the start of a zeroed
/// page mapped read-only at `VDSO_BASE + VDSO_DATA_OFFSET`. There are two
/// such pages, one for USR-mode processes and one for SYSTEM-mode ones;
/// they differ only in `direct_entry`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VdsoData {
    /// [`VDSO_MAGIC`], so a dump of the page shows what it is.
    pub magic: u32,
    /// [`VDSO_DATA_VERSION`].
    pub version: u32,
    /// 0 in a USR-mode process (the vDSO traps with `svc`); in a SYSTEM-mode
    /// process, the address of the kernel's direct-entry trampoline (see the
    /// module documentation for its register convention).
    pub direct_entry: u32,
    /// The frequency of the generic timer's virtual counter (CNTVCT) when
    /// the monotonic clock is that counter and programs may read it
    /// (CNTKCTL.PL0VCTEN): `clock_gettime` is then answered in the vDSO,
    /// as [`CounterScale::split`] of the count. 0: ask the kernel (the
    /// Cortex-A9 has no generic timer).
    pub counter_frequency: u32,
    /// [`CounterScale::reciprocal`] of `counter_frequency`.
    pub counter_reciprocal: u64,
    /// Zero in this version.
    pub reserved: [u32; RESERVED_WORDS],
}

const _: () = assert!(core::mem::offset_of!(VdsoData, magic) == VdsoData::MAGIC_OFFSET);
const _: () = assert!(core::mem::offset_of!(VdsoData, version) == VdsoData::VERSION_OFFSET);
const _: () =
    assert!(core::mem::offset_of!(VdsoData, direct_entry) == VdsoData::DIRECT_ENTRY_OFFSET);
const _: () = assert!(
    core::mem::offset_of!(VdsoData, counter_frequency) == VdsoData::COUNTER_FREQUENCY_OFFSET
);
const _: () = assert!(
    core::mem::offset_of!(VdsoData, counter_reciprocal) == VdsoData::COUNTER_RECIPROCAL_OFFSET
);
const _: () = assert!(core::mem::offset_of!(VdsoData, reserved) == VdsoData::RESERVED_OFFSET);
const _: () = assert!(core::mem::size_of::<VdsoData>() == VdsoData::SIZE);
const _: () = assert!(VdsoData::SIZE <= VDSO_DATA_PAGE_SIZE as usize);
// The vDSO loads `direct_entry` with a word `ldr`: keep it word-aligned.
const _: () = assert!(VdsoData::DIRECT_ENTRY_OFFSET.is_multiple_of(4));
// The text page comes first, the data page right after it, page-aligned.
const _: () = assert!(VDSO_TEXT_OFFSET == 0 && VDSO_DATA_OFFSET == 0x1000);

impl VdsoData {
    /// Size of the struct in bytes.
    pub const SIZE: usize = 64;
    /// Offset of [`VdsoData::magic`].
    pub const MAGIC_OFFSET: usize = 0;
    /// Offset of [`VdsoData::version`].
    pub const VERSION_OFFSET: usize = 4;
    /// Offset of [`VdsoData::direct_entry`]: the vDSO code loads this word.
    pub const DIRECT_ENTRY_OFFSET: usize = 8;
    /// Offset of [`VdsoData::counter_frequency`].
    pub const COUNTER_FREQUENCY_OFFSET: usize = 12;
    /// Offset of [`VdsoData::counter_reciprocal`].
    pub const COUNTER_RECIPROCAL_OFFSET: usize = 16;
    /// Offset of [`VdsoData::reserved`].
    pub const RESERVED_OFFSET: usize = 24;

    /// The page of a process whose vDSO calls `direct_entry` (a SYSTEM-mode
    /// process; 0 means trap with `svc`) and reads the counter `counter`
    /// describes, if any.
    pub const fn new(direct_entry: u32, counter: Option<CounterScale>) -> VdsoData {
        let (counter_frequency, counter_reciprocal) = match counter {
            Some(scale) => (scale.frequency, scale.reciprocal),
            None => (0, 0),
        };
        VdsoData {
            magic: VDSO_MAGIC,
            version: VDSO_DATA_VERSION,
            direct_entry,
            counter_frequency,
            counter_reciprocal,
            reserved: [0; RESERVED_WORDS],
        }
    }

    /// The counter the vDSO may read, if any.
    pub const fn counter(&self) -> Option<CounterScale> {
        if self.counter_frequency == 0 {
            return None;
        }
        Some(CounterScale {
            frequency: self.counter_frequency,
            reciprocal: self.counter_reciprocal,
        })
    }

    /// The bytes the vDSO code reads, little-endian.
    pub fn to_bytes(&self) -> [u8; Self::SIZE] {
        let mut bytes = [0; Self::SIZE];
        put_u32(&mut bytes, Self::MAGIC_OFFSET, self.magic);
        put_u32(&mut bytes, Self::VERSION_OFFSET, self.version);
        put_u32(&mut bytes, Self::DIRECT_ENTRY_OFFSET, self.direct_entry);
        put_u32(
            &mut bytes,
            Self::COUNTER_FREQUENCY_OFFSET,
            self.counter_frequency,
        );
        put_u64(
            &mut bytes,
            Self::COUNTER_RECIPROCAL_OFFSET,
            self.counter_reciprocal,
        );
        for (index, word) in self.reserved.iter().enumerate() {
            put_u32(&mut bytes, Self::RESERVED_OFFSET + 4 * index, *word);
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytes::get_u32;

    #[test]
    fn the_page_starts_with_the_magic() {
        let bytes = VdsoData::new(0, None).to_bytes();
        assert_eq!(&bytes[..4], b"KMLv");
        assert_eq!(get_u32(&bytes, VdsoData::VERSION_OFFSET), VDSO_DATA_VERSION);
    }

    #[test]
    fn direct_entry_sits_where_the_vdso_loads_it() {
        let bytes = VdsoData::new(0xC000_1234, None).to_bytes();
        assert_eq!(get_u32(&bytes, 8), 0xC000_1234);
        assert_eq!(
            get_u32(
                &VdsoData::new(0, None).to_bytes(),
                VdsoData::DIRECT_ENTRY_OFFSET
            ),
            0
        );
        assert!(
            bytes[VdsoData::COUNTER_FREQUENCY_OFFSET..]
                .iter()
                .all(|&b| b == 0)
        );
    }

    #[test]
    fn the_counter_scale_round_trips() {
        let scale = CounterScale::new(62_500_000);
        let data = VdsoData::new(0, scale);
        let bytes = data.to_bytes();
        assert_eq!(
            get_u32(&bytes, VdsoData::COUNTER_FREQUENCY_OFFSET),
            62_500_000
        );
        assert_eq!(
            crate::bytes::get_u64(&bytes, VdsoData::COUNTER_RECIPROCAL_OFFSET),
            u64::MAX / 62_500_000
        );
        assert_eq!(data.counter(), scale);
        assert_eq!(VdsoData::new(0, None).counter(), None);
    }

    #[test]
    fn symbols_are_unique_and_plain() {
        for (index, name) in SYMBOLS.iter().enumerate() {
            assert!(!name.starts_with(ALIAS_PREFIX), "{name}");
            assert!(!SYMBOLS[..index].contains(name), "{name} twice");
        }
        assert_eq!(
            &SYMBOLS[..5],
            &[
                "clock_gettime",
                "gettimeofday",
                "sched_yield",
                "nanosleep",
                "kernel_sched_timeout"
            ]
        );
    }
}
