// SPDX-License-Identifier: MIT OR Apache-2.0
//! `uname`, `sysinfo` and `getrandom`: what the kernel says it is, has, has done.
//!
//! Both structs are `abi`'s; the kernel writes them into byte buffers here,
//! which are decoded field by field rather than reinterpreted. One word is
//! KML-rs's own: `sysinfo`'s `loads[0]` counts the idle loop's WFI entries
//! ([`idle_entries`]), the way a test sees an idle CPU asleep.

use super::{Sysnum, decode, decode_unit, raw};
use crate::Errno;

pub use abi::uname::UtsName;
use abi::uname::{FIELD_LENGTH, UTSNAME_SIZE};

/// The bytes of a utsname field up to its NUL.
pub fn field_str(field: &[u8; FIELD_LENGTH]) -> &str {
    let length = field
        .iter()
        .position(|&byte| byte == 0)
        .unwrap_or(FIELD_LENGTH);
    match core::str::from_utf8(&field[..length]) {
        Ok(text) => text,
        Err(error) => core::str::from_utf8(&field[..error.valid_up_to()]).unwrap_or(""),
    }
}

/// `uname(&utsname)`.
pub fn uname() -> Result<UtsName, Errno> {
    let mut bytes = [0u8; UTSNAME_SIZE];
    // SAFETY: the kernel writes one struct new_utsname, UTSNAME_SIZE bytes,
    // into our buffer of exactly that size.
    decode_unit(unsafe { raw::syscall1(Sysnum::Uname, bytes.as_mut_ptr() as usize) })?;
    Ok(utsname_from_bytes(&bytes))
}

/// The six fields of the bytes uname wrote, in order.
// abi serialises UtsName but has no decoder yet; the layout (six
// FIELD_LENGTH arrays, no padding) is abi's, pinned by its size assertion.
fn utsname_from_bytes(bytes: &[u8; UTSNAME_SIZE]) -> UtsName {
    let mut fields = [[0u8; FIELD_LENGTH]; 6];
    for (field, chunk) in fields.iter_mut().zip(bytes.chunks_exact(FIELD_LENGTH)) {
        field.copy_from_slice(chunk);
    }
    let [sysname, nodename, release, version, machine, domainname] = fields;
    UtsName {
        sysname,
        nodename,
        release,
        version,
        machine,
        domainname,
    }
}

/// `sysinfo(&info)`, as the bytes the kernel wrote.
pub fn sysinfo_bytes() -> Result<[u8; abi::sysinfo::SYSINFO_SIZE], Errno> {
    let mut info = [0u8; abi::sysinfo::SYSINFO_SIZE];
    // SAFETY: the kernel writes one 64-byte struct sysinfo into our local.
    decode_unit(unsafe { raw::syscall1(Sysnum::Sysinfo, info.as_mut_ptr() as usize) })?;
    Ok(info)
}

/// Free RAM in bytes, from `sysinfo`.
pub fn free_memory() -> Result<u32, Errno> {
    Ok(abi::sysinfo::Sysinfo::free_ram_of(&sysinfo_bytes()?))
}

/// Where `sysinfo` puts `loads[0]`: after the 4-byte `uptime`.
const LOADS_0_OFFSET: usize = 4;

/// How many times KML-rs's idle loop has entered WFI since boot.
///
/// KML-rs has no load average; it reports this count in `sysinfo`'s
/// `loads[0]` instead, so a program can see the CPU sleeping without a
/// system call of its own. On Linux the same word is the one-minute load
/// average (scaled by 65536), which is no count of anything.
pub fn idle_entries() -> Result<u32, Errno> {
    Ok(idle_entries_of(&sysinfo_bytes()?))
}

/// How many exceptions the kernel has taken since boot (KML-rs reports it
/// in `sysinfo`'s `loads[1]`): system calls by `svc`, interrupts and
/// aborts, not a SYSTEM-mode program's direct calls. The benchmarks count
/// exceptions per operation with it.
pub fn exceptions_taken() -> Result<u32, Errno> {
    let info = sysinfo_bytes()?;
    let mut word = [0u8; 4];
    word.copy_from_slice(&info[LOADS_0_OFFSET + 4..LOADS_0_OFFSET + 8]);
    Ok(u32::from_le_bytes(word))
}

/// The idle count from the bytes of a struct sysinfo.
fn idle_entries_of(info: &[u8; abi::sysinfo::SYSINFO_SIZE]) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&info[LOADS_0_OFFSET..LOADS_0_OFFSET + 4]);
    u32::from_le_bytes(word)
}

pub use abi::random::{GRND_INSECURE, GRND_NONBLOCK, GRND_RANDOM};

/// `getrandom(buffer, length, flags)`: how many bytes were filled (fewer
/// than asked only for a very large buffer). KML-rs's bytes are not
/// cryptographic: no hardware entropy source is driven yet.
pub fn getrandom(buffer: &mut [u8], flags: u32) -> Result<usize, Errno> {
    // SAFETY: the kernel writes at most `buffer.len()` bytes into it.
    decode(unsafe {
        raw::syscall3(
            Sysnum::Getrandom,
            buffer.as_mut_ptr() as usize,
            buffer.len(),
            flags as usize,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utsname_decodes_what_the_kernel_encodes() {
        let name = UtsName::new("Linux", "kml", "6.1.0-kml", "#1", "armv7l", "(none)");
        assert_eq!(utsname_from_bytes(&name.to_bytes()), name);
        assert_eq!(field_str(&name.machine), "armv7l");
    }

    #[test]
    fn idle_entries_are_loads_0() {
        let mut info = abi::sysinfo::Sysinfo::default().to_bytes();
        info[4..8].copy_from_slice(&0x0102_0304u32.to_le_bytes());
        assert_eq!(idle_entries_of(&info), 0x0102_0304);
        assert_eq!(idle_entries(), Err(Errno::ENOSYS));
    }

    #[test]
    fn fields_stop_at_nul() {
        let mut field = [0u8; FIELD_LENGTH];
        field[..5].copy_from_slice(b"Linux");
        assert_eq!(field_str(&field), "Linux");
        assert_eq!(field_str(&[b'x'; FIELD_LENGTH]).len(), FIELD_LENGTH);
    }
}
