// SPDX-License-Identifier: MIT OR Apache-2.0
//! `cargo xtask ramdisk`: packs a directory tree into a cpio `newc` archive.
//!
//! The archive is what QEMU's `-initrd` and U-Boot hand to the kernel, and
//! what `kernel::ramdisk` reads (GNU `cpio -o -H newc` makes the same kind).
//! It is deterministic, so a rebuild of the same tree is the same file:
//! entries are written depth first in byte order of their names (the order
//! the kernel's index keeps), with mtime, uid, gid and device numbers 0 and
//! inode numbers counting from 1. Only the permission bits come from the
//! host, since `execve` needs the execute bit. Names carry no leading `./`;
//! the root is the first entry, `.`.
//!
//! Directories, regular files and symlinks (stored, not followed) are
//! packed; a fifo, socket or device is refused, as is a name or symlink
//! target that is not UTF-8 (the kernel's paths are `str`). Two hard links
//! to one file become two files with the same data: the kernel cannot tell
//! the difference, and it keeps the writer simple.

use std::fs::{self, Metadata};
use std::path::Path;

use crate::board::display_path;
use crate::error::{Context, Result, bail};

/// Magic of a `newc` header.
const MAGIC: &str = "070701";
/// Name of the record that ends the archive.
const TRAILER: &str = "TRAILER!!!";
/// Longest name, NUL included, the kernel accepts (Linux `PATH_MAX`).
const PATH_MAX: usize = 4096;

/// File types of `c_mode`, as Linux's `st_mode` has them.
const S_IFDIR: u32 = 0o040_000;
const S_IFREG: u32 = 0o100_000;
const S_IFLNK: u32 = 0o120_000;

/// Writes a `newc` archive of the tree under `dir` to `output`, prints
/// `wrote FILE (N entries, B bytes)` and returns the number of entries
/// (the root included, the trailer not).
pub fn write_archive(dir: &Path, output: &Path) -> Result<usize> {
    refuse_output_inside(dir, output)?;
    let mut archive = Archive::default();
    let root = fs::metadata(dir).context_with(|| format!("reading {}", dir.display()))?;
    if !root.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    archive.add_directory(dir, ".", &root)?;
    let entries = archive.entries;
    let bytes = archive.finish();
    fs::write(output, &bytes).context_with(|| format!("writing {}", output.display()))?;
    println!(
        "wrote {} ({entries} entries, {} bytes)",
        display_path(output).display(),
        bytes.len()
    );
    Ok(entries)
}

/// Refuses to write the archive into the tree it packs: a second run would
/// pack the first one's output.
fn refuse_output_inside(dir: &Path, output: &Path) -> Result<()> {
    let parent = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let (Ok(dir), Ok(parent)) = (fs::canonicalize(dir), fs::canonicalize(parent)) else {
        return Ok(()); // the errors come, better worded, from the real work
    };
    if parent.starts_with(&dir) {
        bail!(
            "{} is inside {}: the archive would pack itself",
            output.display(),
            dir.display()
        );
    }
    Ok(())
}

/// An archive being written.
#[derive(Default)]
struct Archive {
    /// Everything written so far.
    bytes: Vec<u8>,
    /// Records written, which is also the last inode number handed out.
    entries: usize,
}

impl Archive {
    /// Writes the directory at `path` as `name` and then, sorted, all that
    /// is in it.
    fn add_directory(&mut self, path: &Path, name: &str, metadata: &Metadata) -> Result<()> {
        let mut children = Vec::new();
        let listing = fs::read_dir(path).context_with(|| format!("listing {}", path.display()))?;
        for child in listing {
            let child = child.context_with(|| format!("listing {}", path.display()))?;
            let child_path = child.path();
            let Some(child_name) = child.file_name().to_str().map(str::to_owned) else {
                bail!("{}: the name is not UTF-8", child_path.display());
            };
            let child_metadata = fs::symlink_metadata(&child_path)
                .context_with(|| format!("reading {}", child_path.display()))?;
            children.push((child_name, child_path, child_metadata));
        }
        children.sort_by(|a, b| a.0.cmp(&b.0));
        // `..` of every subdirectory links here too.
        let subdirectories = children.iter().filter(|child| child.2.is_dir()).count();
        let nlink = u32::try_from(2 + subdirectories).unwrap_or(u32::MAX);
        self.record(name, S_IFDIR | permissions(metadata), nlink, &[])?;
        for (child_name, child_path, child_metadata) in children {
            let child_name = match name {
                "." => child_name,
                _ => format!("{name}/{child_name}"),
            };
            self.add(&child_path, &child_name, &child_metadata)?;
        }
        Ok(())
    }

    /// Writes the file, symlink or directory tree at `path` as `name`.
    fn add(&mut self, path: &Path, name: &str, metadata: &Metadata) -> Result<()> {
        let file_type = metadata.file_type();
        if file_type.is_dir() {
            self.add_directory(path, name, metadata)
        } else if file_type.is_symlink() {
            let target =
                fs::read_link(path).context_with(|| format!("reading {}", path.display()))?;
            let Some(target) = target.to_str() else {
                bail!("{}: the symlink target is not UTF-8", path.display());
            };
            if target.is_empty() || target.len() >= PATH_MAX {
                bail!(
                    "{}: the symlink target is empty or too long",
                    path.display()
                );
            }
            self.record(name, S_IFLNK | 0o777, 1, target.as_bytes())
        } else if file_type.is_file() {
            let data = fs::read(path).context_with(|| format!("reading {}", path.display()))?;
            self.record(name, S_IFREG | permissions(metadata), 1, &data)
                .context_with(|| path.display().to_string())
        } else {
            bail!(
                "{}: not a file, directory or symlink (fifos, sockets and devices \
                 cannot go in the ramdisk)",
                path.display()
            );
        }
    }

    /// Appends the next record, numbering its inode.
    fn record(&mut self, name: &str, mode: u32, nlink: u32, data: &[u8]) -> Result<()> {
        if name.len() >= PATH_MAX {
            bail!("{name}: the name is longer than {} bytes", PATH_MAX - 1);
        }
        if u32::try_from(data.len()).is_err() {
            bail!("{name}: {} bytes do not fit a cpio header", data.len());
        }
        self.entries += 1;
        let inode = u32::try_from(self.entries).unwrap_or(u32::MAX);
        self.write(inode, mode, nlink, name, data);
        Ok(())
    }

    /// Appends header, name, padding, data and padding; the caller has
    /// checked that the sizes fit.
    fn write(&mut self, inode: u32, mode: u32, nlink: u32, name: &str, data: &[u8]) {
        let (name_size, file_size) = (name.len() as u32 + 1, data.len() as u32);
        // c_ino c_mode c_uid c_gid c_nlink c_mtime c_filesize c_devmajor
        // c_devminor c_rdevmajor c_rdevminor c_namesize c_check
        let fields = [
            inode, mode, 0, 0, nlink, 0, file_size, 0, 0, 0, 0, name_size, 0,
        ];
        self.bytes.extend_from_slice(MAGIC.as_bytes());
        for field in fields {
            self.bytes
                .extend_from_slice(format!("{field:08X}").as_bytes());
        }
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.push(0);
        self.pad();
        self.bytes.extend_from_slice(data);
        self.pad();
    }

    /// Zeros up to the next multiple of 4 bytes, as `newc` wants after the
    /// name and after the data.
    fn pad(&mut self) {
        self.bytes.resize(self.bytes.len().next_multiple_of(4), 0);
    }

    /// The archive with its trailer (inode 0, one link, no data). GNU cpio
    /// also pads the end to 512 bytes; neither Linux nor our kernel needs it.
    fn finish(mut self) -> Vec<u8> {
        self.write(0, 0, 1, TRAILER, &[]);
        self.bytes
    }
}

/// The permission bits (with setuid, setgid and sticky) of `metadata`.
#[cfg(unix)]
fn permissions(metadata: &Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o7777
}

/// Without Unix modes: 755 for directories, else 644 (444 if read-only).
#[cfg(not(unix))]
fn permissions(metadata: &Metadata) -> u32 {
    match (metadata.is_dir(), metadata.permissions().readonly()) {
        (true, _) => 0o755,
        (false, false) => 0o644,
        (false, true) => 0o444,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernel::ramdisk::{Follow, Ramdisk};
    use std::path::PathBuf;
    use std::process::{Command, Stdio};

    /// A scratch directory removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(test: &str) -> Self {
            let path =
                std::env::temp_dir().join(format!("xtask-ramdisk-{}-{test}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).unwrap();
            Scratch(path)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// A small tree: `init` (755), `bin/hello` (755), `bin/sh -> hello`,
    /// `etc/motd` (644, 5 bytes), `etc/empty` and an empty `var/`.
    fn make_tree(root: &Path) {
        fs::create_dir_all(root.join("bin")).unwrap();
        fs::create_dir_all(root.join("etc")).unwrap();
        fs::create_dir_all(root.join("var")).unwrap();
        fs::write(root.join("init"), "#!/bin/sh\n").unwrap();
        fs::write(root.join("bin/hello"), "hello").unwrap();
        fs::write(root.join("etc/motd"), "motd\n").unwrap();
        fs::write(root.join("etc/empty"), "").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::{PermissionsExt, symlink};
            for (path, mode) in [("init", 0o755), ("bin/hello", 0o755), ("etc/motd", 0o644)] {
                fs::set_permissions(root.join(path), fs::Permissions::from_mode(mode)).unwrap();
            }
            fs::set_permissions(root.join("var"), fs::Permissions::from_mode(0o700)).unwrap();
            symlink("hello", root.join("bin/sh")).unwrap();
        }
    }

    /// Packs `tree` under `scratch` and returns the archive's bytes.
    fn pack(scratch: &Scratch) -> (usize, Vec<u8>) {
        let output = scratch.0.join("initrd.cpio");
        let entries = write_archive(&scratch.0.join("tree"), &output).unwrap();
        (entries, fs::read(output).unwrap())
    }

    #[cfg(unix)]
    #[test]
    fn the_kernel_reads_what_we_write() {
        let scratch = Scratch::new("kernel");
        make_tree(&scratch.0.join("tree"));
        let (entries, bytes) = pack(&scratch);
        let ramdisk = Ramdisk::parse(&bytes).unwrap();
        let paths: Vec<&str> = ramdisk.entries().map(|entry| entry.path).collect();
        let expected = [
            "",
            "bin",
            "bin/hello",
            "bin/sh",
            "etc",
            "etc/empty",
            "etc/motd",
            "init",
            "var",
        ];
        assert_eq!(paths, expected);
        assert_eq!(entries, expected.len());
        let init = ramdisk.lookup("/init").unwrap();
        assert_eq!((init.mode, init.data), (0o100_755, &b"#!/bin/sh\n"[..]));
        assert!(init.is_executable());
        let motd = ramdisk.lookup("/etc/motd").unwrap();
        assert_eq!((motd.mode, motd.data), (0o100_644, &b"motd\n"[..]));
        assert!(ramdisk.lookup("/etc/empty").unwrap().data.is_empty());
        assert_eq!(ramdisk.lookup("/var").unwrap().mode, 0o040_700);
        let sh = ramdisk.lookup("/bin/sh").unwrap();
        assert_eq!(sh.link_target(), Some("hello"));
        let hello = ramdisk.resolve("/bin/sh", Follow::All).unwrap();
        assert_eq!(hello.data, b"hello");
        // Deterministic metadata; inodes count from 1 in archive order.
        for (number, entry) in ramdisk.entries().enumerate() {
            assert_eq!(
                (entry.uid, entry.gid, entry.mtime),
                (0, 0, 0),
                "{}",
                entry.path
            );
            assert_eq!(entry.inode as usize, number + 1, "{}", entry.path);
        }
        // The root links to itself, its parent and the three subdirectories.
        assert_eq!(ramdisk.lookup("/").unwrap().nlink, 5);
    }

    #[test]
    fn the_same_tree_gives_the_same_bytes() {
        let scratch = Scratch::new("deterministic");
        make_tree(&scratch.0.join("tree"));
        let (_, first) = pack(&scratch);
        // Touching a file changes its mtime, which is not recorded.
        fs::write(scratch.0.join("tree/etc/motd"), "motd\n").unwrap();
        let (_, second) = pack(&scratch);
        assert_eq!(first, second);
        assert_eq!(first.len() % 4, 0);
        assert!(first.ends_with(b"TRAILER!!!\0\0\0\0"));
    }

    #[test]
    fn gnu_cpio_lists_the_archive() {
        if Command::new("cpio")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_err()
        {
            eprintln!("cpio is not installed: skipping");
            return;
        }
        let scratch = Scratch::new("cpio");
        make_tree(&scratch.0.join("tree"));
        pack(&scratch);
        let archive = fs::File::open(scratch.0.join("initrd.cpio")).unwrap();
        let listing = Command::new("cpio")
            .arg("-it")
            .stdin(archive)
            .stderr(Stdio::null())
            .output()
            .unwrap();
        assert!(listing.status.success());
        let listing = String::from_utf8(listing.stdout).unwrap();
        let mut expected = vec![".", "bin", "bin/hello"];
        if cfg!(unix) {
            expected.push("bin/sh");
        }
        expected.extend(["etc", "etc/empty", "etc/motd", "init", "var"]);
        assert_eq!(listing.lines().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn an_empty_directory_is_just_the_root() {
        let scratch = Scratch::new("empty");
        fs::create_dir(scratch.0.join("tree")).unwrap();
        let (entries, bytes) = pack(&scratch);
        assert_eq!(entries, 1);
        let ramdisk = Ramdisk::parse(&bytes).unwrap();
        assert_eq!(ramdisk.entries().len(), 1);
    }

    #[test]
    fn refuses_what_it_cannot_pack() {
        let scratch = Scratch::new("refuse");
        let tree = scratch.0.join("tree");
        let output = scratch.0.join("out.cpio");
        let error = write_archive(&tree, &output).unwrap_err().to_string();
        assert!(error.starts_with("reading "), "{error}");
        fs::write(&tree, "").unwrap();
        let error = write_archive(&tree, &output).unwrap_err().to_string();
        assert!(error.ends_with("is not a directory"), "{error}");
        fs::remove_file(&tree).unwrap();
        fs::create_dir(&tree).unwrap();
        let error = write_archive(&tree, &tree.join("x.cpio"))
            .unwrap_err()
            .to_string();
        assert!(error.ends_with("the archive would pack itself"), "{error}");
        assert!(!output.exists());
    }

    #[cfg(unix)]
    #[test]
    fn refuses_fifos() {
        let scratch = Scratch::new("fifo");
        let tree = scratch.0.join("tree");
        fs::create_dir(&tree).unwrap();
        let made = Command::new("mkfifo").arg(tree.join("pipe")).status();
        if !made.is_ok_and(|status| status.success()) {
            eprintln!("mkfifo failed: skipping");
            return;
        }
        let error = write_archive(&tree, &scratch.0.join("out.cpio")).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("not a file, directory or symlink"),
            "{error}"
        );
    }
}
