"""N canonical CI build events as NDJSON, oldest first: 50 services in 9 teams, two pipelines, 60 % of builds on
main, 88 % passing, 2 % cancelled, coverage on 30 %; deterministic. Usage: builds.py N FILE"""
import datetime as dt
import json
import random
import sys

n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
base = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def iso(t):
    return t.strftime('%Y-%m-%dT%H:%M:%SZ')


with open(path, 'w') as out:
    for i in range(n):
        start = base + dt.timedelta(seconds=i * 150 + rng.randint(0, 60))
        finish = start + dt.timedelta(seconds=rng.randint(120, 1500))
        event = {"type": "build", "id": f"b-{i}", "service": f"svc-{i % 50}", "team": f"team-{(i % 50) // 6}",
                 "occurredAt": iso(finish), "startedAt": iso(start), "finishedAt": iso(finish),
                 "status": rng.choices(['success', 'failure', 'cancelled'], [88, 10, 2])[0],
                 "branch": "main" if rng.random() < 0.6 else f"feature-{rng.randint(1, 40)}",
                 "sha": "%040x" % rng.getrandbits(160), "pipeline": "ci" if rng.random() < 0.8 else "e2e"}
        if rng.random() < 0.3:
            event["coverage"] = round(rng.uniform(0.5, 0.95), 3)
        out.write(json.dumps(event) + "\n")
