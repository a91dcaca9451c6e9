// SPDX-License-Identifier: MIT OR Apache-2.0
//! `vdso-call`: finds the vDSO through the auxv and calls into it.
//!
//! The vDSO suite's program (staged as `/bin/vdso-call` and
//! `/trusted/vdso-call`, so it runs once in USR and once in SYSTEM mode).
//! It reads `AT_SYSINFO_EHDR`, walks the ELF image found there the way a C
//! library's dynamic linker would (program headers, then `PT_DYNAMIC`, then
//! `DT_SYMTAB`, `DT_STRTAB` and `DT_HASH`), looks up four `__vdso_*`
//! entry points and calls them through plain function pointers:
//!
//! ```text
//! vdso-call: hello through the vDSO          (written by __vdso_write)
//! vdso-call: getpid <n> matches              (__vdso_getpid, __vdso_getppid)
//! vdso-call: clock_gettime ok                (__vdso_clock_gettime)
//! ```
//!
//! and exits 0. Every result is compared with the `svc` wrappers' answer;
//! a mismatch prints `vdso-call: FAIL <what>` and exits 1, as does a
//! missing vDSO (`vdso-call: no vDSO`).
//!
//! The walk trusts nothing it reads: the one unsafe step turns the mapped
//! text page into a byte slice, and every offset after that is a checked
//! index into it. The image must fit in that page (`abi::vdso` says the
//! data page follows at [`VDSO_DATA_OFFSET`]), so a corrupt header can at
//! worst make the lookup fail, never read past the mapping.

#![no_std]
#![no_main]

use userlib::abi::clock::{CLOCK_MONOTONIC, Timespec};
use userlib::abi::vdso::VDSO_DATA_OFFSET;
use userlib::args::AT_SYSINFO_EHDR;
use userlib::syscall;
use userlib::{Args, println};

userlib::entry!(main);

/// Exit status when the vDSO is missing or disagrees with the kernel.
const FAILED: i32 = 1;
/// What the vDSO's `write` must put on stdout.
const HELLO: &[u8] = b"vdso-call: hello through the vDSO\n";
/// Bytes of the vDSO image we may read: its text page, headers first.
const IMAGE_BYTES: usize = VDSO_DATA_OFFSET as usize;

/// `__vdso_getpid` and `__vdso_getppid`: the raw r0 of the call.
type PidFn = unsafe extern "C" fn() -> i32;
/// `__vdso_clock_gettime(clock, timespec)`: 0 or `-errno`.
type ClockGettimeFn = unsafe extern "C" fn(u32, *mut u8) -> i32;
/// `__vdso_write(fd, buffer, length)`: bytes written or `-errno`.
type WriteFn = unsafe extern "C" fn(i32, *const u8, usize) -> i32;

fn main(args: &Args) -> i32 {
    let Some(base) = args.auxv(AT_SYSINFO_EHDR).filter(|&base| base != 0) else {
        println!("vdso-call: no vDSO");
        return FAILED;
    };
    match check(base) {
        Ok(()) => 0,
        Err(what) => {
            println!("vdso-call: FAIL {what}");
            FAILED
        }
    }
}

/// Finds and calls each entry point; the first failure, as a message.
fn check(base: usize) -> Result<(), &'static str> {
    if !base.is_multiple_of(IMAGE_BYTES) {
        return Err("AT_SYSINFO_EHDR is not page-aligned");
    }
    // SAFETY: the kernel maps the vDSO's text page, readable, at the
    // address it puts in AT_SYSINFO_EHDR (page-aligned, checked above), and
    // never unmaps or changes it; the slice is only read.
    let image = unsafe { core::slice::from_raw_parts(base as *const u8, IMAGE_BYTES) };
    let symbols = Symbols::find(image)?;
    let entry = |name: &'static str| symbols.lookup(name.as_bytes()).map(|offset| base + offset);
    let write = entry("__vdso_write").ok_or("no __vdso_write")?;
    let getpid = entry("__vdso_getpid").ok_or("no __vdso_getpid")?;
    let getppid = entry("__vdso_getppid").ok_or("no __vdso_getppid")?;
    let clock_gettime = entry("__vdso_clock_gettime").ok_or("no __vdso_clock_gettime")?;

    // SAFETY: `write` is the address of the defined function symbol
    // __vdso_write inside the mapped vDSO text, which has this signature
    // (abi::vdso: Linux arguments in r0-r3, raw r0 back).
    let write = unsafe { core::mem::transmute::<usize, WriteFn>(write) };
    // SAFETY: HELLO is a live static of HELLO.len() bytes, only read.
    let written = unsafe { write(1, HELLO.as_ptr(), HELLO.len()) };
    if usize::try_from(written) != Ok(HELLO.len()) {
        return Err("write");
    }

    // SAFETY: as for `write`: defined function symbols of this signature.
    let (getpid, getppid) = unsafe {
        (
            core::mem::transmute::<usize, PidFn>(getpid),
            core::mem::transmute::<usize, PidFn>(getppid),
        )
    };
    // SAFETY: neither call takes an argument or touches our memory.
    let (pid, ppid) = unsafe { (getpid(), getppid()) };
    if pid != syscall::getpid().0 {
        return Err("getpid");
    }
    if ppid != syscall::getppid().0 {
        return Err("getppid");
    }
    println!("vdso-call: getpid {pid} matches");

    // SAFETY: as for `write`: a defined function symbol of this signature.
    let clock_gettime = unsafe { core::mem::transmute::<usize, ClockGettimeFn>(clock_gettime) };
    check_clock(clock_gettime)?;
    println!("vdso-call: clock_gettime ok");
    Ok(())
}

/// `CLOCK_MONOTONIC` through the vDSO lies between two `svc` readings.
fn check_clock(clock_gettime: ClockGettimeFn) -> Result<(), &'static str> {
    let before = syscall::monotonic_nanoseconds().map_err(|_| "svc clock_gettime")?;
    let mut bytes = [0u8; Timespec::SIZE];
    // SAFETY: the call writes one timespec, Timespec::SIZE bytes, into our
    // buffer of exactly that size.
    let result = unsafe { clock_gettime(CLOCK_MONOTONIC, bytes.as_mut_ptr()) };
    let after = syscall::monotonic_nanoseconds().map_err(|_| "svc clock_gettime")?;
    if result != 0 {
        return Err("clock_gettime returned an error");
    }
    let now = Timespec::from_bytes(&bytes)
        .to_nanoseconds()
        .map_err(|_| "clock_gettime: malformed timespec")?;
    if now < before || now > after {
        return Err("clock_gettime: time outside the svc readings");
    }
    Ok(())
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
struct Symbols<'a> {
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
    fn find(image: &'a [u8]) -> Result<Self, &'static str> {
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
    fn lookup(&self, name: &[u8]) -> Option<usize> {
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
