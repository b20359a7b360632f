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
python3 - "$out/report-vs-smaps.json" <<'PY'
import json, sys
r = {x["command"].split()[0].split("/")[-1]: x for x in json.load(open(sys.argv[1]))["results"]}
cat, pmap, ml = r["cat"]["mean"], r["pmap"]["mean"], r["memlens"]["mean"]
for name, x in r.items():
    print(f"{name:8s} mean {x['mean']*1000:8.1f} ms  ± {x['stddev']*1000:6.1f} ms  (min {x['min']*1000:.1f}, max {x['max']*1000:.1f})")
print(f"memlens / cat smaps = {ml/cat:.2f}x   (target ≤ 1.5x)")
print(f"pmap -X / memlens   = {pmap/ml:.2f}x   (target ≥ 10x)")
PY
