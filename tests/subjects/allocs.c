// Test subject for other allocators: 4 threads each malloc 2,000 blocks of 16 KiB and one of 2 MiB, touch them, and
// keep them. Run as is (glibc), with LD_PRELOAD of tcmalloc or mimalloc, or built with musl-gcc.
// Prints "ready" once every thread has allocated, then sleeps until killed.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define THREADS 4
#define BLOCKS 2000
static pthread_barrier_t ready;
void *volatile keep[THREADS][BLOCKS + 1];

static void *worker(void *arg) {
    long t = (long)arg;
    for (int i = 0; i < BLOCKS; i++) {
        keep[t][i] = malloc(16 * 1024);
        memset(keep[t][i], 1, 16 * 1024);
    }
    keep[t][BLOCKS] = malloc(2 << 20);
    memset(keep[t][BLOCKS], 2, 2 << 20);
    pthread_barrier_wait(&ready);
    for (;;) pause();
    return NULL;
}

int main(void) {
    pthread_barrier_init(&ready, NULL, THREADS + 1);
    pthread_t th[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, worker, (void *)i);
    pthread_barrier_wait(&ready);
    printf("ready\n");
    fflush(stdout);
    for (;;) pause();
}
