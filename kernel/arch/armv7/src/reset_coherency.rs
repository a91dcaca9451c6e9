// SPDX-License-Identifier: MIT OR Apache-2.0
//! Joining coherency at reset, before the first cache or TLB maintenance.
//!
//! The Cortex-A9 and Cortex-A15 TRMs both say ACTLR.SMP must be set
//! "before the caches and MMU are enabled, or any cache and TLB
//! maintenance operations are performed" (A15 TRM 4.3.28; U-Boot moved
//! its SMPEN write to the top of `start.S` for this reason). The reset
//! code (`boot.rs`) calls [`kml_join_coherency`] right after it has turned
//! the caches off and before its first invalidation; its later ACTLR
//! block then finds nothing missing and writes nothing. In practice the early invalidations are
//! local anyway (the other cores are parked, and QEMU does not model
//! the distinction), so this is about following the TRMs to the letter.
//!
//! Like the reset code it runs at the physical address with the MMU off:
//! position independent, no stack, no literal pool.

use crate::boot::{ACTLR_A9_FW, ACTLR_SMP};
use crate::midr::MainId;

core::arch::global_asm!(
    r#"
    .arch armv7-a
    .arm
    .section .text.kml_join_coherency, "ax"
    .global kml_join_coherency
    .type kml_join_coherency, %function
// kml_join_coherency: set ACTLR.SMP, and ACTLR.FW on a Cortex-A9.
// In:  any PL1 mode, MMU and caches off (or on: the write is the same),
//      lr = return address. Out: ACTLR has the bits. Clobbers r0-r2 and
//      the flags; no stack, no memory access.
// ACTLR is written only when a bit is missing: in the Non-secure state it
// may be read-only (NSACR.NS_SMP clear), and there the boot loader must
// have set the bits already.
kml_join_coherency:
    mrc     p15, 0, r0, c0, c0, 0       @ MIDR
    ubfx    r0, r0, #4, #12             @ PartNum
    movw    r1, #{cortex_a9}
    mov     r2, #{actlr_smp}            @ SMP: take part in coherency
    cmp     r0, r1
    orreq   r2, r2, #{actlr_a9_fw}      @ A9: also broadcast maintenance
    mrc     p15, 0, r0, c1, c0, 1       @ ACTLR
    and     r1, r0, r2
    cmp     r1, r2                      @ every wanted bit already set?
    orrne   r0, r0, r2
    mcrne   p15, 0, r0, c1, c0, 1       @ ACTLR, only if a bit is missing
    isb                                 @ in effect before any maintenance
    bx      lr
"#,
    cortex_a9 = const MainId::CORTEX_A9,
    actlr_smp = const ACTLR_SMP,
    actlr_a9_fw = const ACTLR_A9_FW,
);
