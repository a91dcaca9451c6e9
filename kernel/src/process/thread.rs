// SPDX-License-Identifier: MIT OR Apache-2.0
//! A thread's kernel side: its kernel stack, saved context and state.
//!
//! A process has one or more threads, each its own table entry. A
//! thread runs its system calls on its own kernel stack, which is what
//! lets a system call block in the middle and resume later; the saved sp
//! is where the context switch left its registers.

use alloc::boxed::Box;
use alloc::vec::Vec;

/// Bytes of kernel stack per thread. 16 KiB, not Linux's 8: the deepest
/// paths (execve loading an ELF, clone inserting a table entry, the
/// B-tree moving `Process` values) measured over 8 KiB with glibc
/// programs, and an overflow would silently corrupt the heap block below.
pub const KERNEL_STACK_SIZE: usize = 16384;

/// The word at the bottom of every kernel stack; a switch away from a
/// thread whose word changed stops the kernel with a clear report rather
/// than let the overflow corrupt the heap further.
const STACK_CANARY: u64 = 0x4b4d_4c5f_5354_4143;

/// A thread's kernel stack, 8-byte aligned as AAPCS requires.
pub struct KernelStack(Box<[u64; KERNEL_STACK_SIZE / 8]>);

impl KernelStack {
    /// A fresh stack, its canary in place; `None` when the heap could not
    /// spare it and its reserve (fork and clone then fail with `ENOMEM`,
    /// the kernel goes on).
    pub fn new() -> Option<KernelStack> {
        if !crate::heap::can_spare(KERNEL_STACK_SIZE) {
            return None;
        }
        let mut words: Vec<u64> = Vec::new();
        words.try_reserve_exact(KERNEL_STACK_SIZE / 8).ok()?;
        words.resize(KERNEL_STACK_SIZE / 8, 0);
        words[0] = STACK_CANARY;
        let words: Box<[u64; KERNEL_STACK_SIZE / 8]> = words.into_boxed_slice().try_into().ok()?;
        Some(KernelStack(words))
    }

    /// Whether the stack never grew into its last word.
    pub fn intact(&self) -> bool {
        self.0[0] == STACK_CANARY
    }

    /// The address just past the stack: where it starts growing down.
    pub fn top(&self) -> usize {
        self.0.as_ptr() as usize + KERNEL_STACK_SIZE
    }
}

/// What a thread waits for. Waking an event makes every thread blocked on
/// it runnable; each re-checks its condition (the wait queues are keyed by
/// event, so the preemptive scheduler of issue 4 keeps the same shape).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A child of this process changed state (exited).
    ChildOf(super::Pid),
    /// Data or space in the pipe with this identity.
    Pipe(usize),
    /// A byte typed on the console.
    ConsoleInput,
    /// Nothing but the deadline (nanosleep).
    Sleep,
    /// Nothing but a signal (pause, rt_sigsuspend).
    Signal,
    /// Any pipe or console change (poll): woken with every pipe and
    /// console event; the poller checks its descriptors again.
    Poll,
    /// A futex: woken one by one by `crate::futex`, never by `wake`.
    Futex,
    /// The vforked child with this pid execs or exits.
    Vfork(super::Pid),
}

/// Where a thread is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadState {
    /// Running or ready to run.
    Runnable,
    /// Waiting for an event.
    Blocked(Event),
    /// Finished: the wait status its parent will collect (a group's
    /// leader, once every thread of the group ended).
    Zombie(u32),
    /// The thread ended (with this wait status) but its group lives on;
    /// never scheduled. A leader waits so until the group ends, the
    /// others until the scheduler reaps them.
    Exited(u32),
}
