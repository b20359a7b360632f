#!/usr/bin/env python3
"""Builds a large strace -f log by repeating a real one: each copy's addresses are shifted (0x7f… and 0x5… by
copy × 64 GiB, 0xc0… arenas by copy × 1 TiB within the hint window) so no two copies are byte-identical.
Processes in the real log end with "+++ exited/killed", so every copy is a new lifetime of the same pids.
Usage: make-strace-log.py REAL_LOG OUT_LOG TARGET_BYTES"""
import re, sys

real, out, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(real, encoding="utf-8", errors="replace").read().splitlines(keepends=True)
hexaddr = re.compile(r"0x(7f[0-9a-f]{10}|5[0-9a-f]{11})")
variants = []
for k in range(64):   # 64 distinct shifted copies, then cycled
    shift = k * (64 << 30)
    variants.append("".join(hexaddr.sub(lambda m: hex(int(m.group(1), 16) - shift), l) for l in lines).encode())
written = 0
with open(out, "wb") as f:
    i = 0
    while written < target:
        block = variants[i % len(variants)]
        f.write(block)
        written += len(block)
        i += 1
print(f"{out}: {written} bytes, {i} copies of {real} ({len(lines)} lines each)")
