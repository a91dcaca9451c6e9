// SPDX-License-Identifier: MIT OR Apache-2.0
//! futex and futex_time64: sleeping on a user word, for thread libraries.
//!
//! FUTEX_WAIT sleeps while the word holds the expected value (checked
//! with the process table locked, so no wake can slip in between on this
//! one core); FUTEX_WAKE wakes a given number of sleepers, oldest first;
//! the BITSET forms filter by bitset and WAIT_BITSET takes an absolute
//! deadline; REQUEUE and CMP_REQUEUE move sleepers to another word.
//! Timeouts go through the scheduler's timer queue, like nanosleep.
//!
//! **Keys.** A futex is named by (address space, virtual address), for
//! private and shared futexes alike. Every mapping in KML-rs is private
//! anonymous memory (no MAP_SHARED, no file mappings), and for such
//! memory Linux keys even a "shared" futex by (mm, address) too. A key by
//! physical address would break here: copy-on-write after fork moves a
//! page under a sleeper. FUTEX_CLOCK_REALTIME is accepted; the realtime
//! clock is the monotonic one (`crate::time`).
//!
//! The queue itself (`queue`) is pure and host-tested; it is one kernel
//! lock, taken inside the process table's lock or alone, never the other
//! way round.

pub mod queue;

use crate::process::memory::ProcessMemory;
use crate::process::thread::Event;
use crate::process::{Pid, Shared, with_table};
use crate::{sched, time, uaccess};
use abi::errno::Errno;
use abi::futex::*;
use alloc::vec::Vec;
use queue::{Key, WaitQueue};

/// Every futex sleeper.
static WAITERS: spin::Mutex<WaitQueue<Pid>> = spin::Mutex::new(WaitQueue::new());

/// Which timespec layout the call's timeout has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeLayout {
    /// futex: `struct old_timespec32`.
    Time32,
    /// futex_time64: `struct __kernel_timespec`.
    Time64,
}

/// futex(uaddr, op, val, timeout or val2, uaddr2, val3).
pub fn futex(
    address: u32,
    operation: u32,
    value: u32,
    timeout: u32,
    address2: u32,
    value3: u32,
    layout: TimeLayout,
) -> Result<u32, Errno> {
    match operation & FUTEX_CMD_MASK {
        FUTEX_WAIT => {
            let deadline = read_timeout(timeout, layout, false)?;
            wait(address, value, deadline, FUTEX_BITSET_MATCH_ANY)
        }
        FUTEX_WAIT_BITSET => {
            if value3 == 0 {
                return Err(Errno::EINVAL);
            }
            let deadline = read_timeout(timeout, layout, true)?;
            wait(address, value, deadline, value3)
        }
        FUTEX_WAKE => wake(address, value, FUTEX_BITSET_MATCH_ANY),
        FUTEX_WAKE_BITSET => {
            if value3 == 0 {
                return Err(Errno::EINVAL);
            }
            wake(address, value, value3)
        }
        FUTEX_REQUEUE => requeue(address, address2, value, timeout, None),
        FUTEX_CMP_REQUEUE => requeue(address, address2, value, timeout, Some(value3)),
        _ => Err(Errno::ENOSYS),
    }
}

/// The deadline a timeout argument names: none for NULL; relative to now
/// for FUTEX_WAIT, absolute for WAIT_BITSET.
fn read_timeout(address: u32, layout: TimeLayout, absolute: bool) -> Result<Option<u64>, Errno> {
    if address == 0 {
        return Ok(None);
    }
    let time = match layout {
        TimeLayout::Time32 => time::read_timespec(address)?,
        TimeLayout::Time64 => time::read_timespec64(address)?,
    };
    Ok(Some(if absolute {
        time
    } else {
        time::now().saturating_add(time)
    }))
}

/// The key of the word at `address` in `memory`.
fn key_of(memory: &Shared<ProcessMemory>, address: u32) -> Key {
    Key {
        space: alloc::sync::Arc::as_ptr(memory) as usize,
        address,
    }
}

/// The running thread's key for `address`, after checking the word is
/// aligned (EINVAL) and readable (EFAULT); also returns its value.
fn current_key(address: u32) -> Result<(Key, u32), Errno> {
    if !address.is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    with_table(|table| {
        let memory = table.current().memory.clone();
        let value = uaccess::read_u32(&mut memory.lock(), address)?;
        Ok((key_of(&memory, address), value))
    })
}

/// FUTEX_WAIT(_BITSET): sleeps while the word is `expected`.
fn wait(address: u32, expected: u32, deadline: Option<u64>, bitset: u32) -> Result<u32, Errno> {
    if !address.is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    let me = with_table(|table| {
        let memory = table.current().memory.clone();
        let value = uaccess::read_u32(&mut memory.lock(), address)?;
        if value != expected {
            return Err(Errno::EAGAIN);
        }
        let me = table.current;
        WAITERS.lock().enqueue(key_of(&memory, address), me, bitset);
        Ok(me)
    })?;
    let timed_out = match deadline {
        Some(deadline) => sched::block_until(Event::Futex, deadline),
        None => {
            sched::block_on(Event::Futex);
            false
        }
    };
    // Woken threads were taken off the queue by their waker.
    if !WAITERS.lock().remove(me) {
        return Ok(0);
    }
    Err(
        if timed_out || deadline.is_some_and(|end| time::now() >= end) {
            Errno::ETIMEDOUT
        } else {
            Errno::EINTR
        },
    )
}

/// FUTEX_WAKE(_BITSET): wakes up to `count` sleepers; returns how many.
fn wake(address: u32, count: u32, bitset: u32) -> Result<u32, Errno> {
    let (key, _) = current_key(address)?;
    Ok(wake_key(key, count, bitset))
}

/// Wakes up to `count` sleepers on `key` whose bitset meets `bitset`.
fn wake_key(key: Key, count: u32, bitset: u32) -> u32 {
    let woken = WAITERS.lock().wake(key, count, bitset);
    let number = woken.len() as u32;
    if !woken.is_empty() {
        with_table(|table| {
            for tid in woken {
                table.make_runnable(tid);
            }
        });
    }
    number
}

/// Wakes up to `count` sleepers on the word at `address` of `memory`, for
/// a thread's `CLONE_CHILD_CLEARTID` at its exit. The caller holds the
/// process table.
pub fn wake_address(memory: &Shared<ProcessMemory>, address: u32, count: u32) -> Vec<Pid> {
    WAITERS
        .lock()
        .wake(key_of(memory, address), count, FUTEX_BITSET_MATCH_ANY)
}

/// FUTEX_(CMP_)REQUEUE: wakes `wake_count`, moves up to `move_count` to
/// `target`; with `compare`, only if the word still holds it (EAGAIN).
fn requeue(
    address: u32,
    target: u32,
    wake_count: u32,
    move_count: u32,
    compare: Option<u32>,
) -> Result<u32, Errno> {
    let (from, value) = current_key(address)?;
    let (to, _) = current_key(target)?;
    if compare.is_some_and(|expected| expected != value) {
        return Err(Errno::EAGAIN);
    }
    let (woken, moved) = WAITERS.lock().requeue(from, to, wake_count, move_count);
    let number = woken.len() as u32;
    with_table(|table| {
        for tid in woken {
            table.make_runnable(tid);
        }
    });
    Ok(if compare.is_some() {
        number + moved
    } else {
        number
    })
}

/// Forgets thread `tid`'s sleep, if any (it is being ended).
pub fn forget(tid: Pid) {
    WAITERS.lock().remove(tid);
}
