#!/usr/bin/env bash
# Times `memlens report PID --json` against `cat /proc/PID/smaps` (the kernel's own cost of producing smaps) and
# `pmap -X PID`, in the same run, on a process with 60,000 mappings that this script starts. Prints the ratios.
# Usage: bench/report-vs-smaps.sh [mappings]    (needs gcc, hyperfine, pmap; installs hyperfine if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-60000}
out=bench/out
mkdir -p "$out"
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
gcc -O2 -o "$out/many-maps" bench/many-maps.c
# The native executable (NativeAOT), as ./memlens runs it.
mkdir -p "$out/memlens" && ln -sf "$(build/native.sh)" "$out/memlens/memlens"
coproc SUBJECT { exec "$out/many-maps" "$n" 2>/dev/null; }
read -r ready <&"${SUBJECT[0]}"
pid=$SUBJECT_PID
trap 'kill $pid 2>/dev/null || true' EXIT
echo "subject pid $pid: $ready; $(wc -l < /proc/$pid/maps) mappings"
hyperfine -N --warmup 3 --runs 15 --export-json "$out/report-vs-smaps.json" \
  "cat /proc/$pid/smaps" \
  "pmap -X $pid" \
  "$out/memlens/memlens report $pid --json" >/dev/null
smaps_bytes=$(wc -c < /proc/$pid/smaps)
/usr/bin/time -f "%M" -o "$out/report-rss.txt" "$out/memlens/memlens" report "$pid" --json > /dev/null
# An ordinary process (this script's sleep, a few dozen mappings), and the runtime's own start (a command that reads nothing).
sleep 600 & small=$!
trap 'kill $pid $small 2>/dev/null || true' EXIT
hyperfine -N --warmup 3 --runs 30 --export-json "$out/report-small.json" \
  "pmap -X $small" \
  "$out/memlens/memlens report $small" \
  "$out/memlens/memlens explain HeapIdle" >/dev/null
python3 - "$out/report-vs-smaps.json" "$out/report-small.json" "$smaps_bytes" "$(cat "$out/report-rss.txt")" "$(wc -l < /proc/$small/maps)" <<'PY'
import json, sys
verdict = lambda ok: "PASS" if ok else "FAIL"
r = {x["command"].split()[0].split("/")[-1]: x for x in json.load(open(sys.argv[1]))["results"]}
cat, pmap, ml = r["cat"]["mean"], r["pmap"]["mean"], r["memlens"]["mean"]
for name, x in r.items():
    print(f"{name:8s} mean {x['mean']*1000:8.1f} ms  ± {x['stddev']*1000:6.1f} ms  (min {x['min']*1000:.1f}, max {x['max']*1000:.1f})")
print(f"memlens / cat smaps = {ml/cat:.2f}x   (target ≤ 1.5x) {verdict(ml/cat <= 1.5)}")
print(f"pmap -X / memlens   = {pmap/ml:.2f}x   (target ≥ 10x) {verdict(pmap/ml >= 10)}; floor: pmap -X / cat smaps = {pmap/cat:.2f}x (no reader of smaps can be faster than the kernel writing it)")
smaps, rss = int(sys.argv[3]), int(sys.argv[4]) * 1024
print(f"peak RSS {rss/2**20:.0f} MiB for {smaps/2**20:.0f} MiB of smaps = {rss/smaps:.2f}x   (target ≤ 1.5x) {verdict(rss <= 1.5 * smaps)}")
s = {("explain" if "explain" in x["command"] else x["command"].split()[0].split("/")[-1]): x for x in json.load(open(sys.argv[2]))["results"]}
p, m, start = s["pmap"]["mean"], s["memlens"]["mean"], s["explain"]["mean"]
print(f"ordinary process ({sys.argv[5].strip()} mappings): pmap -X {p*1000:.1f} ms, memlens report {m*1000:.1f} ms = {m/p:.2f}x   (target ≤ 1x) {verdict(m <= p)}; floor: the runtime's start (memlens explain HeapIdle) {start*1000:.1f} ms")
PY
