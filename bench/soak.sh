#!/usr/bin/env bash
# A soak run: `memlens record` (1 s interval) on a process whose heap rises and falls, `memlens exporter` scraped
# every second, and `memlens serve` with that process's live page polled every second (as the page does) and its
# process list every five, side by side for N minutes; their own RSS is read every minute. Memory must stay flat: the
# figure is the median RSS of the last third of the run over that of minutes 3-10 (in a shorter run, 3 to the middle).
# Halfway through, a process of 60,000 mappings runs for a minute, as a large process comes and goes on a real
# machine: the exporter and serve analyse it (it is among the largest) and must give that memory back after.
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
serve_port=7479
[ -x "$out/many-maps" ] || gcc -O2 -o "$out/many-maps" bench/many-maps.c
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
"$exe" serve --listen "127.0.0.1:$serve_port" > "$out/soak-serve.log" 2>&1 &
server=$!
large=
trap 'kill "$subject" "$recorder" "$exporter" "$server" ${large:+"$large"} 2>/dev/null || true' EXIT
sleep 2
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
printf 'minute\trecord_kib\texporter_kib\tserve_kib\n' > "$out/soak.tsv"
scrapes=0
for minute in $(seq 1 "$minutes"); do
  for second in $(seq 60); do
    curl -sf "http://127.0.0.1:$port/metrics" > /dev/null && scrapes=$((scrapes + 1))
    curl -sf "http://127.0.0.1:$serve_port/api/process/$subject" > /dev/null || true
    if [ $((second % 5)) -eq 0 ]; then curl -sf "http://127.0.0.1:$serve_port/api/top" > /dev/null || true; fi
    sleep 1
  done
  printf '%s\t%s\t%s\t%s\n' "$minute" "$(rss "$recorder")" "$(rss "$exporter")" "$(rss "$server")" >> "$out/soak.tsv"
  if [ "$minute" -eq $((minutes / 2)) ]; then "$out/many-maps" 60000 > /dev/null & large=$!; fi
  if [ "$minute" -eq $((minutes / 2 + 1)) ]; then kill "$large" 2>/dev/null || true; fi
done
cat "$out/soak.tsv"
python3 - "$out/soak.tsv" "$scrapes" "$db" <<'PY'
import sqlite3, statistics, sys
rows = [[int(x) for x in l.split("\t")] for l in open(sys.argv[1]).read().split("\n")[1:] if l]
# Medians, not single readings: a collected heap's RSS is a sawtooth, and a sweep of the machine (the exporter, serve's
# list) grows with what the machine runs at that minute. Early: minutes 3-10 (start-up settled, before the large
# process of the middle minute); late: the last third (after it).
early = rows[2:min(10, len(rows) // 2)] or rows
late = rows[-max(1, len(rows) // 3):]
for i, name in ((1, "record"), (2, "exporter"), (3, "serve")):
    a, b = statistics.median(r[i] for r in early), statistics.median(r[i] for r in late)
    peak = max(r[i] for r in rows)
    print(f"{name}: median RSS minutes 3-10 {a / 1024:.1f} MiB, last third {b / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB: "
          f"late / early = {b / a:.2f} {'PASS' if b / a <= 1.10 else 'FAIL'} (flat: within 10%)")
samples = sqlite3.connect(sys.argv[3]).execute("select count(*) from samples").fetchone()[0]
print(f"{sys.argv[2]} scrapes answered; {samples} samples recorded")
PY
