/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* The ELF loader's fixture program: writes a line, exits 0. No libc. */

static const char message[] = "hello from a static program\n";
/* A pointer in .data: a PIE needs an R_ARM_RELATIVE relocation for it. */
static const char *volatile message_pointer = message;
/* A .bss array: p_memsz > p_filesz in the data segment. */
static volatile char scratch[8192];

static long system_call(long number, long a0, long a1, long a2)
{
	register long r7 __asm__("r7") = number;
	register long r0 __asm__("r0") = a0;
	register long r1 __asm__("r1") = a1;
	register long r2 __asm__("r2") = a2;
	__asm__ volatile("svc #0" : "+r"(r0) : "r"(r7), "r"(r1), "r"(r2) : "memory");
	return r0;
}

void _start(void)
{
	scratch[0] = 1;
	system_call(4 /* write */, 1, (long)message_pointer, sizeof message - 1);
	system_call(1 /* exit */, scratch[0] - 1, 0, 0);
	for (;;) {
	}
}
