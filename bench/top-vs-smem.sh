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
rm -rf src/*/obj/Release/net10.0/linux-x64   # a self-contained publish (tests/fixtures/vm) leaves objects this one must not reuse
dotnet publish src/Memlens.Cli -c Release -o "$out/memlens" -p:PublishReadyToRun=true -r linux-x64 --self-contained false -v quiet -nologo >/dev/null
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
  "$out/memlens/memlens top --json" >/dev/null
python3 - "$out/top-vs-smem.json" <<'PY'
import json, sys
r = {x["command"].split()[0].split("/")[-1]: x for x in json.load(open(sys.argv[1]))["results"]}
smem, raw, ml = r["smem"]["mean"], r["bash"]["mean"], r["memlens"]["mean"]
for name, x in r.items():
    print(f"{name:8s} mean {x['mean']*1000:8.1f} ms ± {x['stddev']*1000:6.1f} ms")
print(f"smem / memlens = {smem/ml:.1f}x   (target ≥ 20x)")
print(f"memlens / raw smaps_rollup reads = {ml/raw:.2f}x   (target ≤ 1.5x)")
PY
