// SPDX-License-Identifier: MIT OR Apache-2.0
//! A process's file-descriptor table, with Linux's numbering rules.
//!
//! A descriptor is a small number naming a share of an open file plus one
//! flag of its own, close-on-exec. The table is generic over what it holds
//! (`T`, in the kernel a reference-counted open-file handle) so the rules
//! can be tested on the host with plain values. The rules are POSIX's and
//! Linux's: a new descriptor is always the lowest free number; dup2 and
//! dup3 may replace an open one; fork copies the table (`Clone`), sharing
//! the open files; execve closes the close-on-exec ones.
//!
//! Whatever leaves the table (close, a descriptor replaced by dup2, the
//! close-on-exec sweep) is handed back to the caller rather than dropped
//! here: dropping the last share of a pipe end wakes the other end, which
//! the caller may want to do after letting go of a lock.

use abi::errno::Errno;
use abi::fcntl::O_CLOEXEC;
use alloc::vec::Vec;
use core::fmt;

/// Most descriptors a process may have open (its `RLIMIT_NOFILE`).
pub const MAX_FDS: u32 = 256;

/// A file descriptor number, as a program passes it (a negative `int`
/// arrives as a huge number and is simply not open).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fd(pub u32);

impl fmt::Display for Fd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One open descriptor.
#[derive(Clone, Debug)]
struct Slot<T> {
    file: T,
    close_on_exec: bool,
}

/// The result of dup2 or dup3: the new descriptor, and what it named before,
/// if anything, for the caller to drop.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub struct Duplicated<T> {
    /// The descriptor now naming the file.
    pub fd: Fd,
    /// The file the descriptor named before (closed by the call).
    pub replaced: Option<T>,
}

/// A file-descriptor table. `Clone` is fork's copy.
#[derive(Clone, Debug)]
pub struct FdTable<T> {
    /// Indexed by descriptor; trailing free slots are trimmed.
    slots: Vec<Option<Slot<T>>>,
}

impl<T: Clone> Default for FdTable<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> FdTable<T> {
    /// An empty table.
    pub const fn new() -> Self {
        FdTable { slots: Vec::new() }
    }

    /// Number of open descriptors.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|slot| slot.is_some()).count()
    }

    /// Whether no descriptor is open.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The open descriptors and their files, lowest first.
    pub fn iter(&self) -> impl Iterator<Item = (Fd, &T)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(index, slot)| slot.as_ref().map(|slot| (Fd(index as u32), &slot.file)))
    }

    fn slot(&self, fd: Fd) -> Result<&Slot<T>, Errno> {
        match self.slots.get(fd.0 as usize) {
            Some(Some(slot)) => Ok(slot),
            _ => Err(Errno::EBADF),
        }
    }

    fn slot_mut(&mut self, fd: Fd) -> Result<&mut Slot<T>, Errno> {
        match self.slots.get_mut(fd.0 as usize) {
            Some(Some(slot)) => Ok(slot),
            _ => Err(Errno::EBADF),
        }
    }

    /// The lowest free descriptor at or above `minimum`.
    fn lowest_free(&self, minimum: u32) -> Result<Fd, Errno> {
        (minimum..MAX_FDS)
            .find(|&fd| !matches!(self.slots.get(fd as usize), Some(Some(_))))
            .map(Fd)
            .ok_or(Errno::EMFILE)
    }

    /// Puts `file` at `fd` (below `MAX_FDS`), returning what was there.
    fn put(&mut self, fd: Fd, file: T, close_on_exec: bool) -> Option<T> {
        let index = fd.0 as usize;
        if self.slots.len() <= index {
            self.slots.resize_with(index + 1, || None);
        }
        let old = self.slots[index].replace(Slot {
            file,
            close_on_exec,
        });
        old.map(|slot| slot.file)
    }

    /// Drops trailing free slots, so the table never grows for nothing.
    fn trim(&mut self) {
        while let Some(None) = self.slots.last() {
            self.slots.pop();
        }
    }

    /// Installs `file` at the lowest free descriptor (open, pipe2);
    /// `EMFILE` when all `MAX_FDS` are open.
    pub fn install(&mut self, file: T, close_on_exec: bool) -> Result<Fd, Errno> {
        self.install_from(Fd(0), file, close_on_exec)
    }

    /// Installs `file` at the lowest free descriptor at or above `minimum`
    /// (fcntl F_DUPFD): `EINVAL` if `minimum` is past the limit.
    pub fn install_from(&mut self, minimum: Fd, file: T, close_on_exec: bool) -> Result<Fd, Errno> {
        if minimum.0 >= MAX_FDS {
            return Err(Errno::EINVAL);
        }
        let fd = self.lowest_free(minimum.0)?;
        // The slot is free: nothing is replaced.
        let _ = self.put(fd, file, close_on_exec);
        Ok(fd)
    }

    /// The file `fd` names; `EBADF` if it is not open.
    pub fn get(&self, fd: Fd) -> Result<&T, Errno> {
        self.slot(fd).map(|slot| &slot.file)
    }

    /// Closes `fd` and hands back its file; `EBADF` if it is not open.
    pub fn close(&mut self, fd: Fd) -> Result<T, Errno> {
        self.slot(fd)?;
        let slot = self.slots[fd.0 as usize].take();
        self.trim();
        slot.map(|slot| slot.file).ok_or(Errno::EBADF)
    }

    /// dup: the file of `fd` at the lowest free descriptor, without
    /// close-on-exec.
    pub fn dup(&mut self, fd: Fd) -> Result<Fd, Errno> {
        self.dup_from(fd, Fd(0), false)
    }

    /// fcntl F_DUPFD and F_DUPFD_CLOEXEC: the file of `fd` at the lowest
    /// free descriptor at or above `minimum`.
    pub fn dup_from(&mut self, fd: Fd, minimum: Fd, close_on_exec: bool) -> Result<Fd, Errno> {
        let file = self.get(fd)?.clone();
        self.install_from(minimum, file, close_on_exec)
    }

    /// dup2: makes `new` name the file of `old`, closing what `new` named.
    /// The same valid descriptor twice is left alone, flag included.
    pub fn dup2(&mut self, old: Fd, new: Fd) -> Result<Duplicated<T>, Errno> {
        if old == new {
            self.get(old)?;
            return Ok(Duplicated {
                fd: new,
                replaced: None,
            });
        }
        self.duplicate_to(old, new, false)
    }

    /// dup3: dup2 with flags (only `O_CLOEXEC`), and the same descriptor
    /// twice is `EINVAL`.
    pub fn dup3(&mut self, old: Fd, new: Fd, flags: u32) -> Result<Duplicated<T>, Errno> {
        if flags & !O_CLOEXEC != 0 || old == new {
            return Err(Errno::EINVAL);
        }
        self.duplicate_to(old, new, flags & O_CLOEXEC != 0)
    }

    /// The common part of dup2 and dup3, in Linux's order of checks.
    fn duplicate_to(
        &mut self,
        old: Fd,
        new: Fd,
        close_on_exec: bool,
    ) -> Result<Duplicated<T>, Errno> {
        if new.0 >= MAX_FDS {
            return Err(Errno::EBADF);
        }
        let file = self.get(old)?.clone();
        let replaced = self.put(new, file, close_on_exec);
        Ok(Duplicated { fd: new, replaced })
    }

    /// Whether `fd` closes on execve (fcntl F_GETFD).
    pub fn is_close_on_exec(&self, fd: Fd) -> Result<bool, Errno> {
        self.slot(fd).map(|slot| slot.close_on_exec)
    }

    /// Sets whether `fd` closes on execve (fcntl F_SETFD).
    pub fn set_close_on_exec(&mut self, fd: Fd, close_on_exec: bool) -> Result<(), Errno> {
        self.slot_mut(fd)?.close_on_exec = close_on_exec;
        Ok(())
    }

    /// execve's sweep: closes every close-on-exec descriptor and hands
    /// their files back.
    pub fn close_on_exec(&mut self) -> Vec<T> {
        let mut closed = Vec::new();
        for slot in &mut self.slots {
            if slot.as_ref().is_some_and(|slot| slot.close_on_exec) {
                closed.extend(slot.take().map(|slot| slot.file));
            }
        }
        self.trim();
        closed
    }

    /// Closes everything (exit) and hands the files back.
    pub fn take_all(&mut self) -> Vec<T> {
        let slots = core::mem::take(&mut self.slots);
        slots.into_iter().flatten().map(|slot| slot.file).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::rc::Rc;
    use alloc::vec;

    fn table_with(files: &[&'static str]) -> FdTable<&'static str> {
        let mut table = FdTable::new();
        for file in files {
            table.install(*file, false).unwrap();
        }
        table
    }

    #[test]
    fn new_descriptors_take_the_lowest_free_number() {
        let mut table = table_with(&["stdin", "stdout", "stderr"]);
        assert_eq!(table.install("a", false), Ok(Fd(3)));
        assert_eq!(table.close(Fd(1)), Ok("stdout"));
        assert_eq!(table.install("b", false), Ok(Fd(1)));
        assert_eq!(table.install("c", false), Ok(Fd(4)));
        assert_eq!(table.get(Fd(1)), Ok(&"b"));
        assert_eq!(table.len(), 5);
    }

    #[test]
    fn closed_or_unknown_descriptors_are_ebadf() {
        let mut table = table_with(&["stdin"]);
        assert_eq!(table.get(Fd(1)), Err(Errno::EBADF));
        assert_eq!(
            table.get(Fd(u32::MAX)),
            Err(Errno::EBADF),
            "-1 from a program"
        );
        assert_eq!(table.close(Fd(0)), Ok("stdin"));
        assert_eq!(table.close(Fd(0)), Err(Errno::EBADF));
        assert!(table.is_empty());
        assert_eq!(table.dup(Fd(0)), Err(Errno::EBADF));
    }

    #[test]
    fn the_table_is_bounded() {
        let mut table = FdTable::new();
        for fd in 0..MAX_FDS {
            assert_eq!(table.install(fd, false), Ok(Fd(fd)));
        }
        assert_eq!(table.install(999, false), Err(Errno::EMFILE));
        assert_eq!(table.dup(Fd(0)), Err(Errno::EMFILE));
        assert_eq!(
            table.install_from(Fd(MAX_FDS), 1, false),
            Err(Errno::EINVAL)
        );
    }

    #[test]
    fn dup_shares_the_file_without_cloexec() {
        let mut table = FdTable::new();
        table.install("pipe", true).unwrap();
        assert_eq!(table.dup(Fd(0)), Ok(Fd(1)));
        assert_eq!(table.get(Fd(1)), Ok(&"pipe"));
        assert_eq!(table.is_close_on_exec(Fd(0)), Ok(true));
        assert_eq!(table.is_close_on_exec(Fd(1)), Ok(false));
        assert_eq!(table.dup_from(Fd(0), Fd(10), true), Ok(Fd(10)));
        assert_eq!(table.is_close_on_exec(Fd(10)), Ok(true));
    }

    #[test]
    fn dup2_replaces_the_target() {
        let mut table = table_with(&["console", "file", "pipe"]);
        let result = table.dup2(Fd(2), Fd(1)).unwrap();
        assert_eq!(
            result,
            Duplicated {
                fd: Fd(1),
                replaced: Some("file")
            }
        );
        assert_eq!(table.get(Fd(1)), Ok(&"pipe"));
        // A free target far away.
        let result = table.dup2(Fd(0), Fd(200)).unwrap();
        assert_eq!(
            result,
            Duplicated {
                fd: Fd(200),
                replaced: None
            }
        );
        assert_eq!(table.get(Fd(200)), Ok(&"console"));
        assert_eq!(table.dup2(Fd(0), Fd(MAX_FDS)), Err(Errno::EBADF));
        assert_eq!(table.dup2(Fd(7), Fd(1)), Err(Errno::EBADF));
        assert_eq!(
            table.get(Fd(1)),
            Ok(&"pipe"),
            "a failed dup2 closes nothing"
        );
    }

    #[test]
    fn dup2_onto_itself_changes_nothing() {
        let mut table = FdTable::new();
        table.install("file", true).unwrap();
        let result = table.dup2(Fd(0), Fd(0)).unwrap();
        assert_eq!(
            result,
            Duplicated {
                fd: Fd(0),
                replaced: None
            }
        );
        assert_eq!(table.is_close_on_exec(Fd(0)), Ok(true));
        assert_eq!(table.dup2(Fd(3), Fd(3)), Err(Errno::EBADF));
    }

    #[test]
    fn dup3_takes_only_cloexec() {
        let mut table = table_with(&["a", "b"]);
        assert_eq!(table.dup3(Fd(0), Fd(0), 0), Err(Errno::EINVAL));
        assert_eq!(
            table.dup3(Fd(0), Fd(1), abi::fcntl::O_NONBLOCK),
            Err(Errno::EINVAL)
        );
        let result = table.dup3(Fd(0), Fd(1), O_CLOEXEC).unwrap();
        assert_eq!(
            result,
            Duplicated {
                fd: Fd(1),
                replaced: Some("b")
            }
        );
        assert_eq!(table.get(Fd(1)), Ok(&"a"));
        assert_eq!(table.is_close_on_exec(Fd(1)), Ok(true));
        let result = table.dup3(Fd(0), Fd(5), 0).unwrap();
        assert_eq!(
            result,
            Duplicated {
                fd: Fd(5),
                replaced: None
            }
        );
        assert_eq!(table.is_close_on_exec(Fd(5)), Ok(false));
    }

    #[test]
    fn execve_closes_the_cloexec_ones() {
        let mut table = FdTable::new();
        table.install("keep0", false).unwrap();
        table.install("drop1", true).unwrap();
        table.install("keep2", false).unwrap();
        table.install("drop3", true).unwrap();
        table.set_close_on_exec(Fd(2), true).unwrap();
        table.set_close_on_exec(Fd(2), false).unwrap();
        assert_eq!(table.set_close_on_exec(Fd(9), true), Err(Errno::EBADF));
        assert_eq!(table.close_on_exec(), vec!["drop1", "drop3"]);
        let open: Vec<(Fd, &&str)> = table.iter().collect();
        assert_eq!(open, vec![(Fd(0), &"keep0"), (Fd(2), &"keep2")]);
        assert_eq!(table.install("new", false), Ok(Fd(1)));
    }

    #[test]
    fn fork_shares_the_files() {
        let file = Rc::new("open file");
        let mut parent = FdTable::new();
        parent.install(file.clone(), true).unwrap();
        let mut child = parent.clone();
        assert_eq!(Rc::strong_count(&file), 3);
        assert_eq!(child.is_close_on_exec(Fd(0)), Ok(true), "flags are copied");
        drop(child.close(Fd(0)));
        assert_eq!(parent.get(Fd(0)).map(|file| **file), Ok("open file"));
        drop(parent.take_all());
        assert!(parent.is_empty());
        assert_eq!(Rc::strong_count(&file), 1);
    }
}
