// SPDX-License-Identifier: MIT OR Apache-2.0
//! The initial stack of a new program, byte for byte as Linux builds it.
//!
//! A program's `_start` (glibc's, musl's, userlib's) finds its arguments,
//! environment and auxiliary vector by walking up from the stack pointer, so
//! the layout is an ABI. [`build`] reproduces what Linux's `fs/exec.c`
//! (`copy_strings`) and `create_elf_tables` (fs/binfmt_elf.c) leave on an
//! ARM stack, without address randomization. From `top` down:
//!
//! | what                                       | notes                        |
//! |--------------------------------------------|------------------------------|
//! | a zero word                                | Linux's end marker           |
//! | the exec file name, NUL-terminated         | `AT_EXECFN` points here      |
//! | environment strings, last one highest      |                              |
//! | argument strings, `argv[0]` lowest         |                              |
//! | padding to 8 bytes                         | ARM's `arch_align_stack`     |
//! | the platform string (`"v7l"`)              | `AT_PLATFORM`                |
//! | 16 random bytes                            | `AT_RANDOM` (glibc's canary) |
//! | padding so the stack pointer is 16-aligned | `STACK_ROUND`                |
//! | auxv pairs, ending with `AT_NULL, 0`       |                              |
//! | NULL, `envp[envc - 1]` .. `envp[0]`        |                              |
//! | NULL, `argv[argc - 1]` .. `argv[0]`        |                              |
//! | `argc`                                     | the stack pointer            |
//!
//! It is a pure function from the strings to the bytes of `[sp, top)`: the
//! caller copies them into the new address space. The result is 16-byte
//! aligned (Linux's `STACK_ROUND`), more than the 8 the ARM EABI needs.

use abi::errno::Errno;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use crate::addr::VirtAddr;

#[cfg(test)]
mod tests;

/// Ends the auxiliary vector (its value is 0).
pub const AT_NULL: u32 = 0;
/// Address of the program headers in memory.
pub const AT_PHDR: u32 = 3;
/// Size of one program header (32).
pub const AT_PHENT: u32 = 4;
/// Number of program headers.
pub const AT_PHNUM: u32 = 5;
/// The page size (4096).
pub const AT_PAGESZ: u32 = 6;
/// Load address of the interpreter; 0 for a static program.
pub const AT_BASE: u32 = 7;
/// Flags (always 0).
pub const AT_FLAGS: u32 = 8;
/// The program's entry point.
pub const AT_ENTRY: u32 = 9;
/// Real user id.
pub const AT_UID: u32 = 11;
/// Effective user id.
pub const AT_EUID: u32 = 12;
/// Real group id.
pub const AT_GID: u32 = 13;
/// Effective group id.
pub const AT_EGID: u32 = 14;
/// Address of the platform string (`"v7l"`); [`build`] adds it.
pub const AT_PLATFORM: u32 = 15;
/// CPU capabilities (`HWCAP_*` of arch/arm/include/uapi/asm/hwcap.h).
pub const AT_HWCAP: u32 = 16;
/// Clock ticks per second for `times` (100).
pub const AT_CLKTCK: u32 = 17;
/// Whether the program runs with more privilege than its caller (0).
pub const AT_SECURE: u32 = 23;
/// Address of 16 random bytes; [`build`] adds it.
pub const AT_RANDOM: u32 = 25;
/// More CPU capabilities (`HWCAP2_*`).
pub const AT_HWCAP2: u32 = 26;
/// Address of the file name given to `execve`; [`build`] adds it.
pub const AT_EXECFN: u32 = 31;
/// Address of the vDSO's ELF header (issue 5).
pub const AT_SYSINFO_EHDR: u32 = 33;

/// Most argument, or environment, strings one `execve` may pass.
pub const MAX_STRINGS: usize = 4096;
/// Most bytes all strings together may take, NULs included (the file name
/// and the platform too).
pub const MAX_STRINGS_SIZE: usize = 128 * 1024;

/// Keys [`build`] adds itself, so the caller may not pass them.
const RESERVED_KEYS: [u32; 4] = [AT_NULL, AT_PLATFORM, AT_RANDOM, AT_EXECFN];
/// Bytes in a stack word.
const WORD: u32 = size_of::<u32>() as u32;

/// The initial stack of a program: bytes to copy, and where things are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitialStack {
    /// The stack pointer the program starts with (16-byte aligned); it
    /// points at `argc`.
    pub stack_pointer: VirtAddr,
    /// The contents of `[stack_pointer, top)`.
    pub bytes: Vec<u8>,
    /// The `argv` array (`stack_pointer + 4`).
    pub argv: VirtAddr,
    /// The `envp` array.
    pub envp: VirtAddr,
    /// The auxiliary vector.
    pub auxv: VirtAddr,
}

/// Why [`build`] refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackError {
    /// More than [`MAX_STRINGS`] arguments or environment strings.
    TooManyStrings {
        /// How many were passed.
        count: usize,
    },
    /// The strings take more than [`MAX_STRINGS_SIZE`] bytes.
    TooLarge {
        /// Bytes they take, NULs included.
        bytes: usize,
    },
    /// A string has a NUL byte inside it.
    EmbeddedNul,
    /// The caller passed a key that [`build`] adds itself.
    ReservedAuxKey {
        /// The key.
        key: u32,
    },
    /// The stack would reach below address 0.
    DoesNotFit,
}

impl StackError {
    /// The error `execve` returns: `E2BIG` for too much, `EINVAL` for a bad
    /// call, `ENOMEM` when it does not fit.
    pub fn errno(&self) -> Errno {
        match self {
            Self::TooManyStrings { .. } | Self::TooLarge { .. } => Errno::E2BIG,
            Self::EmbeddedNul | Self::ReservedAuxKey { .. } => Errno::EINVAL,
            Self::DoesNotFit => Errno::ENOMEM,
        }
    }
}

impl fmt::Display for StackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooManyStrings { count } => {
                write!(
                    f,
                    "{count} argument or environment strings, more than {MAX_STRINGS}"
                )
            }
            Self::TooLarge { bytes } => {
                write!(f, "strings of {bytes} bytes, more than {MAX_STRINGS_SIZE}")
            }
            Self::EmbeddedNul => write!(f, "a string contains a NUL byte"),
            Self::ReservedAuxKey { key } => {
                write!(f, "auxv key {key} is added by the stack builder")
            }
            Self::DoesNotFit => write!(f, "the initial stack does not fit below its top"),
        }
    }
}

/// Builds the initial stack below `top` (Linux `STACK_TOP`; a page
/// boundary in practice).
///
/// `auxv` holds the caller's entries, in order; `build` appends
/// `AT_RANDOM`, `AT_EXECFN`, `AT_PLATFORM` (unless `platform` is empty)
/// and `AT_NULL`, pointing at the strings it placed. An empty `arguments`
/// becomes `[""]`, as Linux has done since 5.18, so `argv[0]` exists.
pub fn build(
    top: VirtAddr,
    arguments: &[&[u8]],
    environment: &[&[u8]],
    auxv: &[(u32, u32)],
    exec_filename: &[u8],
    random: [u8; 16],
    platform: &[u8],
) -> Result<InitialStack, StackError> {
    let arguments: &[&[u8]] = if arguments.is_empty() {
        &[b""]
    } else {
        arguments
    };
    check(arguments, environment, auxv, exec_filename, platform)?;
    let layout = Layout::new(top, arguments, environment, auxv, exec_filename, platform)?;
    let mut stack = Image {
        base: layout.stack_pointer,
        bytes: vec![0; (top.0 - layout.stack_pointer) as usize],
    };
    stack.string(layout.exec_filename, exec_filename);
    for (address, string) in layout.environment.iter().zip(environment) {
        stack.string(*address, string);
    }
    for (address, string) in layout.arguments.iter().zip(arguments) {
        stack.string(*address, string);
    }
    if let Some(address) = layout.platform {
        stack.string(address, platform);
    }
    stack.put(layout.random, &random);
    let mut words = Vec::with_capacity(layout.words);
    words.push(arguments.len() as u32);
    words.extend_from_slice(&layout.arguments);
    words.push(0);
    words.extend_from_slice(&layout.environment);
    words.push(0);
    for (key, value) in auxv.iter().chain(&layout.added_auxv) {
        words.extend_from_slice(&[*key, *value]);
    }
    for (index, word) in words.iter().enumerate() {
        stack.put(
            layout.stack_pointer + index as u32 * WORD,
            &word.to_le_bytes(),
        );
    }
    let argv = layout.stack_pointer + WORD;
    let envp = argv + (arguments.len() as u32 + 1) * WORD;
    let auxv = envp + (environment.len() as u32 + 1) * WORD;
    Ok(InitialStack {
        stack_pointer: VirtAddr(layout.stack_pointer),
        bytes: stack.bytes,
        argv: VirtAddr(argv),
        envp: VirtAddr(envp),
        auxv: VirtAddr(auxv),
    })
}

/// Refuses what Linux would refuse, and what [`build`] adds itself.
fn check(
    arguments: &[&[u8]],
    environment: &[&[u8]],
    auxv: &[(u32, u32)],
    exec_filename: &[u8],
    platform: &[u8],
) -> Result<(), StackError> {
    for count in [arguments.len(), environment.len()] {
        if count > MAX_STRINGS {
            return Err(StackError::TooManyStrings { count });
        }
    }
    let strings = || {
        arguments
            .iter()
            .chain(environment)
            .chain([&exec_filename, &platform])
    };
    // Each count is at most 4096 and each string is a slice: no overflow.
    let bytes: usize = strings().map(|string| string.len() + 1).sum();
    if bytes > MAX_STRINGS_SIZE {
        return Err(StackError::TooLarge { bytes });
    }
    if strings().any(|string| string.contains(&0)) {
        return Err(StackError::EmbeddedNul);
    }
    if let Some(&(key, _)) = auxv.iter().find(|(key, _)| RESERVED_KEYS.contains(key)) {
        return Err(StackError::ReservedAuxKey { key });
    }
    Ok(())
}

/// Where everything goes: computed first, so the image can be allocated
/// once at its final size.
struct Layout {
    exec_filename: u32,
    /// Address of each environment string, in `envp` order.
    environment: Vec<u32>,
    /// Address of each argument string, in `argv` order.
    arguments: Vec<u32>,
    platform: Option<u32>,
    random: u32,
    /// `AT_RANDOM`, `AT_EXECFN`, `AT_PLATFORM` (if any) and `AT_NULL`.
    added_auxv: Vec<(u32, u32)>,
    /// Words from `argc` to the `AT_NULL` pair.
    words: usize,
    stack_pointer: u32,
}

impl Layout {
    /// Places every piece, top down, as `copy_strings` and
    /// `create_elf_tables` do.
    fn new(
        top: VirtAddr,
        arguments: &[&[u8]],
        environment: &[&[u8]],
        auxv: &[(u32, u32)],
        exec_filename: &[u8],
        platform: &[u8],
    ) -> Result<Self, StackError> {
        // `__bprm_mm_init` leaves a zero word at the very top.
        let mut cursor = Cursor(top.0);
        cursor.take(WORD as usize)?;
        let exec_filename_address = cursor.take(exec_filename.len() + 1)?;
        // `copy_strings` copies the last string first, so the first one
        // ends up lowest.
        let mut place_all = |strings: &[&[u8]]| -> Result<Vec<u32>, StackError> {
            let mut addresses = strings
                .iter()
                .rev()
                .map(|string| cursor.take(string.len() + 1))
                .collect::<Result<Vec<u32>, StackError>>()?;
            addresses.reverse();
            Ok(addresses)
        };
        let environment_addresses = place_all(environment)?;
        let argument_addresses = place_all(arguments)?;
        // ARM's `arch_align_stack`, less its random offset.
        cursor.0 &= !7;
        let platform_address = if platform.is_empty() {
            None
        } else {
            Some(cursor.take(platform.len() + 1)?)
        };
        let random = cursor.take(16)?;
        let mut added_auxv = vec![(AT_RANDOM, random), (AT_EXECFN, exec_filename_address)];
        added_auxv.extend(platform_address.map(|address| (AT_PLATFORM, address)));
        added_auxv.push((AT_NULL, 0));
        let words = 1
            + (arguments.len() + 1)
            + (environment.len() + 1)
            + 2 * (auxv.len() + added_auxv.len());
        let table = words.checked_mul(WORD as usize);
        cursor.take(table.ok_or(StackError::DoesNotFit)?)?;
        // `STACK_ROUND`.
        cursor.0 &= !15;
        Ok(Self {
            exec_filename: exec_filename_address,
            environment: environment_addresses,
            arguments: argument_addresses,
            platform: platform_address,
            random,
            added_auxv,
            words,
            stack_pointer: cursor.0,
        })
    }
}

/// The lowest address allocated so far; allocation moves it down.
struct Cursor(u32);

impl Cursor {
    /// Allocates `bytes` below the cursor and returns their address.
    fn take(&mut self, bytes: usize) -> Result<u32, StackError> {
        let bytes = u32::try_from(bytes).map_err(|_| StackError::DoesNotFit)?;
        self.0 = self.0.checked_sub(bytes).ok_or(StackError::DoesNotFit)?;
        Ok(self.0)
    }
}

/// The bytes of `[base, top)` being filled in.
struct Image {
    base: u32,
    bytes: Vec<u8>,
}

impl Image {
    /// Copies `data` to `address`, which the layout placed inside.
    fn put(&mut self, address: u32, data: &[u8]) {
        let at = (address - self.base) as usize;
        self.bytes[at..at + data.len()].copy_from_slice(data);
    }

    /// Copies `string` and its NUL to `address`.
    fn string(&mut self, address: u32, string: &[u8]) {
        // The image starts zeroed, so the NUL is already there.
        self.put(address, string);
    }
}
