#!/usr/bin/env bash
# Replays a ≥1 GB strace -f log (a real log of tests/subjects/threads.c, repeated with shifted addresses) and
# compares with `wc -l` on the same file, in the same run. Prints throughputs, the ratio, and memlens's peak RSS.
# Usage: bench/strace-replay.sh [bytes]     (needs gcc, strace, hyperfine, python3; installs strace/hyperfine if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1100000000}
out=bench/out
mkdir -p "$out"
command -v strace >/dev/null && command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq strace hyperfine >/dev/null; }
gcc -O1 -pthread -o "$out/threads" tests/subjects/threads.c
strace -f -tt -T -y -o "$out/real.log" timeout 1 "$out/threads" >/dev/null 2>&1 || true
python3 bench/make-strace-log.py "$out/real.log" "$out/big.log" "$size"
# The native executable (NativeAOT), as ./memlens runs it.
mkdir -p "$out/memlens" && ln -sf "$(build/native.sh)" "$out/memlens/memlens"
cat "$out/big.log" > /dev/null   # both commands read from the page cache
hyperfine -N --warmup 1 --runs 5 --export-json "$out/strace-replay.json" \
  "wc -l $out/big.log" \
  "$out/memlens/memlens strace $out/big.log --json" >/dev/null
/usr/bin/time -f "%M" -o "$out/strace-rss.txt" "$out/memlens/memlens" strace "$out/big.log" --json > /dev/null
# The floor of this design: the same log without its address-space calls, so memlens only splits lines and names each
# call (what any strace reader must do) and replays nothing. Its ratio to wc -l bounds what the full run can reach.
grep -vE '(^|[] ])(mmap2?|munmap|mprotect|mremap|brk|madvise|clone3?|execve)\(|<\.\.\. (mmap2?|munmap|mprotect|mremap|brk|madvise|clone3?|execve) resumed' "$out/big.log" > "$out/skip.log" || true
cat "$out/skip.log" > /dev/null
hyperfine -N --warmup 1 --runs 5 --export-json "$out/strace-skip.json" \
  "wc -l $out/skip.log" \
  "$out/memlens/memlens strace $out/skip.log --json" >/dev/null 2>&1 || true
half=$((size / 2))
python3 bench/make-strace-log.py "$out/real.log" "$out/half.log" "$half" >/dev/null
/usr/bin/time -f "%M" -o "$out/strace-rss-half.txt" "$out/memlens/memlens" strace "$out/half.log" --json > /dev/null
python3 - "$out/strace-replay.json" "$(stat -c %s "$out/big.log")" "$(cat "$out/strace-rss.txt")" "$(cat "$out/strace-rss-half.txt")" "$out/strace-skip.json" <<'PY'
import json, os, sys
res = {x["command"].split()[0].split("/")[-1]: x for x in json.load(open(sys.argv[1]))["results"]}
size = int(sys.argv[2]); rss, rss_half = int(sys.argv[3]), int(sys.argv[4])
for name, x in res.items():
    print(f"{name:8s} mean {x['mean']:.3f} s ± {x['stddev']:.3f}  = {size / x['mean'] / 1e6:,.0f} MB/s")
ratio = res["wc"]["mean"] / res["memlens"]["mean"]
print(f"memlens throughput / wc -l throughput = {ratio:.3f}   (target ≥ 0.33) {'PASS' if ratio >= 0.33 else 'FAIL'}")
print(f"memlens peak RSS: {rss/1024:.0f} MiB on {size/1e9:.2f} GB, {rss_half/1024:.0f} MiB on half of it")
if os.path.exists(sys.argv[5]):
    skip = {x["command"].split()[0].split("/")[-1]: x for x in json.load(open(sys.argv[5]))["results"]}
    if "memlens" in skip:
        print(f"floor (no address-space calls: lines split and named only): memlens / wc -l = {skip['wc']['mean'] / skip['memlens']['mean']:.3f}")
PY
rm -f "$out/big.log" "$out/half.log" "$out/skip.log"
