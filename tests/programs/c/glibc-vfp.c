// SPDX-License-Identifier: MIT OR Apache-2.0
// An unmodified Linux program (static glibc, hard-float) that proves the
// kernel keeps each process's VFP/NEON registers across preemption:
// parent and child (fork) each load their own pattern into all of d0-d31
// and their own FPSCR (rounding mode, flush-to-zero), then yield to each
// other many times while spinning on floating-point work that clobbers
// the scratch registers with their own values, and finally check every
// register and FPSCR bit-exact, plus a double computed before the fork.
// The child also checks that d8-d15 (callee-saved) came through fork.
// Prints PASS/FAIL lines; exits 0 only if everything held in both.
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 200
/* FPSCR: RMode (bits 23:22) and FZ (bit 24), plus DN (bit 25). */
#define FPSCR_CONTROL_MASK 0x03c00000u

static int failures;

static void check(const char *who, const char *what, int ok)
{
    printf("glibc-vfp: %s: %s %s\n", who, ok ? "PASS" : "FAIL", what);
    if (!ok)
        failures++;
}

/* The pattern of register n for this process. */
static uint64_t pattern(uint32_t seed, int n)
{
    return ((uint64_t)(seed ^ (0x01010101u * (uint32_t)n)) << 32) |
           (uint32_t)(~seed + 0x10000u * (uint32_t)n);
}

/* Loads d0-d31 from regs and FPSCR from fpscr. */
__attribute__((noinline)) static void load_all(const uint64_t *regs, uint32_t fpscr)
{
    __asm__ volatile(
        ".fpu neon\n"
        "vldmia %0, {d0-d15}\n"
        "add    r12, %0, #128\n"
        "vldmia r12, {d16-d31}\n"
        "vmsr   fpscr, %1\n"
        :
        : "r"(regs), "r"(fpscr)
        : "r12", "memory", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7",
          "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15", "d16", "d17",
          "d18", "d19", "d20", "d21", "d22", "d23", "d24", "d25", "d26", "d27",
          "d28", "d29", "d30", "d31");
}

/*
 * The whole test in one asm-only stretch: the registers are loaded, the
 * process yields ROUNDS times (svc: sched_yield, number 158) and spins on
 * integer work in between (so the compiler cannot touch the d registers
 * between load and store), then they are stored back.
 */
__attribute__((noinline)) static uint32_t hold_across_yields(const uint64_t *in, uint64_t *out,
                                                             uint32_t fpscr, int rounds)
{
    uint32_t result;
    __asm__ volatile(
        ".fpu neon\n"
        "vldmia %[in], {d0-d15}\n"
        "add    r12, %[in], #128\n"
        "vldmia r12, {d16-d31}\n"
        "vmsr   fpscr, %[fpscr]\n"
        "mov    r4, %[rounds]\n"
        "push   {r7}\n"             /* r7 may be the frame pointer */
        "1:\n"
        "movw   r7, #158\n"         /* sched_yield */
        "svc    #0\n"
        "movw   r5, #2000\n"
        "2:\n"
        "subs   r5, r5, #1\n"
        "bne    2b\n"
        "subs   r4, r4, #1\n"
        "bne    1b\n"
        "pop    {r7}\n"
        "vstmia %[out], {d0-d15}\n"
        "add    r12, %[out], #128\n"
        "vstmia r12, {d16-d31}\n"
        "vmrs   %[result], fpscr\n"
        : [result] "=&r"(result)
        : [in] "r"(in), [out] "r"(out), [fpscr] "r"(fpscr), [rounds] "r"(rounds)
        : "r0", "r4", "r5", "r12", "memory", "cc", "d0", "d1", "d2", "d3",
          "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11", "d12", "d13", "d14",
          "d15", "d16", "d17", "d18", "d19", "d20", "d21", "d22", "d23", "d24",
          "d25", "d26", "d27", "d28", "d29", "d30", "d31");
    return result;
}

/*
 * fork (svc, number 2) with d0-d31 and FPSCR loaded from `in`; both
 * processes store what they then hold into `out`. In one asm block, so
 * nothing compiled can use a d register in between. Returns fork's
 * result.
 */
__attribute__((noinline)) static int fork_holding(const uint64_t *in, uint64_t *out,
                                                  uint32_t fpscr, uint32_t *fpscr_out)
{
    int result;
    uint32_t status;
    __asm__ volatile(
        ".fpu neon\n"
        "vldmia %[in], {d0-d15}\n"
        "add    r12, %[in], #128\n"
        "vldmia r12, {d16-d31}\n"
        "vmsr   fpscr, %[fpscr]\n"
        "push   {r7}\n"
        "movw   r7, #2\n"           /* fork */
        "svc    #0\n"
        "pop    {r7}\n"
        "mov    %[result], r0\n"
        "vstmia %[out], {d0-d15}\n"
        "add    r12, %[out], #128\n"
        "vstmia r12, {d16-d31}\n"
        "vmrs   %[status], fpscr\n"
        : [result] "=&r"(result), [status] "=&r"(status)
        : [in] "r"(in), [out] "r"(out), [fpscr] "r"(fpscr)
        : "r0", "r12", "memory", "cc", "d0", "d1", "d2", "d3", "d4", "d5", "d6",
          "d7", "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15", "d16", "d17",
          "d18", "d19", "d20", "d21", "d22", "d23", "d24", "d25", "d26", "d27",
          "d28", "d29", "d30", "d31");
    *fpscr_out = status;
    return result;
}

/* Floating-point work whose result depends on every step. */
static double spin(double seed, int steps)
{
    volatile double x = seed;
    for (int i = 1; i <= steps; i++)
        x = x * 1.0000001 + 1.0 / (double)i;
    return x;
}

/* Loads this process's pattern, yields with FP work, checks the lot. */
static void run(const char *who, uint32_t seed, uint32_t control, double expected)
{
    uint64_t in[32], out[32];
    for (int n = 0; n < 32; n++)
        in[n] = pattern(seed, n);
    memset(out, 0, sizeof out);
    uint32_t fpscr = hold_across_yields(in, out, control, ROUNDS);
    int same = 1;
    for (int n = 0; n < 32; n++) {
        if (out[n] != in[n]) {
            printf("glibc-vfp: %s: d%d is %016llx, expected %016llx\n", who, n,
                   (unsigned long long)out[n], (unsigned long long)in[n]);
            same = 0;
        }
    }
    check(who, "d0-d31 survived yields to the other process", same);
    if ((fpscr & FPSCR_CONTROL_MASK) != control)
        printf("glibc-vfp: %s: FPSCR %08x, expected control bits %08x\n", who, fpscr, control);
    check(who, "FPSCR survived yields", (fpscr & FPSCR_CONTROL_MASK) == control);

    /* Now interleave ordinary double work (compiler-made VFP code) with
     * yields, in round-to-nearest, and compare with the value from before
     * the fork. */
    load_all(in, 0);
    double total = 0;
    for (int round = 0; round < 20; round++) {
        total += spin(1.5, 500);
        sched_yield();
    }
    int equal = total == expected;
    if (!equal)
        printf("glibc-vfp: %s: computed %.17g, expected %.17g\n", who, total, expected);
    check(who, "double computation matches the one before fork", equal);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    unsigned long hwcap = getauxval(AT_HWCAP);
    printf("glibc-vfp: AT_HWCAP %#lx\n", hwcap);
    check("main", "AT_HWCAP has VFP, VFPv3, NEON and VFPD32",
          (hwcap & (64 | 8192 | 4096 | 524288)) == (64 | 8192 | 4096 | 524288));

    /* The value both processes must reproduce. */
    double expected = 0;
    for (int round = 0; round < 20; round++)
        expected += spin(1.5, 500);

    /* The registers through fork: load them, fork, look in both. */
    uint64_t before[32], after[32];
    for (int n = 0; n < 32; n++)
        before[n] = pattern(0x5eed5eedu, n);
    fflush(stdout);
    uint32_t fork_fpscr = 0;
    pid_t child = fork_holding(before, after, 0x00c00000u /* towards zero */, &fork_fpscr);
    const char *me = child == 0 ? "child" : "parent";
    int callee_saved = 1, all = 1;
    for (int n = 0; n < 32; n++) {
        if (n >= 8 && n < 16)
            callee_saved &= after[n] == before[n];
        all &= after[n] == before[n];
    }
    check(me, "d8-d15 came through fork", callee_saved);
    check(me, "d0-d31 came through fork", all);
    check(me, "FPSCR came through fork", (fork_fpscr & FPSCR_CONTROL_MASK) == 0x00c00000u);
    if (child == 0) {
        /* Round towards minus infinity, flush-to-zero, default NaN. */
        run("child", 0xc0ffee00u, 0x03800000u, expected);
        printf("glibc-vfp: child: %s\n", failures ? "FAILED" : "all passed");
        _exit(failures ? 1 : 0);
    }
    if (child < 0) {
        perror("glibc-vfp: fork");
        return 2;
    }
    /* Round towards plus infinity. */
    run("parent", 0x1234abcdu, 0x00400000u, expected);
    int status = 0;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("glibc-vfp: parent: child ended with status %#x\n", status);
        failures++;
    }
    printf("glibc-vfp: %s\n", failures ? "FAIL" : "PASS: all checks");
    return failures ? 1 : 0;
}
