// SPDX-License-Identifier: MIT OR Apache-2.0
//! Processes: the table of them, and what each one owns.
//!
//! A process is an address space (page tables, areas, the program image
//! its pages come from), open files, a working directory, a parent and
//! one or more threads. The table is one lock over all of them: the kernel
//! runs on one core with interrupts off in system calls, so the lock only
//! guards against re-entry, and nobody holds it across a context switch.
//!
//! # Threads
//!
//! Each table entry is one thread, keyed by its tid (`pid`), schedulable
//! on its own: kernel stack, saved context, TLS, scheduling parameters,
//! state, VFP registers and thread hooks are the entry's own. A thread
//! group (a process, to the user) is every entry with the same `tgid`,
//! the tid of its first thread (the leader), which is what getpid
//! answers. What the group shares is shared in one of two ways:
//! - the address space and the open-file table, which change all the time,
//!   are [`Shared`] (`Arc<spin::Mutex<_>>`): every thread's entry holds the
//!   same one, so `process.memory.lock()` reaches the group's memory from
//!   any thread;
//! - the small values that change rarely (name, working and root
//!   directory, trust, parent, umask, limits, command name) are copied in
//!   every thread's entry and changed for the whole group at once, through
//!   [`with_group`]; readers just read their own copy.
//!
//! Only the leader's entry goes to wait4: it stays in the table (state
//! `Exited`) if the leader ends before the others, and becomes the zombie
//! when the last thread ends. Other threads' entries are removed by the
//! scheduler once they ended and switched away ([`ProcessTable::reap`]).

pub mod attributes;
pub mod clone_flags;
pub mod exec;
pub mod exit;
pub mod fault;
pub mod fork;
pub mod memory;
pub mod thread;

use crate::fd_table::FdTable;
use crate::file::FileRef;
use crate::sched::policy::{Policy, RunQueue, SchedParams, level_of};
use crate::sched::timer_queue::{TimerId, TimerQueue};
use crate::syscall::SyscallCounts;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, Ordering};
use memory::ProcessMemory;
use spin::Mutex;
use thread::{Event, KernelStack, ThreadState};

/// A process identifier (pid 1 is init).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pid(pub u32);

/// The pid of the init process, which inherits orphans.
pub const INIT: Pid = Pid(1);

/// State a thread group shares between its threads' entries.
pub type Shared<T> = Arc<Mutex<T>>;

/// Wraps `value` to be shared by a thread group.
pub fn shared<T>(value: T) -> Shared<T> {
    Arc::new(Mutex::new(value))
}

/// One thread, and (shared with the other threads of its group, or
/// copied in each) the process it belongs to.
pub struct Process {
    /// Its thread's identifier (tid); the group's pid for the leader.
    pub pid: Pid,
    /// Its thread group: the leader's tid, what getpid returns.
    pub tgid: Pid,
    /// Its parent (init for orphans); the same in every thread.
    pub parent: Pid,
    /// The path of the program it runs, for reports.
    pub name: String,
    /// Its memory, shared by the thread group.
    pub memory: Shared<ProcessMemory>,
    /// Its open files, shared by the thread group (and by processes
    /// created with `CLONE_FILES`).
    pub files: Shared<FdTable<FileRef>>,
    /// Its working directory, absolute as the process sees it (`/` at
    /// the root).
    pub working_directory: String,
    /// Its root directory in the ramdisk after chroot (empty: the real
    /// root).
    pub root: String,
    /// Whether its program runs in SYSTEM mode (Kernel-Mode Linux).
    pub trusted: bool,
    /// Its thread's state.
    pub state: ThreadState,
    /// Its thread's kernel stack.
    pub kernel_stack: KernelStack,
    /// Its thread's saved stack pointer while not running.
    pub saved_sp: u32,
    /// Its thread's user TLS pointer (set_tls; TPIDRURO while it runs).
    pub tls: u32,
    /// Its thread's scheduling policy and priority.
    pub params: SchedParams,
    /// When its thread last started running (for time slices).
    pub slice_start: u64,
    /// Its pending timeout, while blocked with a deadline.
    pub timer: Option<TimerId>,
    /// Whether its last blocking wait ended by timeout.
    pub timed_out: bool,
    /// System calls its program made, by way in (svc or direct).
    pub syscalls: SyscallCounts,
    /// Its umask, limits, name and thread hooks.
    pub attributes: attributes::Attributes,
    /// Its thread's VFP/NEON registers while they are not in the unit.
    pub vfp: crate::vfp::VfpState,
    /// Its thread's signal state: blocked, pending, alternate stack (per
    /// thread).
    pub signals: crate::signal::ThreadSignals,
    /// Its signal handlers: shared by the threads of a process (and by
    /// `CLONE_SIGHAND` clones), copied at fork, reset at execve.
    pub signal_actions: Arc<Mutex<crate::signal::SignalActions>>,
    /// The parent thread asleep in vfork until this child execs or exits.
    pub vfork_parent: Option<Pid>,
}

/// Scheduling state a new process starts with (SCHED_OTHER).
pub const DEFAULT_PARAMS: SchedParams = SchedParams {
    policy: Policy::Other,
    priority: 0,
};

impl Process {
    /// Whether it has ended and waits to be collected.
    pub fn is_zombie(&self) -> bool {
        matches!(self.state, ThreadState::Zombie(_))
    }

    /// Whether its thread has ended (or its whole process has).
    pub fn has_ended(&self) -> bool {
        matches!(self.state, ThreadState::Zombie(_) | ThreadState::Exited(_))
    }

    /// Whether it is the first thread of its group (its pid is the tgid).
    pub fn is_leader(&self) -> bool {
        self.pid == self.tgid
    }

    /// Its run-queue level: 0 for SCHED_OTHER, the priority for RT.
    pub fn level(&self) -> u8 {
        level_of(self.params)
    }
}

/// Every process, the run queue, and who runs now.
pub struct ProcessTable {
    /// All processes, zombies included, by pid.
    pub processes: BTreeMap<Pid, Process>,
    /// Runnable processes other than the running one, by priority.
    pub run_queue: RunQueue<Pid>,
    /// Deadlines of blocked processes.
    pub timers: TimerQueue<Pid>,
    /// A runnable process outranks the running one: switch at the next
    /// preemption point.
    pub need_reschedule: bool,
    /// The run queue gained a thread since the timer was last programmed.
    pub queue_changed: bool,
    /// The running process.
    pub current: Pid,
    /// The next pid to hand out.
    pub next_pid: u32,
}

/// Whether an ended thread waits for [`ProcessTable::reap`].
static REAP_PENDING: AtomicBool = AtomicBool::new(false);

/// The process table; `None` until init is created.
pub static TABLE: Mutex<Option<ProcessTable>> = Mutex::new(None);

impl ProcessTable {
    /// The running process.
    pub fn current(&mut self) -> &mut Process {
        let pid = self.current;
        self.processes
            .get_mut(&pid)
            .expect("the current process exists")
    }

    /// The process whose saved sp a switch away from `pid` records.
    pub fn current_saved_sp_slot(&mut self, pid: Pid) -> &mut Process {
        self.processes
            .get_mut(&pid)
            .expect("switching away from a live process")
    }

    /// The tids of every thread of group `tgid`, ended ones included.
    pub fn group(&self, tgid: Pid) -> alloc::vec::Vec<Pid> {
        self.processes
            .values()
            .filter(|process| process.tgid == tgid)
            .map(|process| process.pid)
            .collect()
    }

    /// The threads of group `tgid` that have not ended.
    pub fn live_threads(&self, tgid: Pid) -> alloc::vec::Vec<Pid> {
        self.processes
            .values()
            .filter(|process| process.tgid == tgid && !process.has_ended())
            .map(|process| process.pid)
            .collect()
    }

    /// Removes threads that ended and are neither a group's leader (wait4
    /// collects those) nor running (the caller still runs on its stack).
    /// Cheap when nothing ended: the scheduler calls it at every switch.
    pub fn reap(&mut self) {
        if !REAP_PENDING.load(Ordering::Relaxed) {
            return;
        }
        let current = self.current;
        let mut left = false;
        self.processes.retain(|&pid, process| {
            let ended = matches!(process.state, ThreadState::Exited(_)) && !process.is_leader();
            left |= ended && pid == current;
            !(ended && pid != current)
        });
        REAP_PENDING.store(left, Ordering::Relaxed);
    }

    /// Notes that a thread other than a leader ended: the next
    /// [`ProcessTable::reap`] has work.
    pub fn mark_for_reaping(&mut self) {
        REAP_PENDING.store(true, Ordering::Relaxed);
    }

    /// A fresh pid.
    pub fn allocate_pid(&mut self) -> Pid {
        let pid = Pid(self.next_pid);
        self.next_pid += 1;
        pid
    }

    /// Makes every thread blocked on `event` runnable, and every poller
    /// if it is a pipe or console event.
    pub fn wake(&mut self, event: Event) {
        let polled = matches!(event, Event::Pipe(_) | Event::ConsoleInput);
        let woken: alloc::vec::Vec<Pid> = self
            .processes
            .values()
            .filter(|process| {
                process.state == ThreadState::Blocked(event)
                    || (polled && process.state == ThreadState::Blocked(Event::Poll))
            })
            .map(|process| process.pid)
            .collect();
        for pid in woken {
            self.make_runnable(pid);
        }
    }

    /// Puts a blocked or new process on the run queue, asking for a switch
    /// if it outranks the running one.
    pub fn make_runnable(&mut self, pid: Pid) {
        let current_level = self.processes.get(&self.current).map_or(0, Process::level);
        let current_runnable = self
            .processes
            .get(&self.current)
            .is_some_and(|process| process.state == ThreadState::Runnable);
        let Some(process) = self.processes.get_mut(&pid) else {
            return;
        };
        process.state = ThreadState::Runnable;
        if let Some(timer) = process.timer.take() {
            self.timers.cancel(timer);
        }
        if pid == self.current {
            return;
        }
        let level = process.level();
        self.run_queue.enqueue(pid, level);
        self.queue_changed = true;
        if !current_runnable || crate::sched::policy::should_preempt(current_level, level) {
            self.need_reschedule = true;
        }
    }

    /// Takes a process off the run queue (it ended or changed priority).
    pub fn unqueue(&mut self, pid: Pid) {
        if let Some(level) = self.processes.get(&pid).map(Process::level) {
            self.run_queue.remove(pid, level);
        }
    }

    /// When the running thread's slice ends, if it has one: SCHED_RR and
    /// SCHED_OTHER rotate among equals, SCHED_FIFO never does.
    pub fn slice_end(&self) -> Option<u64> {
        let current = self.processes.get(&self.current)?;
        let slice = crate::sched::policy::timeslice_ns(current.params.policy)?;
        let level = current.level();
        let peers = self
            .run_queue
            .peek_level()
            .is_some_and(|queued| queued >= level);
        peers.then(|| current.slice_start.saturating_add(slice))
    }

    /// Whether the running thread used up its slice with others waiting.
    pub fn slice_expired(&self, now: u64) -> bool {
        self.slice_end().is_some_and(|end| now >= end)
    }
}

/// Runs `action` on the process table.
pub fn with_table<R>(action: impl FnOnce(&mut ProcessTable) -> R) -> R {
    action(
        TABLE
            .lock()
            .as_mut()
            .expect("the process table exists once init starts"),
    )
}

/// Runs `action` on the running process (its running thread's entry).
pub fn with_current<R>(action: impl FnOnce(&mut Process) -> R) -> R {
    with_table(|table| action(table.current()))
}

/// Runs `action` on every thread of the running one's group: for the
/// values each thread's entry holds a copy of (working directory, umask,
/// limits, ...), which change for the whole process at once.
pub fn with_group(mut action: impl FnMut(&mut Process)) {
    with_table(|table| {
        let tgid = table.current().tgid;
        for process in table.processes.values_mut() {
            if process.tgid == tgid {
                action(process);
            }
        }
    });
}

/// Creates pid 1 running `path` with `arguments` and starts scheduling;
/// never returns. The console is its fd 0, 1 and 2.
pub fn start_init(path: &str, arguments: &[&str]) -> ! {
    let mut argv = alloc::vec![alloc::vec::Vec::from(path.as_bytes())];
    argv.extend(
        arguments
            .iter()
            .map(|argument| alloc::vec::Vec::from(argument.as_bytes())),
    );
    let environment = [b"HOME=/".to_vec(), b"TERM=linux".to_vec()];
    let resolved = crate::path::resolve("", "/", path);
    let trusted = exec::is_trusted(&resolved.visible, false);
    let program = match exec::load(&resolved, trusted, &argv, &environment) {
        Ok(program) => program,
        Err(error) => {
            crate::println!("cannot start init {path}: {error:?}");
            crate::fatal::stop(crate::platform::ExitStatus::NoInit);
        }
    };
    let kernel_stack = KernelStack::new().expect("room for init's kernel stack");
    let (entry, stack_pointer) = (program.entry, program.stack_pointer);
    let saved_sp = crate::sched::new_thread(&kernel_stack, &mut |frame| {
        frame.start_program(entry, stack_pointer, trusted)
    });
    let mut files = FdTable::new();
    let console = crate::file::open(crate::file::FileKind::Console, abi::fcntl::O_RDWR);
    for _ in 0..3 {
        files
            .install(console.clone(), false)
            .expect("an empty table has room");
    }
    let init = Process {
        pid: INIT,
        tgid: INIT,
        parent: Pid(0),
        name: program.path.clone(),
        memory: shared(program.memory),
        files: shared(files),
        working_directory: String::from("/"),
        root: String::new(),
        trusted,
        state: ThreadState::Runnable,
        kernel_stack,
        saved_sp,
        tls: 0,
        params: DEFAULT_PARAMS,
        slice_start: 0,
        timer: None,
        timed_out: false,
        syscalls: SyscallCounts::default(),
        attributes: attributes::Attributes::new(&program.path),
        vfp: crate::vfp::VfpState::new(),
        signals: crate::signal::ThreadSignals::new(),
        signal_actions: Arc::new(Mutex::new(crate::signal::SignalActions::new())),
        vfork_parent: None,
    };
    let mut processes = BTreeMap::new();
    processes.insert(INIT, init);
    *TABLE.lock() = Some(ProcessTable {
        processes,
        run_queue: RunQueue::new(),
        timers: TimerQueue::new(),
        need_reschedule: false,
        queue_changed: false,
        current: INIT,
        next_pid: 2,
    });
    crate::sched::start(INIT)
}
