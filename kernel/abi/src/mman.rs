// SPDX-License-Identifier: MIT OR Apache-2.0
//! mmap2, mprotect and munmap flags.
//!
//! Values from include/uapi/asm-generic/mman-common.h and mman.h, which ARM
//! uses unchanged. mmap2's offset argument counts 4096-byte units, so a
//! 32-bit program can map far into a large file; anonymous mappings ignore
//! it.

/// Pages may not be accessed.
pub const PROT_NONE: u32 = 0x0;
/// Pages may be read.
pub const PROT_READ: u32 = 0x1;
/// Pages may be written.
pub const PROT_WRITE: u32 = 0x2;
/// Pages may be executed.
pub const PROT_EXEC: u32 = 0x4;
/// mprotect: extend the change down to the start of a grows-down mapping.
pub const PROT_GROWSDOWN: u32 = 0x0100_0000;
/// mprotect: extend the change up to the end of a grows-up mapping.
pub const PROT_GROWSUP: u32 = 0x0200_0000;
/// The access bits mmap2 and mprotect understand.
pub const PROT_MASK: u32 = PROT_READ | PROT_WRITE | PROT_EXEC;

/// Changes are shared with other mappings of the object.
pub const MAP_SHARED: u32 = 0x01;
/// Changes are private (copy-on-write).
pub const MAP_PRIVATE: u32 = 0x02;
/// `MAP_SHARED` that refuses unknown flags.
pub const MAP_SHARED_VALIDATE: u32 = 0x03;
/// Mask of the sharing type.
pub const MAP_TYPE: u32 = 0x0f;
/// Place the mapping exactly at the address, replacing what was there.
pub const MAP_FIXED: u32 = 0x10;
/// Not backed by a file: zero-filled.
pub const MAP_ANONYMOUS: u32 = 0x20;
/// Stack-like mapping that grows down.
pub const MAP_GROWSDOWN: u32 = 0x0100;
/// Ignored (historic).
pub const MAP_DENYWRITE: u32 = 0x0800;
/// Ignored (historic).
pub const MAP_EXECUTABLE: u32 = 0x1000;
/// Lock the pages in memory.
pub const MAP_LOCKED: u32 = 0x2000;
/// Do not reserve swap.
pub const MAP_NORESERVE: u32 = 0x4000;
/// Fill the pages now rather than on first touch.
pub const MAP_POPULATE: u32 = 0x8000;
/// With `MAP_POPULATE`, do not block on I/O.
pub const MAP_NONBLOCK: u32 = 0x0001_0000;
/// The mapping is a thread stack (a hint).
pub const MAP_STACK: u32 = 0x0002_0000;
/// Use huge pages.
pub const MAP_HUGETLB: u32 = 0x0004_0000;
/// Like `MAP_FIXED`, but fail with EEXIST instead of replacing.
pub const MAP_FIXED_NOREPLACE: u32 = 0x0010_0000;

/// What mmap2 returns on failure, seen as a pointer (`(void *)-1`).
pub const MAP_FAILED: u32 = u32::MAX;
/// mmap2's offset unit: the offset argument is in 4096-byte pages.
pub const MMAP2_UNIT: u32 = 4096;

/// madvise: no special treatment.
pub const MADV_NORMAL: u32 = 0;
/// madvise: expect random access (no read-ahead).
pub const MADV_RANDOM: u32 = 1;
/// madvise: expect sequential access (aggressive read-ahead).
pub const MADV_SEQUENTIAL: u32 = 2;
/// madvise: the pages will be needed soon.
pub const MADV_WILLNEED: u32 = 3;
/// madvise: the pages may be dropped; anonymous ones read back as zeros.
pub const MADV_DONTNEED: u32 = 4;
/// madvise: the pages may be freed lazily (anonymous private only).
pub const MADV_FREE: u32 = 8;
/// madvise: free the range and its backing store.
pub const MADV_REMOVE: u32 = 9;
/// madvise: do not copy the range into a forked child.
pub const MADV_DONTFORK: u32 = 10;
/// madvise: undo `MADV_DONTFORK`.
pub const MADV_DOFORK: u32 = 11;
/// madvise: candidate for same-page merging (KSM).
pub const MADV_MERGEABLE: u32 = 12;
/// madvise: undo `MADV_MERGEABLE`.
pub const MADV_UNMERGEABLE: u32 = 13;
/// madvise: back with transparent huge pages.
pub const MADV_HUGEPAGE: u32 = 14;
/// madvise: never back with transparent huge pages.
pub const MADV_NOHUGEPAGE: u32 = 15;
/// madvise: leave the range out of core dumps.
pub const MADV_DONTDUMP: u32 = 16;
/// madvise: undo `MADV_DONTDUMP`.
pub const MADV_DODUMP: u32 = 17;
/// madvise: a forked child sees the range zero-filled.
pub const MADV_WIPEONFORK: u32 = 18;
/// madvise: undo `MADV_WIPEONFORK`.
pub const MADV_KEEPONFORK: u32 = 19;
/// madvise: the pages are cold (deactivate them).
pub const MADV_COLD: u32 = 20;
/// madvise: page the range out now.
pub const MADV_PAGEOUT: u32 = 21;
/// madvise: fault the range in for reading.
pub const MADV_POPULATE_READ: u32 = 22;
/// madvise: fault the range in for writing.
pub const MADV_POPULATE_WRITE: u32 = 23;
/// madvise: `MADV_DONTNEED`, locked pages included.
pub const MADV_DONTNEED_LOCKED: u32 = 24;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_linux_values() {
        assert_eq!(
            (MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS),
            (1, 2, 0x10, 0x20)
        );
        assert_eq!((PROT_READ | PROT_WRITE | PROT_EXEC), 7);
        assert_eq!(MAP_TYPE & (MAP_FIXED | MAP_ANONYMOUS), 0);
    }
}
