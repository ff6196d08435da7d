#!/usr/bin/env python3
"""CPU of a process's threads over an interval, grouped by name with digits folded (docs/BENCHMARKS.md,
"Ten million events, to the end"). Usage: threads.py PID SECONDS"""
import collections
import os
import re
import sys
import time


def snapshot(pid):
    """utime + stime (clock ticks) and name of every thread of pid."""
    threads = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            stat = open(f'/proc/{pid}/task/{tid}/stat').read()
        except OSError:
            continue  # the thread ended meanwhile
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        threads[tid] = (name, int(fields[11]) + int(fields[12]))
    return threads


def main():
    pid, seconds = sys.argv[1], float(sys.argv[2])
    ticks = os.sysconf('SC_CLK_TCK')
    before = snapshot(pid)
    time.sleep(seconds)
    after = snapshot(pid)
    groups = collections.Counter()
    for tid, (name, cpu) in after.items():
        if tid in before:
            groups[re.sub(r'\d+', 'N', name)] += cpu - before[tid][1]
    total = sum(groups.values()) or 1
    print('total CPU %.1f s over %.0f s' % (total / ticks, seconds))
    for name, cpu in groups.most_common(15):
        print('%6.1f%% %6.1f s  %s' % (100 * cpu / total, cpu / ticks, name))


if __name__ == '__main__':
    main()
