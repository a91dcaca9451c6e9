// SPDX-License-Identifier: MIT OR Apache-2.0
//! The futex wait queue: who sleeps on which word, in arrival order.
//!
//! One queue for the whole kernel, first in first out, so FUTEX_WAKE of
//! one wakes the longest sleeper, as Linux does for equal priorities. A
//! waiter carries the bitset it waits with (FUTEX_WAIT_BITSET); a wake
//! takes only waiters whose bitset meets its own (plain WAIT and WAKE use
//! all ones). Waking removes the waiter: a woken thread that finds itself
//! gone from the queue knows it was woken, one still in it timed out (or
//! was interrupted) and takes itself out. Pure logic over plain data,
//! tested on the host; `crate::futex` applies it to threads.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

/// What identifies a futex word: the address space and the address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    /// The address space's identity (its memory's address in the kernel
    /// heap: unique while any thread lives in it, and a waiter keeps it
    /// alive).
    pub space: usize,
    /// The word's user address.
    pub address: u32,
}

/// One sleeper.
#[derive(Clone, Copy, Debug)]
struct Waiter<T> {
    key: Key,
    thread: T,
    bitset: u32,
}

/// The sleepers of every futex, oldest first.
pub struct WaitQueue<T> {
    waiters: VecDeque<Waiter<T>>,
}

impl<T: Copy + PartialEq> WaitQueue<T> {
    /// No sleepers.
    pub const fn new() -> WaitQueue<T> {
        WaitQueue {
            waiters: VecDeque::new(),
        }
    }

    /// `thread` sleeps on `key` until a wake whose bitset meets `bitset`.
    pub fn enqueue(&mut self, key: Key, thread: T, bitset: u32) {
        self.waiters.push_back(Waiter {
            key,
            thread,
            bitset,
        });
    }

    /// Takes up to `count` sleepers of `key` whose bitset meets `bitset`,
    /// oldest first; returns them, to be made runnable.
    pub fn wake(&mut self, key: Key, count: u32, bitset: u32) -> Vec<T> {
        let mut woken = Vec::new();
        self.waiters.retain(|waiter| {
            let take =
                (woken.len() as u32) < count && waiter.key == key && waiter.bitset & bitset != 0;
            if take {
                woken.push(waiter.thread);
            }
            !take
        });
        woken
    }

    /// FUTEX_REQUEUE: wakes up to `wake_count` sleepers of `from`, then
    /// moves up to `move_count` of the rest to `to`. Returns the woken and
    /// how many moved.
    pub fn requeue(
        &mut self,
        from: Key,
        to: Key,
        wake_count: u32,
        move_count: u32,
    ) -> (Vec<T>, u32) {
        let woken = self.wake(from, wake_count, u32::MAX);
        let mut moved = 0;
        for waiter in self.waiters.iter_mut() {
            if moved == move_count {
                break;
            }
            if waiter.key == from {
                waiter.key = to;
                moved += 1;
            }
        }
        (woken, moved)
    }

    /// Takes `thread` out if it still sleeps; returns whether it did.
    pub fn remove(&mut self, thread: T) -> bool {
        let before = self.waiters.len();
        self.waiters.retain(|waiter| waiter.thread != thread);
        self.waiters.len() != before
    }

    /// How many sleep, on any futex.
    pub fn len(&self) -> usize {
        self.waiters.len()
    }

    /// Whether nobody sleeps.
    pub fn is_empty(&self) -> bool {
        self.waiters.is_empty()
    }
}

impl<T: Copy + PartialEq> Default for WaitQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Key = Key {
        space: 1,
        address: 0x1000,
    };
    const B: Key = Key {
        space: 1,
        address: 0x2000,
    };
    const OTHER_SPACE: Key = Key {
        space: 2,
        address: 0x1000,
    };

    #[test]
    fn wake_takes_the_oldest_of_that_key_only() {
        let mut queue = WaitQueue::new();
        queue.enqueue(A, 1, u32::MAX);
        queue.enqueue(B, 2, u32::MAX);
        queue.enqueue(A, 3, u32::MAX);
        queue.enqueue(OTHER_SPACE, 4, u32::MAX);
        assert_eq!(queue.wake(A, 1, u32::MAX), [1]);
        assert_eq!(queue.wake(A, 5, u32::MAX), [3]);
        assert_eq!(queue.wake(A, 5, u32::MAX), []);
        assert_eq!(queue.len(), 2);
        assert_eq!(queue.wake(OTHER_SPACE, 0, u32::MAX), []);
        assert_eq!(queue.wake(OTHER_SPACE, 1, u32::MAX), [4]);
    }

    #[test]
    fn bitsets_must_meet() {
        let mut queue = WaitQueue::new();
        queue.enqueue(A, 1, 0b01);
        queue.enqueue(A, 2, 0b10);
        assert_eq!(queue.wake(A, 9, 0b10), [2]);
        assert_eq!(queue.wake(A, 9, 0b100), []);
        assert_eq!(queue.wake(A, 9, u32::MAX), [1]);
    }

    #[test]
    fn requeue_wakes_some_and_moves_others() {
        let mut queue = WaitQueue::new();
        for thread in 1..=4 {
            queue.enqueue(A, thread, u32::MAX);
        }
        let (woken, moved) = queue.requeue(A, B, 1, 2);
        assert_eq!((woken.as_slice(), moved), (&[1][..], 2));
        assert_eq!(queue.wake(B, 9, u32::MAX), [2, 3]);
        assert_eq!(queue.wake(A, 9, u32::MAX), [4]);
        assert!(queue.is_empty());
    }

    #[test]
    fn remove_says_whether_the_thread_still_slept() {
        let mut queue = WaitQueue::new();
        queue.enqueue(A, 7, u32::MAX);
        assert!(queue.remove(7));
        assert!(!queue.remove(7));
        queue.enqueue(A, 8, u32::MAX);
        assert_eq!(queue.wake(A, 1, u32::MAX), [8]);
        assert!(!queue.remove(8));
    }
}
