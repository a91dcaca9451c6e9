// SPDX-License-Identifier: MIT OR Apache-2.0
// An unmodified Linux program: static glibc, hard-float, -pthread. Checks
// threads (clone), futexes (mutexes, condition variables, joins, timed
// waits), per-thread TLS and ids, a thread ending while others go on, and
// fork (clone with CHILD_SETTID|CHILD_CLEARTID) from a threaded process.
// Prints a PASS or FAIL line per check; exits 0 only if all passed.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *name)
{
    printf("%s %s\n", ok ? "PASS" : "FAIL", name);
    fflush(stdout);
    if (!ok)
        failures++;
}

/* 1. Four threads increment a mutex-protected counter. */
#define THREADS 4
#define ROUNDS 20000
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *increment(void *unused)
{
    (void)unused;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&counter_lock);
        counter++;
        pthread_mutex_unlock(&counter_lock);
        if (i % 1000 == 0)
            sched_yield();
    }
    return NULL;
}

static void mutex_counter(void)
{
    pthread_t threads[THREADS];
    int created = 1;
    for (int i = 0; i < THREADS; i++)
        created &= pthread_create(&threads[i], NULL, increment, NULL) == 0;
    for (int i = 0; i < THREADS && created; i++)
        pthread_join(threads[i], NULL);
    check(created && counter == (long)THREADS * ROUNDS, "mutex counter");
}

/* 2. A producer and a consumer through a condition variable. */
#define ITEMS 200
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_changed = PTHREAD_COND_INITIALIZER;
static int queue[4], queue_count, queue_head;

static void *produce(void *unused)
{
    (void)unused;
    for (int item = 1; item <= ITEMS; item++) {
        pthread_mutex_lock(&queue_lock);
        while (queue_count == 4)
            pthread_cond_wait(&queue_changed, &queue_lock);
        queue[(queue_head + queue_count) % 4] = item;
        queue_count++;
        pthread_cond_broadcast(&queue_changed);
        pthread_mutex_unlock(&queue_lock);
    }
    return NULL;
}

static void producer_consumer(void)
{
    pthread_t producer;
    long sum = 0;
    int ok = pthread_create(&producer, NULL, produce, NULL) == 0;
    for (int received = 0; ok && received < ITEMS; received++) {
        pthread_mutex_lock(&queue_lock);
        while (queue_count == 0)
            pthread_cond_wait(&queue_changed, &queue_lock);
        sum += queue[queue_head];
        queue_head = (queue_head + 1) % 4;
        queue_count--;
        pthread_cond_broadcast(&queue_changed);
        pthread_mutex_unlock(&queue_lock);
    }
    if (ok)
        pthread_join(producer, NULL);
    check(ok && sum == (long)ITEMS * (ITEMS + 1) / 2, "condition variable producer/consumer");
}

/* 3. Return values through pthread_join; 4. __thread; 5. ids. */
static __thread int thread_value = 7;
static pid_t main_pid;

struct identity {
    int value_seen;
    pid_t pid, tid;
};

static void *identify(void *argument)
{
    struct identity *identity = malloc(sizeof *identity);
    int seed = (int)(intptr_t)argument;
    identity->value_seen = thread_value; /* 7: the initial value, not main's */
    thread_value = seed;
    sched_yield();
    identity->value_seen = identity->value_seen * 1000 + thread_value;
    identity->pid = getpid();
    identity->tid = (pid_t)syscall(SYS_gettid);
    return identity;
}

static void join_tls_ids(void)
{
    pthread_t threads[3];
    struct identity *results[3] = {0};
    thread_value = 99;
    int ok = 1;
    for (int i = 0; i < 3; i++)
        ok &= pthread_create(&threads[i], NULL, identify, (void *)(intptr_t)(i + 1)) == 0;
    for (int i = 0; i < 3 && ok; i++)
        ok &= pthread_join(threads[i], (void **)&results[i]) == 0 && results[i] != NULL;
    int values = ok && thread_value == 99, same_pid = ok, distinct_tids = ok;
    pid_t my_tid = (pid_t)syscall(SYS_gettid);
    for (int i = 0; i < 3 && ok; i++) {
        values &= results[i]->value_seen == 7000 + i + 1;
        same_pid &= results[i]->pid == main_pid;
        distinct_tids &= results[i]->tid != my_tid && results[i]->tid > 0;
        for (int j = 0; j < i; j++)
            distinct_tids &= results[i]->tid != results[j]->tid;
    }
    check(ok, "pthread_join returns the thread's value");
    check(values, "__thread variables are per thread");
    check(same_pid && my_tid == main_pid, "getpid is the same in every thread");
    check(distinct_tids, "gettid differs per thread");
    for (int i = 0; i < 3; i++)
        free(results[i]);
}

/* 6. A thread ends (pthread_exit) while others go on. */
static volatile int survivor_rounds;

static void *leave_early(void *unused)
{
    (void)unused;
    pthread_exit((void *)42);
}

static void *keep_going(void *unused)
{
    (void)unused;
    for (int i = 0; i < 50; i++) {
        survivor_rounds++;
        sched_yield();
    }
    return (void *)7;
}

static void thread_exit_alone(void)
{
    pthread_t early, survivor;
    void *early_result = NULL, *survivor_result = NULL;
    int ok = pthread_create(&survivor, NULL, keep_going, NULL) == 0 &&
             pthread_create(&early, NULL, leave_early, NULL) == 0;
    ok = ok && pthread_join(early, &early_result) == 0 &&
         pthread_join(survivor, &survivor_result) == 0;
    check(ok && early_result == (void *)42 && survivor_result == (void *)7 &&
              survivor_rounds == 50,
          "a thread exits while the others go on");
}

/* 7. pthread_cond_timedwait times out. */
static double seconds(const struct timespec *t)
{
    return t->tv_sec + t->tv_nsec / 1e9;
}

static void timed_wait(void)
{
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t never = PTHREAD_COND_INITIALIZER;
    struct timespec start, deadline, end;
    clock_gettime(CLOCK_REALTIME, &start);
    deadline = start;
    deadline.tv_nsec += 50 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&lock);
    int result = pthread_cond_timedwait(&never, &lock, &deadline);
    pthread_mutex_unlock(&lock);
    clock_gettime(CLOCK_REALTIME, &end);
    double waited = seconds(&end) - seconds(&start);
    printf("timedwait: %s after %.3f s\n", result == ETIMEDOUT ? "ETIMEDOUT" : "other", waited);
    check(result == ETIMEDOUT && waited >= 0.049 && waited < 2.0,
          "pthread_cond_timedwait times out");
}

/* 8. fork from the main thread while another thread exists. */
static volatile int spinner_stop;

static void *spin(void *unused)
{
    (void)unused;
    while (!spinner_stop)
        sched_yield();
    return NULL;
}

static void fork_with_threads(void)
{
    pthread_t spinner;
    int ok = pthread_create(&spinner, NULL, spin, NULL) == 0;
    pid_t child = fork();
    if (child == 0) {
        /* Only the forking thread exists in the child. */
        _exit(getpid() != main_pid ? 23 : 1);
    }
    int status = 0;
    ok = ok && child > 0 && waitpid(child, &status, 0) == child;
    spinner_stop = 1;
    pthread_join(spinner, NULL);
    check(ok && WIFEXITED(status) && WEXITSTATUS(status) == 23, "fork from a threaded process");
}

/* 9. exit() in one thread ends the process while another thread is
 * blocked; the leader ending first (pthread_exit) leaves the process
 * alive until the last thread's exit status. Both in forked children. */
static void *exit_three(void *unused)
{
    (void)unused;
    exit(3);
}

static void *exit_four_later(void *unused)
{
    (void)unused;
    struct timespec pause = {0, 10 * 1000 * 1000};
    nanosleep(&pause, NULL);
    exit(4);
}

static void *exec_six(void *unused)
{
    (void)unused;
    char *argv[] = {"exit-with", "6", NULL};
    char *envp[] = {NULL};
    execve("/bin/exit-with", argv, envp);
    exit(102); /* execve failed */
}

static int child_status(void *(*body)(void *), int leader_exits)
{
    pid_t child = fork();
    if (child == 0) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, body, NULL) != 0)
            _exit(100);
        if (leader_exits)
            pthread_exit(NULL);
        pthread_join(thread, NULL); /* blocked here when exit() comes */
        _exit(101);
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static void *sleep_long(void *unused)
{
    (void)unused;
    struct timespec pause = {100, 0};
    nanosleep(&pause, NULL);
    return NULL;
}

/* A process whose threads sleep (nanosleep, a join's futex wait) dies
 * whole from SIGKILL. */
static int killed_whole(void)
{
    int channel[2];
    if (pipe(channel) != 0)
        return 0;
    pid_t child = fork();
    if (child == 0) {
        pthread_t thread;
        pthread_create(&thread, NULL, sleep_long, NULL);
        write(channel[1], "x", 1);
        pthread_join(thread, NULL);
        _exit(105);
    }
    char byte;
    int status = 0;
    int ok = child > 0 && read(channel[0], &byte, 1) == 1;
    ok = ok && kill(child, SIGKILL) == 0 && waitpid(child, &status, 0) == child;
    close(channel[0]);
    close(channel[1]);
    return ok && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static void process_ends(void)
{
    check(killed_whole(), "SIGKILL ends a process with sleeping threads");
    int status = child_status(exit_three, 0);
    check(status == 3, "exit in a thread ends every thread");
    status = child_status(exit_four_later, 1);
    check(status == 4, "the process outlives its leader's pthread_exit");
    status = child_status(exec_six, 0);
    check(status == 6, "execve in a thread ends the other threads");
}

int main(void)
{
    main_pid = getpid();
    mutex_counter();
    producer_consumer();
    join_tls_ids();
    thread_exit_alone();
    timed_wait();
    fork_with_threads();
    process_ends();
    printf("glibc-threads: %d failed\n", failures);
    return failures == 0 ? 0 : 1;
}
