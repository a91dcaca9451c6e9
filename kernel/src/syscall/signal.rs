// SPDX-License-Identifier: MIT OR Apache-2.0
//! Signal system calls: actions, masks, sending, waiting, sigreturn.
//!
//! Linux's semantics, with these choices (see also `crate::signal`):
//! `kill(0, sig)` signals the caller's process group and `kill(-g, sig)`
//! group `g` (groups are set by setpgid/setsid, see `groups`; ESRCH if
//! the group is empty), and `kill(-1, sig)` every process but init and
//! the caller. There are no users: every sender may signal every process. A process is one thread: `tkill` and `tgkill`
//! take its pid as the thread id.

use super::Outcome;
use crate::process::thread::Event;
use crate::process::{INIT, Pid, with_current, with_table};
use crate::signal::action::SIGACTION_SIZE;
use crate::signal::delivery::{self, ERESTARTNOHAND};
use crate::signal::{SignalAction, SignalInfo, SignalSet};
use crate::trap::UserFrame;
use crate::{sched, uaccess};
use abi::errno::Errno;
use abi::signal::{LAST, SIG_BLOCK, SIG_SETMASK, SIG_UNBLOCK, SIGSET_SIZE, is_catchable, is_valid};

/// Reads a user `sigset_t` (8 bytes).
fn read_set(address: u32) -> Result<SignalSet, Errno> {
    let mut bytes = [0u8; 8];
    with_current(|process| {
        uaccess::copy_from_user(&mut process.memory.lock(), address, &mut bytes)
    })?;
    Ok(SignalSet::from_bytes(bytes))
}

/// Writes a user `sigset_t` (8 bytes).
fn write_set(address: u32, set: SignalSet) -> Result<(), Errno> {
    with_current(|process| {
        uaccess::copy_to_user(&mut process.memory.lock(), address, &set.to_bytes())
    })
}

/// rt_sigaction(signal, act, oldact, sigsetsize).
pub fn rt_sigaction(signal: u32, act: u32, old: u32, size: u32) -> Result<u32, Errno> {
    if size != SIGSET_SIZE || !is_valid(signal) || (act != 0 && !is_catchable(signal)) {
        return Err(Errno::EINVAL);
    }
    let new = if act != 0 {
        let mut bytes = [0u8; SIGACTION_SIZE];
        with_current(|process| {
            uaccess::copy_from_user(&mut process.memory.lock(), act, &mut bytes)
        })?;
        Some(SignalAction::from_bytes(&bytes))
    } else {
        None
    };
    let previous = with_current(|process| process.signal_actions.lock().get(signal));
    if old != 0 {
        with_current(|process| {
            uaccess::copy_to_user(&mut process.memory.lock(), old, &previous.to_bytes())
        })?;
    }
    if let Some(action) = new {
        with_current(|process| {
            let mut actions = process.signal_actions.lock();
            actions.set(signal, action);
            // POSIX: a pending signal whose action becomes "ignore" is
            // discarded, blocked or not.
            if actions.disposition(signal) == crate::signal::action::Disposition::Ignore {
                drop(actions);
                process.signals.take(signal);
            }
        });
    }
    Ok(0)
}

/// rt_sigprocmask(how, set, oldset, sigsetsize).
pub fn rt_sigprocmask(how: u32, set: u32, old: u32, size: u32) -> Result<u32, Errno> {
    if size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let requested = if set != 0 {
        if how > SIG_SETMASK {
            return Err(Errno::EINVAL);
        }
        Some(read_set(set)?)
    } else {
        None
    };
    let previous = with_current(|process| process.signals.blocked);
    if old != 0 {
        write_set(old, previous)?;
    }
    if let Some(requested) = requested {
        let mask = match how {
            SIG_BLOCK => previous.union(requested),
            SIG_UNBLOCK => previous.minus(requested),
            _ => requested,
        };
        with_current(|process| process.signals.set_blocked(mask));
    }
    Ok(0)
}

/// rt_sigpending(set, sigsetsize): the pending signals that are blocked.
pub fn rt_sigpending(set: u32, size: u32) -> Result<u32, Errno> {
    if size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let pending =
        with_current(|process| SignalSet(process.signals.pending.0 & process.signals.blocked.0));
    write_set(set, pending)?;
    Ok(0)
}

/// rt_sigsuspend(mask, sigsetsize): waits with `mask` for a signal whose
/// handler runs; the old mask comes back when the handler returns.
pub fn rt_sigsuspend(mask: u32, size: u32) -> Result<u32, Errno> {
    if size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let mask = read_set(mask)?;
    with_current(|process| {
        let old = process.signals.blocked;
        process.signals.saved_mask = Some(old);
        process.signals.set_blocked(mask);
    });
    wait_for_signal()
}

/// pause(): waits for a signal whose handler runs.
pub fn pause() -> Result<u32, Errno> {
    wait_for_signal()
}

/// Blocks until a signal is pending; ERESTARTNOHAND: EINTR once a handler
/// has run, a transparent restart if none did.
fn wait_for_signal() -> Result<u32, Errno> {
    while !delivery::pending() {
        sched::block_on(Event::Signal);
    }
    Err(ERESTARTNOHAND)
}

/// rt_sigreturn: back from a handler, alternate stack included.
pub fn rt_sigreturn(frame: &mut dyn UserFrame) -> Outcome {
    delivery::sigreturn(frame, true)
}

/// sigreturn: the same frame (the kernel writes only rt frames).
pub fn sigreturn(frame: &mut dyn UserFrame) -> Outcome {
    delivery::sigreturn(frame, false)
}

/// sigaltstack(ss, old_ss) for a thread at `sp`.
pub fn sigaltstack(new: u32, old: u32, sp: u32) -> Result<u32, Errno> {
    let requested = if new != 0 {
        let mut bytes = [0u8; 12];
        with_current(|process| {
            uaccess::copy_from_user(&mut process.memory.lock(), new, &mut bytes)
        })?;
        let word = |index: usize| {
            u32::from_le_bytes(bytes[index * 4..index * 4 + 4].try_into().expect("4 bytes"))
        };
        Some([word(0), word(1), word(2)])
    } else {
        None
    };
    let current = with_current(|process| process.signals.alternate_stack);
    if old != 0 {
        let mut bytes = [0u8; 12];
        for (index, word) in current.to_user(sp).iter().enumerate() {
            bytes[index * 4..index * 4 + 4].copy_from_slice(&word.to_le_bytes());
        }
        with_current(|process| uaccess::copy_to_user(&mut process.memory.lock(), old, &bytes))?;
    }
    if let Some(requested) = requested {
        let stack = current.from_user(sp, requested)?;
        with_current(|process| process.signals.alternate_stack = stack);
    }
    Ok(0)
}

/// kill(pid, signal); see the module doc for groups. A thread id names
/// its whole process, as on Linux. Signal 0 only checks that the target
/// exists.
pub fn kill(pid: u32, signal: u32) -> Result<u32, Errno> {
    if signal > LAST {
        return Err(Errno::EINVAL);
    }
    let me = with_table(|table| table.current().tgid);
    let info = SignalInfo::user(signal, me.0);
    let target = pid as i32;
    let group = match target {
        0 => Some(with_table(|table| table.current().attributes.pgid)),
        _ if target < -1 => Some(target.unsigned_abs()),
        _ => None,
    };
    let (members, process) = with_table(|table| {
        let members: alloc::vec::Vec<Pid> = match group {
            Some(group) => table
                .processes
                .values()
                .filter(|process| process.is_leader() && process.attributes.pgid == group)
                .map(|process| process.pid)
                .collect(),
            None => alloc::vec::Vec::new(),
        };
        let process = table.processes.get(&Pid(pid)).map(|thread| thread.tgid);
        (members, process)
    });
    let sent = match target {
        -1 => delivery::send_to_each(|pid| pid != me && pid != INIT, info),
        _ if group.is_some() => delivery::send_to_each(|pid| members.contains(&pid), info),
        _ => match process {
            Some(process) => delivery::send_to_each(|pid| pid == process, info),
            None => 0,
        },
    };
    if sent == 0 {
        return Err(Errno::ESRCH);
    }
    Ok(0)
}

/// tkill(tid, signal): to that one thread.
pub fn tkill(tid: u32, signal: u32) -> Result<u32, Errno> {
    if tid as i32 <= 0 || signal > LAST {
        return Err(Errno::EINVAL);
    }
    send_to_thread(None, Pid(tid), signal)
}

/// tgkill(tgid, tid, signal): as tkill, and the thread must be in `tgid`.
pub fn tgkill(group: u32, tid: u32, signal: u32) -> Result<u32, Errno> {
    if group as i32 <= 0 || tid as i32 <= 0 || signal > LAST {
        return Err(Errno::EINVAL);
    }
    send_to_thread(Some(Pid(group)), Pid(tid), signal)
}

/// Sends `signal` to thread `tid` (of process `group`, if given).
fn send_to_thread(group: Option<Pid>, tid: Pid, signal: u32) -> Result<u32, Errno> {
    with_table(|table| {
        let me = table.current().tgid;
        let alive = table.processes.get(&tid).is_some_and(|thread| {
            !thread.has_ended() && group.is_none_or(|group| thread.tgid == group)
        });
        if !alive {
            return Err(Errno::ESRCH);
        }
        if signal != 0 {
            delivery::send(table, tid, SignalInfo::thread(signal, me.0));
        }
        Ok(0)
    })
}
