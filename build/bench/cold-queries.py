#!/usr/bin/env python3
"""Cold questions against a running dora serve, none asked twice (docs/BENCHMARKS.md, "A series' periods kept").
Prints the latency's p50 and p99 and dora's CPU per request.

  weekly:      the organisation's weekly series as `dora bench` asks them cold: request i covers the history but for
               i % 40 days at its start and i // 40 at its end
  deployments: a service's deployment list (limit 100) of the bench's services svc-0001 ... svc-1000 in turn, over
               the history less a day more at its start each round over the services

Usage: cold-queries.py weekly|deployments PORT PID FIRST_DAY LAST_DAY [REQUESTS=600] [CLIENTS=16] [SKIP=0]
  FIRST_DAY, LAST_DAY: the history's first day and the day after its last (ISO dates), as the bench's start and end
  SKIP: requests to leave out at the start (another round on the same server asks new questions)
"""
import datetime
import http.client
import sys
import threading
import time


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks of 1/100 s


def main():
    kind, port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    first = datetime.date.fromisoformat(sys.argv[4])
    end = datetime.date.fromisoformat(sys.argv[5])
    requests = int(sys.argv[6]) if len(sys.argv) > 6 else 600
    clients = int(sys.argv[7]) if len(sys.argv) > 7 else 16
    skip = int(sys.argv[8]) if len(sys.argv) > 8 else 0
    day = datetime.timedelta(days=1)
    if kind == "weekly":
        urls = [f"/api/v1/metrics/series?granularity=week&from={first + i % 40 * day}&to={end - i // 40 * day}"
                for i in range(skip, skip + requests)]
    elif kind == "deployments":
        urls = [f"/api/v1/deployments?service=svc-{i % 1000 + 1:04d}&from={first + i // 1000 * day}&to={end}"
                "&limit=100" for i in range(skip, skip + requests)]
    else:
        raise SystemExit(f"not a kind: {kind} (weekly or deployments)")
    latencies, lock, queue = [], threading.Lock(), list(reversed(urls))

    def client():
        connection = http.client.HTTPConnection("localhost", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    return
                url = queue.pop()
            started = time.perf_counter()
            connection.request("GET", url)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise SystemExit(f"{url}: {response.status} {body[:200]!r}")
            with lock:
                latencies.append(time.perf_counter() - started)

    cpu_before, wall_before = cpu_seconds(pid), time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu, wall = cpu_seconds(pid) - cpu_before, time.perf_counter() - wall_before
    latencies.sort()

    def quantile(q):
        return latencies[max(0, int(q * len(latencies) + 0.999999) - 1)] * 1000

    print(f"{len(latencies)} requests in {wall:.1f} s, {clients} clients: p50 {quantile(0.5):.0f} ms, "
          f"p99 {quantile(0.99):.0f} ms; dora CPU {cpu * 1000 / len(latencies):.1f} ms per request")


if __name__ == "__main__":
    main()
