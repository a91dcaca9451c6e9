// SPDX-License-Identifier: MIT OR Apache-2.0
//! What an interrupt means to the core.
//!
//! The arch crate takes the interrupt (from a process, or while the kernel
//! idles in WFI), asks the interrupt controller which line it is, and the
//! board's wiring turns the line into a [`Source`]. The core then does the
//! one thing each source is for: the timer expires deadlines and time
//! slices, the console's receiver hands its bytes to readers. The kernel
//! itself runs with interrupts masked; a higher-priority thread woken here
//! runs as soon as the interrupt returns (`sched::preemption_point`).

use crate::{file, sched, time};

/// Where an interrupt came from, as far as the core cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The one-shot event timer fired.
    Timer,
    /// The console received bytes.
    ConsoleInput,
    /// A line nobody asked for (reported once, then ignored).
    Unexpected(u32),
}

/// Handles one interrupt; the caller acknowledged it and will end it.
pub fn handle(source: Source) {
    match source {
        Source::Timer => time::timer_interrupt(),
        Source::ConsoleInput => {
            file::receive_console_input();
            sched::wake(crate::process::thread::Event::ConsoleInput);
        }
        Source::Unexpected(line) => report_unexpected(line),
    }
}

/// Logs an interrupt line nobody enabled, once per line.
fn report_unexpected(line: u32) {
    static REPORTED: spin::Mutex<alloc::collections::BTreeSet<u32>> =
        spin::Mutex::new(alloc::collections::BTreeSet::new());
    if REPORTED.lock().insert(line) {
        crate::println!("interrupt: unexpected line {line}, ignored");
    }
}
