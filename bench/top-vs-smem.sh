#!/usr/bin/env bash
# Times `memlens top --json` against `smem` and against reading every process's smaps_rollup (the raw cost of the
# sweep), in the same run, with a few hundred extra processes started for the purpose. Prints the ratios.
# Usage: bench/top-vs-smem.sh [extra-processes]    (installs smem and hyperfine if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-300}
out=bench/out
mkdir -p "$out"
command -v smem >/dev/null && command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq smem hyperfine >/dev/null; }
# The native executable (NativeAOT), as ./memlens runs it.
mkdir -p "$out/memlens" && ln -sf "$(build/native.sh)" "$out/memlens/memlens"
pids=()
for _ in $(seq "$n"); do sleep 600 & pids+=($!); done
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
echo "$(ls -d /proc/[0-9]* | wc -l) processes"
cat > "$out/raw-rollups.sh" <<'SH'
cat /proc/[0-9]*/smaps_rollup > /dev/null 2>&1
true
SH
hyperfine -N --warmup 2 --runs 10 --export-json "$out/top-vs-smem.json" \
  "smem -t" \
  "bash $out/raw-rollups.sh" \
  "$out/memlens/memlens top --json" \
  "$out/memlens/memlens top --json --interval 1ms --count 11" >/dev/null
python3 - "$out/top-vs-smem.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
name = lambda c: "memlens x11" if "--count 11" in c else c.split()[0].split("/")[-1]
r = {name(x["command"]): x for x in results}
smem, raw, ml, ml11 = r["smem"]["mean"], r["bash"]["mean"], r["memlens"]["mean"], r["memlens x11"]["mean"]
for n, x in r.items():
    print(f"{n:12s} mean {x['mean']*1000:8.1f} ms ± {x['stddev']*1000:6.1f} ms")
verdict = lambda ok: "PASS" if ok else "FAIL"
print(f"smem / memlens = {smem/ml:.1f}x   (target ≥ 20x) {verdict(smem/ml >= 20)}; floor: smem / raw smaps_rollup reads = {smem/raw:.1f}x (no sweep can be faster than reading every rollup)")
print(f"memlens / raw smaps_rollup reads = {ml/raw:.2f}x   (target ≤ 1.5x) {verdict(ml/raw <= 1.5)}")
# A resident top pays start-up and first use once: each further sweep costs (11 sweeps − 1 sweep) / 10.
warm = (ml11 - ml) / 10
print(f"resident (--interval): one more sweep {warm*1000:.1f} ms -> smem / sweep = {smem/warm:.1f}x, sweep / raw = {warm/raw:.2f}x")
PY
