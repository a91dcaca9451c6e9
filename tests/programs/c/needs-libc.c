/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* needs-libc: an ordinary glibc program, linked the plain way
 * (arm-linux-gnueabihf-gcc needs-libc.c: dynamically, against libc.so.6,
 * with the interpreter /lib/ld-linux-armhf.so.3).
 *
 * KML-rs has no dynamic linker and binds programs only to its vDSO, so
 * execve refuses this one with ENOEXEC and a kernel log line naming
 * libc.so.6; init's `vdso-linked` scenario checks both. On Linux it runs.
 */
#include <stdio.h>

int main(void)
{
    puts("needs-libc: running, so the C library was found");
    return 0;
}
