"""One service's history for the newest-first measurement: COMMITS commits on one line (a minute apart from
2026-01-01), then DEPLOYMENTS production deployments spread along them, in two files: DIR/commits.ndjson and
DIR/newest.ndjson / DIR/oldest.ndjson (the same deployments, newest or oldest first). Deterministic.
Usage: newest-first.py COMMITS DEPLOYMENTS DIR"""
import datetime as dt
import hashlib
import json
import sys

commits, deployments, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
t0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def iso(t):
    return t.strftime('%Y-%m-%dT%H:%M:%SZ')


def sha(name):
    return hashlib.sha1(name.encode()).hexdigest()


with open(f'{out}/commits.ndjson', 'w') as f:
    for i in range(commits):
        at = iso(t0 + dt.timedelta(minutes=i))
        f.write(json.dumps({"type": "change", "id": sha(f"c{i}"), "service": "nf", "team": "team-nf",
                            "occurredAt": at, "sha": sha(f"c{i}"), "parents": [] if i == 0 else [sha(f"c{i - 1}")],
                            "committedAt": at, "labels": []}) + "\n")
deploys = []
for d in range(1, deployments + 1):
    at = commits * d // deployments - 1
    finished = t0 + dt.timedelta(minutes=at + 10)
    deploys.append({"type": "deployment", "id": f"nf-d{d}", "service": "nf", "team": "team-nf",
                    "occurredAt": iso(finished), "environment": "production", "status": "success",
                    "sha": sha(f"c{at}"), "startedAt": iso(finished - dt.timedelta(minutes=5)),
                    "finishedAt": iso(finished)})
for name, order in (("newest", list(reversed(deploys))), ("oldest", deploys)):
    with open(f'{out}/{name}.ndjson', 'w') as f:
        f.writelines(json.dumps(d) + "\n" for d in order)
