// Test subject for memlens history: prints "ready", then mallocs and touches 1 MiB every 50 ms and never frees it
// (a steady native leak, 20 MiB/s), up to 512 MiB; then sleeps until killed.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    printf("ready\n");
    fflush(stdout);
    for (int i = 0; i < 512; i++) {
        char *p = malloc(1 << 20);
        memset(p, 1, 1 << 20);
        usleep(50000);
    }
    for (;;) pause();
}
