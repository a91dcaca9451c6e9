// SPDX-License-Identifier: MIT OR Apache-2.0
//! ARM semihosting, used only to end a QEMU run with an exit status.
//!
//! Semihosting is a request to a debugger or emulator made with
//! `svc #0x123456` in ARM state (ARM "Semihosting for AArch32 and AArch64",
//! v2.0). Only QEMU started with `-semihosting-config enable=on` answers it;
//! on a board without a debugger the same instruction is an ordinary SVC, so
//! the kernel calls this only when its command line says `semihosting`.

use core::arch::asm;

/// SYS_EXIT_EXTENDED: report an exception type and a sub-code.
const SYS_EXIT_EXTENDED: u32 = 0x20;
/// ADS_Stopped_ApplicationExit: the program exited; the sub-code is its
/// status.
const ADP_STOPPED_APPLICATION_EXIT: u32 = 0x2_0026;

/// Asks the emulator to exit with `status`. Returns only if nobody answered
/// (no emulator, or semihosting disabled).
pub fn exit(status: u32) {
    let block = [ADP_STOPPED_APPLICATION_EXIT, status];
    // SAFETY: the semihosting call reads the two-word block, which lives on
    // our stack for the duration of the call. If no host answers, the SVC is
    // taken by our own vector, which reports it; lr and spsr of the current
    // mode are clobbered either way, and said so.
    unsafe {
        asm!(
            "svc #0x123456",
            inout("r0") SYS_EXIT_EXTENDED => _,
            in("r1") block.as_ptr(),
            out("lr") _,
            options(nostack),
        )
    };
}
