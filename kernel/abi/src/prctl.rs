// SPDX-License-Identifier: MIT OR Apache-2.0
//! prctl options, and the process name (`comm`) PR_SET_NAME keeps.
//!
//! Option numbers from include/uapi/linux/prctl.h. Only the options KML-rs
//! implements are listed. The name is Linux's `TASK_COMM_LEN`, 16 bytes
//! with the NUL: [`command_name`] cuts a name the way `set_task_comm`
//! does, which is also how execve names a process after its file.

/// Set the dumpable flag (arg2: 0 or 1).
pub const PR_SET_DUMPABLE: u32 = 4;
/// Read the dumpable flag (the result).
pub const PR_GET_DUMPABLE: u32 = 3;
/// Set the name (arg2: pointer to a string, cut at 15 bytes).
pub const PR_SET_NAME: u32 = 15;
/// Read the name (arg2: pointer to 16 bytes).
pub const PR_GET_NAME: u32 = 16;

/// Bytes of a process name, the NUL included (`TASK_COMM_LEN`).
pub const TASK_COMM_LEN: usize = 16;

/// `name` as a process name: at most 15 bytes, NUL-padded to 16.
pub fn command_name(name: &[u8]) -> [u8; TASK_COMM_LEN] {
    let mut comm = [0; TASK_COMM_LEN];
    let length = name
        .iter()
        .position(|&byte| byte == 0)
        .unwrap_or(name.len())
        .min(TASK_COMM_LEN - 1);
    comm[..length].copy_from_slice(&name[..length]);
    comm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_linux_values() {
        assert_eq!(
            (PR_GET_DUMPABLE, PR_SET_DUMPABLE, PR_SET_NAME, PR_GET_NAME),
            (3, 4, 15, 16)
        );
    }

    #[test]
    fn names_are_cut_at_fifteen_bytes() {
        assert_eq!(&command_name(b"init")[..5], b"init\0");
        let long = command_name(b"a-very-long-program-name");
        assert_eq!(&long[..15], b"a-very-long-pro");
        assert_eq!(long[15], 0);
        assert_eq!(&command_name(b"ab\0cd")[..3], b"ab\0");
        assert_eq!(command_name(b""), [0; 16]);
    }
}
