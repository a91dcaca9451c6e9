// SPDX-License-Identifier: MIT OR Apache-2.0
//! Reset code: from the boot loader's jump to Rust with the MMU on.
//!
//! The boot loader (U-Boot, or QEMU's Linux loader) jumps to `_start` with
//! the MMU and caches off, in SVC or HYP mode, r2 holding the physical
//! address of the device tree. `_start` is also the image's first byte, so
//! it begins with a Linux zImage header (8 NOPs, a branch, the fields of
//! [`crate::image`]). The code below runs at a *physical* address, so it
//! uses only PC-relative addresses and link-time addresses minus the
//! run-time virtual-minus-physical offset (kept in r8). It:
//!
//! 1. drops from HYP to SVC if needed and masks every interrupt;
//! 2. parks every core but the first (SMP bring-up is later work);
//! 3. turns caches and MMU off and invalidates I-cache, branch predictor,
//!    TLB and the L1 D-cache (its contents are undefined after reset on real
//!    parts, even where QEMU does not care);
//! 4. moves the image to its link address if the loader put it elsewhere
//!    (U-Boot's `bootz` runs it where it was loaded), ramdisk and all;
//! 5. zeroes `.bss` and fills the kernel's first-level table: an identity
//!    section for this code, and the first [`BOOT_LINEAR_MAP_SIZE`] of RAM at
//!    [`KERNEL_VIRTUAL_BASE`];
//! 6. sets ACTLR.SMP (and FW on the Cortex-A9) so the caches take part in
//!    coherency, then TTBR0/TTBR1, DACR, and SCTLR with MMU, caches and
//!    branch prediction on;
//! 7. jumps to the kernel's virtual address, sets a stack for each exception
//!    mode, installs the vector table in VBAR and calls the board's
//!    `kml_board_main(device_tree, virtual_minus_physical, entry_psr)`.
//!
//! The relocation (step 4) must not overwrite what the loader placed beside
//! the image: the copy covers the link address up to the image's end, and
//! the kernel then uses the `.bss` and [`crate::image`]'s ramdisk after it
//! and a 4 MiB heap. With U-Boot's default addresses (the image 32 MiB
//! above RAM's start, the device tree 128 MiB above it) nothing is in the
//! way; the board READMEs say where to put a ramdisk.
//!
//! Stacks: SVC 16 KiB (the boot thread), and 4 KiB for each of UND, ABT, IRQ
//! and FIQ, which run the fault reporter on their own stack for now.

use crate::descriptor::{self, Attributes, SECTION_SIZE};
use crate::image;
use crate::layout::{BOOT_LINEAR_MAP_SIZE, KERNEL_VIRTUAL_BASE};
use crate::mmu::KERNEL_L1_TABLE;
use crate::mode::{MODE_ABT, MODE_FIQ, MODE_HYP, MODE_IRQ, MODE_MASK, MODE_SVC, MODE_UND};
use crate::mode::{PSR_A, PSR_F, PSR_I};

/// Size of the boot thread's SVC-mode stack.
pub const SVC_STACK_SIZE: usize = 16 * 1024;
/// Size of each exception mode's stack.
pub const EXCEPTION_STACK_SIZE: usize = 4 * 1024;

/// TTBR flags: inner write-back write-allocate (IRGN = 01, with the
/// Multiprocessing Extensions' bit order), outer write-back write-allocate
/// (RGN = 01), shareable, inner shareable (NOS). As Linux's TTB_FLAGS_SMP.
pub const TTBR_FLAGS: u32 = (1 << 6) | (0b01 << 3) | (1 << 5) | (1 << 1);
/// DACR: every domain a client (permissions checked; no domain tricks).
pub const DACR_ALL_CLIENT: u32 = 0x5555_5555;
/// SCTLR bits set at boot: M (MMU), C (D-cache), Z (branch prediction),
/// I (I-cache).
pub const SCTLR_SET: u32 = (1 << 0) | (1 << 2) | (1 << 11) | (1 << 12);
/// SCTLR bits cleared at boot: A (alignment checks; the kernel does
/// unaligned accesses like any ARMv7 code), V (low vectors: VBAR is used),
/// TRE (no TEX remap), AFE (no access flag), TE (exceptions in ARM state).
pub const SCTLR_CLEAR: u32 = (1 << 1) | (1 << 13) | (1 << 28) | (1 << 29) | (1 << 30);
/// ACTLR.SMP: take part in coherency (Cortex-A9 and Cortex-A15).
pub const ACTLR_SMP: u32 = 1 << 6;
/// ACTLR.FW: broadcast cache and TLB maintenance (Cortex-A9 only).
pub const ACTLR_A9_FW: u32 = 1 << 0;

core::arch::global_asm!(
    r#"
    .arch armv7-a
    .arch_extension virt
    .arm

    .section .text.boot, "ax"
    .global _start
    .type _start, %function
// _start: the kernel's first byte, and a Linux zImage header (crate::image).
// In:  r2 = physical address of the device tree (0 if none), MMU and caches
//      off, SVC or HYP mode. Out: never returns.
// Uses r0-r5, r7, r9, r11, r12, lr as scratch; r6 keeps the device tree
// address, r8 the virtual-minus-physical offset and r10 the CPSR we were
// entered with.
_start:
    .rept   8
    mov     r0, r0                      @ 0x00-0x1c: NOPs, as Linux's zImage starts
    .endr
    b       kml_reset                   @ 0x20: over the header and its table
    .word   {zimage_magic}              @ 0x24: zImage magic
kml_image_start:
    .word   __kml_entry_physical        @ 0x28: the address the image runs at
kml_image_end:
    .word   __kml_image_end_physical    @ 0x2c: start + size (xtask moves it past
                                        @       an embedded ramdisk)
    .word   {zimage_endian}             @ 0x30: endianness flag: little endian
    .word   {zimage_magic2}             @ 0x34: a table follows
    .word   kml_image_table - _start    @ 0x38: its offset
kml_image_table:
    .word   {initrd_tag_words}          @ 0x3c: record size in words
    .word   {initrd_tag}                @ 0x40: "KMLI": the embedded ramdisk
    .global kml_embedded_initrd
kml_embedded_initrd:
    .word   0                           @ 0x44: its offset from _start (xtask)
    .word   0                           @ 0x48: its size, 0 for none (xtask)
    .word   0                           @ 0x4c: end of the table
    .if (kml_image_table - _start) != {table_offset}
    .error "the zImage table moved: update crate::image"
    .endif
    .if (kml_embedded_initrd - _start) != {initrd_field_offset}
    .error "the embedded-ramdisk record moved: update crate::image"
    .endif

kml_reset:
    mov     r6, r2                      @ keep the device tree pointer
    mrs     r0, cpsr                    @ which mode did the loader leave us in?
    mov     r10, r0                     @ keep it for the banner
    and     r1, r0, #{mode_mask}
    cmp     r1, #{mode_hyp}
    bne     1f                          @ not HYP: already SVC (or another PL1 mode)
    mov     r1, #0
    mov     r2, #0
    mcrr    p15, 4, r1, r2, c14         @ CNTVOFF = 0: virtual count = physical
    mov     r1, #3
    mcr     p15, 4, r1, c14, c1, 0      @ CNTHCTL: PL1 may use the physical timer
    bic     r0, r0, #{mode_mask}        @ HYP: build an SPSR for SVC ...
    orr     r0, r0, #{mode_svc}
    orr     r0, r0, #{psr_aif}          @ ... with A, I and F masked
    msr     spsr_cxsf, r0               @ (spsr_hyp is UNDEFINED in HYP itself)
    adr     r1, 1f
    msr     elr_hyp, r1                 @ return address for eret
    eret                                @ drop to SVC at 1:
1:  cpsid   aif, #{mode_svc}            @ SVC mode, every interrupt masked

    mrc     p15, 0, r0, c0, c0, 5       @ MPIDR
    tst     r0, #(1 << 30)              @ U: a uniprocessor, nothing to park
    bne     2f
    tst     r0, #(1 << 31)              @ bit 31 clear: no multiprocessing format
    beq     2f
    ands    r0, r0, #0xff               @ Aff0: this core's number in the cluster
    bne     kml_park_secondary          @ not core 0: wait forever

2:  mrc     p15, 0, r0, c1, c0, 0       @ SCTLR
    bic     r0, r0, #(1 << 0)           @ M: MMU off
    bic     r0, r0, #(1 << 2)           @ C: D-cache off
    bic     r0, r0, #(1 << 12)          @ I: I-cache off
    mcr     p15, 0, r0, c1, c0, 0
    isb
    bl      kml_join_coherency          @ ACTLR.SMP (+FW on A9) before any
                                        @ maintenance, as the TRMs require
    mov     r0, #0
    mcr     p15, 0, r0, c7, c5, 0       @ ICIALLU: invalidate I-cache
    mcr     p15, 0, r0, c7, c5, 6       @ BPIALL: invalidate branch predictor
    mcr     p15, 0, r0, c8, c7, 0       @ TLBIALL: invalidate unified TLB
    dsb
    isb
    bl      kml_invalidate_l1_dcache    @ L1 D-cache holds garbage after reset

// Relocation: from wherever the loader put the image to its link address.
// U-Boot's bootz jumps to the image where it was loaded (its loadaddr);
// QEMU's -kernel and bootm of our uImage load it in place. With caches off,
// the copy goes straight to memory. Moving down, the copy runs forwards and
// first moves the head (the first {relocation_head} bytes, which hold this
// code and its literals), then carries on in the head's new copy, which the
// rest of the copy never reaches. Moving up, it runs backwards from the
// source, whose head it never reaches. Either way the distance must be at
// least the head's size, checked first.
// In: r6, r10 as above. Out: running at kml_relocated at the link address.
// Clobbers r0-r5, r7-r9, r11, r12, lr.
    adr     r0, _start                  @ r0 = where the loader put the image
    ldr     r1, =__kml_entry_physical   @ r1 = where it was linked to run
    subs    r2, r1, r0                  @ r2 = distance to move it
    beq     kml_relocated               @ loaded in place: nothing to do
    rsblo   r2, r2, #0                  @ r2 = |distance| (r1 < r0: moving down)
    cmp     r2, #{relocation_head}
    blo     kml_relocation_impossible   @ the copy would overwrite itself
    ldr     r3, kml_image_end           @ r3 = bytes to move, from the header,
    ldr     r4, kml_image_start         @ so an embedded ramdisk moves too
    sub     r3, r3, r4
    add     r3, r3, #({image_align} - 1) @ whole 32-byte blocks (xtask pads
    bic     r3, r3, #({image_align} - 1) @ the image to them anyway)
    cmp     r1, r0
    bhi     kml_relocate_up             @ destination above the source
    mov     r4, #{relocation_head}
    sub     r3, r3, r4                  @ r3 = bytes after the head
    bl      kml_copy_forward            @ the head: r0 -> r1, r4 bytes
    ldr     lr, =(kml_relocate_rest - _start - {relocation_head})
    add     lr, lr, r1                  @ kml_relocate_rest in the new head
    dsb                                 @ the head is in memory ...
    mcr     p15, 0, r4, c7, c5, 0       @ ICIALLU (r4 = 0) ... and no stale
    mcr     p15, 0, r4, c7, c5, 6       @ BPIALL      instruction or prediction
    dsb                                 @             for it survives
    isb
    bx      lr
kml_relocate_rest:                      @ now running in the destination's head
    movs    r4, r3                      @ the rest of the image, if any
    blne    kml_copy_forward
    b       kml_relocate_done
kml_relocate_up:
    add     r0, r0, r3                  @ copy backwards, from the ends down
    add     r1, r1, r3
3:  ldmdb   r0!, {{r2, r4, r5, r7}}
    stmdb   r1!, {{r2, r4, r5, r7}}
    ldmdb   r0!, {{r2, r4, r5, r7}}
    stmdb   r1!, {{r2, r4, r5, r7}}
    subs    r3, r3, #32
    bhi     3b
kml_relocate_done:
    mov     r0, #0
    dsb                                 @ every word is in memory
    mcr     p15, 0, r0, c7, c5, 0       @ ICIALLU: nothing fetched from the old
    mcr     p15, 0, r0, c7, c5, 6       @ BPIALL   place may be used at the new
    dsb
    isb
    ldr     r0, =(kml_relocated - _start)
    ldr     r1, =__kml_entry_physical
    add     r0, r0, r1
    bx      r0                          @ continue at the link address

// kml_copy_forward: copy r4 bytes (a multiple of 32, more than 0) from r0
// to r1, ascending. In: r0 source, r1 destination, r4 count. Out: r0, r1
// past the copied bytes, r4 = 0. Clobbers r2, r5, r7, r8. No stack.
kml_copy_forward:
    ldmia   r0!, {{r2, r5, r7, r8}}
    stmia   r1!, {{r2, r5, r7, r8}}
    ldmia   r0!, {{r2, r5, r7, r8}}
    stmia   r1!, {{r2, r5, r7, r8}}
    subs    r4, r4, #32
    bhi     kml_copy_forward
    bx      lr

// kml_relocation_impossible: loaded less than the head's size away from the
// link address. Nothing can be printed yet; a debugger finds us here.
kml_relocation_impossible:
    wfe
    b       kml_relocation_impossible
    .ltorg                              @ the literals above stay in the head
    .global kml_relocation_end          @ linker/kernel.ld checks that the code
kml_relocation_end:                     @ and literals above fit in the head
    .global kml_relocation_head
    .set    kml_relocation_head, {relocation_head}

kml_relocated:
    adr     r8, _start                  @ r8 = physical address of _start
    ldr     r9, =_start                 @ r9 = its link (virtual) address
    sub     r8, r9, r8                  @ r8 = virtual - physical

    ldr     r0, =__bss_start            @ zero .bss, through physical addresses
    ldr     r1, =__bss_end
    sub     r0, r0, r8
    sub     r1, r1, r8
    mov     r2, #0
3:  cmp     r0, r1
    strlo   r2, [r0], #4
    blo     3b

    ldr     r4, ={l1_table}             @ r4 = physical address of the L1 table
    sub     r4, r4, r8
    ldr     r3, ={section_ram}          @ r3 = attribute bits of a RAM section
    adr     r0, _start                  @ identity section for this code,
    lsr     r1, r0, #20                 @ so the instruction after the MMU
    lsl     r0, r1, #20                 @ turns on is still mapped
    orr     r0, r0, r3
    str     r0, [r4, r1, lsl #2]
    ldr     r0, =__kml_ram_phys_base    @ linear map: RAM at KERNEL_VIRTUAL_BASE
    orr     r0, r0, r3
    add     r1, r4, #{linear_l1_offset}
    mov     r2, #{boot_linear_sections}
4:  str     r0, [r1], #4
    add     r0, r0, #{section_size}
    subs    r2, r2, #1
    bne     4b

    mrc     p15, 0, r0, c0, c0, 0       @ MIDR: is this a Cortex-A9?
    ubfx    r0, r0, #4, #12             @ PartNum
    ldr     r1, =0xc09
    mov     r2, #{actlr_smp}
    cmp     r0, r1
    orreq   r2, r2, #{actlr_a9_fw}      @ A9: also broadcast maintenance
    mrc     p15, 0, r0, c1, c0, 1       @ ACTLR
    and     r1, r0, r2
    cmp     r1, r2
    orrne   r0, r0, r2                  @ write only if a bit is missing: in the
    mcrne   p15, 0, r0, c1, c0, 1       @ Non-secure state ACTLR may be read-only

    mov     r0, #0
    mcr     p15, 0, r0, c2, c0, 2       @ TTBCR = 0: TTBR0 covers all while booting
    orr     r0, r4, #{ttbr_flags}
    mcr     p15, 0, r0, c2, c0, 0       @ TTBR0 = the kernel table
    mcr     p15, 0, r0, c2, c0, 1       @ TTBR1 = the same; TTBCR splits it later
    ldr     r0, ={dacr}
    mcr     p15, 0, r0, c3, c0, 0       @ DACR: all domains client
    mov     r0, #0
    mcr     p15, 0, r0, c13, c0, 1      @ CONTEXTIDR: ASID 0
    dsb                                 @ table writes done before the walk
    isb

    mrc     p15, 0, r0, c1, c0, 0       @ SCTLR
    ldr     r1, ={sctlr_clear}
    bic     r0, r0, r1
    ldr     r1, ={sctlr_set}
    orr     r0, r0, r1
    mcr     p15, 0, r0, c1, c0, 0       @ MMU, caches, branch prediction on
    isb
    ldr     pc, =kml_virtual_entry      @ continue at the virtual address
    .ltorg

// kml_invalidate_l1_dcache: invalidate every line of the L1 data cache by
// set/way (ARM ARM B4.2.1, DCISW). In: nothing. Out: nothing.
// Clobbers r0-r5, r7. Mode: any PL1 mode, no stack needed.
kml_invalidate_l1_dcache:
    mov     r0, #0
    mcr     p15, 2, r0, c0, c0, 0       @ CSSELR: level 1 data cache
    isb
    mrc     p15, 1, r0, c0, c0, 0       @ CCSIDR of that cache
    and     r1, r0, #7
    add     r1, r1, #4                  @ r1 = log2(line size): set shift
    ubfx    r2, r0, #3, #10             @ r2 = associativity - 1
    ubfx    r3, r0, #13, #15            @ r3 = number of sets - 1
    clz     r4, r2                      @ r4 = way shift (32 for one way: lsl 0)
5:  mov     r5, r2                      @ for each set, for each way:
6:  lsl     r7, r5, r4
    orr     r7, r7, r3, lsl r1          @ way | set | level 0
    mcr     p15, 0, r7, c7, c6, 2       @ DCISW
    subs    r5, r5, #1
    bge     6b
    subs    r3, r3, #1
    bge     5b
    dsb
    isb
    bx      lr

// kml_park_secondary: cores other than 0 wait here until SMP bring-up.
kml_park_secondary:
    wfe
    b       kml_park_secondary

    .section .text.kml_virtual_entry, "ax"
// kml_virtual_entry: first code at the kernel's virtual address.
// In: r6 = device tree (physical), r8 = virtual - physical, r10 = CPSR at
// entry; SVC mode, MMU on.
kml_virtual_entry:
    cps     #{mode_und}
    ldr     sp, =kml_und_stack_top
    cps     #{mode_abt}
    ldr     sp, =kml_abt_stack_top
    cps     #{mode_irq}
    ldr     sp, =kml_irq_stack_top
    cps     #{mode_fiq}
    ldr     sp, =kml_fiq_stack_top
    cps     #{mode_svc}
    ldr     sp, =kml_svc_stack_top
    ldr     r0, =kml_vectors
    mcr     p15, 0, r0, c12, c0, 0      @ VBAR: our vector table
    isb
    mov     r0, r6                      @ arg 0: device tree physical address
    mov     r1, r8                      @ arg 1: virtual - physical offset
    mov     r2, r10                     @ arg 2: CPSR at entry
    bl      kml_board_main              @ never returns
7:  wfi
    b       7b
    .ltorg

    .section .bss.kml_stacks, "aw", %nobits
    .balign 8
    .space  {svc_stack_size}
kml_svc_stack_top:
    .space  {exception_stack_size}
kml_und_stack_top:
    .space  {exception_stack_size}
kml_abt_stack_top:
    .space  {exception_stack_size}
kml_irq_stack_top:
    .space  {exception_stack_size}
kml_fiq_stack_top:
"#,
    mode_mask = const MODE_MASK,
    mode_hyp = const MODE_HYP,
    mode_svc = const MODE_SVC,
    mode_und = const MODE_UND,
    mode_abt = const MODE_ABT,
    mode_irq = const MODE_IRQ,
    mode_fiq = const MODE_FIQ,
    psr_aif = const PSR_A | PSR_I | PSR_F,
    l1_table = sym KERNEL_L1_TABLE,
    section_ram = const descriptor::section(0, Attributes::KERNEL_RAM),
    linear_l1_offset = const descriptor::l1_index(KERNEL_VIRTUAL_BASE) * 4,
    boot_linear_sections = const BOOT_LINEAR_MAP_SIZE / SECTION_SIZE,
    section_size = const SECTION_SIZE,
    actlr_smp = const ACTLR_SMP,
    actlr_a9_fw = const ACTLR_A9_FW,
    ttbr_flags = const TTBR_FLAGS,
    dacr = const DACR_ALL_CLIENT,
    sctlr_clear = const SCTLR_CLEAR,
    sctlr_set = const SCTLR_SET,
    svc_stack_size = const SVC_STACK_SIZE,
    exception_stack_size = const EXCEPTION_STACK_SIZE,
    zimage_magic = const image::ZIMAGE_MAGIC,
    zimage_endian = const image::ZIMAGE_ENDIAN_LITTLE,
    zimage_magic2 = const image::ZIMAGE_MAGIC2,
    table_offset = const image::TABLE_OFFSET,
    initrd_tag_words = const image::EMBEDDED_INITRD_TAG_WORDS,
    initrd_tag = const image::EMBEDDED_INITRD_TAG,
    initrd_field_offset = const image::EMBEDDED_INITRD_FIELD_OFFSET,
    relocation_head = const image::RELOCATION_HEAD,
    image_align = const image::IMAGE_ALIGN,
);
