// SPDX-License-Identifier: MIT OR Apache-2.0
// POSIX signals from an unmodified Linux program: static glibc,
// hard-float, staged as /bin/glibc-signals (USR mode) and
// /trusted/glibc-signals (SYSTEM mode). glibc's sigaction installs its
// own SA_RESTORER (rt_sigreturn for SA_SIGINFO handlers, sigreturn for
// the others), so this covers the paths signal-check (raw calls, the
// vDSO's trampoline) does not. Checks: a handler for kill(getpid(),
// SIGUSR1) with its siginfo; a blocked signal pending and delivered at
// unblock; SIGCHLD on a child's exit; EINTR from a pipe read a child's
// signal interrupts, and the same read restarted with SA_RESTART; a
// child killed by SIGTERM as wait4 reports it; raise() (tgkill); a
// handler on the sigaltstack; a sigreturn whose saved CPSR asks for SVC
// mode with interrupts masked returns to our own mode. Prints
// "glibc-signals: ok" and exits 0, or "glibc-signals: FAIL ..." and 1.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t calls[65];
static volatile int last_signo, last_code, last_pid, last_status;
static volatile uintptr_t last_stack;
static volatile int tamper;

static unsigned cpsr(void)
{
    unsigned value;
    __asm__ volatile("mrs %0, cpsr" : "=r"(value));
    return value;
}

static void on_signal(int signo, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    int local = 0;
    calls[signo]++;
    last_signo = info->si_signo;
    last_code = info->si_code;
    last_pid = info->si_pid;
    last_status = info->si_status;
    last_stack = (uintptr_t)&local;
    if (tamper) {
        tamper = 0;
        uc->uc_mcontext.arm_cpsr = (uc->uc_mcontext.arm_cpsr & ~0x1fu) | 0x13 | 0xc0;
    }
}

static void plain_handler(int signo)
{
    calls[signo]++;
}

static int catch(int signo, int flags)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_signal;
    action.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&action.sa_mask);
    return sigaction(signo, &action, NULL);
}

#define CHECK(condition, what)                                          \
    do {                                                                \
        if (!(condition)) {                                             \
            printf("glibc-signals: FAIL %s (%s, errno %d)\n", what,     \
                   name, errno);                                        \
            return 1;                                                   \
        }                                                               \
    } while (0)

static const char *name = "glibc-signals";

/* VFP across a handler: the interrupted code's d0-d31 and FPSCR come back
 * bit for bit after a handler that overwrote them all. */
static uint64_t vfp_pattern[32], vfp_after[32], vfp_garbage[32];

#define D0_D15 "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11", \
               "d12", "d13", "d14", "d15"

static volatile int vfp_record_seen;

static void clobber_vfp(int signo, siginfo_t *info, void *context)
{
    (void)info;
    calls[signo]++;
    /* The interrupted code's registers are in the frame's VFP record
     * (magic 0x56465001, size, d0-d31, FPSCR): change d5 there, as a
     * handler may, and sigreturn must bring the change back. */
    unsigned long *record = ((ucontext_t *)context)->uc_regspace;
    uint64_t *saved = (uint64_t *)&record[2];
    if (record[0] == 0x56465001ul && saved[5] == vfp_pattern[5] && saved[31] == vfp_pattern[31]) {
        vfp_record_seen = 1;
        saved[5] = 0x5555aaaa5555aaaaull;
    }
    __asm__ volatile(".fpu neon\n"
                     "vldmia %0, {d0-d15}\n"
                     "add r3, %0, #128\n"
                     "vldmia r3, {d16-d31}\n"
                     "vmsr fpscr, %1\n"
                     :
                     : "r"(vfp_garbage), "r"(0x00c00000u)
                     : "r3", "memory", D0_D15);
}

/* Loads the pattern and FPSCR, sends itself SIGUSR2 with a raw kill (the
 * handler runs on the way back from that svc), stores the registers; the
 * FPSCR read back. */
static unsigned vfp_across_handler(unsigned fpscr)
{
    unsigned after;
    register unsigned pid __asm__("r0") = (unsigned)getpid();
    register unsigned signo __asm__("r1") = SIGUSR2;
    register unsigned number __asm__("r7") = 37; /* kill */
    __asm__ volatile(".fpu neon\n"
                     "vldmia %[p], {d0-d15}\n"
                     "add r3, %[p], #128\n"
                     "vldmia r3, {d16-d31}\n"
                     "vmsr fpscr, %[fs]\n"
                     "svc #0\n"
                     "vmrs %[fa], fpscr\n"
                     "vstmia %[a], {d0-d15}\n"
                     "add r3, %[a], #128\n"
                     "vstmia r3, {d16-d31}\n"
                     "mov r3, #0\n"
                     "vmsr fpscr, r3\n"
                     : [fa] "=&r"(after), "+r"(pid)
                     : [p] "r"(vfp_pattern), [a] "r"(vfp_after), [fs] "r"(fpscr), "r"(signo),
                       "r"(number)
                     : "r3", "memory", D0_D15);
    return after;
}

static pid_t nudge(int write_end, const char *data)
{
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        struct timespec pause_time = {0, 20 * 1000 * 1000};
        nanosleep(&pause_time, NULL);
        kill(parent, SIGUSR1);
        nanosleep(&pause_time, NULL);
        if (data)
            write(write_end, data, strlen(data));
        _exit(0);
    }
    return child;
}

static int pipe_read(int restart, ssize_t *result, char *byte)
{
    int fds[2];
    int status;
    int saved;
    if (catch(SIGUSR1, restart ? SA_RESTART : 0) != 0 || pipe(fds) != 0)
        return -1;
    pid_t child = nudge(fds[1], restart ? "x" : NULL);
    *result = read(fds[0], byte, 1);
    saved = errno;
    waitpid(child, &status, 0);
    close(fds[0]);
    close(fds[1]);
    errno = saved;
    return 0;
}

int main(int argc, char **argv)
{
    sigset_t set, old, pending;
    ssize_t result;
    char byte = 0;
    int status;
    unsigned mode = cpsr() & 0x1f;
    if (argc > 0)
        name = argv[0];

    CHECK(catch(SIGUSR1, 0) == 0, "sigaction");
    CHECK(kill(getpid(), SIGUSR1) == 0, "kill");
    CHECK(calls[SIGUSR1] == 1, "the handler did not run");
    CHECK(last_signo == SIGUSR1 && last_code == SI_USER && last_pid == getpid(), "siginfo");

    struct sigaction plain;
    memset(&plain, 0, sizeof plain);
    plain.sa_handler = plain_handler;
    CHECK(sigaction(SIGUSR2, &plain, NULL) == 0, "sigaction SIGUSR2");
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0, "sigprocmask");
    raise(SIGUSR2);
    CHECK(calls[SIGUSR2] == 0, "a blocked signal ran");
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR2), "sigpending");
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0, "unblock");
    CHECK(calls[SIGUSR2] == 1, "not delivered at unblock (sigreturn path)");

    CHECK(catch(SIGCHLD, SA_RESTART) == 0, "sigaction SIGCHLD");
    pid_t child = fork();
    if (child == 0)
        _exit(3);
    CHECK(waitpid(child, &status, 0) == child, "waitpid");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3, "the child's status");
    CHECK(calls[SIGCHLD] == 1 && last_pid == child && last_code == CLD_EXITED, "SIGCHLD");
    signal(SIGCHLD, SIG_DFL);

    CHECK(pipe_read(0, &result, &byte) == 0, "pipe");
    CHECK(result == -1 && errno == EINTR, "read was not interrupted");
    CHECK(pipe_read(1, &result, &byte) == 0, "pipe");
    CHECK(result == 1 && byte == 'x', "read was not restarted");

    child = fork();
    if (child == 0) {
        pause();
        _exit(4);
    }
    struct timespec settle = {0, 10 * 1000 * 1000};
    nanosleep(&settle, NULL);
    CHECK(kill(child, SIGTERM) == 0, "kill child");
    CHECK(waitpid(child, &status, 0) == child, "waitpid");
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "not killed by SIGTERM");

    static char stack_area[16384];
    stack_t stack = {.ss_sp = stack_area, .ss_flags = 0, .ss_size = sizeof stack_area};
    CHECK(sigaltstack(&stack, NULL) == 0, "sigaltstack");
    CHECK(catch(SIGUSR2, SA_ONSTACK) == 0, "sigaction SA_ONSTACK");
    raise(SIGUSR2);
    CHECK(last_stack >= (uintptr_t)stack_area &&
          last_stack < (uintptr_t)stack_area + sizeof stack_area, "not on the alternate stack");

    for (int index = 0; index < 32; index++) {
        vfp_pattern[index] = 0x0123456789abcdefull * (uint64_t)(index + 1);
        vfp_garbage[index] = ~vfp_pattern[index];
    }
    struct sigaction clobber;
    memset(&clobber, 0, sizeof clobber);
    clobber.sa_sigaction = clobber_vfp;
    clobber.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGUSR2, &clobber, NULL) == 0, "sigaction (VFP clobber)");
    int before = calls[SIGUSR2];
    unsigned fpscr = vfp_across_handler(0x00400000u); /* round towards +infinity */
    CHECK(calls[SIGUSR2] == before + 1, "the VFP-clobbering handler did not run");
    CHECK(vfp_record_seen, "no VFP record with d0-d31 in the signal frame");
    CHECK(vfp_after[5] == 0x5555aaaa5555aaaaull, "sigreturn ignored the frame's d5");
    vfp_after[5] = vfp_pattern[5];
    CHECK(memcmp(vfp_pattern, vfp_after, sizeof vfp_after) == 0, "d0-d31 changed across a handler");
    CHECK((fpscr & 0x00c00000u) == 0x00400000u, "FPSCR changed across a handler");

    tamper = 1;
    raise(SIGUSR1);
    CHECK(tamper == 0, "the tampering handler did not run");
    CHECK((cpsr() & 0x1f) == mode, "sigreturn changed our mode");
    nanosleep(&settle, NULL);

    printf("glibc-signals: ok (%s mode)\n", mode == 0x1f ? "SYSTEM" : "USR");
    return 0;
}
