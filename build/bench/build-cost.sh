#!/bin/bash
# The cost of a CI build event in a whole running dora (embedded broker, pipeline with exactly-once, API):
# CPU seconds of the `dora serve` process and bytes added to its data directory, per build, for N generated builds
# (build/bench/builds.py) imported straight to Kafka. Usage: build/bench/build-cost.sh [N] (default 100000).
# Needs launcher/target/dora.jar (./dora builds it) and python3; uses ports 18792-18794 and a temporary directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); jar="$here/../../launcher/target/dora.jar"
n=${1:-100000}; work=$(mktemp -d); data="$work/data"; events="$work/builds.ndjson"
python3 "$here/builds.py" "$n" "$events"
java -jar "$jar" serve --data-dir "$data" --port 18792 --kafka-port 18793 > "$work/serve.out" 2>&1 &
serve=$!
trap 'kill $serve 2>/dev/null || true; wait $serve 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -sf localhost:18792/api/v1/health > /dev/null 2>&1; do sleep 1; done
sleep 10
pid=$(pgrep -f -- "--data-dir $data" | head -1)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
disk() { du -s -B1 "$data" | cut -f1; }   # blocks in use: Kafka preallocates its index files sparsely
c0=$(cpu); b0=$(disk); s0=$(du -s -B1 "$data/streams" | cut -f1); t0=$(date +%s.%N)
java -jar "$jar" import events "$events" --bootstrap-servers localhost:18793 > "$work/import.out"
t1=$(date +%s.%N)
settled=0   # every answer final: nothing pending twice in a row
while [ $settled -lt 2 ]; do
  pending=$(curl -s localhost:18792/api/v1/health | python3 -c "import json,sys; print(json.load(sys.stdin)['pendingRecords'])")
  if [ "$pending" = "0" ]; then settled=$((settled + 1)); else settled=0; fi
  sleep 0.5
done
t2=$(date +%s.%N)
sleep 5
c1=$(cpu); b1=$(disk)
python3 - "$n" "$c0" "$c1" "$(getconf CLK_TCK)" "$b0" "$b1" "$t0" "$t1" "$t2" <<'PY'
import sys
n, c0, c1, tck, b0, b1, t0, t1, t2 = (float(a) for a in sys.argv[1:])
cpu = (c1 - c0) / tck
print(f"builds {n:.0f}: import {t1 - t0:.1f} s, every answer final after {t2 - t0:.1f} s ({n / (t2 - t0):,.0f} builds/s)")
print(f"dora serve CPU {cpu:.1f} s = {cpu / n * 1e6:.0f} us per build; data directory +{(b1 - b0) / 1e6:.1f} MB "
      f"= {(b1 - b0) / n:.0f} B per build")
PY
echo "Kafka, per topic:"
for d in "$data"/kafka/*-[0-9]*/; do b=$(basename "$d"); echo "$(du -s -B1 "$d" | cut -f1) ${b%-*}"; done \
  | awk -v n="$n" '{s[$2] += $1} END {for (k in s) if (s[k] > 1e6) printf "%8.1f MB %5.0f B/build  %s\n", s[k] / 1e6, s[k] / n, k}' \
  | sort -rn
echo "Kafka Streams state: +$(du -s -B1 "$data/streams" | cut -f1 | awk -v n="$n" -v s0="$s0" '{printf "%.1f MB, %.0f B/build", ($1 - s0) / 1e6, ($1 - s0) / n}')"
