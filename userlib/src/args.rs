// SPDX-License-Identifier: MIT OR Apache-2.0
//! The initial stack: argc, argv, envp and the auxiliary vector, as [`Args`].
//!
//! At `_start`, sp points at the image Linux's `create_elf_tables` builds:
//!
//! ```text
//! sp -> argc
//!       argv[0] .. argv[argc-1], NULL
//!       envp[0] .. envp[n-1],    NULL
//!       (key, value) pairs ..., (AT_NULL, 0)
//!       ... the strings themselves, higher up
//! ```
//!
//! [`measure`] walks that image as plain words (host-tested); the one
//! unsafe step, [`Args::from_initial_stack`], turns the measured image into
//! slices once. After that every accessor is safe: `Args` can only be made
//! by a caller who vouched that the pointers name live NUL-terminated
//! strings for the rest of the program.

use core::ffi::{CStr, c_char};

/// End of the auxiliary vector.
// TODO(#3): the AT_* keys belong in `abi` (its auxv module) once it exists.
pub const AT_NULL: usize = 0;
/// Address of the program headers.
pub const AT_PHDR: usize = 3;
/// Size of one program header.
pub const AT_PHENT: usize = 4;
/// Number of program headers.
pub const AT_PHNUM: usize = 5;
/// Page size.
pub const AT_PAGESZ: usize = 6;
/// Base address of the interpreter (0 without one).
pub const AT_BASE: usize = 7;
/// The program's entry point.
pub const AT_ENTRY: usize = 9;
/// Real uid.
pub const AT_UID: usize = 11;
/// Effective uid.
pub const AT_EUID: usize = 12;
/// Real gid.
pub const AT_GID: usize = 13;
/// Effective gid.
pub const AT_EGID: usize = 14;
/// CPU capability bits.
pub const AT_HWCAP: usize = 16;
/// Address of 16 random bytes.
pub const AT_RANDOM: usize = 25;
/// Address of the executed file name.
pub const AT_EXECFN: usize = 31;
/// Address of the vDSO's ELF header.
pub const AT_SYSINFO_EHDR: usize = 33;

/// The most argv strings, environment strings or auxv pairs we accept: a
/// guard against walking off a corrupt stack forever.
const MAX_ENTRIES: usize = 1 << 16;

/// What is wrong with an initial stack image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadStack {
    /// The image ends (or the count guard trips) before the `AT_NULL` pair.
    Truncated,
    /// argv holds a NULL before `argc` entries, or none after them.
    ArgvMismatch,
}

/// The shape of an initial stack image, in entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StackLayout {
    /// argv strings (argc).
    pub argc: usize,
    /// Environment strings.
    pub envc: usize,
    /// Auxiliary vector pairs, without the closing `AT_NULL`.
    pub auxc: usize,
}

impl StackLayout {
    /// Word index of `argv[0]`.
    pub fn argv_start(&self) -> usize {
        1
    }

    /// Word index of `envp[0]`.
    pub fn envp_start(&self) -> usize {
        self.argv_start() + self.argc + 1
    }

    /// Word index of the first auxv key.
    pub fn auxv_start(&self) -> usize {
        self.envp_start() + self.envc + 1
    }

    /// Words in the whole image, through the `AT_NULL` pair.
    pub fn words(&self) -> usize {
        self.auxv_start() + 2 * (self.auxc + 1)
    }
}

/// Walks an initial stack image, word by word from sp, up to and including
/// the `AT_NULL` pair, and says how many entries each part has. Reads no
/// word past that pair.
pub fn measure(mut words: impl Iterator<Item = usize>) -> Result<StackLayout, BadStack> {
    let mut next = || words.next().ok_or(BadStack::Truncated);
    let argc = next()?;
    if argc > MAX_ENTRIES {
        return Err(BadStack::Truncated);
    }
    for _ in 0..argc {
        if next()? == 0 {
            return Err(BadStack::ArgvMismatch);
        }
    }
    if next()? != 0 {
        return Err(BadStack::ArgvMismatch);
    }
    let mut envc = 0;
    while next()? != 0 {
        envc += 1;
        if envc > MAX_ENTRIES {
            return Err(BadStack::Truncated);
        }
    }
    let mut auxc = 0;
    loop {
        let key = next()?;
        let _value = next()?;
        if key == AT_NULL {
            break;
        }
        auxc += 1;
        if auxc > MAX_ENTRIES {
            return Err(BadStack::Truncated);
        }
    }
    Ok(StackLayout { argc, envc, auxc })
}

/// One auxiliary vector entry.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuxEntry {
    /// `AT_*` key.
    pub key: usize,
    /// Its value (a number or an address).
    pub value: usize,
}

/// The program's arguments, environment and auxiliary vector.
#[derive(Clone, Copy, Debug)]
pub struct Args {
    /// argv; each pointer names a live NUL-terminated string.
    argv: &'static [*const c_char],
    /// envp; each pointer names a live NUL-terminated string.
    envp: &'static [*const c_char],
    /// The auxiliary vector without its `AT_NULL`.
    auxv: &'static [AuxEntry],
}

impl Args {
    /// Reads the initial stack at `sp`.
    ///
    /// # Safety
    /// `sp` must point at an initial stack image laid out as the module doc
    /// shows (what Linux and KML-rs give `_start`), readable up to its
    /// `AT_NULL` pair, and every argv and envp pointer in it must name a
    /// NUL-terminated string. Image and strings must stay valid and
    /// unchanged for the rest of the program (`'static`).
    pub unsafe fn from_initial_stack(sp: *const usize) -> Result<Args, BadStack> {
        let mut index = 0;
        let words = core::iter::from_fn(|| {
            // SAFETY: `measure` stops at the AT_NULL pair, and the caller
            // promised the image is readable that far.
            let word = unsafe { sp.add(index).read() };
            index += 1;
            Some(word)
        });
        let layout = measure(words)?;
        // SAFETY: measure proved the image has `layout.words()` words from
        // sp, split as the layout says; the caller promised they stay valid
        // for 'static. `usize` and pointers have the same size and
        // alignment, and AuxEntry is two usizes, repr(C).
        unsafe {
            Ok(Args {
                argv: core::slice::from_raw_parts(sp.add(layout.argv_start()).cast(), layout.argc),
                envp: core::slice::from_raw_parts(sp.add(layout.envp_start()).cast(), layout.envc),
                auxv: core::slice::from_raw_parts(sp.add(layout.auxv_start()).cast(), layout.auxc),
            })
        }
    }

    /// argc.
    pub fn argc(&self) -> usize {
        self.argv.len()
    }

    /// argv, as byte strings without their NULs.
    pub fn argv(&self) -> Strings {
        Strings {
            pointers: self.argv.iter(),
        }
    }

    /// argv as text; see [`Strings::text`].
    pub fn argv_str(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.argv().map(utf8_prefix)
    }

    /// argv\[index\], if there is one.
    pub fn arg(&self, index: usize) -> Option<&'static [u8]> {
        self.argv().nth(index)
    }

    /// argv\[index\] as text (its longest valid UTF-8 prefix).
    pub fn arg_str(&self, index: usize) -> Option<&'static str> {
        self.arg(index).map(utf8_prefix)
    }

    /// The environment strings (`NAME=value`).
    pub fn envp(&self) -> Strings {
        Strings {
            pointers: self.envp.iter(),
        }
    }

    /// The value of environment variable `name`, if set.
    pub fn env(&self, name: &str) -> Option<&'static [u8]> {
        let name = name.as_bytes();
        self.envp().find_map(|entry| {
            entry
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(b"="))
        })
    }

    /// Like [`Args::env`], as text (the longest valid UTF-8 prefix).
    pub fn env_str(&self, name: &str) -> Option<&'static str> {
        self.env(name).map(utf8_prefix)
    }

    /// The auxiliary vector, without its closing `AT_NULL`.
    pub fn auxv_entries(&self) -> &'static [AuxEntry] {
        self.auxv
    }

    /// The value of auxv entry `key` (`AT_PAGESZ`, ...), if present.
    pub fn auxv(&self, key: usize) -> Option<usize> {
        self.auxv
            .iter()
            .find(|entry| entry.key == key)
            .map(|entry| entry.value)
    }
}

/// The longest valid UTF-8 prefix of `bytes`: arguments are bytes on Linux,
/// and a program that wants text should not have to handle an error for
/// the rare one that is not.
fn utf8_prefix(bytes: &[u8]) -> &str {
    match core::str::from_utf8(bytes) {
        Ok(text) => text,
        // The prefix up to valid_up_to() is valid by definition.
        Err(error) => core::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default(),
    }
}

/// An iterator over argv or envp strings, as bytes without their NUL.
#[derive(Clone, Debug)]
pub struct Strings {
    /// Pointers into the initial stack's strings (see [`Args`]'s invariant).
    pointers: core::slice::Iter<'static, *const c_char>,
}

impl Strings {
    /// The strings as text (the longest valid UTF-8 prefix of each).
    pub fn text(self) -> impl Iterator<Item = &'static str> {
        self.map(utf8_prefix)
    }
}

impl Iterator for Strings {
    type Item = &'static [u8];

    fn next(&mut self) -> Option<&'static [u8]> {
        let pointer = *self.pointers.next()?;
        // SAFETY: Args's invariant (set up by from_initial_stack's caller):
        // every pointer names a NUL-terminated string valid for 'static.
        Some(unsafe { CStr::from_ptr(pointer) }.to_bytes())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.pointers.size_hint()
    }
}

impl ExactSizeIterator for Strings {}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use std::boxed::Box;
    use std::vec::Vec;

    /// A fake initial stack: argc, argv, envp, auxv, each string leaked so
    /// it lives for 'static like the real ones.
    fn stack_image(argv: &[&CStr], envp: &[&CStr], auxv: &[(usize, usize)]) -> &'static [usize] {
        let mut words = Vec::new();
        words.push(argv.len());
        for string in argv {
            words.push(Box::leak(Box::<CStr>::from(*string)).as_ptr() as usize);
        }
        words.push(0);
        for string in envp {
            words.push(Box::leak(Box::<CStr>::from(*string)).as_ptr() as usize);
        }
        words.push(0);
        for &(key, value) in auxv {
            words.extend([key, value]);
        }
        words.extend([AT_NULL, 0]);
        Box::leak(words.into_boxed_slice())
    }

    #[test]
    fn measures_each_part() {
        let image = stack_image(&[c"/init", c"fork-exec"], &[c"A=1"], &[(AT_PAGESZ, 4096)]);
        let layout = measure(image.iter().copied()).unwrap();
        assert_eq!(
            layout,
            StackLayout {
                argc: 2,
                envc: 1,
                auxc: 1
            }
        );
        assert_eq!(layout.words(), image.len());
        assert_eq!(layout.envp_start(), 4);
        assert_eq!(layout.auxv_start(), 6);
    }

    #[test]
    fn refuses_truncated_and_inconsistent_images() {
        let image = stack_image(&[c"a"], &[], &[(AT_PAGESZ, 4096)]);
        for cut in 0..image.len() {
            assert_eq!(
                measure(image[..cut].iter().copied()),
                Err(BadStack::Truncated),
                "cut at {cut}"
            );
        }
        // argc says 2 but argv's NULL comes after one entry.
        let mut lying = image.to_vec();
        lying[0] = 2;
        assert_eq!(measure(lying.iter().copied()), Err(BadStack::ArgvMismatch));
        // argc says 0 but argv holds a string.
        lying[0] = 0;
        assert_eq!(measure(lying.iter().copied()), Err(BadStack::ArgvMismatch));
    }

    #[test]
    fn empty_image_has_only_terminators() {
        let layout = measure([0, 0, 0, AT_NULL, 0].into_iter()).unwrap();
        assert_eq!(
            layout,
            StackLayout {
                argc: 0,
                envc: 0,
                auxc: 0
            }
        );
    }

    #[test]
    fn args_read_strings_env_and_auxv() {
        let image = stack_image(
            &[c"/bin/echo-args", c"alpha", c"\xffbad"],
            &[c"KML_ROOT=/tmp/root", c"EMPTY=", c"KML=no"],
            &[(AT_PAGESZ, 4096), (AT_ENTRY, 0x10074)],
        );
        // SAFETY: stack_image builds a well-formed image of leaked strings.
        let args = unsafe { Args::from_initial_stack(image.as_ptr()) }.unwrap();
        assert_eq!(args.argc(), 3);
        let argv: Vec<&[u8]> = args.argv().collect();
        assert_eq!(argv, [&b"/bin/echo-args"[..], b"alpha", b"\xffbad"]);
        assert_eq!(args.arg_str(1), Some("alpha"));
        assert_eq!(args.arg_str(2), Some(""));
        assert_eq!(args.arg(3), None);
        assert_eq!(args.argv_str().count(), 3);
        assert_eq!(args.env_str("KML_ROOT"), Some("/tmp/root"));
        assert_eq!(args.env("EMPTY"), Some(&b""[..]));
        assert_eq!(args.env("KML_RO"), None);
        assert_eq!(args.env("KML"), Some(&b"no"[..]));
        assert_eq!(args.envp().len(), 3);
        assert_eq!(args.auxv(AT_PAGESZ), Some(4096));
        assert_eq!(args.auxv(AT_ENTRY), Some(0x10074));
        assert_eq!(args.auxv(AT_RANDOM), None);
        assert_eq!(args.auxv_entries().len(), 2);
    }
}
