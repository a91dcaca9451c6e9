// SPDX-License-Identifier: MIT OR Apache-2.0
//! Linux scheduling policies, priority levels and the O(1) run queue.
//!
//! This file is the pure part of the scheduler: which thread runs next,
//! when a woken thread takes the CPU, when a time slice is used up and
//! which parameters `sched_setscheduler` accepts. It holds no locks and
//! never touches a thread or a timer, so every rule here runs under
//! `cargo test` on the host (Hubris keeps its `priority_scan` pure for the
//! same reason). The caller, `sched`, owns the threads and applies what
//! these functions decide.
//!
//! The rules are Linux's, from sched(7):
//!
//! - `SCHED_FIFO` and `SCHED_RR` threads have a static priority of 1 to 99
//!   and always run before `SCHED_OTHER` threads, whose static priority is
//!   0. We fold both into one number, the *level*: 0 for `SCHED_OTHER`,
//!   the priority for the real-time policies. Higher levels run first.
//! - Within a level, threads run in first-in, first-out order. A thread
//!   that becomes runnable goes to the tail of its level; one that is
//!   preempted by a higher level goes back to the head.
//! - A thread only preempts the running one if its level is strictly
//!   higher; at an equal level it waits its turn.
//! - `SCHED_FIFO` has no time slice. `SCHED_RR` threads go to the tail of
//!   their level after [`RR_TIMESLICE_NS`]. `SCHED_OTHER` has no fair
//!   scheduler here (no nice values, no CFS): its threads take turns with
//!   a slice of [`OTHER_TIMESLICE_NS`], which is round robin at level 0.
//!
//! The run queue is one `VecDeque` per level plus a 100-bit bitmap of the
//! non-empty levels, so finding the highest runnable level is four word
//! tests and a `leading_zeros`, whatever the number of threads (the same
//! shape as Linux's `rt_prio_array`).

#![forbid(unsafe_code)]

use abi::errno::Errno;
use alloc::collections::VecDeque;

/// Linux `SCHED_OTHER`: the default time-sharing policy.
pub const SCHED_OTHER: u32 = 0;
/// Linux `SCHED_FIFO`: real time, first in first out, no time slice.
pub const SCHED_FIFO: u32 = 1;
/// Linux `SCHED_RR`: real time, round robin with a time slice.
pub const SCHED_RR: u32 = 2;

/// The `SCHED_RR` quantum: 100 ms, Linux's default `RR_TIMESLICE`
/// (`/proc/sys/kernel/sched_rr_timeslice_ms`), as `sched_rr_get_interval`
/// reports it.
pub const RR_TIMESLICE_NS: u64 = 100_000_000;
/// The `SCHED_OTHER` quantum: 10 ms. Short enough that a few spinning
/// time-sharing threads still feel interactive; long enough that the
/// timer interrupt costs a small share of each slice.
pub const OTHER_TIMESLICE_NS: u64 = 10_000_000;

/// Number of levels: 0 for `SCHED_OTHER`, then real-time priorities 1–99.
pub const LEVELS: usize = 100;
/// The highest level (real-time priority 99).
pub const MAX_LEVEL: u8 = (LEVELS - 1) as u8;

/// A scheduling policy, as `sched_setscheduler` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Policy {
    /// `SCHED_OTHER` (0): time sharing, level 0, 10 ms round robin.
    Other,
    /// `SCHED_FIFO` (1): runs until it blocks, yields or is preempted.
    Fifo,
    /// `SCHED_RR` (2): `SCHED_FIFO` plus a 100 ms quantum.
    RoundRobin,
}

impl Policy {
    /// The policy for a Linux policy number, or `None` for anything else.
    ///
    /// `SCHED_BATCH`, `SCHED_IDLE` and `SCHED_DEADLINE` are not supported,
    /// and neither is the `SCHED_RESET_ON_FORK` flag bit: the system call
    /// turns `None` into EINVAL, as Linux does for an unknown policy.
    pub const fn from_linux(policy: u32) -> Option<Policy> {
        match policy {
            SCHED_OTHER => Some(Policy::Other),
            SCHED_FIFO => Some(Policy::Fifo),
            SCHED_RR => Some(Policy::RoundRobin),
            _ => None,
        }
    }

    /// The Linux policy number (`sched_getscheduler`'s result).
    pub const fn to_linux(self) -> u32 {
        match self {
            Policy::Other => SCHED_OTHER,
            Policy::Fifo => SCHED_FIFO,
            Policy::RoundRobin => SCHED_RR,
        }
    }

    /// Whether this is a real-time policy (priority 1–99).
    pub const fn is_real_time(self) -> bool {
        matches!(self, Policy::Fifo | Policy::RoundRobin)
    }
}

/// `sched_get_priority_max`: 99 for the real-time policies, 0 otherwise.
pub const fn priority_max(policy: Policy) -> u8 {
    if policy.is_real_time() { MAX_LEVEL } else { 0 }
}

/// `sched_get_priority_min`: 1 for the real-time policies, 0 otherwise.
pub const fn priority_min(policy: Policy) -> u8 {
    if policy.is_real_time() { 1 } else { 0 }
}

/// `sched_rr_get_interval`: the quantum a policy runs for, in
/// nanoseconds. Linux reports 0 for `SCHED_FIFO` (it has no quantum).
pub const fn rr_interval_ns(policy: Policy) -> u64 {
    match timeslice_ns(policy) {
        Some(length) => length,
        None => 0,
    }
}

/// A thread's scheduling parameters: `struct sched_param` and its policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SchedParams {
    /// The policy.
    pub policy: Policy,
    /// Static priority: 1–99 for `Fifo` and `RoundRobin`, 0 for `Other`.
    pub priority: u8,
}

impl SchedParams {
    /// What a new thread starts with (`SCHED_OTHER`, priority 0).
    pub const DEFAULT: SchedParams = SchedParams {
        policy: Policy::Other,
        priority: 0,
    };

    /// Checks and builds parameters from the raw system call arguments:
    /// EINVAL for an unknown policy or a priority out of its range.
    pub fn from_linux(policy: u32, priority: i32) -> Result<SchedParams, Errno> {
        let policy = Policy::from_linux(policy).ok_or(Errno::EINVAL)?;
        // Linux copies the int into an unsigned field, so a negative
        // priority becomes huge and fails the range check: EINVAL too.
        let priority = u8::try_from(priority).map_err(|_| Errno::EINVAL)?;
        let params = SchedParams { policy, priority };
        params.validate()?;
        Ok(params)
    }

    /// EINVAL unless the priority is within the policy's range, the check
    /// of Linux's `__sched_setscheduler`: a real-time policy needs 1–99
    /// and `SCHED_OTHER` needs exactly 0.
    pub const fn validate(&self) -> Result<(), Errno> {
        if self.priority < priority_min(self.policy) || self.priority > priority_max(self.policy) {
            return Err(Errno::EINVAL);
        }
        Ok(())
    }
}

impl Default for SchedParams {
    fn default() -> Self {
        SchedParams::DEFAULT
    }
}

/// The run-queue level for these parameters: 0 for `SCHED_OTHER`, the
/// priority for the real-time policies. Parameters that fail
/// [`SchedParams::validate`] are clamped, so a real-time thread never
/// lands at level 0 and no level passes [`MAX_LEVEL`].
pub const fn level_of(params: SchedParams) -> u8 {
    match params.policy {
        Policy::Other => 0,
        Policy::Fifo | Policy::RoundRobin => {
            if params.priority == 0 {
                1
            } else if params.priority > MAX_LEVEL {
                MAX_LEVEL
            } else {
                params.priority
            }
        }
    }
}

/// Whether a thread that just became runnable at `woken_level` takes the
/// CPU from the one running at `running_level`.
///
/// Only a strictly higher level preempts. sched(7): a newly runnable
/// thread goes to the *end* of the list for its priority, so at an equal
/// level it waits behind the running thread; a higher one "will preempt
/// the current thread" at once. The same test, with the queue's
/// [`RunQueue::peek_level`], decides whether lowering the running thread's
/// priority should make it give up the CPU.
#[must_use]
pub const fn should_preempt(running_level: u8, woken_level: u8) -> bool {
    woken_level > running_level
}

/// Where a queued thread goes when `sched_setparam` changes its level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Head of the new level.
    Front,
    /// Tail of the new level.
    Back,
    /// The level is the same: leave the thread where it is.
    Unchanged,
}

/// sched(7), on changing the priority of a runnable thread: raised, it
/// goes to the end of the list for its new priority; unchanged, it keeps
/// its place; lowered, it goes to the front of the list for its new
/// priority (so lowering never costs it its turn against equals).
#[must_use]
pub const fn placement_after_change(old_level: u8, new_level: u8) -> Placement {
    if new_level > old_level {
        Placement::Back
    } else if new_level < old_level {
        Placement::Front
    } else {
        Placement::Unchanged
    }
}

/// The quantum a policy runs for before it rotates, or `None` for
/// `SCHED_FIFO`, which has none (sched(7): a `SCHED_FIFO` thread runs
/// "until either it is blocked by an I/O request, it is preempted by a
/// higher priority thread, or it calls sched_yield").
pub const fn timeslice_ns(policy: Policy) -> Option<u64> {
    match policy {
        Policy::Fifo => None,
        Policy::RoundRobin => Some(RR_TIMESLICE_NS),
        Policy::Other => Some(OTHER_TIMESLICE_NS),
    }
}

/// Whether a thread of this policy that has run `used_ns` of its current
/// slice must go to the tail of its level. Never for `SCHED_FIFO`.
#[must_use]
pub const fn slice_expired(policy: Policy, used_ns: u64) -> bool {
    match timeslice_ns(policy) {
        Some(length) => used_ns >= length,
        None => false,
    }
}

/// A thread's current time slice: how long it may run before it rotates.
///
/// The scheduler charges the running thread with the time it ran at each
/// switch or timer interrupt. A preempted `SCHED_RR` thread keeps what it
/// has used: sched(7) says it "will complete the unexpired portion of its
/// round-robin time quantum" when it runs again. Linux refills the slice
/// only when it expires (`task_tick_rt`), so a thread that blocks keeps
/// the rest too; the caller [`refill`](TimeSlice::refill)s it on expiry,
/// and makes a new one when the policy changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeSlice {
    /// The policy's quantum, or `None` for no limit (`SCHED_FIFO`).
    length_ns: Option<u64>,
    /// Time run since the last refill.
    used_ns: u64,
}

impl TimeSlice {
    /// A full slice for a thread of this policy.
    pub const fn new(policy: Policy) -> TimeSlice {
        TimeSlice {
            length_ns: timeslice_ns(policy),
            used_ns: 0,
        }
    }

    /// Adds `ns` of running time; returns whether the slice is now used up
    /// (the thread must go to the tail of its level and be refilled).
    #[must_use]
    pub fn charge(&mut self, ns: u64) -> bool {
        self.used_ns = self.used_ns.saturating_add(ns);
        self.expired()
    }

    /// Whether the slice is used up. Never true for `SCHED_FIFO`.
    pub const fn expired(&self) -> bool {
        match self.length_ns {
            Some(length) => self.used_ns >= length,
            None => false,
        }
    }

    /// Time left before the slice expires, or `None` if it never does. The
    /// scheduler programs its one-shot timer no later than this, which is
    /// the only tick a tickless kernel needs for round robin.
    pub const fn remaining_ns(&self) -> Option<u64> {
        match self.length_ns {
            Some(length) => Some(length.saturating_sub(self.used_ns)),
            None => None,
        }
    }

    /// Time run since the last refill.
    pub const fn used_ns(&self) -> u64 {
        self.used_ns
    }

    /// Starts a fresh slice of the same length.
    pub fn refill(&mut self) {
        self.used_ns = 0;
    }
}

/// Runnable items by level, highest first, first in first out within one.
///
/// An item (a thread id) must sit on at most one level at a time; the
/// queue does not check. The running thread is not in the queue: the
/// scheduler [`pick`](RunQueue::pick)s it out and puts it back with
/// [`enqueue`](RunQueue::enqueue) or [`enqueue_front`](RunQueue::enqueue_front)
/// when it stops running.
///
/// Every method taking a level panics if it is above [`MAX_LEVEL`]; levels
/// come from [`level_of`], which never returns one.
#[derive(Debug)]
pub struct RunQueue<T: Copy + Eq> {
    /// One first-in, first-out list per level.
    levels: [VecDeque<T>; LEVELS],
    /// Bit `level % 32` of word `level / 32` is set iff that level's list
    /// is non-empty. Kept in step by every method that changes a list.
    bitmap: [u32; 4],
    /// Items in all lists together.
    len: usize,
}

impl<T: Copy + Eq> RunQueue<T> {
    /// An empty queue. `const`, so it can start out in a `static`.
    pub const fn new() -> RunQueue<T> {
        RunQueue {
            levels: [const { VecDeque::new() }; LEVELS],
            bitmap: [0; 4],
            len: 0,
        }
    }

    /// Adds `item` at the tail of `level`: a thread that became runnable,
    /// called `sched_yield` or used up its slice (sched(7)).
    pub fn enqueue(&mut self, item: T, level: u8) {
        self.list(level).push_back(item);
        self.added(level);
    }

    /// Adds `item` at the head of `level`: a thread preempted by a higher
    /// level, which sched(7) says "will stay at the head of the list for
    /// its priority", or one whose priority was lowered.
    pub fn enqueue_front(&mut self, item: T, level: u8) {
        self.list(level).push_front(item);
        self.added(level);
    }

    /// Takes `item` off `level` (it blocked or exited while queued, or its
    /// level changed); returns whether it was there.
    pub fn remove(&mut self, item: T, level: u8) -> bool {
        let list = self.list(level);
        let Some(index) = list.iter().position(|queued| *queued == item) else {
            return false;
        };
        list.remove(index);
        let now_empty = list.is_empty();
        self.len -= 1;
        if now_empty {
            self.clear_bit(level);
        }
        true
    }

    /// Pops the head of the highest non-empty level, with that level.
    #[must_use]
    pub fn pick(&mut self) -> Option<(T, u8)> {
        let level = self.peek_level()?;
        let list = self.list(level);
        let item = list.pop_front()?;
        let now_empty = list.is_empty();
        self.len -= 1;
        if now_empty {
            self.clear_bit(level);
        }
        Some((item, level))
    }

    /// The highest non-empty level, without taking anything off it: what
    /// [`should_preempt`] compares the running thread against.
    pub fn peek_level(&self) -> Option<u8> {
        // Scan the four words from the top; the first non-zero one holds
        // the highest level, at its most significant set bit.
        (0..self.bitmap.len()).rev().find_map(|word| {
            let bits = self.bitmap[word];
            (bits != 0).then(|| (word * 32 + 31 - bits.leading_zeros() as usize) as u8)
        })
    }

    /// Whether no item is queued.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Items queued, over all levels.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The list of `level`; panics with a clear message past [`MAX_LEVEL`].
    fn list(&mut self, level: u8) -> &mut VecDeque<T> {
        assert!(
            level <= MAX_LEVEL,
            "run queue level {level} is above {MAX_LEVEL}"
        );
        &mut self.levels[usize::from(level)]
    }

    /// Book-keeping after an item went onto `level`.
    fn added(&mut self, level: u8) {
        self.len += 1;
        self.bitmap[usize::from(level / 32)] |= 1 << (level % 32);
    }

    /// Marks `level` empty in the bitmap.
    fn clear_bit(&mut self, level: u8) {
        self.bitmap[usize::from(level / 32)] &= !(1 << (level % 32));
    }

    /// Checks that the bitmap and the count agree with the lists.
    #[cfg(test)]
    fn assert_consistent(&self) {
        let mut total = 0;
        for (level, list) in self.levels.iter().enumerate() {
            let bit = self.bitmap[level / 32] & (1 << (level % 32)) != 0;
            assert_eq!(bit, !list.is_empty(), "bitmap bit of level {level}");
            total += list.len();
        }
        // Bits 100..=127 name no level and must stay clear.
        assert_eq!(self.bitmap[3] >> (LEVELS - 96), 0, "bits past level 99");
        assert_eq!(total, self.len, "item count");
    }
}

impl<T: Copy + Eq> Default for RunQueue<T> {
    fn default() -> Self {
        RunQueue::new()
    }
}

#[cfg(test)]
mod tests;
