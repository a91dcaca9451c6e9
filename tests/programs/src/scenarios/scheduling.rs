// SPDX-License-Identifier: MIT OR Apache-2.0
//! Fixed-priority scheduling seen from user space: FIFO, RR, periodic tasks.
//!
//! Two scenarios, each a claim of sched(7) on one CPU about a real-time
//! task and a `SCHED_OTHER` process, checked with the monotonic clock and
//! a pipe:
//!
//! - `rt-periodic`: a `SCHED_FIFO` task waking every millisecond with
//!   `clock_nanosleep(TIMER_ABSTIME)` wakes on time although a
//!   `SCHED_OTHER` process spins without ever blocking;
//! - `fifo-not-interrupted`: while a `SCHED_FIFO` task spins, a runnable
//!   `SCHED_OTHER` process does not run at all.
//!
//! `rr-alternate`, about two equals, is in `round_robin`. Every scenario
//! puts init back at `SCHED_OTHER` before it returns (see `realtime`), on
//! failure paths too. On a Linux host (`qemu-arm`) with several CPUs the
//! lower-priority process runs on another CPU, so what these print there
//! says little about KML-rs; pinned to one CPU (`taskset -c 0`) they hold.

use alloc::format;
use alloc::string::String;

use userlib::syscall::{self, Fd, O_NONBLOCK, SCHED_FIFO, Timespec};
use userlib::{Errno, println};

use super::realtime::{RealTime, Runaway, await_byte, now, realtime_refused};
use super::{Outcome, Passed, failed};
use crate::Launcher;

/// `rt-periodic`'s period: 1 ms, a 1 kHz task.
const PERIOD_NS: u64 = 1_000_000;
/// Periods `rt-periodic` measures.
const PERIODS: u32 = 500;
/// The priority of the periodic task.
const PERIODIC_PRIORITY: u32 = 80;
/// The most a wake-up may be late: half a period.
///
/// A `SCHED_FIFO` task that outranks everything else runnable is late by
/// the interrupt entry, the wake-up and one context switch: microseconds
/// on the hardware. QEMU's TCG translates and runs guest code on a host
/// that is itself time-shared, so its lateness is larger and irregular;
/// 0.5 ms leaves it that room. The bound still catches the two ways a
/// scheduler gets this wrong: letting the spinner finish its 10 ms
/// `SCHED_OTHER` slice before the woken task runs (late by up to 10 ms),
/// and a tick-based timer (late by up to a tick, 1 ms or more).
const BOUND_NS: u64 = 500_000;

/// Lateness figures over the periods measured so far.
#[derive(Clone, Copy, Debug)]
struct Lateness {
    min: u64,
    max: u64,
    total: u64,
    count: u64,
    /// Periods later than [`BOUND_NS`]: one or two point at the host, most
    /// of them at the scheduler.
    over_bound: u64,
}

impl Lateness {
    /// No periods yet.
    fn new() -> Self {
        Lateness {
            min: u64::MAX,
            max: 0,
            total: 0,
            count: 0,
            over_bound: 0,
        }
    }

    /// Counts one period that woke `late` nanoseconds after its deadline.
    fn add(&mut self, late: u64) {
        self.min = self.min.min(late);
        self.max = self.max.max(late);
        self.total += late;
        self.count += 1;
        self.over_bound += u64::from(late > BOUND_NS);
    }

    /// The mean lateness (0 with no periods).
    fn average(&self) -> u64 {
        self.total.checked_div(self.count).unwrap_or(0)
    }
}

/// A `SCHED_OTHER` child spins without blocking; init at `SCHED_FIFO` 80
/// wakes every millisecond on an absolute deadline for 500 periods. Each
/// wake-up is at or after its deadline and at most [`BOUND_NS`] late.
pub fn rt_periodic(_launcher: &Launcher) -> Outcome {
    if let Some(skip) = realtime_refused()? {
        return Ok(skip);
    }
    let started = syscall::pipe().map_err(failed("pipe"))?;
    // Forked before init turns real-time, so the child is SCHED_OTHER.
    let spinner = Runaway::start(|| {
        let _ = syscall::write_all(started.write, b"!");
        // A plain busy loop, not `spin_loop()`: its YIELD instruction
        // makes QEMU leave translated code on every iteration, which under
        // -icount slows the guest a thousandfold.
        let mut count = 0u32;
        loop {
            // SAFETY: a volatile write to a local: only keeps the loop.
            unsafe { core::ptr::write_volatile(&mut count, count.wrapping_add(1)) };
        }
    })?;
    let _ = syscall::close(started.write);
    // The spinner is running (and will stay runnable) before we measure.
    let ready = await_byte(started.read);
    let _ = syscall::close(started.read);
    ready.map_err(failed("waiting for the spinner"))?;
    let realtime = RealTime::enter(SCHED_FIFO, PERIODIC_PRIORITY)?;
    let measured = periodic();
    realtime.leave()?;
    spinner.stop()?;
    let lateness = measured?;
    println!(
        "rt-periodic: lateness min {} avg {} max {} ns over {} periods",
        lateness.min,
        lateness.average(),
        lateness.max,
        lateness.count
    );
    if lateness.max > BOUND_NS {
        return Err(format!(
            "a wake-up was {} ns late, more than {BOUND_NS} ns (periods over the bound: {} of {})",
            lateness.max, lateness.over_bound, lateness.count
        ));
    }
    Ok(Passed::Yes)
}

/// The periodic loop: sleeps until each deadline, notes how late it woke.
fn periodic() -> Result<Lateness, String> {
    let first = now()? + PERIOD_NS;
    let mut lateness = Lateness::new();
    for period in 0..PERIODS {
        let deadline = first + u64::from(period) * PERIOD_NS;
        sleep_until(deadline)?;
        let woke = now()?;
        if woke < deadline {
            return Err(format!(
                "period {period} woke {} ns before its deadline",
                deadline - woke
            ));
        }
        lateness.add(woke - deadline);
    }
    Ok(lateness)
}

/// `clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)` until `deadline`;
/// an interrupted sleep sleeps again until the same deadline.
fn sleep_until(deadline: u64) -> Result<(), String> {
    let request = Timespec::from_nanoseconds(deadline);
    loop {
        match syscall::clock_nanosleep(syscall::CLOCK_MONOTONIC, syscall::TIMER_ABSTIME, &request) {
            Ok(()) => return Ok(()),
            Err(Errno::EINTR) => {}
            Err(error) => return Err(failed("clock_nanosleep")(error)),
        }
    }
}

/// How long the `SCHED_FIFO` task of `fifo-not-interrupted` spins.
const SPIN_NS: u64 = 200_000_000;
/// Its priority.
const SPIN_PRIORITY: u32 = 50;
/// The longest gap between two clock reads that is not another process.
///
/// An interrupt (the UART, a timer nobody asked for) costs microseconds;
/// a slice of another process costs 10 ms. A host that preempts QEMU
/// itself also shows as a gap, which is why the line is not at 1 ms.
const GAP_LIMIT_NS: u64 = 5_000_000;

/// What the spin saw.
struct Spin {
    spun: u64,
    largest_gap: u64,
    writes: usize,
}

/// A `SCHED_OTHER` child writes a byte to a pipe and yields, over and
/// over; init at `SCHED_FIFO` 50 spins 200 ms on the clock. No byte may
/// arrive during the spin and no gap between clock reads may exceed
/// [`GAP_LIMIT_NS`].
pub fn fifo_not_interrupted(_launcher: &Launcher) -> Outcome {
    if let Some(skip) = realtime_refused()? {
        return Ok(skip);
    }
    // Non-blocking both ways: init counts what is there without waiting,
    // and the writer never blocks on a full pipe (it just tries again).
    let pipe = syscall::pipe2(O_NONBLOCK).map_err(failed("pipe2(O_NONBLOCK)"))?;
    let writer = Runaway::start(|| {
        let _ = syscall::close(pipe.read);
        loop {
            let _ = syscall::write(pipe.write, b"w");
            syscall::sched_yield();
        }
    })?;
    let _ = syscall::close(pipe.write);
    let spin = spin_against(pipe.read);
    let stopped = writer.stop();
    let _ = syscall::close(pipe.read);
    let spin = spin?;
    stopped?;
    println!(
        "fifo-not-interrupted: spun {} ms, largest gap {} ns, lower-priority writes during spin {}",
        spin.spun / 1_000_000,
        spin.largest_gap,
        spin.writes
    );
    if spin.writes != 0 {
        return Err(format!(
            "the SCHED_OTHER writer ran during the spin ({} bytes)",
            spin.writes
        ));
    }
    if spin.largest_gap > GAP_LIMIT_NS {
        return Err(format!("the spin lost the CPU for {} ns", spin.largest_gap));
    }
    Ok(Passed::Yes)
}

/// Waits for the writer's first byte, then spins at `SCHED_FIFO` and
/// counts the bytes written meanwhile.
fn spin_against(pipe: Fd) -> Result<Spin, String> {
    wait_for_writer(pipe)?;
    let realtime = RealTime::enter(SCHED_FIFO, SPIN_PRIORITY)?;
    // From here the writer may not run: what it wrote before is emptied
    // out, what is there after the spin was written during it.
    let spin = drain(pipe)
        .map_err(failed("read"))
        .and_then(|_| spin_on_clock())
        .and_then(|(spun, largest_gap)| {
            let writes = drain(pipe).map_err(failed("read"))?;
            Ok(Spin {
                spun,
                largest_gap,
                writes,
            })
        });
    realtime.leave()?;
    spin
}

/// Sleeps a millisecond at a time until the writer has written (at most a
/// second), so it is known to be running and runnable.
fn wait_for_writer(pipe: Fd) -> Result<(), String> {
    for _ in 0..1000 {
        if drain(pipe).map_err(failed("read"))? > 0 {
            return Ok(());
        }
        syscall::sleep_nanoseconds(1_000_000).map_err(failed("nanosleep"))?;
    }
    Err("the SCHED_OTHER writer wrote nothing in a second".into())
}

/// Reads the clock in a loop for [`SPIN_NS`]; returns the time spun and
/// the largest gap between two reads.
fn spin_on_clock() -> Result<(u64, u64), String> {
    let start = now()?;
    let mut last = start;
    let mut largest_gap = 0;
    while last.saturating_sub(start) < SPIN_NS {
        let time = now()?;
        // A clock that went back counts as no gap; sched-calls checks it.
        largest_gap = largest_gap.max(time.saturating_sub(last));
        last = time;
    }
    Ok((last.saturating_sub(start), largest_gap))
}

/// Reads everything `fd` (non-blocking) holds; returns the byte count.
/// Stops at `EAGAIN` (empty) or end of file.
fn drain(fd: Fd) -> Result<usize, Errno> {
    let mut buffer = [0u8; 256];
    let mut total = 0;
    loop {
        match syscall::read(fd, &mut buffer) {
            Ok(0) | Err(Errno::EAGAIN) => return Ok(total),
            Ok(length) => total += length,
            Err(Errno::EINTR) => {}
            Err(error) => return Err(error),
        }
    }
}
