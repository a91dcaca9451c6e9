// SPDX-License-Identifier: MIT OR Apache-2.0
//! The vDSO: finding its entry points, and calling the kernel through it.
//!
//! The kernel maps its vDSO into every process and names it in the
//! auxiliary vector (`AT_SYSINFO_EHDR`). [`Symbols`] walks the ELF image
//! found there the way a C library's dynamic linker would (program
//! headers, then `PT_DYNAMIC`, then `DT_SYMTAB`, `DT_STRTAB` and
//! `DT_HASH`), trusting nothing it reads: every offset is a checked index
//! into the page, so a corrupt header can at worst make a lookup fail.
//!
//! At start userlib looks up `__vdso_syscall` ([`init`]); from then on
//! every system call goes through it ([`syscall`]): in a USR-mode process
//! the vDSO traps with `svc` as before, in a SYSTEM-mode one (a program
//! under `/trusted/`) it calls the kernel directly, without an exception.
//! Without a vDSO (under `qemu-arm`, or a kernel built without one) the
//! calls trap with `svc` from userlib itself.

use abi::vdso::VDSO_DATA_OFFSET;
use core::sync::atomic::{AtomicUsize, Ordering};

/// Bytes of the vDSO image that may be read: its text page, headers
/// first (`abi::vdso` puts the data page right after it).
pub const IMAGE_BYTES: usize = VDSO_DATA_OFFSET as usize;

/// `__vdso_syscall(number, a0, ..., a5)`: the raw r0 of the call.
pub type SyscallFn = unsafe extern "C" fn(u32, usize, usize, usize, usize, usize, usize) -> usize;

/// The address of `__vdso_syscall`, 0 until [`init`] finds it.
static SYSCALL: AtomicUsize = AtomicUsize::new(0);

/// The vDSO's text page at `base` (the value of `AT_SYSINFO_EHDR`), if
/// the address is page-aligned and not 0.
///
/// # Safety
/// `base` must be the `AT_SYSINFO_EHDR` the kernel gave this process: the
/// kernel maps the text page there, readable, for the process's life.
pub unsafe fn image(base: usize) -> Option<&'static [u8]> {
    if base == 0 || !base.is_multiple_of(IMAGE_BYTES) {
        return None;
    }
    // SAFETY: per the caller, a mapped, readable, never-changing page.
    Some(unsafe { core::slice::from_raw_parts(base as *const u8, IMAGE_BYTES) })
}

/// Finds `__vdso_syscall` in the vDSO at `base`, so that [`syscall`] uses
/// it. Called once by userlib's start code, before `main`.
///
/// # Safety
/// As [`image`].
pub unsafe fn init(base: usize) {
    // SAFETY: forwarded.
    let Some(image) = (unsafe { image(base) }) else {
        return;
    };
    if let Some(offset) = Symbols::find(image)
        .ok()
        .and_then(|symbols| symbols.lookup(b"__vdso_syscall"))
    {
        SYSCALL.store(base + offset, Ordering::Relaxed);
    }
}

/// `__vdso_syscall`, once [`init`] found it.
pub fn syscall() -> Option<SyscallFn> {
    match SYSCALL.load(Ordering::Relaxed) {
        0 => None,
        // SAFETY: a defined function symbol of the mapped vDSO with this
        // signature (abi::vdso: the C library's `syscall`).
        address => Some(unsafe { core::mem::transmute::<usize, SyscallFn>(address) }),
    }
}

/// ELF constants (elf(5)), the 32-bit little-endian subset we read.
mod elf {
    /// `\x7fELF`, `ELFCLASS32`, `ELFDATA2LSB`, `EV_CURRENT`.
    pub const IDENT: [u8; 7] = [0x7F, b'E', b'L', b'F', 1, 1, 1];
    /// `ET_DYN`: a shared object, as the vDSO is.
    pub const ET_DYN: u16 = 3;
    /// Size of `Elf32_Phdr`.
    pub const PHDR_SIZE: usize = 32;
    /// Size of `Elf32_Dyn`.
    pub const DYN_SIZE: usize = 8;
    /// Size of `Elf32_Sym`.
    pub const SYM_SIZE: usize = 16;
    /// `p_type` of a loadable segment.
    pub const PT_LOAD: u32 = 1;
    /// `p_type` of the dynamic section's segment.
    pub const PT_DYNAMIC: u32 = 2;
    /// `d_tag` that ends the dynamic section.
    pub const DT_NULL: u32 = 0;
    /// `d_tag` of the SysV hash table (its second word is nchain).
    pub const DT_HASH: u32 = 4;
    /// `d_tag` of the string table.
    pub const DT_STRTAB: u32 = 5;
    /// `d_tag` of the symbol table.
    pub const DT_SYMTAB: u32 = 6;
    /// `STT_FUNC`, the low nibble of `st_info`.
    pub const STT_FUNC: u8 = 2;
    /// `SHN_UNDEF`: an imported, not a defined, symbol.
    pub const SHN_UNDEF: u16 = 0;
}

/// The little-endian `u32` at `offset`, if it lies inside `bytes`.
fn word(bytes: &[u8], offset: usize) -> Option<u32> {
    let field = bytes.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_le_bytes(field.try_into().ok()?))
}

/// The little-endian `u16` at `offset`, if it lies inside `bytes`.
fn half(bytes: &[u8], offset: usize) -> Option<u16> {
    let field = bytes.get(offset..offset.checked_add(2)?)?;
    Some(u16::from_le_bytes(field.try_into().ok()?))
}

/// The dynamic symbol table of an image: every offset an index into it.
pub struct Symbols<'a> {
    /// The image, headers first.
    image: &'a [u8],
    /// Index of `DT_SYMTAB`.
    symtab: usize,
    /// Index of `DT_STRTAB`.
    strtab: usize,
    /// Symbols in the table (`DT_HASH`'s nchain).
    count: usize,
    /// Add to a link-time address to get its index in `image`: the first
    /// `PT_LOAD`'s `p_offset - p_vaddr` (0 for a vDSO linked at 0).
    vaddr_to_index: i64,
}

impl<'a> Symbols<'a> {
    /// Checks the ELF header and finds the table through `PT_DYNAMIC`.
    pub fn find(image: &'a [u8]) -> Result<Self, &'static str> {
        if image.get(..elf::IDENT.len()) != Some(&elf::IDENT[..]) {
            return Err("no ELF magic at AT_SYSINFO_EHDR");
        }
        if half(image, 16) != Some(elf::ET_DYN) || half(image, 42) != Some(elf::PHDR_SIZE as u16) {
            return Err("not a 32-bit shared object");
        }
        let phoff = word(image, 28).ok_or("bad e_phoff")? as usize;
        let phnum = half(image, 44).ok_or("bad e_phnum")? as usize;
        let (mut load, mut dynamic) = (None, None);
        for index in 0..phnum {
            let header = phoff
                .checked_add(index * elf::PHDR_SIZE)
                .ok_or("bad e_phoff")?;
            let field = |at: usize| {
                let offset = header.checked_add(at);
                offset
                    .and_then(|offset| word(image, offset))
                    .ok_or("program header out of bounds")
            };
            match field(0)? {
                elf::PT_LOAD if load.is_none() => load = Some((field(4)?, field(8)?)),
                elf::PT_DYNAMIC => dynamic = Some((field(4)? as usize, field(16)? as usize)),
                _ => {}
            }
        }
        let (offset, vaddr) = load.ok_or("no PT_LOAD")?;
        let (dynamic_offset, dynamic_size) = dynamic.ok_or("no PT_DYNAMIC")?;
        let vaddr_to_index = i64::from(offset) - i64::from(vaddr);
        let dynamic = dynamic_offset
            .checked_add(dynamic_size)
            .and_then(|end| image.get(dynamic_offset..end))
            .ok_or("PT_DYNAMIC out of bounds")?;
        let (mut hash, mut strtab, mut symtab) = (None, None, None);
        for entry in dynamic.chunks_exact(elf::DYN_SIZE) {
            let (tag, value) = (word(entry, 0), word(entry, 4));
            match tag {
                Some(elf::DT_NULL) => break,
                Some(elf::DT_HASH) => hash = value,
                Some(elf::DT_STRTAB) => strtab = value,
                Some(elf::DT_SYMTAB) => symtab = value,
                _ => {}
            }
        }
        let index = |address: Option<u32>, what| {
            let address = i64::from(address.ok_or(what)?);
            usize::try_from(address + vaddr_to_index).map_err(|_| what)
        };
        let hash = index(hash, "no DT_HASH")?;
        let count = hash
            .checked_add(4)
            .and_then(|nchain| word(image, nchain))
            .ok_or("DT_HASH out of bounds")? as usize;
        let symtab = index(symtab, "no DT_SYMTAB")?;
        // The whole table must lie in the image: that also bounds the
        // lookup's loop, whatever nchain says.
        let table_end = count
            .checked_mul(elf::SYM_SIZE)
            .and_then(|size| symtab.checked_add(size));
        if table_end.is_none_or(|end| end > image.len()) {
            return Err("DT_SYMTAB out of bounds");
        }
        Ok(Symbols {
            image,
            symtab,
            strtab: index(strtab, "no DT_STRTAB")?,
            count,
            vaddr_to_index,
        })
    }

    /// The index in the image of the defined function `name`, if any.
    pub fn lookup(&self, name: &[u8]) -> Option<usize> {
        (0..self.count).find_map(|number| {
            let symbol = self.symtab + number * elf::SYM_SIZE;
            let info = *self.image.get(symbol + 12)?;
            if info & 0xF != elf::STT_FUNC || half(self.image, symbol + 14)? == elf::SHN_UNDEF {
                return None;
            }
            let start = self
                .strtab
                .checked_add(word(self.image, symbol)? as usize)?;
            let rest = self.image.get(start..)?;
            let length = rest.iter().position(|&byte| byte == 0)?;
            if &rest[..length] != name {
                return None;
            }
            let value = i64::from(word(self.image, symbol + 4)?);
            let index = usize::try_from(value + self.vaddr_to_index).ok()?;
            (index < self.image.len()).then_some(index)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_refused_not_read_past() {
        assert!(Symbols::find(&[0; 64]).is_err());
        let mut image = [0u8; 128];
        image[..7].copy_from_slice(&elf::IDENT);
        image[16] = 3; // ET_DYN
        image[42] = 32; // e_phentsize
        image[28] = 0xF0; // e_phoff past the end
        image[44] = 200; // e_phnum
        assert!(Symbols::find(&image).is_err());
    }

    #[test]
    fn no_vdso_means_svc() {
        // SAFETY: 0 is refused before anything is read.
        unsafe { init(0) };
        assert!(syscall().is_none());
    }
}
