// SPDX-License-Identifier: MIT OR Apache-2.0
//! `struct new_utsname`, what uname(2) fills in.
//!
//! Six NUL-terminated strings of 65 bytes each (`__NEW_UTS_LEN` + 1,
//! include/uapi/linux/utsname.h): 390 bytes, no padding. Strings longer
//! than 64 bytes are cut. The release string matters more than it looks:
//! a static glibc parses it at start-up and refuses to run ("FATAL: kernel
//! too old") below the version it was built for, so the kernel should
//! report a Linux-like `major.minor.patch` there.

/// Bytes in each field, the NUL included.
pub const FIELD_LENGTH: usize = 65;
/// Size of the whole struct.
pub const UTSNAME_SIZE: usize = 6 * FIELD_LENGTH;

/// The answer to uname(2).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UtsName {
    /// Operating system name (`"Linux"` keeps programs' checks happy).
    pub sysname: [u8; FIELD_LENGTH],
    /// Host name.
    pub nodename: [u8; FIELD_LENGTH],
    /// Kernel release (`"6.1.0-kml"`).
    pub release: [u8; FIELD_LENGTH],
    /// Kernel version (build description).
    pub version: [u8; FIELD_LENGTH],
    /// Hardware name (`"armv7l"`).
    pub machine: [u8; FIELD_LENGTH],
    /// NIS domain name (`"(none)"` on Linux).
    pub domainname: [u8; FIELD_LENGTH],
}

const _: () = assert!(core::mem::size_of::<UtsName>() == UTSNAME_SIZE);

/// `text` as a NUL-terminated field, cut to 64 bytes.
pub const fn field(text: &str) -> [u8; FIELD_LENGTH] {
    let bytes = text.as_bytes();
    let mut result = [0; FIELD_LENGTH];
    let mut index = 0;
    while index < bytes.len() && index < FIELD_LENGTH - 1 {
        result[index] = bytes[index];
        index += 1;
    }
    result
}

impl UtsName {
    /// The struct from its six strings, in declaration order.
    pub const fn new(
        sysname: &str,
        nodename: &str,
        release: &str,
        version: &str,
        machine: &str,
        domainname: &str,
    ) -> UtsName {
        UtsName {
            sysname: field(sysname),
            nodename: field(nodename),
            release: field(release),
            version: field(version),
            machine: field(machine),
            domainname: field(domainname),
        }
    }

    /// The bytes a program sees.
    pub fn to_bytes(&self) -> [u8; UTSNAME_SIZE] {
        let mut bytes = [0; UTSNAME_SIZE];
        let fields = [
            &self.sysname,
            &self.nodename,
            &self.release,
            &self.version,
            &self.machine,
            &self.domainname,
        ];
        for (chunk, field) in bytes.chunks_exact_mut(FIELD_LENGTH).zip(fields) {
            chunk.copy_from_slice(field);
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_each_other() {
        let name = UtsName::new("Linux", "kml", "6.1.0-kml", "#1", "armv7l", "(none)");
        let bytes = name.to_bytes();
        assert_eq!(&bytes[..6], b"Linux\0");
        assert_eq!(&bytes[65..69], b"kml\0");
        assert_eq!(&bytes[130..140], b"6.1.0-kml\0");
        assert_eq!(&bytes[260..267], b"armv7l\0");
        assert_eq!(&bytes[325..332], b"(none)\0");
        assert_eq!(bytes[389], 0);
    }

    #[test]
    fn long_strings_are_cut_and_terminated() {
        let long = [b'x'; 100];
        let cut = field(core::str::from_utf8(&long).unwrap());
        assert!(cut[..64].iter().all(|&byte| byte == b'x'));
        assert_eq!(cut[64], 0);
    }
}
