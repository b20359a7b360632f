// Benchmark subject: a process with N separate mappings (default 60,000). It reserves one PROT_NONE block and
// makes every other page read-write and touches it, so no two neighbours can merge. Prints "ready", then sleeps.
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 60000;
    long page = sysconf(_SC_PAGESIZE);
    char *base = mmap(NULL, (size_t)n * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) { perror("mmap"); return 1; }
    for (long i = 0; i < n; i += 2) {
        if (mprotect(base + i * page, page, PROT_READ | PROT_WRITE) != 0) { perror("mprotect"); return 1; }
        base[i * page] = 1;
    }
    printf("ready %ld\n", n);
    fflush(stdout);
    for (;;) pause();
}
