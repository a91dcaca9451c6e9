// SPDX-License-Identifier: MIT OR Apache-2.0
//! Processes: the table of them, and what each one owns.
//!
//! A process is an address space (page tables, areas, the program image
//! its pages come from), open files, a working directory, a parent and
//! one thread. The table is one lock over all of them: the kernel runs on
//! one core with interrupts off in system calls, so the lock only guards
//! against re-entry, and nobody holds it across a context switch.

pub mod exec;
pub mod exit;
pub mod fault;
pub mod fork;
pub mod memory;
pub mod thread;

use crate::fd_table::FdTable;
use crate::file::FileRef;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use memory::ProcessMemory;
use spin::Mutex;
use thread::{Event, KernelStack, ThreadState};

/// A process identifier (pid 1 is init).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pid(pub u32);

/// The pid of the init process, which inherits orphans.
pub const INIT: Pid = Pid(1);

/// One process.
pub struct Process {
    /// Its identifier.
    pub pid: Pid,
    /// Its parent (init for orphans).
    pub parent: Pid,
    /// The path of the program it runs, for reports.
    pub name: String,
    /// Its memory.
    pub memory: ProcessMemory,
    /// Its open files.
    pub files: FdTable<FileRef>,
    /// Its working directory, absolute, without a trailing slash.
    pub working_directory: String,
    /// Its thread's state.
    pub state: ThreadState,
    /// Its thread's kernel stack.
    pub kernel_stack: KernelStack,
    /// Its thread's saved stack pointer while not running.
    pub saved_sp: u32,
    /// Its thread's user TLS pointer (set_tls; TPIDRURO while it runs).
    pub tls: u32,
}

impl Process {
    /// Whether it has ended and waits to be collected.
    pub fn is_zombie(&self) -> bool {
        matches!(self.state, ThreadState::Zombie(_))
    }
}

/// Every process, the run queue, and who runs now.
pub struct ProcessTable {
    /// All processes, zombies included, by pid.
    pub processes: BTreeMap<Pid, Process>,
    /// Runnable processes other than the running one, oldest first.
    pub run_queue: VecDeque<Pid>,
    /// The running process.
    pub current: Pid,
    /// The next pid to hand out.
    pub next_pid: u32,
}

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

    /// A fresh pid.
    pub fn allocate_pid(&mut self) -> Pid {
        let pid = Pid(self.next_pid);
        self.next_pid += 1;
        pid
    }

    /// Makes every thread blocked on `event` runnable.
    pub fn wake(&mut self, event: Event) {
        for process in self.processes.values_mut() {
            if process.state == ThreadState::Blocked(event) {
                process.state = ThreadState::Runnable;
                if process.pid != self.current {
                    self.run_queue.push_back(process.pid);
                }
            }
        }
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

/// Runs `action` on the running process.
pub fn with_current<R>(action: impl FnOnce(&mut Process) -> R) -> R {
    with_table(|table| action(table.current()))
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
    let program = match exec::load(path, &argv, &environment) {
        Ok(program) => program,
        Err(error) => {
            crate::println!("cannot start init {path}: {error:?}");
            crate::fatal::stop(crate::platform::ExitStatus::NoInit);
        }
    };
    let kernel_stack = KernelStack::new();
    let (entry, stack_pointer) = (program.entry, program.stack_pointer);
    let saved_sp = crate::sched::new_thread(&kernel_stack, &mut |frame| {
        frame.start_program(entry, stack_pointer)
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
        parent: Pid(0),
        name: program.path,
        memory: program.memory,
        files,
        working_directory: String::new(),
        state: ThreadState::Runnable,
        kernel_stack,
        saved_sp,
        tls: 0,
    };
    let mut processes = BTreeMap::new();
    processes.insert(INIT, init);
    *TABLE.lock() = Some(ProcessTable {
        processes,
        run_queue: VecDeque::new(),
        current: INIT,
        next_pid: 2,
    });
    crate::sched::start(INIT)
}
