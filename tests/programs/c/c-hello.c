/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* c-hello: the C test program, built with GCC against userlib/c.
 *
 * Prints its arguments, a few facts from system calls (pid, parent, uname,
 * the clock, the page size from auxv) and "c-hello: done", then exits 0.
 * Any failed call prints "c-hello: FAIL <call>: <result>" and exits 1.
 * init's `c-program` scenario runs it with stdout on a pipe and checks for
 * "c-hello: argv[1]=from-init", "c-hello: argv[2]=two words" and the last
 * line.
 */
#include "kml.h"

static int failed(const char *call, long result)
{
    kml_dprintf(1, "c-hello: FAIL %s: %ld\n", call, result);
    return 1;
}

int main(int argc, char **argv, char **envp)
{
    kml_printf("c-hello: argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        kml_printf("c-hello: argv[%d]=%s\n", i, argv[i]);

    pid_t pid = getpid();
    pid_t parent = getppid();
    if (pid <= 0)
        return failed("getpid", pid);
    kml_printf("c-hello: pid=%d ppid=%d uid=%u\n", pid, parent, getuid());

    struct utsname name;
    int result = uname(&name);
    if (result < 0)
        return failed("uname", result);
    kml_printf("c-hello: uname sysname=%s machine=%s\n", name.sysname, name.machine);

    struct timespec now;
    result = clock_gettime(CLOCK_MONOTONIC, &now);
    if (result < 0)
        return failed("clock_gettime", result);

    unsigned long page_size = kml_auxv(envp, AT_PAGESZ);
    if (page_size != 4096)
        return failed("auxv AT_PAGESZ", (long)page_size);

    /* A gathered write: three pieces, one line. */
    static const char one[] = "c-hello: writev ";
    static const char two[] = "in three ";
    static const char three[] = "pieces\n";
    struct iovec pieces[3] = {
        { one, sizeof one - 1 }, { two, sizeof two - 1 }, { three, sizeof three - 1 },
    };
    ssize_t written = writev(1, pieces, 3);
    if (written != (ssize_t)(sizeof one + sizeof two + sizeof three - 3))
        return failed("writev", written);

    /* A bad pointer must come back as -EFAULT, not kill us. */
    result = uname((struct utsname *)0);
    if (result != -14)
        return failed("uname(NULL)", result);

    kml_printf("c-hello: done\n");
    return 0;
}
