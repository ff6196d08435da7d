#!/usr/bin/env python3
"""Cold weekly series of the organisation against a running dora serve, as `dora bench` asks them
(docs/BENCHMARKS.md, "A series' periods kept"): request i covers the history but for i % 40 days at its start and
i // 40 at its end, so no request is asked twice. Prints the latency's p50 and p99 and dora's CPU per request.

Usage: cold-series.py PORT PID FIRST_DAY LAST_DAY [REQUESTS=600] [CLIENTS=16] [SKIP=0]
  FIRST_DAY, LAST_DAY: the history's first day and the day after its last (ISO dates), as the bench's start and end
  SKIP: requests to leave out at the start (another round on the same server asks new windows)
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
    port, pid = int(sys.argv[1]), int(sys.argv[2])
    first = datetime.date.fromisoformat(sys.argv[3])
    end = datetime.date.fromisoformat(sys.argv[4])
    requests = int(sys.argv[5]) if len(sys.argv) > 5 else 600
    clients = int(sys.argv[6]) if len(sys.argv) > 6 else 16
    skip = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    urls = [f"/api/v1/metrics/series?granularity=week&from={first + datetime.timedelta(days=i % 40)}"
            f"&to={end - datetime.timedelta(days=i // 40)}" for i in range(skip, skip + requests)]
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
