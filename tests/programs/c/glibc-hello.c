// SPDX-License-Identifier: MIT OR Apache-2.0
// An unmodified Linux program: static glibc, hard-float. Prints a line
// with a formatted double, so glibc's start-up and printf's VFP code run.
#include <stdio.h>

int main(int argc, char **argv)
{
    volatile double x = 1.5;
    printf("glibc-hello: %s says %.3f\n", argc > 0 ? argv[0] : "?", x * 2.25);
    return 0;
}
