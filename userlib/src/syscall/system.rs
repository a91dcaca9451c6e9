// SPDX-License-Identifier: MIT OR Apache-2.0
//! `uname` and `sysinfo`: what the kernel says it is and has.

use super::{Sysnum, decode_unit, raw};
use crate::Errno;

/// Linux's `struct new_utsname`: six NUL-terminated 65-byte fields.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Utsname {
    /// Kernel name ("Linux" on Linux).
    pub sysname: [u8; 65],
    /// Host name.
    pub nodename: [u8; 65],
    /// Kernel release.
    pub release: [u8; 65],
    /// Kernel version string.
    pub version: [u8; 65],
    /// Machine ("armv7l").
    pub machine: [u8; 65],
    /// NIS domain name.
    pub domainname: [u8; 65],
}

impl Default for Utsname {
    fn default() -> Self {
        Utsname {
            sysname: [0; 65],
            nodename: [0; 65],
            release: [0; 65],
            version: [0; 65],
            machine: [0; 65],
            domainname: [0; 65],
        }
    }
}

/// The bytes of a utsname field up to its NUL.
pub fn field_str(field: &[u8; 65]) -> &str {
    let length = field.iter().position(|&byte| byte == 0).unwrap_or(65);
    match core::str::from_utf8(&field[..length]) {
        Ok(text) => text,
        Err(error) => core::str::from_utf8(&field[..error.valid_up_to()]).unwrap_or(""),
    }
}

/// `uname(&utsname)`.
pub fn uname() -> Result<Utsname, Errno> {
    let mut name = Utsname::default();
    // SAFETY: the kernel writes one struct new_utsname into our local.
    decode_unit(unsafe { raw::syscall1(Sysnum::UNAME, &raw mut name as usize) })?;
    Ok(name)
}

/// Free RAM in bytes, from `sysinfo`.
pub fn free_memory() -> Result<u32, Errno> {
    let mut info = [0u8; abi::sysinfo::SYSINFO_SIZE];
    // SAFETY: the kernel writes one 64-byte struct sysinfo into our local.
    decode_unit(unsafe { raw::syscall1(Sysnum::SYSINFO, info.as_mut_ptr() as usize) })?;
    Ok(abi::sysinfo::Sysinfo::free_ram_of(&info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utsname_is_linux_sized() {
        assert_eq!(core::mem::size_of::<Utsname>(), 390);
    }

    #[test]
    fn fields_stop_at_nul() {
        let mut field = [0u8; 65];
        field[..5].copy_from_slice(b"Linux");
        assert_eq!(field_str(&field), "Linux");
        assert_eq!(field_str(&[b'x'; 65]).len(), 65);
    }
}
