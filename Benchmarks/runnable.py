#!/usr/bin/env python3
"""How many threads of a command want a core, sampled while it runs: a measure of its parallelism
that does not depend on what else the machine runs (CPU/wall does: on a saturated host no process
gets two cores, however many threads it has ready).

usage: runnable.py [--interval SECONDS] COMMAND [ARGS...]

Every interval (default 0.01 s) it reads the state of each of the command's threads from
/proc/PID/task/*/stat and counts those in state R (running, or runnable and waiting for a core).
Prints one JSON line: samples, the mean number of runnable threads, and the share of samples with
0, 1, 2 and 3 or more runnable threads. The command's own output goes to /dev/null.
"""
import json
import os
import subprocess
import sys
import time


def runnable(pid):
    count = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return None
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        # The state follows the command name, which is in parentheses and may hold spaces.
        if stat[stat.rindex(")") + 2] == "R":
            count += 1
    return count


def main():
    args = sys.argv[1:]
    interval = 0.01
    if args[:1] == ["--interval"]:
        interval, args = float(args[1]), args[2:]
    if not args:
        sys.exit(__doc__)
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    histogram = [0, 0, 0, 0]
    total = samples = 0
    while proc.poll() is None:
        n = runnable(proc.pid)
        if n is not None and proc.poll() is None:
            histogram[min(n, 3)] += 1
            total += n
            samples += 1
        time.sleep(interval)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(args)}")
    print(json.dumps({"samples": samples, "mean_runnable": round(total / max(samples, 1), 2),
                      "share": {k: round(v / max(samples, 1), 3) for k, v in zip(["0", "1", "2", "3+"], histogram)}}))


if __name__ == "__main__":
    main()
