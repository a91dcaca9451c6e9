// SPDX-License-Identifier: MIT OR Apache-2.0
//! Tests of the initial stack: built, then read back as a program would.

use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::vm::layout::STACK_TOP;

const TOP: VirtAddr = VirtAddr(STACK_TOP);
const RANDOM: [u8; 16] = *b"0123456789abcdef";

/// What a `_start` sees, read back through the pointers on the stack.
#[derive(Debug)]
struct Parsed {
    arguments: Vec<Vec<u8>>,
    environment: Vec<Vec<u8>>,
    auxv: Vec<(u32, u32)>,
}

/// Reads `[stack_pointer, top)` as a program's start code would.
struct Reader<'a> {
    stack: &'a InitialStack,
}

impl Reader<'_> {
    fn offset(&self, address: u32) -> usize {
        let base = self.stack.stack_pointer.0;
        assert!(address >= base, "{address:#x} is below the stack pointer");
        let offset = (address - base) as usize;
        assert!(offset < self.stack.bytes.len(), "{address:#x} is above top");
        offset
    }
    fn word(&self, address: u32) -> u32 {
        let at = self.offset(address);
        u32::from_le_bytes(self.stack.bytes[at..at + 4].try_into().unwrap())
    }
    fn bytes(&self, address: u32, length: usize) -> &[u8] {
        let at = self.offset(address);
        &self.stack.bytes[at..at + length]
    }
    fn string(&self, address: u32) -> Vec<u8> {
        let rest = &self.stack.bytes[self.offset(address)..];
        let length = rest.iter().position(|&byte| byte == 0).expect("no NUL");
        rest[..length].to_vec()
    }
    /// The NULL-terminated pointer array at `address`, and its end.
    fn strings(&self, mut address: u32) -> (Vec<Vec<u8>>, u32) {
        let mut strings = Vec::new();
        loop {
            let pointer = self.word(address);
            address += 4;
            if pointer == 0 {
                return (strings, address);
            }
            strings.push(self.string(pointer));
        }
    }
    fn parse(&self) -> Parsed {
        let sp = self.stack.stack_pointer.0;
        let argc = self.word(sp) as usize;
        let (arguments, envp) = self.strings(sp + 4);
        assert_eq!(arguments.len(), argc);
        assert_eq!(self.stack.argv.0, sp + 4);
        assert_eq!(self.stack.envp.0, envp);
        let (environment, mut address) = self.strings(envp);
        assert_eq!(self.stack.auxv.0, address);
        let mut auxv = Vec::new();
        loop {
            let entry = (self.word(address), self.word(address + 4));
            address += 8;
            auxv.push(entry);
            if entry.0 == AT_NULL {
                break;
            }
        }
        Parsed {
            arguments,
            environment,
            auxv,
        }
    }
}

fn value(parsed: &Parsed, key: u32) -> u32 {
    let mut found = parsed.auxv.iter().filter(|(k, _)| *k == key);
    let (_, value) = *found.next().unwrap_or_else(|| panic!("no auxv key {key}"));
    assert!(found.next().is_none(), "auxv key {key} twice");
    value
}

fn typical() -> InitialStack {
    build(
        TOP,
        &[b"/bin/prog", b"-v", b""],
        &[b"HOME=/", b"PATH=/bin:/trusted"],
        &[
            (AT_PAGESZ, 4096),
            (AT_PHDR, 0x40_0034),
            (AT_UID, 0),
            (AT_HWCAP, 0x1_B0D7),
        ],
        b"/bin/prog",
        RANDOM,
        b"v7l",
    )
    .unwrap()
}

#[test]
fn a_program_reads_back_what_was_passed() {
    let stack = typical();
    let reader = Reader { stack: &stack };
    let parsed = reader.parse();
    assert_eq!(parsed.arguments, [&b"/bin/prog"[..], b"-v", b""]);
    assert_eq!(parsed.environment, [&b"HOME=/"[..], b"PATH=/bin:/trusted"]);
    assert_eq!(value(&parsed, AT_PAGESZ), 4096);
    assert_eq!(value(&parsed, AT_PHDR), 0x40_0034);
    assert_eq!(value(&parsed, AT_HWCAP), 0x1_B0D7);
    assert_eq!(reader.bytes(value(&parsed, AT_RANDOM), 16), RANDOM);
    assert_eq!(reader.string(value(&parsed, AT_EXECFN)), b"/bin/prog");
    assert_eq!(reader.string(value(&parsed, AT_PLATFORM)), b"v7l");
    // The caller's entries first, in order; ours after; AT_NULL last.
    let keys: Vec<u32> = parsed.auxv.iter().map(|(key, _)| *key).collect();
    let expected = [AT_PAGESZ, AT_PHDR, AT_UID, AT_HWCAP];
    assert_eq!(&keys[..4], expected);
    assert_eq!(parsed.auxv.last(), Some(&(AT_NULL, 0)));
}

#[test]
fn the_image_covers_stack_pointer_to_top_and_is_aligned() {
    let stack = typical();
    assert_eq!(stack.stack_pointer.0 % 16, 0);
    assert_eq!(
        stack.stack_pointer.0 as usize + stack.bytes.len(),
        STACK_TOP as usize
    );
    // Linux's end marker: a zero word at the very top.
    assert_eq!(stack.bytes[stack.bytes.len() - 4..], [0; 4]);
}

#[test]
fn strings_sit_in_linux_order() {
    let stack = typical();
    let reader = Reader { stack: &stack };
    let argv: Vec<u32> = (0..3).map(|i| reader.word(stack.argv.0 + 4 * i)).collect();
    let envp: Vec<u32> = (0..2).map(|i| reader.word(stack.envp.0 + 4 * i)).collect();
    let parsed = reader.parse();
    let execfn = value(&parsed, AT_EXECFN);
    let platform = value(&parsed, AT_PLATFORM);
    let random = value(&parsed, AT_RANDOM);
    // Packed back to back, argv[0] lowest, the file name highest.
    assert_eq!(argv[1], argv[0] + 10);
    assert_eq!(argv[2], argv[1] + 3);
    assert_eq!(envp[0], argv[2] + 1);
    assert_eq!(envp[1], envp[0] + 7);
    assert_eq!(execfn, envp[1] + 19);
    assert_eq!(execfn + 10, STACK_TOP - 4);
    // Below the strings: 8-byte alignment, the platform, then the random bytes.
    assert_eq!(platform, (argv[0] & !7) - 4);
    assert_eq!(random, platform - 16);
}

/// The exact addresses Linux would produce (with randomization off), worked
/// out by hand from `copy_strings` and `create_elf_tables`.
#[test]
fn addresses_match_linux_by_hand() {
    let stack = build(TOP, &[b"a"], &[], &[], b"/a", RANDOM, b"v7l").unwrap();
    // 0x7F00_0000 - 4 (end marker) - 3 ("/a") = ..FFF9; - 2 ("a") = ..FFF7;
    // & !7 = ..FFF0; - 4 ("v7l") = ..FFEC; - 16 (random) = ..FFDC;
    // - 4 * (argc, argv[0], NULL, NULL, 4 auxv pairs = 12 words) = ..FFAC;
    // & !15 = ..FFA0.
    assert_eq!(stack.stack_pointer, VirtAddr(0x7EFF_FFA0));
    let reader = Reader { stack: &stack };
    let parsed = reader.parse();
    assert_eq!(reader.word(stack.argv.0), 0x7EFF_FFF7);
    assert_eq!(
        parsed.auxv,
        [
            (AT_RANDOM, 0x7EFF_FFDC),
            (AT_EXECFN, 0x7EFF_FFF9),
            (AT_PLATFORM, 0x7EFF_FFEC),
            (AT_NULL, 0)
        ]
    );
}

#[test]
fn no_arguments_become_one_empty_argument() {
    let stack = build(TOP, &[], &[], &[], b"/init", RANDOM, b"v7l").unwrap();
    let parsed = Reader { stack: &stack }.parse();
    assert_eq!(parsed.arguments, [b""]);
    assert!(parsed.environment.is_empty());
}

#[test]
fn an_empty_platform_adds_no_at_platform() {
    let stack = build(TOP, &[b"x"], &[], &[], b"/x", RANDOM, b"").unwrap();
    let parsed = Reader { stack: &stack }.parse();
    assert!(parsed.auxv.iter().all(|(key, _)| *key != AT_PLATFORM));
    assert_eq!(parsed.auxv.len(), 3);
}

#[test]
fn at_most_4096_strings_of_each_kind() {
    let many = vec![&b"x"[..]; MAX_STRINGS];
    let stack = build(TOP, &many, &many, &[], b"/x", RANDOM, b"v7l").unwrap();
    let parsed = Reader { stack: &stack }.parse();
    assert_eq!(parsed.arguments.len(), MAX_STRINGS);
    let too_many = vec![&b"x"[..]; MAX_STRINGS + 1];
    for (arguments, environment) in [(&too_many, &many), (&many, &too_many)] {
        let error = build(TOP, arguments, environment, &[], b"/x", RANDOM, b"v7l").unwrap_err();
        assert_eq!(error, StackError::TooManyStrings { count: 4097 });
        assert_eq!(error.errno(), Errno::E2BIG);
    }
}

#[test]
fn at_most_128_kib_of_strings() {
    // Two strings and two NULs, with "/x" (3) and "v7l" (4): exactly 128 KiB.
    let half = vec![b'a'; MAX_STRINGS_SIZE / 2 - 4];
    let rest = vec![b'b'; MAX_STRINGS_SIZE / 2 - 5];
    let stack = build(TOP, &[&half], &[&rest], &[], b"/x", RANDOM, b"v7l").unwrap();
    let parsed = Reader { stack: &stack }.parse();
    assert_eq!(parsed.arguments[0], half);
    assert_eq!(parsed.environment[0], rest);
    let more = vec![b'b'; MAX_STRINGS_SIZE / 2 - 4];
    let error = build(TOP, &[&half], &[&more], &[], b"/x", RANDOM, b"v7l").unwrap_err();
    let bytes = MAX_STRINGS_SIZE + 1;
    assert_eq!(error, StackError::TooLarge { bytes });
    assert_eq!(error.errno(), Errno::E2BIG);
}

#[test]
fn keys_build_adds_itself_are_refused() {
    for key in [AT_NULL, AT_RANDOM, AT_EXECFN, AT_PLATFORM] {
        let error = build(TOP, &[b"x"], &[], &[(key, 1)], b"/x", RANDOM, b"v7l").unwrap_err();
        assert_eq!(error, StackError::ReservedAuxKey { key });
        assert_eq!(error.errno(), Errno::EINVAL);
    }
}

#[test]
fn strings_with_a_nul_inside_are_refused() {
    /// Arguments, environment, file name.
    type Case<'a> = (&'a [&'a [u8]], &'a [&'a [u8]], &'a [u8]);
    let cases: [Case; 3] = [
        (&[b"a\0b"], &[], b"/x"),
        (&[b"a"], &[b"A=\0"], b"/x"),
        (&[b"a"], &[], b"/\0x"),
    ];
    for (arguments, environment, name) in cases {
        let error = build(TOP, arguments, environment, &[], name, RANDOM, b"v7l").unwrap_err();
        assert_eq!(error, StackError::EmbeddedNul);
    }
}

#[test]
fn a_top_too_low_does_not_fit() {
    let error = build(VirtAddr(0x40), &[b"x"], &[], &[], b"/x", RANDOM, b"v7l").unwrap_err();
    assert_eq!(error, StackError::DoesNotFit);
    assert_eq!(error.errno(), Errno::ENOMEM);
    // Just enough: the same layout as `addresses_match_linux_by_hand`,
    // moved down to 0x60 bytes.
    let stack = build(VirtAddr(0x60), &[b"a"], &[], &[], b"/a", RANDOM, b"v7l").unwrap();
    assert_eq!(stack.stack_pointer, VirtAddr(0));
}

#[test]
fn errors_explain_themselves_in_one_line() {
    let errors = [
        StackError::TooManyStrings { count: 5000 },
        StackError::TooLarge { bytes: 200_000 },
        StackError::EmbeddedNul,
        StackError::ReservedAuxKey { key: 25 },
        StackError::DoesNotFit,
    ];
    for error in errors {
        let line = alloc::format!("{error}");
        assert!(!line.is_empty() && !line.contains('\n'), "{line:?}");
    }
}
