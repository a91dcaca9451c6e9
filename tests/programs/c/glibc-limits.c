// SPDX-License-Identifier: MIT OR Apache-2.0
// Resource exhaustion must fail a call, never stop the kernel: fork until
// fork fails (address spaces or memory run out), kill and reap every
// child, fork again; then, in a child, create threads until
// pthread_create fails (kernel stacks run out), and exit with all of
// them alive. Run by tests/glibc/limits.test.
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MOST 4096

static void *sleeper(void *argument)
{
    (void)argument;
    pause();
    return NULL;
}

static int thread_bomb(void)
{
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, 16384);
    for (int count = 0; count < MOST; count++) {
        pthread_t thread;
        int error = pthread_create(&thread, &attributes, sleeper, NULL);
        if (error) {
            printf("pthread_create failed after %d threads: %s\n", count, strerror(error));
            return count > 0 ? 0 : 1;
        }
    }
    printf("pthread_create never failed\n");
    return 1;
}

int main(void)
{
    static pid_t children[MOST];
    int count = 0;
    int failures = 0;
    while (count < MOST) {
        pid_t child = fork();
        if (child == 0) {
            pause();
            _exit(0);
        }
        if (child < 0) {
            printf("fork failed after %d children: %s\n", count, strerror(errno));
            break;
        }
        children[count++] = child;
    }
    failures += count == MOST;
    for (int index = 0; index < count; index++)
        kill(children[index], SIGKILL);
    int reaped = 0;
    while (wait(NULL) > 0)
        reaped++;
    printf("reaped %s\n", reaped == count ? "every child" : "too few");
    failures += reaped != count;

    pid_t bomber = fork();
    if (bomber == 0)
        _exit(thread_bomb());
    int status = -1;
    waitpid(bomber, &status, 0);
    printf("the thread bomber exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    failures += !WIFEXITED(status) || WEXITSTATUS(status) != 0;

    pid_t again = fork();
    if (again == 0)
        _exit(7);
    waitpid(again, &status, 0);
    printf("fork works again: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    failures += !WIFEXITED(status) || WEXITSTATUS(status) != 7;
    printf("%s glibc-limits\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
