#!/usr/bin/env bash
# A soak run: `memlens record` (1 s interval) on a process whose heap rises and falls, and `memlens exporter` scraped
# every second, side by side for N minutes; their own RSS is read every minute. Memory must stay flat: the figure is
# the last minute's RSS over the third minute's (after start-up has settled).
# Usage: bench/soak.sh [minutes]    (default 30; figures in docs/bench.md)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
out=bench/out
mkdir -p "$out"
exe=$(build/native.sh)
db="$out/soak.db"
rm -f "$db" "$db-wal" "$db-shm"
port=9479
# A subject with a sawtooth heap: 50 MiB allocated and freed every two seconds.
python3 -c '
import time
print("ready", flush=True)
while True:
    a = [bytearray(1 << 20) for _ in range(50)]
    time.sleep(1)
    del a
    time.sleep(1)
' > /dev/null &
subject=$!
"$exe" record "$subject" --db "$db" --interval 1s > "$out/soak-record.log" 2>&1 &
recorder=$!
"$exe" exporter --listen "127.0.0.1:$port" > "$out/soak-exporter.log" 2>&1 &
exporter=$!
trap 'kill "$subject" "$recorder" "$exporter" 2>/dev/null || true' EXIT
sleep 2
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
printf 'minute\trecord_kib\texporter_kib\n' > "$out/soak.tsv"
scrapes=0
for minute in $(seq 1 "$minutes"); do
  for _ in $(seq 60); do
    curl -sf "http://127.0.0.1:$port/metrics" > /dev/null && scrapes=$((scrapes + 1))
    sleep 1
  done
  printf '%s\t%s\t%s\n' "$minute" "$(rss "$recorder")" "$(rss "$exporter")" >> "$out/soak.tsv"
done
cat "$out/soak.tsv"
python3 - "$out/soak.tsv" "$scrapes" "$db" <<'PY'
import sqlite3, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n")[1:] if l]
third = rows[min(2, len(rows) - 1)]
last = rows[-1]
for i, name in ((1, "record"), (2, "exporter")):
    ratio = int(last[i]) / int(third[i])
    peak = max(int(r[i]) for r in rows)
    print(f"{name}: RSS minute 3 {int(third[i]) / 1024:.1f} MiB, last {int(last[i]) / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB: last / minute 3 = {ratio:.2f} {'PASS' if ratio <= 1.10 else 'FAIL'} (flat: within 10%)")
samples = sqlite3.connect(sys.argv[3]).execute("select count(*) from samples").fetchone()[0]
print(f"{sys.argv[2]} scrapes answered; {samples} samples recorded")
PY
