// SPDX-License-Identifier: MIT OR Apache-2.0
//! A bounded fuzz test: mutated and truncated fixtures never panic `plan`.
//!
//! Deterministic (a fixed-seed xorshift generator, no crates), so a failure
//! reproduces. Mutations aim at the bytes `plan` reads: the header, the
//! program header table, and the dynamic section, relocations, symbols and
//! symbol versions of the PIEs and of the apps linked against the vDSO,
//! with values chosen to sit on the boundaries the checks test. Every
//! accepted plan must keep the promises of the module doc. The vDSO's own
//! reader gets the same treatment: a mutated vDSO never panics it.

use alloc::vec::Vec;

use super::tests::{
    HELLO_DYNAMIC, HELLO_STATIC, HELLO_STATIC_PIE, VDSO, VDSO_APP, VDSO_APP_PIE, exports,
};
use super::*;
use crate::test_random::XorShift;

/// Iterations per fixture: about half a second in all in a debug build.
const ROUNDS: usize = 20_000;

/// Values that sit on the edges of the checks.
const INTERESTING: [u32; 14] = [
    0,
    1,
    4,
    0x1000,
    0x0FFF,
    0x1001,
    PIE_BASE,
    PROGRAM_LIMIT,
    PROGRAM_LIMIT - 0x1000,
    USER_BOTTOM - 1,
    0x1000_0000,
    0x7FFF_FFFF,
    0xFFFF_F000,
    0xFFFF_FFFF,
];

/// The programs mutated.
const FIXTURES: [&[u8]; 5] = [
    HELLO_STATIC,
    HELLO_STATIC_PIE,
    HELLO_DYNAMIC,
    VDSO_APP,
    VDSO_APP_PIE,
];

/// Damages `image` in one to four places.
fn mutate(random: &mut XorShift, image: &mut Vec<u8>, hot: usize) {
    for _ in 0..1 + random.below(4) {
        // Mostly the header and program headers, sometimes anywhere.
        let limit = if random.below(4) == 0 {
            image.len()
        } else {
            hot
        };
        let at = random.below(limit.min(image.len()));
        match random.below(5) {
            0 => image[at] ^= 1 << random.below(8),
            1 => image[at] = random.next() as u8,
            2 | 3 => {
                let value = INTERESTING[random.below(INTERESTING.len())];
                let at = at & !3;
                let end = (at + 4).min(image.len());
                image[at..end].copy_from_slice(&value.to_le_bytes()[..end - at]);
            }
            _ => image.truncate(at),
        }
        if image.is_empty() {
            return;
        }
    }
}

/// The promises of an accepted plan.
fn check_invariants(image: &[u8], plan: &LoadPlan) {
    assert!(!plan.segments.is_empty());
    let mut total = 0u64;
    for (index, segment) in plan.segments.iter().enumerate() {
        let end = u64::from(segment.start.0) + u64::from(segment.memory_size);
        assert!(segment.start.0 >= USER_BOTTOM && end <= u64::from(PROGRAM_LIMIT));
        assert!(segment.file_size <= segment.memory_size);
        let file_end = u64::from(segment.file_offset) + u64::from(segment.file_size);
        assert!(file_end <= image.len() as u64);
        assert_eq!(segment.start.0 % PAGE_SIZE, segment.file_offset % PAGE_SIZE);
        assert!(!(segment.writable && segment.executable));
        assert!(plan.program_break >= segment.end());
        let (first, last) = segment.pages();
        total += u64::from(last - first);
        if let Some(next) = plan.segments.get(index + 1) {
            assert!(next.pages().0 >= last, "segments share a page");
        }
    }
    assert!(total <= MAX_PROGRAM_MEMORY);
    assert!(plan.program_break.is_aligned(PAGE_SIZE));
    assert!(plan.program_break.0 <= PROGRAM_LIMIT);
    let entry = plan.entry.0 & !1;
    assert!(
        plan.segments
            .iter()
            .any(|s| s.executable && s.holds(entry, 1))
    );
    let bound = plan.bindings.iter().map(|binding| &binding.address);
    for target in plan.relative_relocations.iter().chain(bound) {
        assert!(target.is_aligned(4));
        assert!(plan.segments.iter().any(|s| s.holds(target.0, 4)));
    }
    assert!(plan.relative_relocations.len() + plan.bindings.len() <= image.len() / 8);
    if plan.program_headers != VirtAddr(0) {
        let size = plan.program_header_count * plan.program_header_size;
        let headers = plan.program_headers.0;
        assert!(plan.segments.iter().any(|s| s.holds(headers, size)));
    }
}

#[test]
fn mutated_fixtures_never_panic_and_accepted_plans_hold() {
    let mut random = XorShift(0x2545_F491);
    let (mut accepted, mut bound) = (0, 0);
    for fixture in FIXTURES {
        // The header, the program headers, and (in the PIEs and the vDSO
        // apps) the dynamic section and its tables all sit in the first
        // 0x1100 bytes.
        let hot = fixture.len().min(0x1100);
        for _ in 0..ROUNDS {
            let mut image = fixture.to_vec();
            mutate(&mut random, &mut image, hot);
            if let Ok(plan) = plan(&image, Some(exports())) {
                check_invariants(&image, &plan);
                accepted += 1;
                bound += usize::from(!plan.bindings.is_empty());
            }
        }
    }
    // The mutations must leave some images valid, or the invariants were
    // never exercised.
    assert!(accepted > ROUNDS / 10, "only {accepted} accepted");
    assert!(bound > ROUNDS / 10, "only {bound} accepted with bindings");
}

#[test]
fn every_truncation_of_every_fixture_is_handled() {
    for fixture in FIXTURES {
        for length in 0..fixture.len() {
            if let Ok(plan) = plan(&fixture[..length], Some(exports())) {
                check_invariants(&fixture[..length], &plan);
            }
        }
    }
}

#[test]
fn a_mutated_vdso_never_panics_its_reader() {
    let mut random = XorShift(0x1B87_3593);
    let base = VirtAddr(crate::vm::layout::VDSO_BASE);
    let mut accepted = 0;
    for _ in 0..ROUNDS {
        let mut image = VDSO.to_vec();
        // Everything it reads is in the loaded segment, before .text ends.
        mutate(&mut random, &mut image, 0xA00);
        if let Ok(exports) = ExportedSymbols::parse(&image, base) {
            for export in exports.iter() {
                assert!(export.address.0 >= base.0);
                assert!(export.address.0 < base.0 + abi::vdso::VDSO_DATA_OFFSET);
            }
            accepted += 1;
        }
    }
    assert!(accepted > ROUNDS / 10, "only {accepted} accepted");
    for length in 0..VDSO.len() {
        let _ = ExportedSymbols::parse(&VDSO[..length], base);
    }
}
