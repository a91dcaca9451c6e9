// SPDX-License-Identifier: MIT OR Apache-2.0
//! Signal numbers and what each does by default.
//!
//! Numbers are Linux's for ARM (arch/arm/include/uapi/asm/signal.h, the same
//! as x86's: `SIGCHLD` is 17). Default actions follow signal(7): most
//! signals terminate, the "core" ones terminate and would dump core (we
//! write no core file), a few are ignored, and the job-control ones stop or
//! continue the process. The rest is the user ABI of signal handling:
//! `struct k_sigaction` flags, `rt_sigprocmask`'s `how`, `si_code` values
//! and `sigaltstack`'s flags, all Linux's for ARM
//! (arch/arm/include/uapi/asm/signal.h, include/uapi/asm-generic/siginfo.h).

/// Hangup.
pub const SIGHUP: u32 = 1;
/// Interrupt from the keyboard (Ctrl-C).
pub const SIGINT: u32 = 2;
/// Quit from the keyboard.
pub const SIGQUIT: u32 = 3;
/// Illegal (undefined) instruction.
pub const SIGILL: u32 = 4;
/// Trace or breakpoint trap.
pub const SIGTRAP: u32 = 5;
/// Abort (`abort()`).
pub const SIGABRT: u32 = 6;
/// Bus error: a misaligned access or an external abort.
pub const SIGBUS: u32 = 7;
/// Arithmetic exception.
pub const SIGFPE: u32 = 8;
/// Kill: cannot be caught, blocked or ignored.
pub const SIGKILL: u32 = 9;
/// User-defined signal 1.
pub const SIGUSR1: u32 = 10;
/// Invalid memory reference.
pub const SIGSEGV: u32 = 11;
/// User-defined signal 2.
pub const SIGUSR2: u32 = 12;
/// Write to a pipe with no readers.
pub const SIGPIPE: u32 = 13;
/// Timer signal from `alarm`.
pub const SIGALRM: u32 = 14;
/// Termination request.
pub const SIGTERM: u32 = 15;
/// Coprocessor stack fault (unused).
pub const SIGSTKFLT: u32 = 16;
/// A child stopped or ended.
pub const SIGCHLD: u32 = 17;
/// Continue if stopped.
pub const SIGCONT: u32 = 18;
/// Stop: cannot be caught, blocked or ignored.
pub const SIGSTOP: u32 = 19;
/// Stop typed at the terminal.
pub const SIGTSTP: u32 = 20;
/// Terminal input for a background process.
pub const SIGTTIN: u32 = 21;
/// Terminal output for a background process.
pub const SIGTTOU: u32 = 22;
/// Urgent condition on a socket.
pub const SIGURG: u32 = 23;
/// CPU time limit exceeded.
pub const SIGXCPU: u32 = 24;
/// File size limit exceeded.
pub const SIGXFSZ: u32 = 25;
/// Virtual alarm clock.
pub const SIGVTALRM: u32 = 26;
/// Profiling timer expired.
pub const SIGPROF: u32 = 27;
/// Window resize.
pub const SIGWINCH: u32 = 28;
/// I/O now possible (also `SIGPOLL`).
pub const SIGIO: u32 = 29;
/// Power failure.
pub const SIGPWR: u32 = 30;
/// Bad system call.
pub const SIGSYS: u32 = 31;

/// The highest classic signal; 32 up to 64 are real-time signals.
pub const LAST_STANDARD: u32 = SIGSYS;
/// The highest signal number Linux accepts (`_NSIG`).
pub const LAST: u32 = 64;

/// `sa_handler` value: the default action.
pub const SIG_DFL: u32 = 0;
/// `sa_handler` value: ignore the signal.
pub const SIG_IGN: u32 = 1;

/// `sa_flags`: SIGCHLD only for children that end, not stop.
pub const SA_NOCLDSTOP: u32 = 0x0000_0001;
/// `sa_flags`: children that end are not kept as zombies.
pub const SA_NOCLDWAIT: u32 = 0x0000_0002;
/// `sa_flags`: the handler takes `(signo, siginfo_t *, ucontext_t *)`.
pub const SA_SIGINFO: u32 = 0x0000_0004;
/// `sa_flags`: `sa_restorer` is the return address of the handler.
pub const SA_RESTORER: u32 = 0x0400_0000;
/// `sa_flags`: run the handler on the alternate signal stack.
pub const SA_ONSTACK: u32 = 0x0800_0000;
/// `sa_flags`: restart system calls the handler interrupted.
pub const SA_RESTART: u32 = 0x1000_0000;
/// `sa_flags`: do not block the signal while its handler runs.
pub const SA_NODEFER: u32 = 0x4000_0000;
/// `sa_flags`: reset the action to the default once delivered.
pub const SA_RESETHAND: u32 = 0x8000_0000;

/// `rt_sigprocmask` how: add to the blocked set.
pub const SIG_BLOCK: u32 = 0;
/// `rt_sigprocmask` how: remove from the blocked set.
pub const SIG_UNBLOCK: u32 = 1;
/// `rt_sigprocmask` how: replace the blocked set.
pub const SIG_SETMASK: u32 = 2;

/// The one `sigsetsize` the `rt_sig*` calls accept: 64 signals, 8 bytes.
pub const SIGSET_SIZE: u32 = 8;

/// `si_code`: sent by kill.
pub const SI_USER: i32 = 0;
/// `si_code`: sent by the kernel.
pub const SI_KERNEL: i32 = 0x80;
/// `si_code`: sent by tkill or tgkill.
pub const SI_TKILL: i32 = -6;
/// `si_code` of SIGSEGV: nothing mapped at the address.
pub const SEGV_MAPERR: i32 = 1;
/// `si_code` of SIGSEGV: mapped, but the access is not allowed.
pub const SEGV_ACCERR: i32 = 2;
/// `si_code` of SIGBUS: misaligned address.
pub const BUS_ADRALN: i32 = 1;
/// `si_code` of SIGBUS: external abort (no such physical address).
pub const BUS_ADRERR: i32 = 2;
/// `si_code` of SIGILL: illegal opcode.
pub const ILL_ILLOPC: i32 = 1;
/// `si_code` of SIGCHLD: the child exited.
pub const CLD_EXITED: i32 = 1;
/// `si_code` of SIGCHLD: the child was killed.
pub const CLD_KILLED: i32 = 2;
/// `si_code` of SIGCHLD: the child was killed and dumped core.
pub const CLD_DUMPED: i32 = 3;

/// `ss_flags`: the thread runs on its alternate stack now.
pub const SS_ONSTACK: u32 = 1;
/// `ss_flags`: no alternate stack.
pub const SS_DISABLE: u32 = 2;
/// The smallest alternate stack `sigaltstack` accepts (ARM's).
pub const MINSIGSTKSZ: u32 = 2048;

/// What a signal does to a process that has no handler for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultAction {
    /// The process ends, killed by the signal.
    Terminate,
    /// The process ends, and Linux would write a core file.
    Core,
    /// Nothing happens.
    Ignore,
    /// The process stops until `SIGCONT`.
    Stop,
    /// A stopped process continues; otherwise nothing happens.
    Continue,
}

/// Names, indexed by signal number (0 is not a signal).
const NAMES: [&str; 32] = [
    "signal 0",
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS",
];

/// The C name of a signal (`"SIGSEGV"`), or `"SIGRT"` / `"signal?"`.
pub fn name(signal: u32) -> &'static str {
    match NAMES.get(signal as usize) {
        Some(name) => name,
        None if signal <= LAST => "SIGRT",
        None => "signal?",
    }
}

/// Whether `signal` is a signal number a program may send (1 to 64).
pub const fn is_valid(signal: u32) -> bool {
    signal >= 1 && signal <= LAST
}

/// What `signal` does by default (signal(7)); `None` if not a signal.
pub const fn default_action(signal: u32) -> Option<DefaultAction> {
    Some(match signal {
        SIGQUIT | SIGILL | SIGTRAP | SIGABRT | SIGBUS | SIGFPE | SIGSEGV | SIGXCPU | SIGXFSZ
        | SIGSYS => DefaultAction::Core,
        SIGCHLD | SIGURG | SIGWINCH => DefaultAction::Ignore,
        SIGSTOP | SIGTSTP | SIGTTIN | SIGTTOU => DefaultAction::Stop,
        SIGCONT => DefaultAction::Continue,
        // Everything else, real-time signals included, terminates.
        _ if is_valid(signal) => DefaultAction::Terminate,
        _ => return None,
    })
}

/// Whether a program can catch, block or ignore `signal` (not SIGKILL, SIGSTOP).
pub const fn is_catchable(signal: u32) -> bool {
    is_valid(signal) && signal != SIGKILL && signal != SIGSTOP
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_arm_numbers() {
        assert_eq!(SIGKILL, 9);
        assert_eq!(SIGSEGV, 11);
        assert_eq!(SIGTERM, 15);
        assert_eq!(SIGCHLD, 17);
        assert_eq!(SIGSTOP, 19);
        assert_eq!(SIGSYS, 31);
    }

    #[test]
    fn names_follow_numbers() {
        assert_eq!(name(SIGSEGV), "SIGSEGV");
        assert_eq!(name(SIGBUS), "SIGBUS");
        assert_eq!(name(SIGSYS), "SIGSYS");
        assert_eq!(name(34), "SIGRT");
        assert_eq!(name(65), "signal?");
    }

    #[test]
    fn default_actions_follow_signal_7() {
        assert_eq!(default_action(SIGKILL), Some(DefaultAction::Terminate));
        assert_eq!(default_action(SIGTERM), Some(DefaultAction::Terminate));
        assert_eq!(default_action(SIGPIPE), Some(DefaultAction::Terminate));
        assert_eq!(default_action(SIGSEGV), Some(DefaultAction::Core));
        assert_eq!(default_action(SIGILL), Some(DefaultAction::Core));
        assert_eq!(default_action(SIGBUS), Some(DefaultAction::Core));
        assert_eq!(default_action(SIGCHLD), Some(DefaultAction::Ignore));
        assert_eq!(default_action(SIGTSTP), Some(DefaultAction::Stop));
        assert_eq!(default_action(SIGCONT), Some(DefaultAction::Continue));
        assert_eq!(default_action(40), Some(DefaultAction::Terminate));
        assert_eq!(default_action(0), None);
        assert_eq!(default_action(65), None);
    }

    #[test]
    fn kill_and_stop_cannot_be_caught() {
        assert!(!is_catchable(SIGKILL));
        assert!(!is_catchable(SIGSTOP));
        assert!(is_catchable(SIGTERM));
        assert!(!is_catchable(0));
    }
}
