// Test subject for merged VMAs: a 32 MiB malloc (an mmapped chunk), then a 132 KiB anonymous mapping made after it,
// which mmap places right below the chunk, so the kernel merges the two into one VMA with the chunk at its top.
// Prints "ready <chunk address> <mapping address>", then sleeps until killed.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
    char *chunk = malloc(32 << 20);
    memset(chunk, 1, 32 << 20);
    char *below = mmap(NULL, 132 << 10, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (below == MAP_FAILED) { perror("mmap"); return 1; }
    memset(below, 2, 132 << 10);
    printf("ready %p %p\n", (void *)chunk, (void *)below);
    fflush(stdout);
    for (;;) pause();
}
