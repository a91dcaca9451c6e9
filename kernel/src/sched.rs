// SPDX-License-Identifier: MIT OR Apache-2.0
//! Choosing who runs next, and the hand-off to them.
//!
//! Scheduling here is cooperative: a thread gives up the CPU when it
//! blocks, yields or exits, and the next runnable thread in first-in,
//! first-out order runs. Issue 4 puts priorities and preemption on top of
//! the same run queue. This module is on the crate's `unsafe` list: it
//! calls the platform's context switch.

use crate::platform;
use crate::process::thread::{Event, ThreadState};
use crate::process::{Pid, TABLE, with_table};

/// Gives the CPU to the next runnable thread, if any; returns when this
/// thread runs again (at once if it is the only runnable one).
pub fn schedule() {
    loop {
        let mut guard = TABLE.lock();
        let table = guard.as_mut().expect("the process table exists");
        wake_deferred(table);
        let current = table.current;
        let current_runnable = table.current().state == ThreadState::Runnable;
        let next = loop {
            match table.run_queue.pop_front() {
                Some(pid)
                    if table
                        .processes
                        .get(&pid)
                        .is_some_and(|p| p.state == ThreadState::Runnable) =>
                {
                    break Some(pid);
                }
                Some(_) => continue,
                None => break None,
            }
        };
        let Some(next) = next else {
            if current_runnable {
                return;
            }
            let console_waiters = table
                .processes
                .values()
                .any(|process| process.state == ThreadState::Blocked(Event::ConsoleInput));
            drop(guard);
            if !console_waiters {
                crate::println!("kernel: every process is blocked and nothing can wake them");
                crate::fatal::stop(crate::platform::ExitStatus::NoInit);
            }
            wait_for_console();
            continue;
        };
        if current_runnable {
            table.run_queue.push_back(current);
        }
        table.current = next;
        let save = core::ptr::addr_of_mut!(table.current_saved_sp_slot(current).saved_sp);
        let next_process = table.processes.get(&next).expect("picked from the table");
        let load = next_process.saved_sp;
        next_process.memory.space.activate();
        platform::get().set_thread_pointer(next_process.tls);
        drop(guard);
        // SAFETY: `save` points into the current process, which stays in
        // the table (zombies are only reaped by another thread, after this
        // switch stored the sp); `load` is the saved sp of a runnable
        // thread, whose stack lives as long as its process.
        unsafe { platform::get().switch_thread(save, load, next.0) };
        return;
    }
}

/// Blocks the running thread until `event` is woken, then returns.
pub fn block_on(event: Event) {
    with_table(|table| table.current().state = ThreadState::Blocked(event));
    schedule();
}

/// Lets every other runnable thread run once before this one continues.
pub fn yield_now() {
    schedule();
}

/// Makes every thread waiting for `event` runnable.
pub fn wake(event: Event) {
    with_table(|table| table.wake(event));
}

/// Events to wake at the next scheduling point, for code that runs while
/// the process table is locked (dropping a pipe end inside `close`).
static DEFERRED_WAKES: spin::Mutex<alloc::vec::Vec<Event>> =
    spin::Mutex::new(alloc::vec::Vec::new());

/// Wakes `event` at the next scheduling point.
pub fn wake_later(event: Event) {
    DEFERRED_WAKES.lock().push(event);
}

/// Wakes what `wake_later` recorded; the caller holds the table.
fn wake_deferred(table: &mut crate::process::ProcessTable) {
    let events = core::mem::take(&mut *DEFERRED_WAKES.lock());
    for event in events {
        table.wake(event);
    }
}

/// Idles until a console byte arrives, then wakes the readers.
fn wait_for_console() {
    loop {
        if crate::file::console_input_ready() {
            wake(Event::ConsoleInput);
            return;
        }
        platform::get().idle();
    }
}

/// Starts running `first` from the boot thread, which is never resumed.
pub fn start(first: Pid) -> ! {
    let load = with_table(|table| {
        table.current = first;
        let process = table.processes.get(&first).expect("init was created");
        process.memory.space.activate();
        process.saved_sp
    });
    let mut boot_sp = 0;
    // SAFETY: the boot stack stays allocated (it is static) though we never
    // return to it; `load` was made by prepare_thread for init.
    unsafe { platform::get().switch_thread(&mut boot_sp, load, first.0) };
    unreachable!("nothing switches back to the boot thread");
}

/// Prepares a new thread on `stack`: `initialize` sets its user registers.
/// Returns the saved sp to store in its process.
pub fn new_thread(
    stack: &crate::process::thread::KernelStack,
    initialize: &mut dyn FnMut(&mut dyn crate::trap::UserFrame),
) -> u32 {
    // SAFETY: the stack is a fresh allocation owned by the new thread's
    // process; nothing else uses its top bytes.
    unsafe { platform::get().prepare_thread(stack.top(), initialize) }
}
