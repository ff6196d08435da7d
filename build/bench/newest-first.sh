#!/bin/bash
# What deployments arriving newest first after their commits cost a whole running dora (embedded broker, pipeline
# with exactly-once, API, -Xmx1g): 20,000 commits of one service on one line are imported and processed first, then
# 200 deployments along them are posted newest first (or oldest first); measured until the service's metrics show
# every deployment and lead-time sample and nothing is pending: the CPU seconds of the `dora serve` process and the
# wall clock. Usage: build/bench/newest-first.sh [newest|oldest] [JAR] (defaults: newest, launcher/target/dora.jar).
# Needs python3 and curl; uses ports 18491-18492 and a temporary directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
order=${1:-newest}; jar=${2:-"$here/../../launcher/target/dora.jar"}
work=$(mktemp -d); data="$work/data"; port=18491
python3 "$here/newest-first.py" 20000 200 "$work"
java -Xmx1g -jar "$jar" serve --data-dir "$data" --port $port --kafka-port 18492 > "$work/serve.out" 2>&1 &
serve=$!
trap 'kill $serve 2>/dev/null || true; wait $serve 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -sf localhost:$port/api/v1/health > /dev/null 2>&1; do sleep 1; done
pid=$(pgrep -f -- "--data-dir $data" | head -1)
pending() { curl -s localhost:$port/api/v1/health | python3 -c 'import json,sys; print(json.load(sys.stdin)["pendingRecords"])'; }
final() {
  curl -s "localhost:$port/api/v1/metrics?service=nf&from=2026-01-01&to=2026-01-20" | python3 -c '
import json, sys
m = json.load(sys.stdin)
sys.exit(0 if m["deploymentFrequency"]["deployments"] == 200 and m["leadTime"]["samples"] == 19900 else 1)' \
    2>/dev/null && [ "$(pending)" = "0" ]
}
java -jar "$jar" import events "$work/commits.ndjson" --url http://localhost:$port > "$work/import1.out"
until [ "$(pending)" = "0" ]; do sleep 1; done
sleep 5
c0=$(awk '{print $14 + $15}' "/proc/$pid/stat"); t0=$(date +%s%N)
java -jar "$jar" import events "$work/$order.ndjson" --url http://localhost:$port --max-lag 0 > "$work/import2.out"
until final; do
  sleep 0.2
  if (( ($(date +%s%N) - t0) / 1000000000 > 300 )); then echo "not final after 300 s" >&2; exit 1; fi
done
t1=$(date +%s%N); c1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
echo "200 deployments $order first after 20,000 commits: $(( (t1 - t0) / 1000000 )) ms wall," \
  "$(( (c1 - c0) * 10 )) ms of dora's CPU (load $(cut -d' ' -f1 /proc/loadavg))"
