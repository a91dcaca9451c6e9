// SPDX-License-Identifier: MIT OR Apache-2.0
//! Host tests of the area bookkeeping: faults, stack, brk, mmap2, munmap,
//! mprotect.
//!
//! The processes here are built by hand the way `process::memory` builds
//! them from an ELF plan: a text and a data segment near `0x10000`, the
//! heap after them, the stack below `STACK_TOP`.

use super::*;
use crate::vm::layout::{HEAP_LIMIT, MMAP_TOP, PIE_BASE, VDSO_BASE};
use alloc::vec;

const RX: Permissions = Permissions {
    read: true,
    write: false,
    execute: true,
};
const RW: Permissions = Permissions::READ_WRITE;
const RO: Permissions = Permissions {
    read: true,
    write: false,
    execute: false,
};

fn va(address: u32) -> VirtAddr {
    VirtAddr(address)
}

fn segment(
    start: u32,
    end: u32,
    permissions: Permissions,
    file_offset: u32,
    file_size: u32,
) -> Area {
    Area::new(
        va(start),
        va(end),
        permissions,
        AreaKind::Segment {
            file_offset,
            file_size,
        },
    )
}

/// Text at 0x10000 (0x1234 bytes from offset 0), data at 0x21f00 (0x200
/// file bytes from offset 0x1f00, then 0x3000 of .bss), heap from 0x26000,
/// stack of two pages.
fn process() -> Areas {
    let mut areas = Areas::new();
    areas
        .insert(segment(0x10000, 0x11234, RX, 0, 0x1234))
        .unwrap();
    areas
        .insert(segment(0x21f00, 0x25100, RW, 0x1f00, 0x200))
        .unwrap();
    areas.set_heap_start(va(0x26000)).unwrap();
    areas.add_stack(va(STACK_TOP - 0x1800)).unwrap();
    areas
}

fn fill(areas: &Areas, address: u32, access: Access) -> Fill {
    match areas.classify_fault(va(address), access) {
        FaultClass::Fill { fill, .. } => fill,
        other => panic!("{address:#x}: {other:?}"),
    }
}

fn spans(areas: &Areas) -> Vec<(u32, u32)> {
    areas
        .iter()
        .map(|area| (area.start.0, area.end.0))
        .collect()
}

// Areas and insertion.

#[test]
fn areas_are_widened_to_pages() {
    let area = segment(0x21f00, 0x25100, RW, 0x1f00, 0x200);
    assert_eq!((area.start, area.end), (va(0x21000), va(0x26000)));
    // The first page is taken from the file from its start.
    assert_eq!(
        area.kind,
        AreaKind::Segment {
            file_offset: 0x1000,
            file_size: 0x1100
        }
    );
    let bss_only = segment(0x30010, 0x30020, RW, 0x10, 0);
    assert_eq!(
        bss_only.kind,
        AreaKind::Segment {
            file_offset: 0x10,
            file_size: 0
        }
    );
    assert_eq!(bss_only.size(), PAGE_SIZE);
}

#[test]
fn overlapping_areas_are_refused() {
    let mut areas = process();
    let before = spans(&areas);
    assert_eq!(
        areas.insert(segment(0x11000, 0x12000, RW, 0, 0)),
        Err(Errno::EEXIST)
    );
    assert_eq!(
        areas.insert(segment(0x8000, 0x10001, RW, 0, 0)),
        Err(Errno::EEXIST)
    );
    assert_eq!(spans(&areas), before);
    assert!(areas.insert(segment(0x12000, 0x13000, RW, 0, 0)).is_ok());
}

#[test]
fn areas_outside_the_user_half_are_refused() {
    let mut areas = Areas::new();
    let anonymous = |start, end| Area::new(va(start), va(end), RW, AreaKind::Anonymous);
    assert_eq!(areas.insert(anonymous(0, 0x1000)), Err(Errno::EINVAL));
    assert_eq!(
        areas.insert(anonymous(USER_TOP - 0x1000, USER_TOP + 1)),
        Err(Errno::EINVAL)
    );
    assert_eq!(areas.insert(anonymous(0x5000, 0x5000)), Err(Errno::EINVAL));
    assert_eq!(
        areas.insert(anonymous(0xFFFF_F000, 0xFFFF_FFFF)),
        Err(Errno::EINVAL)
    );
    assert!(areas.insert(anonymous(USER_TOP - 0x1000, USER_TOP)).is_ok());
}

#[test]
fn find_returns_the_covering_area() {
    let areas = process();
    assert_eq!(
        areas.find(va(0x10000)).map(|area| area.permissions),
        Some(RX)
    );
    assert_eq!(
        areas.find(va(0x10FFF)).map(|area| area.permissions),
        Some(RX)
    );
    assert_eq!(
        areas.find(va(0x11FFF)).map(|area| area.permissions),
        Some(RX)
    );
    assert!(areas.find(va(0x12000)).is_none());
    assert!(areas.find(va(0)).is_none());
    assert_eq!(
        areas.find(va(STACK_TOP - 1)).map(|area| area.kind),
        Some(AreaKind::Stack)
    );
    assert!(areas.find(va(STACK_TOP)).is_none());
}

// Faults.

#[test]
fn segment_pages_fill_from_the_image() {
    let areas = process();
    let text = |address| fill(&areas, address, Access::Execute);
    assert_eq!(
        text(0x10000),
        Fill::FromImage {
            file_offset: 0,
            page_offset: 0,
            bytes: 0x1000
        }
    );
    assert_eq!(
        text(0x11ABC),
        Fill::FromImage {
            file_offset: 0x1000,
            page_offset: 0,
            bytes: 0x234
        }
    );
    let data = |address| fill(&areas, address, Access::Write);
    assert_eq!(
        data(0x21F00),
        Fill::FromImage {
            file_offset: 0x1000,
            page_offset: 0,
            bytes: 0x1000
        }
    );
    assert_eq!(
        data(0x22000),
        Fill::FromImage {
            file_offset: 0x2000,
            page_offset: 0,
            bytes: 0x100
        }
    );
    // .bss
    assert_eq!(data(0x23000), Fill::Zero);
    assert_eq!(data(0x25FFF), Fill::Zero);
}

#[test]
fn permissions_are_enforced() {
    let areas = process();
    assert_eq!(
        areas.classify_fault(va(0x10000), Access::Write),
        FaultClass::Forbidden
    );
    assert_eq!(
        areas.classify_fault(va(0x22000), Access::Execute),
        FaultClass::Forbidden
    );
    assert_eq!(
        areas.classify_fault(va(STACK_TOP - 4), Access::Execute),
        FaultClass::Forbidden
    );
    assert!(matches!(
        areas.classify_fault(va(0x10000), Access::Read),
        FaultClass::Fill {
            permissions: RX,
            ..
        }
    ));
}

#[test]
fn any_permission_allows_reading_but_none_allows_nothing() {
    let write_only = Permissions {
        read: false,
        write: true,
        execute: false,
    };
    assert!(write_only.allows(Access::Read));
    let execute_only = Permissions {
        read: false,
        write: false,
        execute: true,
    };
    assert!(execute_only.allows(Access::Read) && !execute_only.allows(Access::Write));
    for access in [Access::Read, Access::Write, Access::Execute] {
        assert!(!Permissions::NONE.allows(access));
    }
    assert_eq!(
        Permissions::from_prot(abi::mman::PROT_READ | abi::mman::PROT_EXEC),
        RX
    );
    assert_eq!(
        Permissions::from_prot(abi::mman::PROT_NONE),
        Permissions::NONE
    );
}

#[test]
fn addresses_outside_areas_are_unmapped() {
    let areas = process();
    for address in [
        0,
        0xFFF,
        0x12000,
        0x26000,
        MMAP_TOP,
        0xC000_0000,
        0xFFFF_FFFF,
    ] {
        assert_eq!(
            areas.classify_fault(va(address), Access::Read),
            FaultClass::Unmapped,
            "{address:#x}"
        );
    }
}

// The stack.

#[test]
fn the_stack_covers_the_initial_stack() {
    let areas = process();
    let stack = areas.stack().unwrap();
    assert_eq!(
        (stack.start, stack.end),
        (va(STACK_TOP - 0x2000), va(STACK_TOP))
    );
    assert_eq!(stack.permissions, RW);
    assert_eq!(fill(&areas, STACK_TOP - 0x1800, Access::Write), Fill::Zero);
    let mut empty = Areas::new();
    empty.add_stack(va(STACK_TOP)).unwrap();
    assert_eq!(empty.stack().unwrap().size(), PAGE_SIZE);
    assert_eq!(
        Areas::new().add_stack(va(STACK_LIMIT - 4)),
        Err(Errno::E2BIG)
    );
}

#[test]
fn the_stack_grows_down_on_demand() {
    let mut areas = process();
    let address = va(STACK_TOP - 0x10_0004);
    assert_eq!(
        areas.classify_fault(address, Access::Write),
        FaultClass::StackGrowth
    );
    areas.grow_stack(address).unwrap();
    assert_eq!(areas.stack().unwrap().start, va(STACK_TOP - 0x10_1000));
    assert_eq!(fill(&areas, address.0, Access::Write), Fill::Zero);
    // Growing again over what is already there is harmless.
    areas.grow_stack(address).unwrap();
    assert_eq!(areas.len(), process().len());
}

#[test]
fn the_stack_stops_at_its_limit() {
    let mut areas = process();
    assert_eq!(
        areas.classify_fault(va(STACK_LIMIT), Access::Read),
        FaultClass::StackGrowth
    );
    assert_eq!(
        areas.classify_fault(va(STACK_LIMIT - 1), Access::Read),
        FaultClass::Unmapped
    );
    assert_eq!(areas.grow_stack(va(STACK_LIMIT - 1)), Err(Errno::ENOMEM));
    areas.grow_stack(va(STACK_LIMIT)).unwrap();
    assert_eq!(areas.stack().unwrap().size(), STACK_MAX);
}

#[test]
fn the_stack_keeps_a_guard_page_from_the_area_below() {
    let mut areas = process();
    let below = STACK_TOP - 0x10_0000;
    areas
        .mmap_anonymous(PAGE_SIZE, RW, va(below - PAGE_SIZE), true)
        .unwrap();
    // The page right above the mapping is the guard; the one above it may
    // be stack.
    assert_eq!(
        areas.classify_fault(va(below), Access::Write),
        FaultClass::Unmapped
    );
    assert_eq!(
        areas.classify_fault(va(below + PAGE_SIZE), Access::Write),
        FaultClass::StackGrowth
    );
    assert_eq!(areas.grow_stack(va(below)), Err(Errno::ENOMEM));
}

// brk.

#[test]
fn brk_zero_returns_the_break() {
    let mut areas = process();
    assert_eq!(
        areas.brk(va(0)),
        BreakChange {
            program_break: va(0x26000),
            released: None
        }
    );
    assert_eq!(areas.program_break(), va(0x26000));
    assert_eq!(areas.heap_start(), Some(va(0x26000)));
    let mut no_heap = Areas::new();
    assert_eq!(no_heap.brk(va(0x5000)).program_break, va(0));
}

#[test]
fn brk_grows_and_shrinks_the_heap() {
    let mut areas = process();
    let grown = areas.brk(va(0x26010));
    assert_eq!(
        grown,
        BreakChange {
            program_break: va(0x26010),
            released: None
        }
    );
    assert_eq!(fill(&areas, 0x26FFF, Access::Write), Fill::Zero);
    assert_eq!(
        areas.classify_fault(va(0x27000), Access::Write),
        FaultClass::Unmapped
    );
    // Within the same page: only the number moves.
    assert_eq!(areas.brk(va(0x26800)).released, None);
    let big = areas.brk(va(0x12_6000));
    assert_eq!(big.program_break, va(0x12_6000));
    let heap: Vec<&Area> = areas
        .iter()
        .filter(|area| area.kind == AreaKind::Heap)
        .collect();
    assert_eq!(heap.len(), 1, "grown pieces merge");
    assert_eq!((heap[0].start, heap[0].end), (va(0x26000), va(0x12_6000)));
    let shrunk = areas.brk(va(0x30001));
    assert_eq!(shrunk.program_break, va(0x30001));
    assert_eq!(shrunk.released, Some(va(0x31000)..va(0x12_6000)));
    assert_eq!(
        areas.classify_fault(va(0x31000), Access::Read),
        FaultClass::Unmapped
    );
    let gone = areas.brk(va(0x26000));
    assert_eq!(gone.released, Some(va(0x26000)..va(0x31000)));
    assert!(areas.iter().all(|area| area.kind != AreaKind::Heap));
}

#[test]
fn brk_refuses_bad_requests_by_returning_the_old_break() {
    let mut areas = process();
    let _ = areas.brk(va(0x30000));
    for request in [0x25FFF, HEAP_LIMIT + 1, 0xFFFF_FFFF] {
        assert_eq!(
            areas.brk(va(request)),
            BreakChange {
                program_break: va(0x30000),
                released: None
            }
        );
    }
    assert_eq!(areas.brk(va(HEAP_LIMIT)).program_break, va(HEAP_LIMIT));
}

#[test]
fn brk_does_not_grow_into_another_area() {
    let mut areas = process();
    areas
        .mmap_anonymous(PAGE_SIZE, RW, va(0x40000), true)
        .unwrap();
    // Up to the guard page below the mapping is fine; into it is not.
    assert_eq!(areas.brk(va(0x3F000)).program_break, va(0x3F000));
    assert_eq!(areas.brk(va(0x3F001)).program_break, va(0x3F000));
    assert_eq!(areas.brk(va(0x50000)).program_break, va(0x3F000));
}

#[test]
fn heap_start_must_be_in_range() {
    let mut areas = Areas::new();
    assert_eq!(
        areas.set_heap_start(va(HEAP_LIMIT + PAGE_SIZE)),
        Err(Errno::ENOMEM)
    );
    areas.set_heap_start(va(PIE_BASE + 0x1234)).unwrap();
    assert_eq!(areas.heap_start(), Some(va(PIE_BASE + 0x2000)));
}

// mmap2.

#[test]
fn mmap_places_top_down_and_merges() {
    let mut areas = process();
    let first = areas.mmap_anonymous(0x1800, RW, va(0), false).unwrap();
    assert_eq!(first, va(MMAP_TOP - 0x2000));
    let second = areas.mmap_anonymous(PAGE_SIZE, RW, va(0), false).unwrap();
    assert_eq!(second, va(MMAP_TOP - 0x3000));
    let anonymous: Vec<&Area> = areas
        .iter()
        .filter(|area| area.kind == AreaKind::Anonymous)
        .collect();
    assert_eq!(anonymous.len(), 1);
    assert_eq!(
        (anonymous[0].start, anonymous[0].end),
        (second, va(MMAP_TOP))
    );
    // Different permissions do not merge.
    let third = areas.mmap_anonymous(PAGE_SIZE, RO, va(0), false).unwrap();
    assert_eq!(third, va(MMAP_TOP - 0x4000));
    assert_eq!(areas.find(third).unwrap().permissions, RO);
    assert_eq!(fill(&areas, third.0, Access::Read), Fill::Zero);
}

#[test]
fn mmap_takes_a_free_hint() {
    let mut areas = process();
    assert_eq!(
        areas.mmap_anonymous(PAGE_SIZE, RW, va(0x5000_0123), false),
        Ok(va(0x5000_1000))
    );
    // Taken: top-down instead.
    assert_eq!(
        areas.mmap_anonymous(PAGE_SIZE, RW, va(0x5000_1000), false),
        Ok(va(MMAP_TOP - 0x1000))
    );
    // In the text segment: top-down as well.
    assert_eq!(
        areas.mmap_anonymous(PAGE_SIZE, RW, va(0x10000), false),
        Ok(va(MMAP_TOP - 0x2000))
    );
    // In the stack's reach: not taken.
    assert_eq!(
        areas.mmap_anonymous(PAGE_SIZE, RW, va(STACK_LIMIT), false),
        Ok(va(MMAP_TOP - 0x3000))
    );
}

#[test]
fn mmap_lengths_are_checked() {
    let mut areas = process();
    assert_eq!(
        areas.mmap_anonymous(0, RW, va(0), false),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        areas.mmap_anonymous(0xFFFF_F001, RW, va(0), false),
        Err(Errno::ENOMEM)
    );
    assert_eq!(
        areas.mmap_anonymous(MMAP_TOP, RW, va(0), false),
        Err(Errno::ENOMEM)
    );
}

#[test]
fn mmap_fills_lower_gaps_when_the_top_is_full() {
    let mut areas = Areas::new();
    // Fill [0x1000_0000, MMAP_TOP) entirely, leaving room below.
    areas
        .mmap_anonymous(MMAP_TOP - 0x1000_0000, RW, va(0x1000_0000), true)
        .unwrap();
    let low = areas.mmap_anonymous(0x2000, RW, va(0), false).unwrap();
    assert_eq!(low, va(0x1000_0000 - 0x2000));
    let mut full = Areas::new();
    full.mmap_anonymous(MMAP_TOP - USER_BOTTOM, RW, va(USER_BOTTOM), true)
        .unwrap();
    assert_eq!(
        full.mmap_anonymous(PAGE_SIZE, RW, va(0), false),
        Err(Errno::ENOMEM)
    );
}

#[test]
fn mmap_fixed_checks_its_address() {
    let mut areas = process();
    assert_eq!(
        areas.mmap_anonymous(PAGE_SIZE, RW, va(0x5000_0010), true),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        areas.mmap_anonymous(PAGE_SIZE, RW, va(0), true),
        Err(Errno::EPERM)
    );
    assert_eq!(
        areas.mmap_anonymous(0x2000, RW, va(USER_TOP - 0x1000), true),
        Err(Errno::ENOMEM)
    );
    assert_eq!(
        areas.mmap_anonymous(0x2000, RW, va(0xFFFF_F000), true),
        Err(Errno::ENOMEM)
    );
}

#[test]
fn mmap_fixed_replaces_what_was_there() {
    let mut areas = process();
    // Over the middle of the text segment.
    let at = areas
        .mmap_anonymous(PAGE_SIZE, RW, va(0x10000), true)
        .unwrap();
    assert_eq!(at, va(0x10000));
    assert_eq!(fill(&areas, 0x10000, Access::Write), Fill::Zero);
    assert_eq!(
        fill(&areas, 0x11000, Access::Execute),
        Fill::FromImage {
            file_offset: 0x1000,
            page_offset: 0,
            bytes: 0x234
        },
        "the rest of the segment keeps its file offsets"
    );
}

#[test]
fn the_vdso_cannot_be_replaced_or_removed() {
    let mut areas = process();
    areas
        .insert(Area::new(
            va(VDSO_BASE),
            va(VDSO_BASE + 0x2000),
            RX,
            AreaKind::Vdso,
        ))
        .unwrap();
    assert_eq!(
        fill(&areas, VDSO_BASE + 0x1004, Access::Read),
        Fill::Vdso { index: 1 }
    );
    assert_eq!(
        areas.mmap_anonymous(PAGE_SIZE, RW, va(VDSO_BASE), true),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        areas.munmap(va(VDSO_BASE - 0x1000), 0x2000),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        areas.mprotect(va(VDSO_BASE), PAGE_SIZE, RW),
        Err(Errno::EACCES)
    );
}

#[test]
fn the_number_of_areas_is_bounded() {
    let mut areas = Areas::new();
    // Alternate permissions so nothing merges.
    let mut result = Ok(va(0));
    for index in 0..=MAX_AREAS {
        let permissions = if index % 2 == 0 { RW } else { RO };
        result = areas.mmap_anonymous(PAGE_SIZE, permissions, va(0), false);
        if result.is_err() {
            break;
        }
    }
    assert_eq!(result, Err(Errno::ENOMEM));
    assert!(areas.len() <= MAX_AREAS);
    // A cut that would need one more area is refused too.
    let middle = areas.iter().nth(10).unwrap().start;
    let count = areas.len();
    let _ = areas.mprotect(middle, PAGE_SIZE, RW);
    assert!(areas.len() <= count);
}

// munmap.

#[test]
fn munmap_checks_its_arguments() {
    let mut areas = process();
    assert_eq!(areas.munmap(va(0x10010), PAGE_SIZE), Err(Errno::EINVAL));
    assert_eq!(areas.munmap(va(0x10000), 0), Err(Errno::EINVAL));
    assert_eq!(areas.munmap(va(0xFFFF_F000), 0x2000), Err(Errno::EINVAL));
    assert_eq!(areas.munmap(va(0x10000), 0xFFFF_FFFF), Err(Errno::EINVAL));
    assert_eq!(
        areas.munmap(va(0x12000), 0x1000),
        Ok(vec![]),
        "nothing there is fine"
    );
}

#[test]
fn munmap_cuts_areas_and_reports_what_went() {
    let mut areas = process();
    let start = areas.mmap_anonymous(0x5000, RW, va(0), false).unwrap();
    let removed = areas.munmap(va(start.0 + 0x1000), 0x1001).unwrap();
    assert_eq!(removed, vec![va(start.0 + 0x1000)..va(start.0 + 0x3000)]);
    assert_eq!(
        areas.classify_fault(va(start.0 + 0x2000), Access::Read),
        FaultClass::Unmapped
    );
    assert_eq!(fill(&areas, start.0, Access::Read), Fill::Zero);
    assert_eq!(fill(&areas, start.0 + 0x3000, Access::Read), Fill::Zero);
    // Across several areas and holes at once.
    let removed = areas.munmap(va(0x10000), 0x16000).unwrap();
    assert_eq!(
        removed,
        vec![va(0x10000)..va(0x12000), va(0x21000)..va(0x26000)]
    );
}

#[test]
fn munmap_inside_a_segment_keeps_the_file_offsets() {
    let mut areas = Areas::new();
    areas
        .insert(segment(0x10000, 0x14800, RX, 0x3000, 0x4800))
        .unwrap();
    let _ = areas.munmap(va(0x11000), PAGE_SIZE).unwrap();
    assert_eq!(
        fill(&areas, 0x10000, Access::Read),
        Fill::FromImage {
            file_offset: 0x3000,
            page_offset: 0,
            bytes: 0x1000
        }
    );
    assert_eq!(
        fill(&areas, 0x12000, Access::Read),
        Fill::FromImage {
            file_offset: 0x5000,
            page_offset: 0,
            bytes: 0x1000
        }
    );
    assert_eq!(
        fill(&areas, 0x14000, Access::Read),
        Fill::FromImage {
            file_offset: 0x7000,
            page_offset: 0,
            bytes: 0x800
        }
    );
}

// mprotect.

#[test]
fn mprotect_splits_and_merges() {
    let mut areas = process();
    let start = areas.mmap_anonymous(0x4000, RW, va(0), false).unwrap();
    let count = areas.len();
    areas.mprotect(va(start.0 + 0x1000), 0x1000, RO).unwrap();
    assert_eq!(areas.len(), count + 2);
    assert_eq!(
        areas.classify_fault(va(start.0 + 0x1000), Access::Write),
        FaultClass::Forbidden
    );
    assert!(matches!(
        areas.classify_fault(va(start.0 + 0x2000), Access::Write),
        FaultClass::Fill { .. }
    ));
    areas.mprotect(va(start.0 + 0x1000), 0x1000, RW).unwrap();
    assert_eq!(areas.len(), count, "equal neighbours merge again");
}

#[test]
fn mprotect_of_a_segment_part_keeps_it_whole_in_the_file() {
    let mut areas = process();
    // RELRO-like: the first data page becomes read-only.
    areas.mprotect(va(0x21000), PAGE_SIZE, RO).unwrap();
    assert_eq!(
        areas.classify_fault(va(0x21000), Access::Write),
        FaultClass::Forbidden
    );
    assert_eq!(
        fill(&areas, 0x22000, Access::Write),
        Fill::FromImage {
            file_offset: 0x2000,
            page_offset: 0,
            bytes: 0x100
        }
    );
    areas.mprotect(va(0x21000), PAGE_SIZE, RW).unwrap();
    assert_eq!(
        areas.len(),
        process().len(),
        "the segment is one area again"
    );
    assert_eq!(
        areas.find(va(0x21000)).unwrap().kind,
        AreaKind::Segment {
            file_offset: 0x1000,
            file_size: 0x1100
        }
    );
}

#[test]
fn mprotect_needs_the_whole_range_mapped() {
    let mut areas = process();
    assert_eq!(
        areas.mprotect(va(0x10010), PAGE_SIZE, RW),
        Err(Errno::EINVAL)
    );
    assert_eq!(areas.mprotect(va(0x10000), 0, RW), Ok(()));
    assert_eq!(areas.mprotect(va(0x10000), 0x3000, RW), Err(Errno::ENOMEM));
    assert_eq!(areas.mprotect(va(0x12000), 0x1000, RW), Err(Errno::ENOMEM));
    assert_eq!(
        areas.mprotect(va(0xFFFF_F000), 0x2000, RW),
        Err(Errno::ENOMEM)
    );
    assert_eq!(
        areas.find(va(0x10000)).unwrap().permissions,
        RX,
        "nothing changed"
    );
    // Two adjacent areas in one call.
    areas
        .mmap_anonymous(PAGE_SIZE, RW, va(0x12000), true)
        .unwrap();
    areas.mprotect(va(0x11000), 0x2000, RO).unwrap();
    assert_eq!(areas.find(va(0x11000)).unwrap().permissions, RO);
    assert_eq!(areas.find(va(0x12000)).unwrap().permissions, RO);
    assert_eq!(areas.find(va(0x10000)).unwrap().permissions, RX);
}

#[test]
fn fork_copies_the_areas() {
    let mut parent = process();
    let _ = parent.brk(va(0x30000));
    let mut child = parent.clone();
    let _ = child.munmap(va(0x10000), 0x2000).unwrap();
    assert!(parent.find(va(0x10000)).is_some());
    assert_eq!(child.program_break(), va(0x30000));
}

#[test]
fn a_file_mapping_fills_from_its_file_then_zeros_and_splits_in_the_file() {
    let mut areas = Areas::new();
    let kind = AreaKind::File {
        source: 2,
        file_offset: 0x1000,
        file_size: 5000,
    };
    let start = areas
        .mmap(3 * PAGE_SIZE, RO, va(0), false, kind)
        .expect("room for three pages");
    let fill_at =
        |areas: &Areas, address: u32| match areas.classify_fault(va(address), Access::Read) {
            FaultClass::Fill { fill, .. } => fill,
            other => panic!("{other:?}"),
        };
    assert_eq!(
        fill_at(&areas, start.0 + 12),
        Fill::FromFile {
            source: 2,
            file_offset: 0x1000,
            bytes: PAGE_SIZE
        }
    );
    assert_eq!(
        fill_at(&areas, start.0 + PAGE_SIZE),
        Fill::FromFile {
            source: 2,
            file_offset: 0x2000,
            bytes: 5000 - PAGE_SIZE
        }
    );
    assert_eq!(fill_at(&areas, start.0 + 2 * PAGE_SIZE), Fill::Zero);
    assert_eq!(
        areas.classify_fault(va(start.0), Access::Write),
        FaultClass::Forbidden
    );
    // Unmapping the first page leaves the rest reading on in the file.
    areas.munmap(start, PAGE_SIZE).expect("unmaps");
    assert_eq!(
        fill_at(&areas, start.0 + PAGE_SIZE),
        Fill::FromFile {
            source: 2,
            file_offset: 0x2000,
            bytes: 5000 - PAGE_SIZE
        }
    );
}
