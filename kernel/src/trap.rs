// SPDX-License-Identifier: MIT OR Apache-2.0
//! What the arch crate hands the core when a process traps.
//!
//! A process enters the kernel three ways: a system call, a memory fault,
//! an undefined instruction. The arch entry code saves the registers in its
//! own trap frame and calls the functions here with that frame seen through
//! [`UserFrame`], so the core never learns the frame's layout. Each function
//! returns when the process (or whichever process the scheduler chose
//! meanwhile) is ready to go back to user mode.

/// Exceptions taken since boot (wrapping), for sysinfo's `loads[1]`: the
/// arch entry code counts every exception, including the system calls it
/// answers itself, and no direct call from a SYSTEM-mode program.
pub fn exceptions_taken() -> u32 {
    crate::platform::get().exceptions_taken()
}

/// The saved user registers, as the system call and fault code need them.
pub trait UserFrame: FrameCopy {
    /// The system call number (r7 in the Linux ARM EABI).
    fn syscall_number(&self) -> u32;
    /// System call argument `index` (r0 to r6).
    fn argument(&self, index: usize) -> u32;
    /// The first six system call arguments (r0 to r5) at once: one call
    /// instead of six on the dispatch path.
    fn arguments(&self) -> [u32; 6] {
        core::array::from_fn(|index| self.argument(index))
    }
    /// Sets the value the process sees returned (r0).
    fn set_result(&mut self, value: u32);
    /// Where the process was (the faulting instruction, or after the svc).
    fn program_counter(&self) -> u32;
    /// The process's stack pointer.
    fn stack_pointer(&self) -> u32;
    /// Sets the user stack pointer (clone with a new stack).
    fn set_stack_pointer(&mut self, stack_pointer: u32);
    /// Resets every register to start a new program at `entry` with the
    /// given stack pointer (execve): in USR mode, or in SYSTEM mode if
    /// `trusted` (Kernel-Mode Linux).
    fn start_program(&mut self, entry: u32, stack_pointer: u32, trusted: bool);
    /// Every general register by name (signal delivery saves them).
    fn general_registers(&self) -> GeneralRegisters;
    /// Enters a signal handler: pc = `handler` (Thumb state if its low
    /// bit is set, IT bits cleared, the mode unchanged), sp = `stack`, lr
    /// = `return_address`, r0-r2 = `arguments`.
    fn enter_signal_handler(
        &mut self,
        handler: u32,
        stack: u32,
        return_address: u32,
        arguments: [u32; 3],
    );
    /// Restores registers a signal frame held (sigreturn). The arch keeps
    /// the thread's own mode and interrupt masks whatever `registers.psr`
    /// says: only the condition flags, GE, E and the Thumb/IT state come
    /// from it.
    fn return_from_signal(&mut self, registers: &GeneralRegisters);
    /// Makes the process enter the system call it just made again when it
    /// resumes, with r0 = `first_argument`: back over the `svc` for
    /// [`Entry::Trap`], into the direct-entry trampoline for
    /// [`Entry::Direct`].
    ///
    /// [`Entry::Trap`]: crate::syscall::Entry::Trap
    /// [`Entry::Direct`]: crate::syscall::Entry::Direct
    fn restart_syscall(&mut self, first_argument: u32, entry: crate::syscall::Entry);
}

/// The general registers of a process, by name: what a signal frame's
/// `struct sigcontext` holds (`arm_r0` to `arm_cpsr`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GeneralRegisters {
    /// r0 to r12 (r11 is fp, r12 ip).
    pub r: [u32; 13],
    /// The stack pointer.
    pub sp: u32,
    /// The link register.
    pub lr: u32,
    /// Where the process resumes.
    pub pc: u32,
    /// Its CPSR.
    pub psr: u32,
}

/// The kind of access that faulted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// A load.
    Read,
    /// A store.
    Write,
    /// An instruction fetch.
    Execute,
}

/// Why a user access faulted, reduced to what the core acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Nothing is mapped there (yet): maybe demand paging.
    Translation,
    /// Mapped, but the permissions forbid it: maybe copy-on-write.
    Permission,
    /// A misaligned access the instruction does not allow: SIGBUS.
    Alignment,
    /// An external abort or anything else: SIGBUS, with the arch's words.
    Other(&'static str),
}

/// A memory fault taken by a process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserFault {
    /// The faulting address (DFAR or IFAR).
    pub address: u32,
    /// What the process tried to do.
    pub access: Access,
    /// What the MMU said.
    pub kind: FaultKind,
}

/// A copy of every user register, opaque to the core (fork copies it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SavedRegisters(pub [u32; 18]);

/// Frame operations beyond one register: copying a whole frame.
pub trait FrameCopy {
    /// Every register of the frame.
    fn snapshot(&self) -> SavedRegisters;
    /// Overwrites every register of the frame.
    fn restore(&mut self, registers: &SavedRegisters);
}
