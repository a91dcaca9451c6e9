// SPDX-License-Identifier: MIT OR Apache-2.0
//! Deadlines of sleeping threads and timeouts, soonest first.
//!
//! A thread in `nanosleep`, or one waiting on a wait queue with a timeout,
//! has an absolute deadline on the monotonic clock in nanoseconds. The
//! scheduler keeps them all here, programs the one-shot timer for
//! [`TimerQueue::next_deadline`] (no periodic tick when nothing is due)
//! and, when it fires, wakes whatever [`TimerQueue::expire`] returns.
//!
//! The queue is a `BTreeMap` keyed by `(deadline, sequence)`: the map keeps
//! deadlines in order, and the sequence number, which only grows, breaks
//! ties by insertion order and makes every key unique. A [`TimerId`] is
//! that key, so cancelling is one `O(log n)` removal and an id of a timer
//! already expired or cancelled simply finds nothing. Like the run queue
//! this is pure data, tested on the host; the caller holds the lock.
//!
//! Inserting may allocate a tree node and removing may free one, so the
//! heap must be usable wherever these are called, including the timer
//! interrupt.

#![forbid(unsafe_code)]

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

/// Names one inserted timer, for [`TimerQueue::cancel`]. Never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use = "a timer that is never cancelled fires"]
pub struct TimerId {
    /// The absolute deadline, in nanoseconds.
    deadline: u64,
    /// Insertion order, unique for the queue's life.
    sequence: u64,
}

impl TimerId {
    /// The deadline this timer was inserted with (nanoseconds). A sleep
    /// cut short by a signal reports the time left from it.
    pub const fn deadline(self) -> u64 {
        self.deadline
    }
}

/// Items waiting for absolute deadlines in nanoseconds.
#[derive(Debug)]
pub struct TimerQueue<T: Copy + Eq> {
    /// Pending timers in firing order.
    timers: BTreeMap<(u64, u64), T>,
    /// The next insertion's sequence number. A `u64` counting one insert
    /// per nanosecond would last 584 years, so it never wraps.
    next_sequence: u64,
}

impl<T: Copy + Eq> TimerQueue<T> {
    /// An empty queue. `const`, so it can start out in a `static`.
    pub const fn new() -> TimerQueue<T> {
        TimerQueue {
            timers: BTreeMap::new(),
            next_sequence: 0,
        }
    }

    /// Adds `item`, due at `deadline`. Among equal deadlines, items come
    /// out in the order they went in. A deadline already past is fine: the
    /// next [`expire`](TimerQueue::expire) returns it.
    pub fn insert(&mut self, deadline: u64, item: T) -> TimerId {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.timers.insert((deadline, sequence), item);
        TimerId { deadline, sequence }
    }

    /// Removes a pending timer (the thread woke some other way); returns
    /// whether it was still pending, so `false` means it already fired or
    /// was cancelled before.
    pub fn cancel(&mut self, id: TimerId) -> bool {
        self.timers.remove(&(id.deadline, id.sequence)).is_some()
    }

    /// The soonest deadline, which the one-shot timer should be set for;
    /// `None` when nothing waits (the timer may stay off).
    pub fn next_deadline(&self) -> Option<u64> {
        self.timers.keys().next().map(|&(deadline, _)| deadline)
    }

    /// Removes and returns the first item due at or before `now`, or
    /// `None`. Loop on it to wake every due item without building a list.
    pub fn pop_expired(&mut self, now: u64) -> Option<T> {
        let entry = self.timers.first_entry()?;
        if entry.key().0 > now {
            return None;
        }
        Some(entry.remove())
    }

    /// Removes and returns every item due at or before `now`, in deadline
    /// order, ties in insertion order.
    #[must_use = "expired items must be woken"]
    pub fn expire(&mut self, now: u64) -> Vec<T> {
        core::iter::from_fn(|| self.pop_expired(now)).collect()
    }

    /// Pending timers.
    pub fn len(&self) -> usize {
        self.timers.len()
    }

    /// Whether no timer is pending.
    pub fn is_empty(&self) -> bool {
        self.timers.is_empty()
    }
}

impl<T: Copy + Eq> Default for TimerQueue<T> {
    fn default() -> Self {
        TimerQueue::new()
    }
}

#[cfg(test)]
mod tests;
