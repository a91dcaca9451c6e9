// SPDX-License-Identifier: MIT OR Apache-2.0
//! Linux's ARM `struct rt_sigframe`: its layout and bytes.
//!
//! From arch/arm/kernel/signal.c and arch/arm/include/asm/ucontext.h,
//! uapi/asm/sigcontext.h: the frame is `siginfo_t` (128 bytes), then
//! `struct sigframe` = `struct ucontext` (744 bytes) and four words of
//! `retcode` (unused: the handler returns through `sa_restorer` or the
//! vDSO). The `ucontext` is `uc_flags`, `uc_link`, `uc_stack` (`stack_t`:
//! sp, flags, size), `uc_mcontext` (`struct sigcontext`: `trap_no`,
//! `error_code`, `oldmask`, r0-r10, fp, ip, sp, lr, pc, cpsr,
//! `fault_address`), `uc_sigmask` (8 bytes used of glibc's 128) and
//! `uc_regspace` (128 words, 8-aligned), which holds the VFP record
//! (`struct vfp_sigframe`: magic 0x56465001, size 0x120, `struct
//! user_vfp` {d0-d31, fpscr}, `struct user_vfp_exc` {fpexc, fpinst,
//! fpinst2}) and then a zero word that ends the list.
//!
//! The kernel writes only rt frames; rt_sigreturn and sigreturn both read
//! the `ucontext` at sp + 128 (see `delivery`).

use super::set::SignalSet;
use crate::trap::GeneralRegisters;
use crate::vfp::VfpState;
use alloc::vec;
use alloc::vec::Vec;

/// Bytes of `struct rt_sigframe`.
pub const FRAME_SIZE: usize = 888;
/// Where the `siginfo_t` is, from the frame.
pub const INFO_OFFSET: usize = 0;
/// Where the `struct ucontext` is, from the frame.
pub const UCONTEXT_OFFSET: usize = 128;
/// Bytes of `struct ucontext`.
pub const UCONTEXT_SIZE: usize = 744;

/// `uc_stack`, from the ucontext.
const UC_STACK: usize = 8;
/// `uc_mcontext`, from the ucontext.
const UC_MCONTEXT: usize = 20;
/// `uc_sigmask`, from the ucontext.
const UC_SIGMASK: usize = 104;
/// `uc_regspace`, from the ucontext.
const UC_REGSPACE: usize = 232;

/// `arm_r0`, from the sigcontext (after `trap_no`, `error_code`, `oldmask`).
const SC_R0: usize = 12;
/// `arm_sp`, from the sigcontext.
const SC_SP: usize = 64;
/// `fault_address`, from the sigcontext.
const SC_FAULT_ADDRESS: usize = 80;

/// The VFP record's magic (`VFP_MAGIC`).
pub const VFP_MAGIC: u32 = 0x5646_5001;
/// The VFP record's size (`VFP_STORAGE_SIZE`, `sizeof(struct vfp_sigframe)`).
pub const VFP_STORAGE_SIZE: u32 = 0x120;
/// `ufp.fpregs`, from the record.
const VFP_REGISTERS: usize = 8;
/// `ufp.fpscr`, from the record.
const VFP_FPSCR: usize = 264;
/// `ufp_exc.fpexc`, from the record (after `struct user_vfp`'s padding).
const VFP_FPEXC: usize = 272;

// The layout, checked: the frame, the ucontext and the VFP record fit.
const _: () = assert!(UCONTEXT_OFFSET + UCONTEXT_SIZE + 16 == FRAME_SIZE);
const _: () = assert!(UC_MCONTEXT + 21 * 4 == UC_SIGMASK);
const _: () = assert!(UC_SIGMASK + 128 == UC_REGSPACE && UC_REGSPACE + 512 == UCONTEXT_SIZE);
const _: () = assert!((UCONTEXT_OFFSET + UC_REGSPACE).is_multiple_of(8));
const _: () = assert!(VFP_STORAGE_SIZE as usize + 4 <= 512);

/// What a signal frame's `ucontext` holds, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserContext {
    /// `uc_stack`: the alternate stack's `(ss_sp, ss_flags, ss_size)`.
    pub stack: [u32; 3],
    /// `uc_mcontext`'s registers.
    pub registers: GeneralRegisters,
    /// `uc_mcontext.trap_no`.
    pub trap_number: u32,
    /// `uc_mcontext.error_code`.
    pub error_code: u32,
    /// `uc_mcontext.fault_address`.
    pub fault_address: u32,
    /// `uc_sigmask` (and `oldmask`, its low word): the mask to restore.
    pub mask: SignalSet,
    /// The VFP record.
    pub vfp: VfpState,
}

/// Why a frame given to sigreturn cannot be restored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadFrame;

fn put(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

fn get(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

/// The bytes of a whole `struct rt_sigframe`.
pub fn encode(info: &[u8; 128], context: &UserContext) -> Vec<u8> {
    let mut frame = vec![0; FRAME_SIZE];
    frame[INFO_OFFSET..INFO_OFFSET + 128].copy_from_slice(info);
    encode_ucontext(
        &mut frame[UCONTEXT_OFFSET..UCONTEXT_OFFSET + UCONTEXT_SIZE],
        context,
    );
    frame
}

/// Fills the `ucontext` bytes (`uc_flags` and `uc_link` stay 0).
fn encode_ucontext(uc: &mut [u8], context: &UserContext) {
    for (index, &word) in context.stack.iter().enumerate() {
        put(uc, UC_STACK + index * 4, word);
    }
    let mc = UC_MCONTEXT;
    put(uc, mc, context.trap_number);
    put(uc, mc + 4, context.error_code);
    put(uc, mc + 8, context.mask.0 as u32);
    let registers = &context.registers;
    for (index, &value) in registers.r.iter().enumerate() {
        put(uc, mc + SC_R0 + index * 4, value);
    }
    let tail = [registers.sp, registers.lr, registers.pc, registers.psr];
    for (index, &value) in tail.iter().enumerate() {
        put(uc, mc + SC_SP + index * 4, value);
    }
    put(uc, mc + SC_FAULT_ADDRESS, context.fault_address);
    uc[UC_SIGMASK..UC_SIGMASK + 8].copy_from_slice(&context.mask.to_bytes());
    let vfp = &mut uc[UC_REGSPACE..];
    put(vfp, 0, VFP_MAGIC);
    put(vfp, 4, VFP_STORAGE_SIZE);
    for (index, register) in context.vfp.d.iter().enumerate() {
        let at = VFP_REGISTERS + index * 8;
        vfp[at..at + 8].copy_from_slice(&register.to_le_bytes());
    }
    put(vfp, VFP_FPSCR, context.vfp.fpscr);
    put(vfp, VFP_FPEXC, context.vfp.fpexc);
    // fpinst and fpinst2 stay 0: no VFP exception is ever left pending.
    // The end marker after the record is 0 already.
}

/// Decodes the `ucontext` of a frame (`UCONTEXT_SIZE` bytes); a VFP
/// record with the wrong magic or size is a bad frame, as on Linux.
pub fn decode_ucontext(uc: &[u8]) -> Result<UserContext, BadFrame> {
    if uc.len() < UCONTEXT_SIZE {
        return Err(BadFrame);
    }
    let mc = UC_MCONTEXT;
    let mut registers = GeneralRegisters::default();
    for (index, value) in registers.r.iter_mut().enumerate() {
        *value = get(uc, mc + SC_R0 + index * 4);
    }
    registers.sp = get(uc, mc + SC_SP);
    registers.lr = get(uc, mc + SC_SP + 4);
    registers.pc = get(uc, mc + SC_SP + 8);
    registers.psr = get(uc, mc + SC_SP + 12);
    let vfp_bytes = &uc[UC_REGSPACE..];
    if get(vfp_bytes, 0) != VFP_MAGIC || get(vfp_bytes, 4) != VFP_STORAGE_SIZE {
        return Err(BadFrame);
    }
    let mut vfp = VfpState::new();
    for (index, register) in vfp.d.iter_mut().enumerate() {
        let at = VFP_REGISTERS + index * 8;
        *register = u64::from_le_bytes(vfp_bytes[at..at + 8].try_into().expect("8 bytes"));
    }
    vfp.fpscr = get(vfp_bytes, VFP_FPSCR);
    vfp.fpexc = get(vfp_bytes, VFP_FPEXC);
    Ok(UserContext {
        stack: [
            get(uc, UC_STACK),
            get(uc, UC_STACK + 4),
            get(uc, UC_STACK + 8),
        ],
        registers,
        trap_number: get(uc, mc),
        error_code: get(uc, mc + 4),
        fault_address: get(uc, mc + SC_FAULT_ADDRESS),
        mask: SignalSet::from_bytes(uc[UC_SIGMASK..UC_SIGMASK + 8].try_into().expect("8")),
        vfp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> UserContext {
        let mut vfp = VfpState::new();
        vfp.d[0] = 0x0123_4567_89ab_cdef;
        vfp.d[31] = 0xfeed_face_cafe_beef;
        vfp.fpscr = 0x0300_0000;
        vfp.fpexc = 0x4000_0000;
        UserContext {
            stack: [0x7000, 2, 0],
            registers: GeneralRegisters {
                r: core::array::from_fn(|index| 0x100 + index as u32),
                sp: 0x7ff0_0000,
                lr: 0x1_0001,
                pc: 0x1_2344,
                psr: 0x6000_0010,
            },
            trap_number: 0,
            error_code: 0,
            fault_address: 0xdead_0000,
            mask: SignalSet(0x8000_0001_0000_0400),
            vfp,
        }
    }

    #[test]
    fn offsets_are_linuxs() {
        let frame = encode(&[0x5a; 128], &sample());
        assert_eq!(frame.len(), FRAME_SIZE);
        assert_eq!(frame[127], 0x5a);
        let uc = &frame[UCONTEXT_OFFSET..];
        // uc_stack
        assert_eq!(get(uc, 8), 0x7000);
        assert_eq!(get(uc, 12), 2);
        // sigcontext: oldmask, arm_r0, arm_fp (r11), arm_sp, arm_pc, cpsr
        assert_eq!(get(uc, 20 + 8), 0x400);
        assert_eq!(get(uc, 20 + 12), 0x100);
        assert_eq!(get(uc, 20 + 56), 0x10b);
        assert_eq!(get(uc, 20 + 64), 0x7ff0_0000);
        assert_eq!(get(uc, 20 + 72), 0x1_2344);
        assert_eq!(get(uc, 20 + 76), 0x6000_0010);
        assert_eq!(get(uc, 20 + 80), 0xdead_0000);
        // uc_sigmask, then the VFP record in uc_regspace
        assert_eq!(get(uc, 104), 0x400);
        assert_eq!(get(uc, 108), 0x8000_0001);
        assert_eq!(get(uc, 232), 0x5646_5001);
        assert_eq!(get(uc, 236), 0x120);
        assert_eq!(get(uc, 240), 0x89ab_cdef);
        assert_eq!(get(uc, 244), 0x0123_4567);
        assert_eq!(get(uc, 232 + 264), 0x0300_0000);
        assert_eq!(get(uc, 232 + 272), 0x4000_0000);
        // The end marker.
        assert_eq!(get(uc, 232 + 288), 0);
    }

    #[test]
    fn frames_round_trip_and_bad_vfp_records_are_refused() {
        let context = sample();
        let mut frame = encode(&[0; 128], &context);
        let uc = &mut frame[UCONTEXT_OFFSET..];
        assert_eq!(decode_ucontext(uc), Ok(context));
        put(uc, UC_REGSPACE, 0x5646_5002);
        assert_eq!(decode_ucontext(uc), Err(BadFrame));
        assert_eq!(decode_ucontext(&[0; 100]), Err(BadFrame));
    }
}
