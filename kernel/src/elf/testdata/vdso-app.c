/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* The binding fixture: an app linked against vdso.so, no libc.
 *
 * Its imports are bound by the kernel's loader to the vDSO: calls through
 * the PLT (R_ARM_JUMP_SLOT), and in the PIE build an address taken in code
 * (R_ARM_GLOB_DAT), a pointer in .data (R_ARM_ABS32), a pointer to our own
 * data (R_ARM_RELATIVE) and a weak import the vDSO lacks (bound to 0). */

struct timespec {
	long tv_sec;
	long tv_nsec;
};
int clock_gettime(int clock, struct timespec *time);
int getpid(void);
int gettid(void);
long write(int fd, const void *bytes, unsigned long count);
void exit(int status) __attribute__((noreturn));
/* No vDSO defines it: a weak import binds to 0. */
extern int kml_optional(void) __attribute__((weak));

static const char message[] = "hello through the vDSO\n";
/* Pointers in .data: R_ARM_RELATIVE, then R_ARM_ABS32 twice (PIE). */
static const char *volatile message_pointer = message;
int (*volatile imported_pointer)(void) = getpid;
int (*volatile optional_pointer)(void) = kml_optional;

void _start(void)
{
	/* Read from the GOT in a PIE: R_ARM_GLOB_DAT. */
	int (*volatile through_got)(void) = gettid;
	struct timespec now;

	write(1, message_pointer, sizeof message - 1);
	clock_gettime(1, &now);
	if (optional_pointer != 0)
		optional_pointer();
	exit(imported_pointer() == through_got() ? 0 : 1);
}
