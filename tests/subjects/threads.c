// Test subject: a C program with threads that each call malloc, so glibc creates per-thread arenas.
#define _GNU_SOURCE
// Prints "ready" once every thread has allocated, then sleeps until killed.
// With the argument "merge", the large block is marked MADV_NOHUGEPAGE like a MAP_STACK mapping (Linux >= 6.7), so the
// first thread's stack, mapped right below it, merges with it into one VMA, as every stack may on older kernels.
// With the argument "table", an 8 MiB anonymous mapping (a table some library maps for itself) is made first, so the
// malloc chunks mapped after it, right below, merge with it into one VMA: chunks at the bottom, the table above.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define THREADS 4
static pthread_barrier_t ready;
void *volatile keep[THREADS + 3];   // volatile: the compiler may not elide the allocations

static void *worker(void *arg) {
    char name[16];
    snprintf(name, sizeof name, "worker-%ld", (long)arg);
    pthread_setname_np(pthread_self(), name);
    char *p = malloc(1000);              // first malloc in a thread: a new arena
    memset(p, 1, 1000);
    keep[(long)arg] = p;
    volatile char buf[32 * 1024];        // touch some stack
    for (size_t i = 0; i < sizeof buf; i += 512) buf[i] = 2;
    pthread_barrier_wait(&ready);
    for (;;) pause();
    return NULL;
}

int main(int argc, char **argv) {
    pthread_barrier_init(&ready, NULL, THREADS + 1);
    if (argc > 1 && strcmp(argv[1], "table") == 0) {
        char *table = mmap(NULL, 8 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        for (int i = 0; i < 16; i++) table[i * 4096] = 5;   // 16 resident pages, for the division to show
        keep[THREADS + 2] = table;
    }
    char *big = malloc(4 << 20);         // above the mmap threshold: its own mapping
    memset(big, 3, 4 << 20);
    keep[THREADS] = big;
    char *small = malloc(200 * 1024 - 64);
    memset(small, 4, 200 * 1024 - 64);
    keep[THREADS + 1] = small;
    if (argc > 1 && strcmp(argv[1], "merge") == 0) {
        for (int i = THREADS; i < THREADS + 2; i++) {   // each mmapped chunk: header 16 bytes before, size in it
            char *chunk = (char *)keep[i] - 16;
            size_t size = ((size_t *)chunk)[1] & ~(size_t)7;
            madvise(chunk, size, MADV_NOHUGEPAGE);
        }
    }
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    pthread_barrier_wait(&ready);
    printf("ready\n");
    fflush(stdout);
    for (;;) pause();
}
