// SPDX-License-Identifier: MIT OR Apache-2.0
// An unmodified Linux program (static glibc, hard-float) using the file
// calls shells and applets make: poll/ppoll on pipes and the console,
// sendfile, 64-bit lseek, readv, access, process groups, console ioctls,
// getcwd/chdir, pipe2, dup3. Prints one line per check; exits 0 only if
// every check passed. Run by tests/glibc/files*.test.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok" : "FAILED", what);
    if (!ok)
        failures++;
}

static const char *const FILE_PATH = "/bin/echo-link";

static int group_result = -1;

static void *new_group(void *argument)
{
    (void)argument;
    group_result = setpgid(0, 0);
    return NULL;
}

int main(void)
{
    int fds[2];
    check(pipe2(fds, O_CLOEXEC) == 0, "pipe2");
    struct pollfd poll_fds[3] = {
        {.fd = fds[0], .events = POLLIN},
        {.fd = fds[1], .events = POLLOUT},
        {.fd = 99, .events = POLLIN},
    };
    int ready = poll(poll_fds, 3, 0);
    check(ready == 2 && poll_fds[0].revents == 0 && poll_fds[1].revents == POLLOUT &&
              poll_fds[2].revents == POLLNVAL,
          "poll: empty pipe not readable, writable, bad fd POLLNVAL");
    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    ready = poll(poll_fds, 1, 30);
    clock_gettime(CLOCK_MONOTONIC, &after);
    long waited = (after.tv_sec - before.tv_sec) * 1000000000L + after.tv_nsec - before.tv_nsec;
    check(ready == 0 && waited >= 30000000L, "poll: 30 ms timeout on an empty pipe");

    pid_t child = fork();
    if (child == 0) {
        struct timespec pause = {0, 20000000};
        nanosleep(&pause, NULL);
        (void)write(fds[1], "x", 1);
        _exit(0);
    }
    poll_fds[0].revents = 0;
    ready = poll(poll_fds, 1, -1);
    check(ready == 1 && (poll_fds[0].revents & POLLIN), "poll: blocks until a child writes");
    char byte;
    check(read(fds[0], &byte, 1) == 1 && byte == 'x', "poll: the byte is there");
    int status;
    check(waitpid(child, &status, 0) == child && WIFEXITED(status), "waitpid");
    close(fds[1]);
    struct timespec zero = {0, 0};
    poll_fds[0].revents = 0;
    ready = ppoll(poll_fds, 1, &zero, NULL);
    check(ready == 1 && (poll_fds[0].revents & POLLHUP), "ppoll: POLLHUP with no writer");
    close(fds[0]);

    struct pollfd console = {.fd = 1, .events = POLLOUT};
    check(poll(&console, 1, 0) == 1 && console.revents == POLLOUT, "poll: console writable");

    int file = open(FILE_PATH, O_RDONLY);
    check(file >= 0, "open");
    struct stat status_of_file;
    check(fstat(file, &status_of_file) == 0 && status_of_file.st_size > 64, "fstat");
    off_t end = lseek(file, 0, SEEK_END);
    check(end == status_of_file.st_size, "lseek64 to the end");
    check(lseek(file, 1, SEEK_SET) == 1, "lseek64 back");
    char first[4], second[8];
    struct iovec vector[2] = {{first, sizeof first}, {second, sizeof second}};
    check(readv(file, vector, 2) == 12 && memcmp(first, "ELF", 3) == 0, "readv: two buffers");
    off_t offset = 0;
    check(pipe(fds) == 0, "pipe");
    ssize_t sent = sendfile(fds[1], file, &offset, 4);
    char magic[4];
    check(sent == 4 && offset == 4 && read(fds[0], magic, 4) == 4 && memcmp(magic, "\177ELF", 4) == 0,
          "sendfile with an offset");
    check(lseek(file, 0, SEEK_CUR) == 13, "sendfile with an offset leaves the file offset");
    sent = sendfile(fds[1], file, NULL, 3);
    check(sent == 3 && lseek(file, 0, SEEK_CUR) == 16, "sendfile without an offset moves it");
    close(file);
    close(fds[0]);
    close(fds[1]);

    file = open(FILE_PATH, O_RDONLY);
    unsigned char *mapped = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, file, 0);
    check(mapped != MAP_FAILED && memcmp(mapped, "\177ELF", 4) == 0, "mmap of a ramdisk file");
    unsigned char *copy = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, file, 0);
    check(copy != MAP_FAILED && copy[1] == 'E', "a writable private mapping");
    if (copy != MAP_FAILED)
        copy[1] = 'X';
    check(copy != MAP_FAILED && copy[1] == 'X' && mapped[1] == 'E', "private writes stay private");
    check(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0) == MAP_FAILED && errno == EACCES,
          "a shared writable mapping of a read-only file: EACCES");
    check(pipe(fds) == 0 && mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fds[0], 0) == MAP_FAILED &&
              errno == ENODEV,
          "mmap of a pipe: ENODEV");
    check(munmap(mapped, 8192) == 0 && munmap(copy, 4096) == 0, "munmap");
    close(fds[0]);
    close(fds[1]);
    close(file);

    int null = open("/dev/null", O_RDWR | O_CREAT | O_TRUNC, 0666);
    check(null >= 0 && write(null, "gone", 4) == 4 && read(null, magic, 4) == 0, "/dev/null");
    int zeros = open("/dev/zero", O_RDONLY);
    memset(magic, 1, sizeof magic);
    check(zeros >= 0 && read(zeros, magic, 4) == 4 && magic[0] == 0 && magic[3] == 0, "/dev/zero");
    check(stat("/dev/null", &status_of_file) == 0 && S_ISCHR(status_of_file.st_mode) &&
              major(status_of_file.st_rdev) == 1 && minor(status_of_file.st_rdev) == 3,
          "stat /dev/null: character device 1:3");
    close(null);
    close(zeros);

    check(access("/bin/echo-args", X_OK) == 0, "access X_OK on a program");
    check(access("/bin/echo-args", W_OK) == -1 && errno == EROFS, "access W_OK: EROFS");
    check(access("/no/such", F_OK) == -1 && errno == ENOENT, "access: ENOENT");

    check(getpgrp() == getpgid(0), "getpgrp");
    child = fork();
    if (child == 0) {
        /* From a second thread: the whole process changes group. */
        pthread_t thread;
        if (pthread_create(&thread, NULL, new_group, NULL) != 0 || pthread_join(thread, NULL) != 0)
            _exit(3);
        if (group_result != 0 || getpgrp() != getpid())
            _exit(1);
        if (setsid() != -1 || errno != EPERM)
            _exit(2);
        _exit(0);
    }
    check(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "setpgid in a child's second thread; setsid of a group leader is EPERM");

    struct termios modes;
    check(tcgetattr(0, &modes) == 0, "tcgetattr on the console");
    check(tcsetattr(0, TCSADRAIN, &modes) == 0, "tcsetattr TCSADRAIN");
    struct winsize size;
    check(ioctl(1, TIOCGWINSZ, &size) == 0 && size.ws_col > 0, "TIOCGWINSZ");
    check(isatty(1) == 1, "isatty");

    char directory[64];
    check(chdir("/bin") == 0 && getcwd(directory, sizeof directory) && strcmp(directory, "/bin") == 0,
          "chdir and getcwd");
    check(dup3(1, 7, O_CLOEXEC) == 7 && (fcntl(7, F_GETFD) & FD_CLOEXEC), "dup3 with O_CLOEXEC");

    printf("%s glibc-files: %d failed\n", failures ? "FAIL" : "PASS", failures);
    return failures ? 1 : 0;
}
