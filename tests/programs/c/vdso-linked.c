/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* vdso-linked: a C program linked against vdso.so, its imports bound by
 * the kernel's loader.
 *
 * Built with KML_VDSO (xtask stages every tests/programs/c/vdso-*.c that
 * way, against the vdso.so of the build): clock_gettime, getpid, write and
 * the rest are the vDSO's functions, reached through the PLT, with no
 * dynamic linker anywhere. A call that was not bound would jump to 0 and
 * kill us. Each answer is compared with the svc path's (kml_syscall*), and
 * printed; any mismatch prints "vdso-linked: FAIL <what>" and exits 1.
 * init's `vdso-linked` scenario runs it from /bin (USR mode: the vDSO
 * traps) and from /trusted (SYSTEM mode: the vDSO's direct way in), and
 * expects "vdso-linked: done" and exit status 0 both times.
 */
#define KML_VDSO
#include "kml.h"

static int failed(const char *what, long result)
{
    kml_printf("vdso-linked: FAIL %s: %ld\n", what, result);
    return 1;
}

/* Nanoseconds from a to b, both on the same clock (may be negative). */
static long long elapsed(const struct timespec *a, const struct timespec *b)
{
    return (long long)(b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

int main(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)envp;
    /* kml_printf writes with write(): the first bound call. */
    kml_printf("vdso-linked: hello from %s through the vDSO\n", argv[0]);

    pid_t pid = getpid();
    long by_svc = kml_syscall0(KML_NR_getpid);
    if (pid <= 0 || pid != by_svc)
        return failed("getpid", pid);
    if (getppid() != kml_syscall0(KML_NR_getppid))
        return failed("getppid", getppid());
    if (gettid() != pid)
        return failed("gettid", gettid());
    kml_printf("vdso-linked: getpid %d matches the svc path\n", pid);

    struct timespec before, after, resolution;
    int result = clock_gettime(CLOCK_MONOTONIC, &before);
    if (result != 0)
        return failed("clock_gettime", result);
    result = clock_getres(CLOCK_MONOTONIC, &resolution);
    if (result != 0 || resolution.tv_sec != 0 || resolution.tv_nsec <= 0)
        return failed("clock_getres", result);
    result = sched_yield();
    if (result != 0)
        return failed("sched_yield", result);

    /* 2 ms, then 1 ms more through the old KML call. */
    struct timespec sleep = { 0, 2000000 };
    result = nanosleep(&sleep, NULL);
    if (result != 0)
        return failed("nanosleep", result);
    sleep.tv_nsec = 1000000;
    result = kernel_sched_timeout(&sleep);
    if (result != 0)
        return failed("kernel_sched_timeout", result);
    result = clock_gettime(CLOCK_MONOTONIC, &after);
    if (result != 0)
        return failed("clock_gettime", result);
    if (elapsed(&before, &after) < 3000000)
        return failed("slept less than 3 ms", (long)elapsed(&before, &after));
    kml_printf("vdso-linked: clock_gettime, nanosleep and kernel_sched_timeout ok\n");

    /* The scheduling calls: we run SCHED_OTHER at priority 0. */
    struct sched_param param = { 99 };
    result = sched_getscheduler(0);
    if (result != SCHED_OTHER)
        return failed("sched_getscheduler", result);
    result = sched_getparam(0, &param);
    if (result != 0 || param.sched_priority != 0)
        return failed("sched_getparam", result);
    kml_printf("vdso-linked: sched_getscheduler and sched_getparam ok\n");

    /* An error comes back as -errno: -EFAULT for a bad pointer. (Not
     * clock_gettime's: the vDSO may answer that itself, and fault.) */
    long written = write(1, (const void *)0, 5);
    if (written != -14)
        return failed("write(NULL)", written);
    kml_printf("vdso-linked: errors come back as -errno\n");

    kml_printf("vdso-linked: done\n");
    return 0;
}
