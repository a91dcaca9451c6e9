// SPDX-License-Identifier: MIT OR Apache-2.0
//! File system calls: the console, ramdisk files, directories and links, pipes.
//!
//! The ramdisk is read-only: opening for writing, creating or truncating
//! is `EROFS`. Reads and writes copy through `uaccess` in chunks, so a bad
//! buffer gives `EFAULT` with whatever was already transferred discarded,
//! as Linux does for a fault on the first byte.

use crate::device::Device;
use crate::fd_table::Fd;
use crate::file::{self, FileKind, FileRef, OpenFile, SharedPipe};
use crate::pipe::Pipe;
use crate::process::thread::Event;
use crate::process::{with_current, with_group};
use crate::{initrd, sched, uaccess};
use abi::errno::Errno;
use abi::fcntl;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use spin::Mutex;

/// Bytes moved per step of a read or write.
const CHUNK: usize = 4096;

/// The open file behind descriptor `fd`.
pub(super) fn file(fd: u32) -> Result<FileRef, Errno> {
    with_current(|process| process.files.lock().get(Fd(fd)).cloned())
}

/// read(fd, buffer, count).
pub fn read(fd: u32, buffer: u32, count: u32) -> Result<u32, Errno> {
    let file = file(fd)?;
    let count = (count as usize).min(1 << 20);
    let mut chunk = vec![0u8; count.min(CHUNK)];
    loop {
        let attempt = read_some(&file, &mut chunk)?;
        match attempt {
            Some(length) => {
                with_current(|process| {
                    uaccess::copy_to_user(&mut process.memory.lock(), buffer, &chunk[..length])
                })?;
                return Ok(length as u32);
            }
            None => crate::signal::delivery::wait(wait_event(&file))?,
        }
    }
}

/// One attempt to read into `chunk`: `Some(length)` or `None` to wait.
pub(super) fn read_some(file: &FileRef, chunk: &mut [u8]) -> Result<Option<usize>, Errno> {
    let mut open = file.lock();
    let offset = open.offset;
    match &open.kind {
        FileKind::Console => Ok(read_console(chunk)),
        FileKind::Ramdisk(entry) => {
            let length = copy_at(entry.data, offset, chunk);
            open.offset += length as u64;
            Ok(Some(length))
        }
        FileKind::Directory(_) => Err(Errno::EISDIR),
        FileKind::Device(device) => Ok(Some(device.read(chunk))),
        FileKind::PipeReader(pipe) => {
            let mut buffer = pipe.pipe.lock();
            if buffer.is_empty() {
                if buffer.writers_gone() {
                    return Ok(Some(0));
                }
                return if open.flags & fcntl::O_NONBLOCK != 0 {
                    Err(Errno::EAGAIN)
                } else {
                    Ok(None)
                };
            }
            let length = buffer.read(chunk);
            drop(buffer);
            sched::wake_later(Event::Pipe(pipe.event_id()));
            Ok(Some(length))
        }
        FileKind::PipeWriter(_) => Err(Errno::EBADF),
    }
}

/// Copies what `data` (a ramdisk file) holds at `offset` into `chunk`;
/// the bytes copied, 0 at or past the end.
pub(super) fn copy_at(data: &[u8], offset: u64, chunk: &mut [u8]) -> usize {
    let start = offset.min(data.len() as u64) as usize;
    let length = chunk.len().min(data.len() - start);
    chunk[..length].copy_from_slice(&data[start..start + length]);
    length
}

/// Console input: what has been typed, at least one byte, or wait.
fn read_console(chunk: &mut [u8]) -> Option<usize> {
    let mut length = 0;
    while length < chunk.len() {
        match file::take_console_byte() {
            Some(byte) => {
                chunk[length] = if byte == b'\r' { b'\n' } else { byte };
                length += 1;
                if chunk[length - 1] == b'\n' {
                    break;
                }
            }
            None => break,
        }
    }
    (length > 0).then_some(length)
}

/// What a reader or writer of `file` waits for.
pub(super) fn wait_event(file: &FileRef) -> Event {
    match &file.lock().kind {
        FileKind::PipeReader(pipe) | FileKind::PipeWriter(pipe) => Event::Pipe(pipe.event_id()),
        _ => Event::ConsoleInput,
    }
}

/// write(fd, buffer, count).
pub fn write(fd: u32, buffer: u32, count: u32) -> Result<u32, Errno> {
    let file = file(fd)?;
    let mut written = 0usize;
    let count = count as usize;
    let mut chunk = vec![0u8; count.min(CHUNK)];
    while written < count {
        let length = chunk.len().min(count - written);
        let source = buffer.checked_add(written as u32).ok_or(Errno::EFAULT)?;
        let copied = with_current(|process| {
            uaccess::copy_from_user(&mut process.memory.lock(), source, &mut chunk[..length])
        });
        if let Err(error) = copied {
            return if written > 0 {
                Ok(written as u32)
            } else {
                Err(error)
            };
        }
        match write_some(&file, &chunk[..length]) {
            Ok(Some(done)) => written += done,
            Ok(None) => {
                if let Err(error) = crate::signal::delivery::wait(wait_event(&file)) {
                    // Interrupted: what was written counts, as on Linux.
                    return if written > 0 {
                        Ok(written as u32)
                    } else {
                        Err(error)
                    };
                }
            }
            Err(error) => {
                if error == Errno::EPIPE {
                    // As Linux: SIGPIPE, whose default ends the writer; a
                    // writer that ignores or catches it sees EPIPE.
                    crate::process::with_table(|table| {
                        let me = table.current;
                        let info = crate::signal::SignalInfo::user(abi::signal::SIGPIPE, 0);
                        crate::signal::delivery::send(table, me, info)
                    });
                }
                return if written > 0 {
                    Ok(written as u32)
                } else {
                    Err(error)
                };
            }
        }
    }
    Ok(written as u32)
}

/// One attempt to write `data`: `Some(bytes taken)` or `None` to wait.
pub(super) fn write_some(file: &FileRef, data: &[u8]) -> Result<Option<usize>, Errno> {
    let open = file.lock();
    match &open.kind {
        FileKind::Console => {
            crate::console::write_bytes(data);
            Ok(Some(data.len()))
        }
        FileKind::Device(_) => Ok(Some(data.len())),
        FileKind::PipeWriter(pipe) => {
            let mut buffer = pipe.pipe.lock();
            if buffer.readers_gone() {
                // The writer also gets SIGPIPE (see `write`).
                return Err(Errno::EPIPE);
            }
            if buffer.is_full() {
                return if open.flags & fcntl::O_NONBLOCK != 0 {
                    Err(Errno::EAGAIN)
                } else {
                    Ok(None)
                };
            }
            let length = buffer.write(data);
            drop(buffer);
            sched::wake_later(Event::Pipe(pipe.event_id()));
            Ok(Some(length))
        }
        _ => Err(Errno::EBADF),
    }
}

/// The most buffers one readv or writev takes (Linux's `UIO_MAXIOV`).
pub(super) const IOV_MAX: u32 = 1024;

/// Buffer `index` of the `struct iovec` array at `vector`: its base and
/// length.
pub(super) fn iovec(vector: u32, index: u32) -> Result<(u32, u32), Errno> {
    let entry = vector
        .checked_add(index.checked_mul(8).ok_or(Errno::EFAULT)?)
        .ok_or(Errno::EFAULT)?;
    with_current(|process| {
        let memory = &mut process.memory.lock();
        let base = uaccess::read_u32(memory, entry)?;
        let length = uaccess::read_u32(memory, entry.checked_add(4).ok_or(Errno::EFAULT)?)?;
        Ok((base, length))
    })
}

/// writev(fd, iov, iovcnt).
pub fn writev(fd: u32, vector: u32, count: u32) -> Result<u32, Errno> {
    if count > IOV_MAX {
        return Err(Errno::EINVAL);
    }
    let mut total = 0u32;
    for index in 0..count {
        let (base, length) = iovec(vector, index)?;
        let done = write(fd, base, length)?;
        total += done;
        if done < length {
            break;
        }
    }
    Ok(total)
}

/// openat(dirfd, path, flags) on the read-only ramdisk.
pub fn openat(directory: u32, path: u32, flags: u32) -> Result<u32, Errno> {
    let (path, working_directory, root) = with_current(|process| {
        let path =
            uaccess::read_c_string(&mut process.memory.lock(), path, 4096, Errno::ENAMETOOLONG)?;
        Ok::<_, Errno>((
            path,
            process.working_directory.clone(),
            process.root.clone(),
        ))
    })?;
    let path = core::str::from_utf8(&path).map_err(|_| Errno::ENOENT)?;
    if directory as i32 != fcntl::AT_FDCWD && !path.starts_with('/') {
        return Err(Errno::ENOSYS);
    }
    let resolved = crate::path::resolve(&root, &working_directory, path);
    let close_on_exec = flags & fcntl::O_CLOEXEC != 0;
    match Device::at(&resolved.visible) {
        Some(Device::Console) => {
            return install(file::open(FileKind::Console, flags), close_on_exec);
        }
        Some(device) => return install(file::open(FileKind::Device(device), flags), close_on_exec),
        None => {}
    }
    if flags & (fcntl::O_WRONLY | fcntl::O_RDWR | fcntl::O_CREAT | fcntl::O_TRUNC) != 0 {
        return Err(Errno::EROFS);
    }
    let ramdisk = initrd::get().ok_or(Errno::ENOENT)?;
    let entry = ramdisk
        .resolve(&resolved.ramdisk, crate::ramdisk::Follow::All)
        .map_err(|_| Errno::ENOENT)?;
    let kind = if entry.is_directory() {
        FileKind::Directory(String::from(entry.path))
    } else if flags & fcntl::O_DIRECTORY != 0 {
        return Err(Errno::ENOTDIR);
    } else {
        FileKind::Ramdisk(entry)
    };
    install(file::open(kind, flags), flags & fcntl::O_CLOEXEC != 0)
}

/// readlinkat(dirfd, path, buffer, size): the target of the ramdisk
/// symlink `path` names, cut to `size` bytes, without a NUL (Linux's
/// rules). `EINVAL` for a size of 0 or a path that is not a symlink;
/// `ENOENT` for one that does not exist, `/proc/self/exe` included: there
/// is no `/proc`. A directory descriptor other than `AT_FDCWD` with a
/// relative path is `ENOSYS`, as for openat.
pub fn readlinkat(directory: u32, path: u32, buffer: u32, size: u32) -> Result<u32, Errno> {
    if size as i32 <= 0 {
        return Err(Errno::EINVAL);
    }
    with_current(|process| {
        let path =
            uaccess::read_c_string(&mut process.memory.lock(), path, 4096, Errno::ENAMETOOLONG)?;
        let path = core::str::from_utf8(&path).map_err(|_| Errno::ENOENT)?;
        if path.is_empty() {
            return Err(Errno::ENOENT);
        }
        if directory as i32 != fcntl::AT_FDCWD && !path.starts_with('/') {
            return Err(Errno::ENOSYS);
        }
        let resolved = crate::path::resolve(&process.root, &process.working_directory, path);
        let ramdisk = initrd::get().ok_or(Errno::ENOENT)?;
        let entry = ramdisk
            .resolve(&resolved.ramdisk, crate::ramdisk::Follow::AllButLast)
            .map_err(lookup_errno)?;
        let target = entry.link_target().ok_or(Errno::EINVAL)?.as_bytes();
        let length = target.len().min(size as usize);
        uaccess::copy_to_user(&mut process.memory.lock(), buffer, &target[..length])?;
        Ok(length as u32)
    })
}

/// The errno for a failed ramdisk lookup.
pub(super) fn lookup_errno(error: crate::ramdisk::LookupError) -> Errno {
    use crate::ramdisk::LookupError;
    match error {
        LookupError::NotFound => Errno::ENOENT,
        LookupError::NotADirectory => Errno::ENOTDIR,
        LookupError::TooManySymlinks => Errno::ELOOP,
    }
}

/// Puts `file` in the lowest free descriptor.
fn install(file: FileRef, close_on_exec: bool) -> Result<u32, Errno> {
    with_current(|process| {
        process
            .files
            .lock()
            .install(file, close_on_exec)
            .map(|fd| fd.0)
    })
}

/// close(fd).
pub fn close(fd: u32) -> Result<u32, Errno> {
    with_current(|process| process.files.lock().close(Fd(fd)).map(drop))?;
    Ok(0)
}

/// lseek(fd, offset, whence) for ramdisk files.
pub fn lseek(fd: u32, offset: u32, whence: u32) -> Result<u32, Errno> {
    let target = lseek_to(fd, i64::from(offset as i32), whence)?;
    u32::try_from(target).map_err(|_| Errno::EOVERFLOW)
}

/// Moves the offset of `fd` (a ramdisk file or directory) as lseek's
/// `whence` says; the new offset. Pipes and the console are `ESPIPE`.
pub(super) fn lseek_to(fd: u32, offset: i64, whence: u32) -> Result<u64, Errno> {
    let file = file(fd)?;
    let mut open = file.lock();
    let size = match &open.kind {
        FileKind::Ramdisk(entry) => entry.data.len() as i64,
        FileKind::Directory(_) => 0,
        // Linux's null and zero devices accept any seek and stay at 0.
        FileKind::Device(_) => return Ok(0),
        _ => return Err(Errno::ESPIPE),
    };
    let base = match whence {
        0 => 0,
        1 => open.offset as i64,
        2 => size,
        _ => return Err(Errno::EINVAL),
    };
    let target = base.checked_add(offset).ok_or(Errno::EINVAL)?;
    if target < 0 {
        return Err(Errno::EINVAL);
    }
    open.offset = target as u64;
    Ok(target as u64)
}

/// fstat64(fd, buffer).
pub fn fstat64(fd: u32, buffer: u32) -> Result<u32, Errno> {
    let file = file(fd)?;
    let status = status_of(&file.lock());
    with_current(|process| {
        uaccess::copy_to_user(&mut process.memory.lock(), buffer, &status.to_bytes())
    })?;
    Ok(0)
}

/// The stat64 record of an open file.
fn status_of(open: &OpenFile) -> abi::stat::Stat64 {
    use abi::stat::{S_IFCHR, S_IFDIR, S_IFIFO, Stat64};
    match &open.kind {
        FileKind::Console => {
            // /dev/console is character device 5:1.
            Stat64 {
                st_rdev: 0x0501,
                st_blksize: 1024,
                ..Stat64::new(1, S_IFCHR | 0o620, 0)
            }
        }
        FileKind::Ramdisk(entry) => status_of_entry(entry),
        FileKind::Directory(_) => Stat64 {
            st_nlink: 2,
            ..Stat64::new(2, S_IFDIR | 0o755, 0)
        },
        FileKind::PipeReader(_) | FileKind::PipeWriter(_) => Stat64::new(3, S_IFIFO | 0o600, 0),
        FileKind::Device(device) => status_of_device(*device),
    }
}

/// The stat64 record of a device file.
fn status_of_device(device: crate::device::Device) -> abi::stat::Stat64 {
    abi::stat::Stat64 {
        st_rdev: device.rdev(),
        st_blksize: 1024,
        ..abi::stat::Stat64::new(device.inode(), abi::stat::S_IFCHR | 0o666, 0)
    }
}

/// The stat64 record of a ramdisk entry (a symlink's size is its
/// target's length, as on Linux).
fn status_of_entry(entry: &crate::ramdisk::Entry<'_>) -> abi::stat::Stat64 {
    abi::stat::Stat64 {
        st_nlink: entry.nlink,
        st_mtime: entry.mtime,
        ..abi::stat::Stat64::new(u64::from(entry.inode), entry.mode, entry.data.len() as i64)
    }
}

/// fstatat64(dirfd, path, buffer, flags); stat64 and lstat64 are this
/// with `AT_FDCWD` and no flags or `AT_SYMLINK_NOFOLLOW`. Flags other
/// than `AT_SYMLINK_NOFOLLOW`, `AT_NO_AUTOMOUNT` and `AT_EMPTY_PATH` are
/// `EINVAL`; the lookup is [`status_at`]'s.
pub fn fstatat64(directory: u32, path: u32, buffer: u32, flags: u32) -> Result<u32, Errno> {
    use abi::statx::AT_NO_AUTOMOUNT;
    let known = fcntl::AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | fcntl::AT_EMPTY_PATH;
    if flags & !known != 0 {
        return Err(Errno::EINVAL);
    }
    let status = status_at(directory, path, flags)?;
    with_current(|process| {
        uaccess::copy_to_user(&mut process.memory.lock(), buffer, &status.to_bytes())
    })?;
    Ok(0)
}

/// The stat64 record of what `directory` and `path` name, for fstatat64
/// and statx (which check `flags` first). `AT_SYMLINK_NOFOLLOW` stats a
/// final symlink itself. An empty path is `ENOENT` unless `AT_EMPTY_PATH`
/// makes it the descriptor `directory` itself, as fstat64 sees it (or the
/// working directory for `AT_FDCWD`). A directory descriptor other than
/// `AT_FDCWD` with a relative path is `ENOSYS`, as for openat.
pub(super) fn status_at(directory: u32, path: u32, flags: u32) -> Result<abi::stat::Stat64, Errno> {
    let follow = if flags & fcntl::AT_SYMLINK_NOFOLLOW != 0 {
        crate::ramdisk::Follow::AllButLast
    } else {
        crate::ramdisk::Follow::All
    };
    let at_cwd = directory as i32 == fcntl::AT_FDCWD;
    let empty_path = flags & fcntl::AT_EMPTY_PATH != 0;
    let status = with_current(|process| {
        let path =
            uaccess::read_c_string(&mut process.memory.lock(), path, 4096, Errno::ENAMETOOLONG)?;
        let path = core::str::from_utf8(&path).map_err(|_| Errno::ENOENT)?;
        let path = if path.is_empty() && at_cwd && empty_path {
            "."
        } else {
            path
        };
        if path.is_empty() {
            return Ok(None);
        }
        if !at_cwd && !path.starts_with('/') {
            return Err(Errno::ENOSYS);
        }
        let resolved = crate::path::resolve(&process.root, &process.working_directory, path);
        if let Some(device) = Device::at(&resolved.visible) {
            return Ok(Some(status_of_device(device)));
        }
        let ramdisk = initrd::get().ok_or(Errno::ENOENT)?;
        let entry = ramdisk
            .resolve(&resolved.ramdisk, follow)
            .map_err(lookup_errno)?;
        Ok(Some(status_of_entry(&entry)))
    })?;
    match status {
        Some(status) => Ok(status),
        // The descriptor itself; not inside `with_current`, which `file`
        // takes again.
        None if empty_path => Ok(status_of(&file(directory)?.lock())),
        None => Err(Errno::ENOENT),
    }
}

/// getdents64(fd, buffer, count).
pub fn getdents64(fd: u32, buffer: u32, count: u32) -> Result<u32, Errno> {
    let file = file(fd)?;
    let mut open = file.lock();
    let FileKind::Directory(path) = &open.kind else {
        return Err(Errno::ENOTDIR);
    };
    let ramdisk = initrd::get().ok_or(Errno::ENOENT)?;
    let mut output = vec![0u8; (count as usize).min(64 * 1024)];
    let mut used = 0;
    let children = ramdisk.children(path).ok_or(Errno::ENOTDIR)?;
    let mut index = 0u64;
    for child in children.skip(open.offset as usize) {
        index += 1;
        let kind = abi::dirent::type_of_mode(child.mode);
        let next = open.offset + index;
        let record = abi::dirent::Dirent64 {
            inode: u64::from(child.inode.max(1)),
            next_offset: next as i64,
            kind,
            name: child.name().as_bytes(),
        };
        match abi::dirent::encode(&mut output[used..], &record) {
            Some(length) => used += length,
            None if used == 0 => return Err(Errno::EINVAL),
            None => {
                index -= 1;
                break;
            }
        }
    }
    open.offset += index;
    drop(open);
    with_current(|process| {
        uaccess::copy_to_user(&mut process.memory.lock(), buffer, &output[..used])
    })?;
    Ok(used as u32)
}

/// pipe2(fds, flags).
pub fn pipe2(fds: u32, flags: u32) -> Result<u32, Errno> {
    if flags & !(fcntl::O_CLOEXEC | fcntl::O_NONBLOCK) != 0 {
        return Err(Errno::EINVAL);
    }
    let shared = Arc::new(SharedPipe {
        pipe: Mutex::new(Pipe::new()),
    });
    let status = flags & fcntl::O_NONBLOCK;
    let reader = file::open(FileKind::PipeReader(shared.clone()), status);
    let writer = file::open(FileKind::PipeWriter(shared), status | fcntl::O_WRONLY);
    let close_on_exec = flags & fcntl::O_CLOEXEC != 0;
    with_current(|process| {
        let read_end = process.files.lock().install(reader, close_on_exec)?;
        let write_end = match process.files.lock().install(writer, close_on_exec) {
            Ok(fd) => fd,
            Err(error) => {
                let _ = process.files.lock().close(read_end).map(drop);
                return Err(error);
            }
        };
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&read_end.0.to_le_bytes());
        bytes[4..].copy_from_slice(&write_end.0.to_le_bytes());
        if let Err(error) = uaccess::copy_to_user(&mut process.memory.lock(), fds, &bytes) {
            let _ = process.files.lock().close(read_end).map(drop);
            let _ = process.files.lock().close(write_end).map(drop);
            return Err(error);
        }
        Ok(0)
    })
}

/// dup(fd).
pub fn dup(fd: u32) -> Result<u32, Errno> {
    with_current(|process| process.files.lock().dup(Fd(fd)).map(|fd| fd.0))
}

/// dup2(old, new).
pub fn dup2(old: u32, new: u32) -> Result<u32, Errno> {
    with_current(|process| {
        process
            .files
            .lock()
            .dup2(Fd(old), Fd(new))
            .map(|duplicated| duplicated.fd.0)
    })
}

/// dup3(old, new, flags).
pub fn dup3(old: u32, new: u32, flags: u32) -> Result<u32, Errno> {
    with_current(|process| {
        process
            .files
            .lock()
            .dup3(Fd(old), Fd(new), flags)
            .map(|duplicated| duplicated.fd.0)
    })
}

/// ioctl(fd, request, argument): TCGETS and TIOCGWINSZ on the console.
pub fn ioctl(fd: u32, request: u32, argument: u32) -> Result<u32, Errno> {
    let file = file(fd)?;
    if !matches!(file.lock().kind, FileKind::Console) {
        return Err(Errno::ENOTTY);
    }
    let bytes: alloc::vec::Vec<u8> = match request {
        abi::termios::TCGETS => abi::termios::Termios::CONSOLE.to_bytes().to_vec(),
        abi::termios::TIOCGWINSZ => abi::termios::Winsize::CONSOLE.to_bytes().to_vec(),
        // Settings are accepted and not applied: the console driver has
        // one mode (see `abi::termios::Termios::CONSOLE`).
        abi::termios::TCSETS | abi::termios::TCSETSW | abi::termios::TCSETSF => return Ok(0),
        abi::termios::TIOCSWINSZ | abi::termios::TIOCSPGRP => return Ok(0),
        abi::termios::TIOCGPGRP => {
            let group = with_current(|process| process.attributes.pgid);
            group.to_le_bytes().to_vec()
        }
        _ => return Err(Errno::ENOTTY),
    };
    with_current(|process| uaccess::copy_to_user(&mut process.memory.lock(), argument, &bytes))?;
    Ok(0)
}

/// getcwd(buffer, size): the length including the NUL, as the raw call
/// returns it.
pub fn getcwd(buffer: u32, size: u32) -> Result<u32, Errno> {
    with_current(|process| {
        let mut path = process.working_directory.clone();
        path.push('\0');
        if path.len() > size as usize {
            return Err(Errno::ERANGE);
        }
        uaccess::copy_to_user(&mut process.memory.lock(), buffer, path.as_bytes())?;
        Ok(path.len() as u32)
    })
}

/// The directory `path` names for the calling process, resolved.
fn directory(
    process: &mut crate::process::Process,
    path: u32,
) -> Result<crate::path::Resolved, Errno> {
    let path = uaccess::read_c_string(&mut process.memory.lock(), path, 4096, Errno::ENAMETOOLONG)?;
    let path = core::str::from_utf8(&path).map_err(|_| Errno::ENOENT)?;
    let resolved = crate::path::resolve(&process.root, &process.working_directory, path);
    let ramdisk = initrd::get().ok_or(Errno::ENOENT)?;
    let entry = ramdisk
        .resolve(&resolved.ramdisk, crate::ramdisk::Follow::All)
        .map_err(|_| Errno::ENOENT)?;
    if !entry.is_directory() {
        return Err(Errno::ENOTDIR);
    }
    Ok(resolved)
}

/// chdir(path) to a ramdisk directory.
pub fn chdir(path: u32) -> Result<u32, Errno> {
    let visible = with_current(|process| directory(process, path))?.visible;
    with_group(|process| process.working_directory = visible.clone());
    Ok(0)
}

/// chroot(path): the directory becomes the process's `/` (and its working
/// directory, which Linux leaves alone; here it would otherwise lie
/// outside the new root). With `kml-check-chroot`, a chrooted process
/// never gets SYSTEM mode from execve.
pub fn chroot(path: u32) -> Result<u32, Errno> {
    let resolved = with_current(|process| directory(process, path))?;
    let root = if resolved.ramdisk == "/" {
        String::new()
    } else {
        resolved.ramdisk
    };
    with_group(|process| {
        process.root = root.clone();
        process.working_directory = String::from("/");
    });
    Ok(0)
}
