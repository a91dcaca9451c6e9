// SPDX-License-Identifier: MIT OR Apache-2.0
//! Tests of the timer queue: order, ties, cancelling and expiry, and a
//! fixed-seed random walk against a sorted list.

use super::*;

#[test]
fn empty_queue_has_no_deadline() {
    let mut timers = TimerQueue::<u32>::new();
    assert!(timers.is_empty());
    assert_eq!(timers.next_deadline(), None);
    assert_eq!(timers.pop_expired(u64::MAX), None);
    assert!(timers.expire(u64::MAX).is_empty());
}

#[test]
fn deadlines_come_out_in_order() {
    let mut timers = TimerQueue::new();
    let _ = timers.insert(300, 'c');
    let _ = timers.insert(100, 'a');
    let _ = timers.insert(200, 'b');
    assert_eq!(timers.len(), 3);
    assert_eq!(timers.next_deadline(), Some(100));
    assert_eq!(timers.expire(u64::MAX), ['a', 'b', 'c']);
    assert!(timers.is_empty());
}

#[test]
fn ties_keep_insertion_order() {
    let mut timers = TimerQueue::new();
    for item in [5, 3, 9, 1] {
        let _ = timers.insert(1_000, item);
    }
    let _ = timers.insert(999, 0);
    assert_eq!(timers.expire(1_000), [0, 5, 3, 9, 1]);
}

#[test]
fn expire_takes_only_what_is_due() {
    let mut timers = TimerQueue::new();
    let _ = timers.insert(10, 1);
    let _ = timers.insert(20, 2);
    let _ = timers.insert(30, 3);
    assert!(timers.expire(9).is_empty());
    // A deadline equal to now is due.
    assert_eq!(timers.expire(20), [1, 2]);
    assert_eq!(timers.next_deadline(), Some(30));
    assert_eq!(timers.pop_expired(29), None);
    assert_eq!(timers.pop_expired(30), Some(3));
    assert_eq!(timers.next_deadline(), None);
}

#[test]
fn a_past_deadline_fires_at_once() {
    let mut timers = TimerQueue::new();
    let _ = timers.insert(0, 7);
    assert_eq!(timers.expire(0), [7]);
}

#[test]
fn cancel_removes_exactly_one_timer() {
    let mut timers = TimerQueue::new();
    let first = timers.insert(50, 1);
    let twin = timers.insert(50, 1);
    let later = timers.insert(60, 2);
    assert_eq!(first.deadline(), 50);
    assert_ne!(first, twin, "ids are unique even for equal timers");
    assert!(timers.cancel(first));
    assert!(!timers.cancel(first), "cancelled twice");
    assert_eq!(timers.len(), 2);
    assert_eq!(timers.expire(55), [1]);
    assert!(!timers.cancel(twin), "already fired");
    assert_eq!(timers.next_deadline(), Some(60));
    assert!(timers.cancel(later));
    assert!(timers.is_empty());
}

#[test]
fn cancelling_the_soonest_moves_the_next_deadline() {
    let mut timers = TimerQueue::new();
    let soonest = timers.insert(5, 'x');
    let _ = timers.insert(8, 'y');
    assert!(timers.cancel(soonest));
    assert_eq!(timers.next_deadline(), Some(8));
}

#[test]
fn random_operations_match_a_sorted_list() {
    // xorshift32 with a fixed seed, so a failure replays exactly.
    let mut state = 0x9E37_79B9_u32;
    let mut random = move |bound: u32| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state % bound
    };
    let mut timers = TimerQueue::new();
    // The model: (deadline, order of insertion, item, id), kept sorted.
    let mut model: Vec<(u64, usize, u32, TimerId)> = Vec::new();
    let mut now = 0u64;
    for step in 0..5_000 {
        match random(4) {
            0 | 1 => {
                let deadline = now + u64::from(random(100));
                let item = random(1_000);
                let id = timers.insert(deadline, item);
                model.push((deadline, step, item, id));
                model.sort_by_key(|&(deadline, order, ..)| (deadline, order));
            }
            2 if !model.is_empty() => {
                let (.., id) = model.remove(random(model.len() as u32) as usize);
                assert!(timers.cancel(id));
            }
            _ => {
                now += u64::from(random(40));
                let due = model.partition_point(|&(deadline, ..)| deadline <= now);
                let expected: Vec<u32> = model.drain(..due).map(|(_, _, item, _)| item).collect();
                assert_eq!(timers.expire(now), expected);
            }
        }
        assert_eq!(timers.len(), model.len());
        assert_eq!(
            timers.next_deadline(),
            model.first().map(|&(deadline, ..)| deadline)
        );
    }
}
