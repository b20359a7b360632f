// Test subject: one process with 64 MiB of its own, a fork()ed child (its own address space, pages shared
// copy-on-write) and a clone(CLONE_VM) child that is not a thread: a second pid with the parent's address space.
// Prints "ready <fork pid> <clone pid>", then sleeps until killed; the children die with it.
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static int sleep_forever(void *arg) {
    (void)arg;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (;;) pause();
    return 0;
}

int main(void) {
    size_t size = 64 << 20;
    char *block = malloc(size);
    memset(block, 7, size);
    pid_t forked = fork();
    if (forked == 0) sleep_forever(NULL);
    size_t stack_size = 64 << 10;
    char *stack = malloc(stack_size);
    pid_t cloned = clone(sleep_forever, stack + stack_size, CLONE_VM | SIGCHLD, NULL);
    if (forked < 0 || cloned < 0) { perror("fork/clone"); return 1; }
    printf("ready %d %d\n", forked, cloned);
    fflush(stdout);
    for (;;) pause();
}
