// SPDX-License-Identifier: MIT OR Apache-2.0
//! The `cow` scenario: after fork, neither side sees the other's writes.
//!
//! A global, a heap buffer and a stack array are written on both sides of a
//! fork, in an order forced with two pipes, so copy-on-write is checked in
//! both directions while both processes are alive.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::hint::black_box;
use core::sync::atomic::{AtomicU32, Ordering};

use userlib::Errno;
use userlib::syscall::{self, Pipe};

use super::{Outcome, Passed, failed};
use crate::{Launcher, expect_exit, in_child, wait_for};

/// A global both sides of the fork write.
static GLOBAL: AtomicU32 = AtomicU32::new(0);

/// Values of the three places before the fork, in the child, in the parent.
const BEFORE: u32 = 0x1111_1111;
const CHILD_VALUE: u32 = 0x2222_2222;
const PARENT_VALUE: u32 = 0x3333_3333;

/// Exit status of the child when the parent's writes showed through.
const CHILD_SAW_PARENT: i32 = 3;

/// A global, a heap buffer and a stack array, written on both sides.
struct Places<'a> {
    heap: &'a mut [u32],
    stack: &'a mut [u32],
}

impl Places<'_> {
    /// Writes `value` everywhere.
    fn set(&mut self, value: u32) {
        GLOBAL.store(value, Ordering::SeqCst);
        self.heap.fill(value);
        self.stack.fill(value);
    }

    /// Which places do not hold `value` (empty: all do).
    fn differing(&self, value: u32) -> Vec<&'static str> {
        let mut wrong = Vec::new();
        if GLOBAL.load(Ordering::SeqCst) != value {
            wrong.push("global");
        }
        if black_box(&*self.heap).iter().any(|&word| word != value) {
            wrong.push("heap");
        }
        if black_box(&*self.stack).iter().any(|&word| word != value) {
            wrong.push("stack");
        }
        wrong
    }
}

/// fork; each side writes after the fork and must not see the other's.
///
/// The order is forced with two pipes: the child writes, tells the parent,
/// and waits; the parent checks it still sees its old values, writes its
/// own and lets the child check it still sees the child's.
pub fn cow(_launcher: &Launcher) -> Outcome {
    let mut heap = vec![0u32; 2048]; // two pages
    let mut stack_storage = [0u32; 256];
    // black_box: the array's address escapes, so it lives in memory that
    // the fork really copies, not in registers.
    let mut places = Places {
        heap: &mut heap,
        stack: black_box(&mut stack_storage),
    };
    places.set(BEFORE);
    let to_child = syscall::pipe().map_err(failed("pipe"))?;
    let to_parent = syscall::pipe().map_err(failed("pipe"))?;
    let child = in_child(|| {
        places.set(CHILD_VALUE);
        if signal(to_parent).is_err() || await_signal(to_child).is_err() {
            return 2;
        }
        if places.differing(CHILD_VALUE).is_empty() {
            0
        } else {
            CHILD_SAW_PARENT
        }
    })?;
    let result = cow_parent(&mut places, to_child, to_parent);
    let status = wait_for(child)?;
    for pipe in [to_child, to_parent] {
        let _ = syscall::close(pipe.read);
        let _ = syscall::close(pipe.write);
    }
    result?;
    if status.exit_status() == Some(CHILD_SAW_PARENT) {
        return Err("the child saw the parent's writes".into());
    }
    expect_exit("cow child", status, 0)?;
    match places.differing(PARENT_VALUE).as_slice() {
        [] => Ok(Passed::Yes),
        wrong => Err(format!("parent's own writes lost in {wrong:?}")),
    }
}

/// The parent's half of [`cow`].
fn cow_parent(places: &mut Places<'_>, to_child: Pipe, to_parent: Pipe) -> Result<(), String> {
    await_signal(to_parent).map_err(failed("waiting for the child"))?;
    let wrong = places.differing(BEFORE);
    places.set(PARENT_VALUE);
    signal(to_child).map_err(failed("signalling the child"))?;
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!("the parent saw the child's writes in {wrong:?}"))
    }
}

/// Writes one byte into `pipe`.
fn signal(pipe: Pipe) -> Result<(), Errno> {
    syscall::write_all(pipe.write, b"!")
}

/// Reads one byte from `pipe`; end of file is `EPIPE`.
fn await_signal(pipe: Pipe) -> Result<(), Errno> {
    let mut byte = [0u8; 1];
    match syscall::read(pipe.read, &mut byte)? {
        1 => Ok(()),
        _ => Err(Errno::EPIPE),
    }
}
