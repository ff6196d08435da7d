#!/bin/bash
# One restart of dora serve on a data directory kept by `dora bench --keep`, timed to GET /api/v1/health answering 200,
# with the process's CPU and the global store's restore read from dora.log (docs/BENCHMARKS.md, "The weekly reports'
# global store kept encoded"). Run it alternately with two builds on the same directory to compare them.
# Usage: restart-ab.sh JAR DATA_DIR clean|restore [JAVA_OPTIONS]   (restore deletes DATA_DIR/streams first)
#        SERVE_ARGS="--streams-config f.properties" restart-ab.sh ...   adds arguments to dora serve
set -euo pipefail
jar=$1 data=$2 mode=$3 opts=${4:--Xmx1g}
port=${PORT:-35111} kafka_port=${KAFKA_PORT:-46805}
[ "$mode" = restore ] && rm -rf "$data/streams"
start=$(date +%s%N)
# shellcheck disable=SC2086
java $opts -jar "$jar" serve --data-dir "$data" --port "$port" --kafka-port "$kafka_port" ${SERVE_ARGS:-} \
  > "$data/restart-ab.out" 2>&1 &
pid=$!
until curl -sf -o /dev/null "localhost:$port/api/v1/health"; do
  kill -0 $pid 2>/dev/null || { echo "dora serve exited; see $data/restart-ab.out" >&2; exit 1; }
  sleep 0.1
done
end=$(date +%s%N)
cpu=$(awk '{print ($14 + $15) / 100}' /proc/$pid/stat)
log="$data/logs/dora.log"
global=$(grep -E "Registering global store|GlobalStreamThread.*State transition from CREATED to RUNNING" "$log" \
  | tail -2 | cut -c12-23 | tr '\n' ' ')
kill -TERM $pid
wait $pid || true
python3 - "$mode" "$(( (end - start) / 1000000 ))" "$cpu" $global <<'PY'
import sys
def seconds(t):
    h, m, s = t.split(':')
    return int(h) * 3600 + int(m) * 60 + float(s.replace(',', '.'))
mode, millis, cpu = sys.argv[1:4]
line = f'{mode}: healthy after {int(millis) / 1000:.1f} s, {float(cpu):.1f} CPU-s'
if len(sys.argv) == 6:
    line += f', global store {seconds(sys.argv[5]) - seconds(sys.argv[4]):.2f} s'
print(line)
PY
