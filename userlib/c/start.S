/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* C program entry for KML-rs (and Linux): _start -> main -> exit_group.
 *
 * The kernel enters _start in ARM state with sp at the initial stack image
 *   sp -> argc, argv[0..argc-1], NULL, envp[...], NULL, auxv pairs, AT_NULL
 * and no other register defined. We call
 *   int main(int argc, char **argv, char **envp)
 * and end the process with exit_group(main's result). kml.h's
 * kml_auxv(envp, key) finds auxiliary vector entries from envp.
 *
 * Inputs: sp = initial stack image. Outputs: none, it does not return.
 * Overwrites: r0-r2, r7, fp, lr, sp (aligned down to 8 for the AAPCS).
 *
 * Also here, since there is no libc: memcpy, memmove, memset and memcmp,
 * which GCC may call by itself even in freestanding code.
 * Mode and stack: USR (SYSTEM for trusted programs), the initial stack.
 *
 * Build: arm-linux-gnueabihf-gcc -march=armv7-a -marm -mfloat-abi=soft
 *        -nostdlib -static -ffreestanding -fno-pie -no-pie app.c start.S
 * or, to call the vDSO's functions (kml.h with KML_VDSO), linked against
 * the build's vdso.so, whose imports the kernel binds at execve before
 * _start runs (so nothing here resolves anything):
 *        arm-linux-gnueabihf-gcc -march=armv7-a -mfloat-abi=soft -nostdlib
 *        -no-pie app.c start.S vdso.so -Wl,--no-dynamic-linker
 * _start is ARM code either way; GNU ld turns the bl to a Thumb main into
 * blx.
 */
    .syntax unified
    .arm
    .text
    .global _start
    .type   _start, %function
_start:
    mov     fp, #0                  @ end of the frame chain for debuggers
    mov     lr, #0                  @ and of the return-address chain
    ldr     r0, [sp]                @ r0 = argc
    add     r1, sp, #4              @ r1 = argv = sp + 4
    add     r2, r1, r0, lsl #2      @ r2 = &argv[argc], argv's NULL
    add     r2, r2, #4              @ r2 = envp, just past that NULL
    bic     sp, sp, #7              @ AAPCS: sp 8-aligned at a public call
    bl      main                    @ r0 = main(argc, argv, envp)
    mov     r7, #248                @ __NR_exit_group
    svc     #0                      @ exit_group(r0): does not return
    udf     #0                      @ unreachable: fault loudly if it does
    .size   _start, . - _start

/* memcpy, memmove, memset, memcmp: GCC may call these even in freestanding
 * code (struct copies, zeroing, loops it recognises), and there is no libc.
 * Plain byte loops: small and obviously right; nothing hot uses them.
 * AAPCS: arguments r0-r2, result r0; r0-r3 and r12 may be overwritten. */

/* void *memcpy(void *dst, const void *src, size_t n): forward copy. */
    .global memcpy
    .type   memcpy, %function
memcpy:
    mov     r12, r0                 @ keep dst for the return value
1:  subs    r2, r2, #1              @ n -= 1; done when it goes negative
    ldrbpl  r3, [r1], #1            @ r3 = *src++
    strbpl  r3, [r12], #1           @ *dst++ = r3
    bpl     1b
    bx      lr                      @ return dst (r0, untouched)
    .size   memcpy, . - memcpy

/* void *memmove(void *dst, const void *src, size_t n): overlap-safe. */
    .global memmove
    .type   memmove, %function
memmove:
    cmp     r0, r1                  @ dst below src: a forward copy is safe
    bls     memcpy
    add     r12, r0, r2             @ r12 = dst end
    add     r1, r1, r2              @ r1 = src end
1:  subs    r2, r2, #1              @ copy backwards from the ends
    ldrbpl  r3, [r1, #-1]!          @ r3 = *--src
    strbpl  r3, [r12, #-1]!         @ *--dst = r3
    bpl     1b
    bx      lr                      @ return dst (r0, untouched)
    .size   memmove, . - memmove

/* void *memset(void *dst, int c, size_t n). */
    .global memset
    .type   memset, %function
memset:
    mov     r12, r0                 @ keep dst for the return value
1:  subs    r2, r2, #1              @ n -= 1; done when it goes negative
    strbpl  r1, [r12], #1           @ *dst++ = (unsigned char)c
    bpl     1b
    bx      lr                      @ return dst (r0, untouched)
    .size   memset, . - memset

/* int memcmp(const void *a, const void *b, size_t n). */
    .global memcmp
    .type   memcmp, %function
memcmp:
    mov     r12, r0                 @ r12 = a; r0 becomes the result
1:  subs    r2, r2, #1              @ n -= 1; equal so far when negative
    movmi   r0, #0                  @ all n bytes equal: return 0
    bxmi    lr
    ldrb    r0, [r12], #1           @ r0 = *a++
    ldrb    r3, [r1], #1            @ r3 = *b++
    subs    r0, r0, r3              @ difference of the unsigned bytes
    beq     1b                      @ equal: next byte
    bx      lr                      @ return the difference
    .size   memcmp, . - memcmp

    /* No executable stack: tell the linker this object does not need one. */
    .section .note.GNU-stack, "", %progbits
