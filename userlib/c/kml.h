/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* System calls and a small printf for C programs on KML-rs, header only.
 *
 * Pair with start.S (which calls main(argc, argv, envp) and exit_group with
 * its result) and build freestanding, without libc:
 *
 *   arm-linux-gnueabihf-gcc -march=armv7-a -marm -mfloat-abi=soft -O2 \
 *       -nostdlib -static -ffreestanding -fno-pie -no-pie \
 *       -I userlib/c app.c userlib/c/start.S -o app
 *
 * The calls have Linux's names and prototypes, but there is no errno: like
 * the kernel, they return a negative errno value on failure (-14 is
 * -EFAULT), and the result otherwise. Every function is static inline, so
 * a program pays only for what it calls, and each enters the kernel with
 * svc.
 *
 * Linked against the vDSO: with KML_VDSO defined before this header is
 * included, the names the vDSO exports (clock_gettime, gettimeofday,
 * sched_yield, nanosleep, kernel_sched_timeout, getpid, gettid, getppid,
 * read, write, clock_nanosleep, clock_getres, sched_setscheduler,
 * sched_getscheduler, sched_setparam, sched_getparam, exit, and syscall
 * where the vDSO has it) are declared as ordinary external functions
 * instead, and the program links against the vdso.so the build writes:
 *
 *   arm-linux-gnueabihf-gcc -march=armv7-a -mfloat-abi=soft -nostdlib \
 *       -no-pie -DKML_VDSO -I userlib/c app.c userlib/c/start.S \
 *       target/kml/<board>/vdso.so -Wl,--no-dynamic-linker -o app
 *
 * arm-none-eabi-nm app then lists each import as U clock_gettime@LINUX_2.6,
 * and the kernel's loader binds them to the vDSO it maps in every process
 * (there is no dynamic linker: linux-vdso.so.1 is the one library a
 * program may need; without --no-dynamic-linker GCC adds a PT_INTERP,
 * which the loader ignores). In a program under /trusted/ those calls then
 * enter the kernel with a plain function call instead of a trap. They
 * return what the kernel does, -errno included, like the svc versions; the
 * other functions here still use svc. Any float ABI links: the vDSO takes
 * no floating-point arguments.
 *
 * Nothing here divides: ARMv7-A without the virtualization extensions has
 * no divide instruction, so "/" would call libgcc's __aeabi_uidiv, and
 * the gnueabihf toolchain's libgcc is built for the hard-float ABI, which
 * does not link with -mfloat-abi=soft. Numbers are printed by subtracting
 * powers of ten instead. Programs should avoid "/" and "%" too, or link
 * with -mfloat-abi=hard and -lgcc.
 */
#ifndef KML_H
#define KML_H

#include <stdarg.h>
#include <stddef.h>

/* The fixed-width types, from the compiler's own macros rather than
 * <stdint.h>: without -ffreestanding that header is the C library's, and
 * glibc's for arm-linux-gnueabihf refuses -mfloat-abi=soft (it wants
 * gnu/stubs-soft.h). Repeating a typedef is fine in C11, so a program may
 * still include <stdint.h> itself. */
typedef __INT8_TYPE__ int8_t;
typedef __INT16_TYPE__ int16_t;
typedef __INT32_TYPE__ int32_t;
typedef __INT64_TYPE__ int64_t;
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __INTPTR_TYPE__ intptr_t;
typedef __UINTPTR_TYPE__ uintptr_t;

typedef int pid_t;
typedef long ssize_t;
typedef long off_t;
typedef unsigned int mode_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef int clockid_t;

/* System call numbers: Linux ARM EABI (asm/unistd-eabi.h). */
#define KML_NR_exit            1
#define KML_NR_fork            2
#define KML_NR_read            3
#define KML_NR_write           4
#define KML_NR_open            5
#define KML_NR_close           6
#define KML_NR_execve          11
#define KML_NR_lseek           19
#define KML_NR_getpid          20
#define KML_NR_kill            37
#define KML_NR_dup             41
#define KML_NR_pipe            42
#define KML_NR_brk             45
#define KML_NR_ioctl           54
#define KML_NR_dup2            63
#define KML_NR_getppid         64
#define KML_NR_gettimeofday    78
#define KML_NR_munmap          91
#define KML_NR_wait4           114
#define KML_NR_uname           122
#define KML_NR_mprotect        125
#define KML_NR_writev          146
#define KML_NR_sched_setparam  154
#define KML_NR_sched_getparam  155
#define KML_NR_sched_setscheduler 156
#define KML_NR_sched_getscheduler 157
#define KML_NR_sched_yield     158
#define KML_NR_nanosleep       162
#define KML_NR_mmap2           192
#define KML_NR_fstat64         197
#define KML_NR_getuid32        199
#define KML_NR_getgid32        200
#define KML_NR_geteuid32       201
#define KML_NR_getegid32       202
#define KML_NR_getdents64      217
#define KML_NR_gettid          224
#define KML_NR_exit_group      248
#define KML_NR_clock_gettime   263
#define KML_NR_clock_getres    264
#define KML_NR_clock_nanosleep 265
#define KML_NR_openat          322
#define KML_NR_dup3            358
#define KML_NR_pipe2           359
#define KML_NR_set_tls         0x0f0005

/* Flags and constants (ARM values where they differ from generic). */
#define O_RDONLY      00
#define O_WRONLY      01
#define O_RDWR        02
#define O_CREAT       0100
#define O_DIRECTORY   040000
#define O_CLOEXEC     02000000
#define AT_FDCWD      (-100)
#define SEEK_SET      0
#define SEEK_CUR      1
#define SEEK_END      2
#define PROT_NONE     0
#define PROT_READ     1
#define PROT_WRITE    2
#define PROT_EXEC     4
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1
#define TIMER_ABSTIME   1
#define SCHED_OTHER   0
#define SCHED_FIFO    1
#define SCHED_RR      2
#define WNOHANG       1
#define TCGETS        0x5401
#define AT_NULL       0
#define AT_PAGESZ     6
#define AT_ENTRY      9
#define AT_RANDOM     25
#define AT_EXECFN     31
#define AT_SYSINFO_EHDR 33

#define WIFEXITED(status)   (((status) & 0x7f) == 0)
#define WEXITSTATUS(status) (((status) >> 8) & 0xff)
#define WIFSIGNALED(status) (((status) & 0x7f) != 0 && ((status) & 0x7f) != 0x7f)
#define WTERMSIG(status)    ((status) & 0x7f)

struct iovec { const void *iov_base; size_t iov_len; };
struct timespec { long tv_sec; long tv_nsec; };
struct timeval { long tv_sec; long tv_usec; };
struct sched_param { int sched_priority; };
struct utsname {
    char sysname[65], nodename[65], release[65];
    char version[65], machine[65], domainname[65];
};
/* struct stat64 as ARM EABI lays it out (104 bytes). */
struct stat64 {
    unsigned long long st_dev;
    unsigned char __pad0[4];
    unsigned long __st_ino;
    unsigned int st_mode, st_nlink;
    unsigned long st_uid, st_gid;
    unsigned long long st_rdev;
    unsigned char __pad3[4];
    long long st_size;
    unsigned long st_blksize;
    unsigned long long st_blocks;
    unsigned long st_atime, st_atime_nsec;
    unsigned long st_mtime, st_mtime_nsec;
    unsigned long st_ctime, st_ctime_nsec;
    unsigned long long st_ino;
};
_Static_assert(sizeof(struct stat64) == 104, "ARM EABI struct stat64");

/* The svc stub: number in r7, arguments in r0-r5, result in r0. The kernel
 * preserves every other register; "memory" because it reads and writes
 * what the arguments point at. */
static inline long kml_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
    register long r0 __asm__("r0") = a;
    register long r1 __asm__("r1") = b;
    register long r2 __asm__("r2") = c;
    register long r3 __asm__("r3") = d;
    register long r4 __asm__("r4") = e;
    register long r5 __asm__("r5") = f;
    register long r7 __asm__("r7") = n;
    __asm__ volatile("svc #0"                      /* trap to the kernel */
                     : "+r"(r0)
                     : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r7)
                     : "memory");
    return r0;
}

#define KML_SYSCALL(n, a, b, c, d, e, f) \
    kml_syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define kml_syscall0(n)             KML_SYSCALL(n, 0, 0, 0, 0, 0, 0)
#define kml_syscall1(n, a)          KML_SYSCALL(n, a, 0, 0, 0, 0, 0)
#define kml_syscall2(n, a, b)       KML_SYSCALL(n, a, b, 0, 0, 0, 0)
#define kml_syscall3(n, a, b, c)    KML_SYSCALL(n, a, b, c, 0, 0, 0)
#define kml_syscall4(n, a, b, c, d) KML_SYSCALL(n, a, b, c, d, 0, 0)

#ifdef KML_VDSO
/* The vDSO's functions, bound by the kernel at execve (see the top). */
__attribute__((noreturn)) void exit(int status);
ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);
pid_t getpid(void);
pid_t getppid(void);
pid_t gettid(void);
int clock_gettime(clockid_t clock, struct timespec *now);
int clock_getres(clockid_t clock, struct timespec *resolution);
int clock_nanosleep(clockid_t clock, int flags, const struct timespec *time,
                    struct timespec *remaining);
int gettimeofday(struct timeval *now, void *timezone);
int nanosleep(const struct timespec *duration, struct timespec *remaining);
/* The old KML call: sleeps *duration on CLOCK_MONOTONIC. */
int kernel_sched_timeout(const struct timespec *duration);
int sched_yield(void);
int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param);
int sched_getscheduler(pid_t pid);
int sched_setparam(pid_t pid, const struct sched_param *param);
int sched_getparam(pid_t pid, struct sched_param *param);
/* Any system call by number (in vDSOs that export it). */
long syscall(long number, ...);
#else
/* The same calls with svc. */
static inline __attribute__((noreturn)) void exit(int status)
{
    kml_syscall1(KML_NR_exit, status);
    for (;;) { }
}
static inline ssize_t read(int fd, void *buf, size_t count)
{ return kml_syscall3(KML_NR_read, fd, buf, count); }
static inline ssize_t write(int fd, const void *buf, size_t count)
{ return kml_syscall3(KML_NR_write, fd, buf, count); }
static inline pid_t getpid(void) { return kml_syscall0(KML_NR_getpid); }
static inline pid_t getppid(void) { return kml_syscall0(KML_NR_getppid); }
static inline pid_t gettid(void) { return kml_syscall0(KML_NR_gettid); }
static inline int clock_gettime(clockid_t clock, struct timespec *now)
{ return kml_syscall2(KML_NR_clock_gettime, clock, now); }
static inline int clock_getres(clockid_t clock, struct timespec *resolution)
{ return kml_syscall2(KML_NR_clock_getres, clock, resolution); }
static inline int clock_nanosleep(clockid_t clock, int flags, const struct timespec *time,
                                  struct timespec *remaining)
{ return kml_syscall4(KML_NR_clock_nanosleep, clock, flags, time, remaining); }
static inline int gettimeofday(struct timeval *now, void *timezone)
{ return kml_syscall2(KML_NR_gettimeofday, now, timezone); }
static inline int nanosleep(const struct timespec *duration, struct timespec *remaining)
{ return kml_syscall2(KML_NR_nanosleep, duration, remaining); }
static inline int kernel_sched_timeout(const struct timespec *duration)
{ return clock_nanosleep(CLOCK_MONOTONIC, 0, duration, NULL); }
static inline int sched_yield(void) { return kml_syscall0(KML_NR_sched_yield); }
static inline int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param)
{ return kml_syscall3(KML_NR_sched_setscheduler, pid, policy, param); }
static inline int sched_getscheduler(pid_t pid)
{ return kml_syscall1(KML_NR_sched_getscheduler, pid); }
static inline int sched_setparam(pid_t pid, const struct sched_param *param)
{ return kml_syscall2(KML_NR_sched_setparam, pid, param); }
static inline int sched_getparam(pid_t pid, struct sched_param *param)
{ return kml_syscall2(KML_NR_sched_getparam, pid, param); }
#endif /* KML_VDSO */

static inline __attribute__((noreturn)) void exit_group(int status)
{
    kml_syscall1(KML_NR_exit_group, status);
    for (;;) { }
}
static inline ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{ return kml_syscall3(KML_NR_writev, fd, iov, iovcnt); }
static inline int open(const char *path, int flags, mode_t mode)
{ return kml_syscall3(KML_NR_open, path, flags, mode); }
static inline int openat(int dirfd, const char *path, int flags, mode_t mode)
{ return kml_syscall4(KML_NR_openat, dirfd, path, flags, mode); }
static inline int close(int fd)
{ return kml_syscall1(KML_NR_close, fd); }
static inline off_t lseek(int fd, off_t offset, int whence)
{ return kml_syscall3(KML_NR_lseek, fd, offset, whence); }
static inline int fstat64(int fd, struct stat64 *st)
{ return kml_syscall2(KML_NR_fstat64, fd, st); }
static inline ssize_t getdents64(int fd, void *dirp, size_t count)
{ return kml_syscall3(KML_NR_getdents64, fd, dirp, count); }
static inline int pipe(int fds[2])
{ return kml_syscall1(KML_NR_pipe, fds); }
static inline int pipe2(int fds[2], int flags)
{ return kml_syscall2(KML_NR_pipe2, fds, flags); }
static inline int dup(int fd)
{ return kml_syscall1(KML_NR_dup, fd); }
static inline int dup2(int oldfd, int newfd)
{ return kml_syscall2(KML_NR_dup2, oldfd, newfd); }
static inline int dup3(int oldfd, int newfd, int flags)
{ return kml_syscall3(KML_NR_dup3, oldfd, newfd, flags); }
/* The raw call: returns the new break (the old one if it could not move). */
static inline void *kml_brk(void *addr)
{ return (void *)kml_syscall1(KML_NR_brk, addr); }
/* Returns the address, or a negative errno cast to a pointer
 * (use kml_is_error((long)p)). */
static inline void *mmap2(void *addr, size_t length, int prot, int flags, int fd, off_t pgoffset)
{ return (void *)KML_SYSCALL(KML_NR_mmap2, addr, length, prot, flags, fd, pgoffset); }
static inline int munmap(void *addr, size_t length)
{ return kml_syscall2(KML_NR_munmap, addr, length); }
static inline int mprotect(void *addr, size_t length, int prot)
{ return kml_syscall3(KML_NR_mprotect, addr, length, prot); }
static inline pid_t fork(void)
{ return kml_syscall0(KML_NR_fork); }
static inline int execve(const char *path, char *const argv[], char *const envp[])
{ return kml_syscall3(KML_NR_execve, path, argv, envp); }
static inline pid_t wait4(pid_t pid, int *status, int options, void *rusage)
{ return kml_syscall4(KML_NR_wait4, pid, status, options, rusage); }
static inline int kill(pid_t pid, int sig)
{ return kml_syscall2(KML_NR_kill, pid, sig); }
static inline int uname(struct utsname *name)
{ return kml_syscall1(KML_NR_uname, name); }
static inline uid_t getuid(void) { return kml_syscall0(KML_NR_getuid32); }
static inline uid_t geteuid(void) { return kml_syscall0(KML_NR_geteuid32); }
static inline gid_t getgid(void) { return kml_syscall0(KML_NR_getgid32); }
static inline gid_t getegid(void) { return kml_syscall0(KML_NR_getegid32); }
static inline int kml_set_tls(void *value)
{ return kml_syscall1(KML_NR_set_tls, value); }
static inline int ioctl(int fd, unsigned long request, void *arg)
{ return kml_syscall3(KML_NR_ioctl, fd, request, arg); }

/* Whether a raw result is an error (-4095..-1), as Linux decides. */
static inline int kml_is_error(long result)
{ return (unsigned long)result > (unsigned long)-4096; }

static inline size_t kml_strlen(const char *text)
{
    size_t length = 0;
    while (text[length] != '\0')
        length++;
    return length;
}

static inline int kml_streq(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* Writes a whole string to fd; returns 0 or a negative errno. */
static inline int kml_write_str(int fd, const char *text)
{
    size_t left = kml_strlen(text);
    while (left > 0) {
        ssize_t written = write(fd, text, left);
        if (written < 0)
            return (int)written;
        if (written == 0)
            return -22; /* -EINVAL: the kernel refused to make progress */
        text += written;
        left -= (size_t)written;
    }
    return 0;
}

/* The auxiliary vector value for key, found past envp's NULL; 0 if absent. */
static inline unsigned long kml_auxv(char **envp, unsigned long key)
{
    while (*envp != NULL)
        envp++;
    for (unsigned long *entry = (unsigned long *)(envp + 1); entry[0] != AT_NULL; entry += 2) {
        if (entry[0] == key)
            return entry[1];
    }
    return 0;
}

/* Output buffer of kml_printf: a line shorter than this is one write(). */
struct kml_buffer { int fd; size_t used; char bytes[256]; };

static inline void kml_flush(struct kml_buffer *out)
{
    const char *at = out->bytes;
    while (out->used > 0) {
        ssize_t written = write(out->fd, at, out->used);
        if (written <= 0)
            break;
        at += written;
        out->used -= (size_t)written;
    }
    out->used = 0;
}

static inline void kml_put(struct kml_buffer *out, char c)
{
    if (out->used == sizeof out->bytes)
        kml_flush(out);
    out->bytes[out->used++] = c;
}

/* Decimal digits by repeated subtraction of powers of ten (no division). */
static inline void kml_put_unsigned(struct kml_buffer *out, unsigned long value)
{
    static const unsigned long powers[] = {
        1000000000UL, 100000000UL, 10000000UL, 1000000UL, 100000UL,
        10000UL, 1000UL, 100UL, 10UL, 1UL,
    };
    int started = 0;
    for (size_t i = 0; i < sizeof powers / sizeof powers[0]; i++) {
        char digit = '0';
        while (value >= powers[i]) {
            value -= powers[i];
            digit++;
        }
        if (digit != '0' || started || powers[i] == 1) {
            kml_put(out, digit);
            started = 1;
        }
    }
}

static inline void kml_put_hex(struct kml_buffer *out, unsigned long value)
{
    int started = 0;
    for (int shift = 28; shift >= 0; shift -= 4) {
        unsigned int nibble = (value >> shift) & 0xf;
        if (nibble != 0 || started || shift == 0) {
            kml_put(out, "0123456789abcdef"[nibble]);
            started = 1;
        }
    }
}

/* printf for fd: %d %i %u %x %p %s %c %% and %l of d/i/u/x; no widths.
 * Returns 0 (errors are dropped: there is nowhere to report them). */
static inline int kml_vdprintf(int fd, const char *format, va_list args)
{
    struct kml_buffer out;          /* bytes[] need no zeroing */
    out.fd = fd;
    out.used = 0;
    for (const char *p = format; *p != '\0'; p++) {
        if (*p != '%') {
            kml_put(&out, *p);
            continue;
        }
        p++;
        if (*p == 'l')
            p++; /* long is int-sized on ARM: the same conversion */
        switch (*p) {
        case 'd':
        case 'i': {
            long value = va_arg(args, long);
            if (value < 0) {
                kml_put(&out, '-');
                kml_put_unsigned(&out, 0UL - (unsigned long)value);
            } else {
                kml_put_unsigned(&out, (unsigned long)value);
            }
            break;
        }
        case 'u':
            kml_put_unsigned(&out, va_arg(args, unsigned long));
            break;
        case 'x':
            kml_put_hex(&out, va_arg(args, unsigned long));
            break;
        case 'p':
            kml_put(&out, '0');
            kml_put(&out, 'x');
            kml_put_hex(&out, (unsigned long)va_arg(args, void *));
            break;
        case 's': {
            const char *text = va_arg(args, const char *);
            for (text = text ? text : "(null)"; *text != '\0'; text++)
                kml_put(&out, *text);
            break;
        }
        case 'c':
            kml_put(&out, (char)va_arg(args, int));
            break;
        case '%':
            kml_put(&out, '%');
            break;
        case '\0':
            p--; /* a lone '%' at the end: stop at the NUL */
            break;
        default:
            kml_put(&out, '%');
            kml_put(&out, *p);
            break;
        }
    }
    kml_flush(&out);
    return 0;
}

static inline __attribute__((format(printf, 2, 3))) int kml_dprintf(int fd, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    kml_vdprintf(fd, format, args);
    va_end(args);
    return 0;
}

/* printf to fd 1. */
#define kml_printf(...) kml_dprintf(1, __VA_ARGS__)

#endif /* KML_H */
