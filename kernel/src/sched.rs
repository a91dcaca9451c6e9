// SPDX-License-Identifier: MIT OR Apache-2.0
//! Choosing who runs next, and the hand-off to them.
//!
//! Preemptive and fixed-priority, with Linux's policies: SCHED_FIFO and
//! SCHED_RR threads at priorities 1-99 run before every SCHED_OTHER thread,
//! the highest priority first, round-robin within a priority for RR and
//! OTHER (time slices), run-to-block for FIFO. The policy itself is pure
//! code (`policy`, `timer_queue`), tested on the host; this file applies it
//! to the process table and performs the switch.
//!
//! The kernel runs with interrupts masked. A thread that becomes runnable
//! with a higher priority than the running one sets `need_reschedule`; the
//! switch happens at the next [`preemption_point`], which the arch crate
//! calls on every return to a process (after an interrupt, a system call or
//! a fault). So an interrupt that wakes a high-priority thread switches to
//! it on its way out. The longest interrupt-masked stretch is therefore the
//! longest system call: today execve of a large program (it checks the
//! whole ELF image and builds the stack) or fork of a large process (it
//! walks every page table entry).
//!
//! When nothing can run, the CPU waits in WFI (interrupts stay masked: WFI
//! still wakes on a pending interrupt, which is then dispatched by polling
//! the controller) and the idle count goes up.
//!
//! This module is on the crate's `unsafe` list: it calls the platform's
//! context switch.

pub mod policy;
pub mod timer_queue;

use crate::platform;
use crate::process::thread::{Event, ThreadState};
use crate::process::{Pid, ProcessTable, TABLE, with_table};
use core::sync::atomic::{AtomicU64, Ordering};

/// Times the CPU went idle (WFI) because nothing could run.
static IDLE_ENTRIES: AtomicU64 = AtomicU64::new(0);

/// How often the CPU has idled since boot.
pub fn idle_entries() -> u64 {
    IDLE_ENTRIES.load(Ordering::Relaxed)
}

/// Why the running thread calls the scheduler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    /// It blocked or ended: it is not runnable.
    Block,
    /// It gives up the CPU (sched_yield, or its time slice ended): to the
    /// tail of its priority.
    Yield,
    /// Something of higher priority became runnable: it keeps its place at
    /// the head of its priority (POSIX for a preempted SCHED_FIFO thread).
    Preempt,
}

/// Switches if a higher-priority thread is waiting or the time slice ran
/// out. The arch crate calls this on every way back to a process.
pub fn preemption_point() {
    let (due, slice_over, queue_changed) = with_table(|table| {
        wake_deferred(table);
        // The clock only when a slice can end: most returns (SCHED_FIFO, or
        // nobody else at this priority) need no time at all.
        let slice_over = table
            .slice_end()
            .is_some_and(|end| platform::get().monotonic_nanoseconds() >= end);
        let queue_changed = core::mem::take(&mut table.queue_changed);
        (
            core::mem::take(&mut table.need_reschedule),
            slice_over,
            queue_changed,
        )
    });
    if slice_over {
        switch(Reason::Yield);
    } else if due {
        switch(Reason::Preempt);
    } else if queue_changed {
        // A thread of the running one's priority became runnable: the
        // running thread's time slice now needs its timer.
        reprogram_timer();
    }
}

/// Blocks the running thread until `event` is woken.
pub fn block_on(event: Event) {
    with_table(|table| table.current().state = ThreadState::Blocked(event));
    switch(Reason::Block);
}

/// Blocks the running thread until `event` is woken or the monotonic
/// clock reaches `deadline`; returns true if the deadline passed first.
pub fn block_until(event: Event, deadline: u64) -> bool {
    let now = platform::get().monotonic_nanoseconds();
    if deadline <= now {
        return true;
    }
    with_table(|table| {
        let pid = table.current;
        let timer = table.timers.insert(deadline, pid);
        let process = table.current();
        process.state = ThreadState::Blocked(event);
        process.timer = Some(timer);
        process.timed_out = false;
    });
    reprogram_timer();
    switch(Reason::Block);
    with_table(|table| {
        let process = table.current();
        if let Some(timer) = process.timer.take() {
            table.timers.cancel(timer);
        }
        core::mem::take(&mut table.current().timed_out)
    })
}

/// Switches away from a thread that has ended, for good.
pub fn leave() {
    switch(Reason::Block);
}

/// Gives up the CPU to threads of the same priority. Alone at its
/// priority (nobody queued at or above it), the thread keeps the CPU at
/// once, as on Linux, without touching the run queue or the timer.
pub fn yield_now() {
    let alone = with_table(|table| {
        let level = table.current().level();
        table
            .run_queue
            .peek_level()
            .is_none_or(|queued| queued < level)
    });
    if !alone {
        switch(Reason::Yield);
    }
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
fn wake_deferred(table: &mut ProcessTable) {
    let events = core::mem::take(&mut *DEFERRED_WAKES.lock());
    for event in events {
        table.wake(event);
    }
}

/// The timer fired: wake the threads whose deadlines passed.
pub fn timer_expired() {
    let now = platform::get().monotonic_nanoseconds();
    // Whatever was armed has fired.
    *ARMED.lock() = None;
    with_table(|table| {
        for pid in table.timers.expire(now) {
            if let Some(process) = table.processes.get_mut(&pid) {
                process.timer = None;
                if matches!(process.state, ThreadState::Blocked(_)) {
                    process.timed_out = true;
                    table.make_runnable(pid);
                }
            }
        }
    });
    reprogram_timer();
}

/// Programs the one-shot timer for the nearest thing that needs it: a
/// sleeper's deadline, or the end of the running thread's time slice when
/// others of its priority wait. Nothing to wait for means no tick at all.
pub fn reprogram_timer() {
    let deadline = with_table(|table| {
        // A slice that already ended needs no interrupt: the preemption
        // point on the way out switches. Arming a past deadline would
        // only make the timer fire again at once, forever. The clock is
        // read only when there is a slice to end.
        let slice_end = table
            .slice_end()
            .filter(|&end| end > platform::get().monotonic_nanoseconds());
        match (table.timers.next_deadline(), slice_end) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    });
    // The timer already waits for exactly this (or nothing): leave it.
    let mut armed = ARMED.lock();
    if *armed == Some(deadline) {
        return;
    }
    *armed = Some(deadline);
    drop(armed);
    platform::get().set_timer(deadline);
}

/// What the timer was last armed for (`Some(None)`: stopped), or `None`
/// when unknown (at boot, and once it fired): lets [`reprogram_timer`]
/// skip arming it again for the same deadline, which most switches ask.
static ARMED: spin::Mutex<Option<Option<u64>>> = spin::Mutex::new(None);

/// Runs the highest-priority runnable thread, putting the current one
/// back as `reason` says; idles in WFI while nothing can run.
fn switch(reason: Reason) {
    loop {
        let mut guard = TABLE.lock();
        let table = guard.as_mut().expect("the process table exists");
        wake_deferred(table);
        // Threads that ended and switched away for good go now.
        table.reap();
        let current = table.current;
        if !table.current().kernel_stack.intact() {
            drop(guard);
            panic!(
                "kernel stack overflow in thread {} (more than {} bytes)",
                current.0,
                crate::process::thread::KERNEL_STACK_SIZE
            );
        }
        let current_runnable = table.current().state == ThreadState::Runnable;
        // A thread that blocked may be runnable again by now (woken while
        // the CPU idled): it competes like any other.
        if current_runnable {
            let level = table.current().level();
            if reason == Reason::Preempt {
                table.run_queue.enqueue_front(current, level);
            } else {
                table.run_queue.enqueue(current, level);
            }
        }
        let Some((next, _)) = table.run_queue.pick() else {
            drop(guard);
            if current_runnable {
                return;
            }
            idle();
            continue;
        };
        let next_process = table
            .processes
            .get_mut(&next)
            .expect("queued processes exist");
        // A new slice starts, for the policies that have slices.
        if crate::sched::policy::timeslice_ns(next_process.params.policy).is_some() {
            next_process.slice_start = platform::get().monotonic_nanoseconds();
        }
        if next == current {
            drop(guard);
            reprogram_timer();
            return;
        }
        let load = next_process.saved_sp;
        // TPIDRPRW's token is the thread group: what getpid answers on
        // the fast paths (gettid takes the dispatcher).
        let token = next_process.tgid.0;
        next_process.memory.lock().space.activate();
        platform::get().set_thread_pointer(next_process.tls);
        table.current = next;
        let save = core::ptr::addr_of_mut!(table.current_saved_sp_slot(current).saved_sp);
        drop(guard);
        reprogram_timer();
        // The VFP unit is on only for its owner (lazy switching).
        crate::vfp::switch_to(next);
        // SAFETY: `save` points into the current process, which stays in
        // the table (zombies are only reaped by another thread, after this
        // switch stored the sp); `load` is the saved sp of a runnable
        // thread, whose stack lives as long as its process.
        unsafe { platform::get().switch_thread(save, load, token) };
        return;
    }
}

/// Nothing can run: wait for an interrupt, or give up if nothing could
/// ever wake anyone.
fn idle() {
    let sleepers = with_table(|table| {
        table
            .processes
            .values()
            .any(|process| matches!(process.state, ThreadState::Blocked(_)))
    });
    if !sleepers {
        crate::println!("kernel: no process can run and none waits: stopping");
        crate::fatal::stop(crate::platform::ExitStatus::NoInit);
    }
    IDLE_ENTRIES.fetch_add(1, Ordering::Relaxed);
    platform::get().wait_for_interrupt();
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

/// Starts running `first` from the boot thread, which is never resumed.
pub fn start(first: Pid) -> ! {
    let load = with_table(|table| {
        table.current = first;
        let process = table.processes.get_mut(&first).expect("init was created");
        process.slice_start = platform::get().monotonic_nanoseconds();
        process.memory.lock().space.activate();
        process.saved_sp
    });
    crate::vfp::switch_to(first);
    let mut boot_sp = 0;
    // SAFETY: the boot stack stays allocated (it is static) though we never
    // return to it; `load` was made by prepare_thread for init.
    unsafe { platform::get().switch_thread(&mut boot_sp, load, first.0) };
    unreachable!("nothing switches back to the boot thread");
}
