// SPDX-License-Identifier: MIT OR Apache-2.0
//! Path names: from what a process says to where it is in the ramdisk.
//!
//! A process names files relative to its working directory and, after
//! chroot, to its root. [`resolve`] turns such a name into the absolute
//! path the process sees (for the trust check of execve, which looks at
//! `/trusted/`) and the ramdisk path behind it. `.` and `..` are removed
//! lexically, and `..` never climbs above the process's root, as on Linux.
//! Pure string work, tested on the host.

use alloc::string::String;
use alloc::vec::Vec;

/// A name resolved for one process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The normalised absolute path as the process sees it (`/bin/ls`).
    pub visible: String,
    /// The same file's path in the ramdisk, root prefix included.
    pub ramdisk: String,
}

/// Normalises `path` against the working directory `working_directory`
/// (absolute, seen from the root) and prefixes the root `root` (absolute
/// ramdisk path, empty for the real root).
pub fn resolve(root: &str, working_directory: &str, path: &str) -> Resolved {
    let mut components: Vec<&str> = Vec::new();
    let start = if path.starts_with('/') {
        ""
    } else {
        working_directory
    };
    for component in start.split('/').chain(path.split('/')) {
        match component {
            "" | "." => {}
            ".." => {
                components.pop();
            }
            name => components.push(name),
        }
    }
    let mut visible = String::new();
    for component in &components {
        visible.push('/');
        visible.push_str(component);
    }
    if visible.is_empty() {
        visible.push('/');
    }
    let ramdisk = if root.is_empty() || root == "/" {
        visible.clone()
    } else if visible == "/" {
        String::from(root)
    } else {
        alloc::format!("{}{visible}", root.trim_end_matches('/'))
    };
    Resolved { visible, ramdisk }
}

/// Whether `visible` (a normalised absolute path) names a trusted program:
/// one under `/trusted/`.
pub fn is_trusted_path(visible: &str) -> bool {
    visible.starts_with("/trusted/") && visible.len() > "/trusted/".len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visible(root: &str, cwd: &str, path: &str) -> String {
        resolve(root, cwd, path).visible
    }

    #[test]
    fn normalises_dots_and_slashes() {
        assert_eq!(visible("", "/", "/bin//./ls"), "/bin/ls");
        assert_eq!(visible("", "/bin", "ls"), "/bin/ls");
        assert_eq!(visible("", "/bin", "../trusted/x"), "/trusted/x");
        assert_eq!(visible("", "/", ".."), "/");
        assert_eq!(visible("", "/a/b", "../../../.."), "/");
    }

    #[test]
    fn a_root_prefixes_the_ramdisk_path_and_cannot_be_escaped() {
        let resolved = resolve("/jail", "/", "/trusted/x");
        assert_eq!(resolved.visible, "/trusted/x");
        assert_eq!(resolved.ramdisk, "/jail/trusted/x");
        assert_eq!(resolve("/jail", "/", "../../etc").ramdisk, "/jail/etc");
        assert_eq!(resolve("/jail", "/", "/").ramdisk, "/jail");
    }

    #[test]
    fn trust_is_by_the_normalised_path() {
        assert!(is_trusted_path(&visible("", "/", "/trusted/rt")));
        assert!(is_trusted_path(&visible("", "/trusted", "rt")));
        assert!(is_trusted_path(&visible("", "/bin", "../trusted/./rt")));
        assert!(!is_trusted_path(&visible("", "/", "/trusted")));
        assert!(!is_trusted_path(&visible("", "/", "/trustedx/rt")));
        assert!(!is_trusted_path(&visible("", "/", "/bin/trusted/rt")));
    }
}
