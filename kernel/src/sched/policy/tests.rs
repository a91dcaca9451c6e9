// SPDX-License-Identifier: MIT OR Apache-2.0
//! Tests of the scheduling policy: Linux's parameter checks, the run
//! queue's order, and a random walk of the run queue against a model.
//!
//! The random walk uses a fixed-seed xorshift generator, so a failure
//! replays the same way every time; it is bounded to run well under a
//! second.

use super::*;
use crate::test_random::XorShift;
use alloc::vec::Vec;

/// Drains the queue, returning what it gave in order.
fn drain(queue: &mut RunQueue<u32>) -> Vec<(u32, u8)> {
    core::iter::from_fn(|| queue.pick()).collect()
}

#[test]
fn policy_numbers_round_trip() {
    for policy in [Policy::Other, Policy::Fifo, Policy::RoundRobin] {
        assert_eq!(Policy::from_linux(policy.to_linux()), Some(policy));
    }
    assert_eq!(Policy::Other.to_linux(), 0);
    assert_eq!(Policy::Fifo.to_linux(), 1);
    assert_eq!(Policy::RoundRobin.to_linux(), 2);
    // SCHED_BATCH, SCHED_IDLE, SCHED_DEADLINE, a gap, SCHED_RESET_ON_FORK.
    for unknown in [3, 4, 5, 6, 7, 0x4000_0000, 0x4000_0001, u32::MAX] {
        assert_eq!(Policy::from_linux(unknown), None, "policy {unknown}");
    }
}

#[test]
fn priority_ranges_match_linux() {
    assert_eq!(priority_min(Policy::Other), 0);
    assert_eq!(priority_max(Policy::Other), 0);
    assert_eq!(priority_min(Policy::Fifo), 1);
    assert_eq!(priority_max(Policy::Fifo), 99);
    assert_eq!(priority_min(Policy::RoundRobin), 1);
    assert_eq!(priority_max(Policy::RoundRobin), 99);
}

#[test]
fn validation_matches_linux() {
    let check = |policy, priority| SchedParams { policy, priority }.validate();
    // SCHED_OTHER takes exactly 0.
    assert_eq!(check(Policy::Other, 0), Ok(()));
    assert_eq!(check(Policy::Other, 1), Err(Errno::EINVAL));
    assert_eq!(check(Policy::Other, 99), Err(Errno::EINVAL));
    // The real-time policies take 1 to 99.
    for policy in [Policy::Fifo, Policy::RoundRobin] {
        assert_eq!(check(policy, 0), Err(Errno::EINVAL));
        assert_eq!(check(policy, 1), Ok(()));
        assert_eq!(check(policy, 50), Ok(()));
        assert_eq!(check(policy, 99), Ok(()));
        assert_eq!(check(policy, 100), Err(Errno::EINVAL));
        assert_eq!(check(policy, 255), Err(Errno::EINVAL));
    }
}

#[test]
fn raw_arguments_are_checked() {
    let fifo = SchedParams::from_linux(SCHED_FIFO, 42);
    assert_eq!(
        fifo,
        Ok(SchedParams {
            policy: Policy::Fifo,
            priority: 42
        })
    );
    assert_eq!(
        SchedParams::from_linux(SCHED_OTHER, 0),
        Ok(SchedParams::DEFAULT)
    );
    assert_eq!(SchedParams::from_linux(SCHED_RR, -1), Err(Errno::EINVAL));
    assert_eq!(
        SchedParams::from_linux(SCHED_RR, 256 + 5),
        Err(Errno::EINVAL)
    );
    assert_eq!(SchedParams::from_linux(SCHED_OTHER, -1), Err(Errno::EINVAL));
    assert_eq!(SchedParams::from_linux(5, 0), Err(Errno::EINVAL));
    assert_eq!(SchedParams::from_linux(6, 10), Err(Errno::EINVAL));
}

#[test]
fn levels_put_real_time_above_other() {
    let params = |policy, priority| SchedParams { policy, priority };
    assert_eq!(level_of(SchedParams::default()), 0);
    assert_eq!(level_of(params(Policy::Fifo, 1)), 1);
    assert_eq!(level_of(params(Policy::RoundRobin, 99)), 99);
    // Invalid parameters are clamped, never out of range.
    assert_eq!(level_of(params(Policy::Other, 7)), 0);
    assert_eq!(level_of(params(Policy::Fifo, 0)), 1);
    assert_eq!(level_of(params(Policy::Fifo, 200)), MAX_LEVEL);
}

#[test]
fn only_a_strictly_higher_level_preempts() {
    assert!(should_preempt(0, 1));
    assert!(should_preempt(50, 99));
    assert!(!should_preempt(50, 50));
    assert!(!should_preempt(0, 0));
    assert!(!should_preempt(99, 1));
}

#[test]
fn priority_change_placement_follows_sched_7() {
    assert_eq!(placement_after_change(10, 20), Placement::Back);
    assert_eq!(placement_after_change(20, 10), Placement::Front);
    assert_eq!(placement_after_change(10, 10), Placement::Unchanged);
}

#[test]
fn fifo_never_expires() {
    assert!(!slice_expired(Policy::Fifo, u64::MAX));
    let mut slice = TimeSlice::new(Policy::Fifo);
    assert!(!slice.charge(u64::MAX));
    assert!(!slice.charge(u64::MAX));
    assert_eq!(slice.remaining_ns(), None);
    assert_eq!(rr_interval_ns(Policy::Fifo), 0);
}

#[test]
fn round_robin_slices_expire() {
    assert_eq!(rr_interval_ns(Policy::RoundRobin), 100_000_000);
    assert_eq!(rr_interval_ns(Policy::Other), OTHER_TIMESLICE_NS);
    assert!(!slice_expired(Policy::RoundRobin, RR_TIMESLICE_NS - 1));
    assert!(slice_expired(Policy::RoundRobin, RR_TIMESLICE_NS));
    assert!(!slice_expired(Policy::Other, OTHER_TIMESLICE_NS - 1));
    assert!(slice_expired(Policy::Other, OTHER_TIMESLICE_NS));

    let mut slice = TimeSlice::new(Policy::RoundRobin);
    assert!(!slice.charge(60_000_000));
    // Preempted here: the slice keeps what was used.
    assert_eq!(slice.remaining_ns(), Some(40_000_000));
    assert_eq!(slice.used_ns(), 60_000_000);
    assert!(slice.charge(40_000_000));
    assert_eq!(slice.remaining_ns(), Some(0));
    slice.refill();
    assert!(!slice.expired());
    assert_eq!(slice.remaining_ns(), Some(RR_TIMESLICE_NS));
    // Overrunning saturates instead of wrapping.
    assert!(slice.charge(u64::MAX));
    assert!(slice.charge(u64::MAX));
    assert_eq!(slice.remaining_ns(), Some(0));
}

#[test]
fn empty_queue_gives_nothing() {
    let mut queue = RunQueue::<u32>::new();
    assert!(queue.is_empty());
    assert_eq!(queue.len(), 0);
    assert_eq!(queue.peek_level(), None);
    assert_eq!(queue.pick(), None);
    assert!(!queue.remove(1, 0));
    queue.assert_consistent();
}

#[test]
fn higher_levels_run_first() {
    let mut queue = RunQueue::new();
    for (item, level) in [(1, 0), (2, 50), (3, 99), (4, 1), (5, 31), (6, 32), (7, 64)] {
        queue.enqueue(item, level);
    }
    assert_eq!(queue.len(), 7);
    assert_eq!(queue.peek_level(), Some(99));
    let order = drain(&mut queue);
    assert_eq!(
        order,
        [(3, 99), (7, 64), (2, 50), (6, 32), (5, 31), (4, 1), (1, 0)]
    );
    assert!(queue.is_empty());
    queue.assert_consistent();
}

#[test]
fn first_in_first_out_within_a_level() {
    let mut queue = RunQueue::new();
    for item in 1..=5 {
        queue.enqueue(item, 10);
    }
    queue.enqueue(100, 0);
    let order: Vec<u32> = drain(&mut queue)
        .into_iter()
        .map(|(item, _)| item)
        .collect();
    assert_eq!(order, [1, 2, 3, 4, 5, 100]);
}

#[test]
fn preempted_thread_goes_back_to_the_head() {
    let mut queue = RunQueue::new();
    queue.enqueue(1, 20);
    queue.enqueue(2, 20);
    // 1 runs, and a level-30 thread preempts it.
    assert_eq!(queue.pick(), Some((1, 20)));
    queue.enqueue_front(1, 20);
    queue.enqueue(3, 30);
    assert_eq!(drain(&mut queue), [(3, 30), (1, 20), (2, 20)]);
}

#[test]
fn yield_and_expiry_rotate_within_a_level() {
    let mut queue = RunQueue::new();
    queue.enqueue(1, 5);
    queue.enqueue(2, 5);
    let (running, level) = queue.pick().unwrap();
    queue.enqueue(running, level);
    assert_eq!(drain(&mut queue), [(2, 5), (1, 5)]);
}

#[test]
fn remove_takes_one_item_and_keeps_the_bitmap() {
    let mut queue = RunQueue::new();
    queue.enqueue(1, 40);
    queue.enqueue(2, 40);
    queue.enqueue(3, 7);
    assert!(!queue.remove(1, 7), "wrong level");
    assert!(queue.remove(1, 40));
    assert!(!queue.remove(1, 40), "already gone");
    queue.assert_consistent();
    assert!(queue.remove(2, 40));
    queue.assert_consistent();
    assert_eq!(queue.peek_level(), Some(7));
    assert_eq!(queue.len(), 1);
}

#[test]
#[should_panic(expected = "run queue level 100 is above 99")]
fn level_past_the_top_panics() {
    RunQueue::new().enqueue(1u32, 100);
}

/// The obvious run queue: one `Vec` per level, scanned from the top.
struct Model {
    levels: Vec<Vec<u32>>,
}

impl Model {
    fn pick(&mut self) -> Option<(u32, u8)> {
        let level = (0..LEVELS)
            .rev()
            .find(|&level| !self.levels[level].is_empty())?;
        Some((self.levels[level].remove(0), level as u8))
    }

    fn find(&self, item: u32) -> Option<u8> {
        (0..LEVELS)
            .find(|&level| self.levels[level].contains(&item))
            .map(|level| level as u8)
    }

    fn len(&self) -> usize {
        self.levels.iter().map(Vec::len).sum()
    }
}

#[test]
fn random_operations_match_the_model() {
    let mut random = XorShift(0x2545_F491);
    for _round in 0..10 {
        let mut queue = RunQueue::new();
        let mut model = Model {
            levels: (0..LEVELS).map(|_| Vec::new()).collect(),
        };
        // Levels from a narrow band in some rounds, so lists grow long
        // and levels empty and refill often.
        let spread = if random.below_u32(2) == 0 {
            4
        } else {
            LEVELS as u32
        };
        let base = random.below_u32(LEVELS as u32 - spread + 1);
        for _step in 0..2_000 {
            // Items are 0..64, each queued at most once, as threads are.
            let item = random.below_u32(64);
            let level = (base + random.below_u32(spread)) as u8;
            match (random.below_u32(5), model.find(item)) {
                (0, None) => {
                    queue.enqueue(item, level);
                    model.levels[usize::from(level)].push(item);
                }
                (1, None) => {
                    queue.enqueue_front(item, level);
                    model.levels[usize::from(level)].insert(0, item);
                }
                (2, Some(at)) => {
                    assert!(queue.remove(item, at));
                    model.levels[usize::from(at)].retain(|&queued| queued != item);
                }
                (2, None) => assert!(!queue.remove(item, level)),
                (3, _) => assert_eq!(queue.pick(), model.pick()),
                _ => {}
            }
            queue.assert_consistent();
            assert_eq!(queue.len(), model.len());
            let model_top = (0..LEVELS)
                .rev()
                .find(|&level| !model.levels[level].is_empty())
                .map(|level| level as u8);
            assert_eq!(queue.peek_level(), model_top);
        }
        while let Some(expected) = model.pick() {
            assert_eq!(queue.pick(), Some(expected));
        }
        assert!(queue.is_empty());
        queue.assert_consistent();
    }
}
