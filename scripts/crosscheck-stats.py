#!/usr/bin/env python3
"""Cross-check CaseloadAnalytics' statistics against independent implementations.

Generates seeded pain-like series (integer and half-point ties, calendar gaps, steps,
trends, flat stretches), computes reference values with
  - scipy.stats.theilslopes(y, x).slope                   (Theil-Sen slope)
  - pymannkendall.original_test(y)                          (S, Var(S), z, p)
  - ruptures.Pelt(model="l2", min_size=7, jump=1).fit(y).predict(pen=...)   (change points)
and writes inputs + references to Tests/CaseloadAnalyticsTests/Fixtures/stats-reference.json.

The Swift test StatisticsCrossCheckTests asserts agreement (1e-9 for slopes, S and
variance, 1e-6 for z and p, exact change points). The script then runs that test with
CASELOAD_CROSSCHECK_DUMP set, reads the values Swift computed and prints how many cases
agreed (skip this with --write-only). Exit status 0 only when all agree.

    pip install -r scripts/requirements-crosscheck.txt
    python3 scripts/crosscheck-stats.py [--write-only] [--seed N --cases N]
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import pymannkendall
import ruptures
import scipy
from scipy.stats import theilslopes

SEED = 20261123
CASES = 240
PENALTIES = [2.0, 5.0, 12.0]
MIN_SEGMENT = 7
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(ROOT, "Tests", "CaseloadAnalyticsTests", "Fixtures", "stats-reference.json")
KINDS = ["noise", "trend", "step", "two-steps", "integer-ties", "half-point-ties", "flat", "gappy-trend"]


def make_series(rng, kind, n):
    """Pain-like values on 0-10 and day positions with gaps."""
    gaps = rng.choice([1, 1, 1, 2, 3], size=n) if kind in ("gappy-trend", "integer-ties", "step") else np.ones(n, int)
    x = np.cumsum(gaps) - gaps[0]
    base = rng.uniform(2, 8)
    if kind == "noise":
        y = base + rng.normal(0, 1, n)
    elif kind in ("trend", "gappy-trend"):
        y = base + rng.uniform(-0.15, 0.15) * x + rng.normal(0, 0.8, n)
    elif kind == "step":
        k = int(rng.integers(1, n))
        y = base + np.where(np.arange(n) >= k, rng.uniform(-3, 3), 0) + rng.normal(0, 0.6, n)
    elif kind == "two-steps":
        a, b = sorted(rng.choice(np.arange(1, n), size=2, replace=False))
        y = base + np.where(np.arange(n) >= a, -1.5, 0) + np.where(np.arange(n) >= b, -1.5, 0) + rng.normal(0, 0.5, n)
    elif kind == "integer-ties":
        y = np.round(base + rng.normal(0, 1.2, n) - 0.03 * x)
    elif kind == "half-point-ties":
        y = np.round(2 * (base + rng.normal(0, 1, n))) / 2
    else:  # flat: mostly one value with rare blips
        y = np.full(n, round(base)) + (rng.random(n) < 0.15) * rng.choice([-1, 1], size=n)
    y = np.clip(y, 0, 10)
    if kind not in ("integer-ties", "half-point-ties", "flat"):
        y = np.round(y, 2)  # pain apps store two decimals at most
    return [float(v) for v in x], [float(v) for v in y]


def reference(x, y):
    case = {"x": x, "y": y}
    case["theilSenSlope"] = float(theilslopes(y, x).slope)
    mk = pymannkendall.original_test(np.array(y))
    case["mannKendall"] = {"s": float(mk.s), "variance": float(mk.var_s), "z": float(mk.z), "p": float(mk.p)}
    case["pelt"] = []
    if len(y) >= MIN_SEGMENT:
        signal = np.array(y).reshape(-1, 1)
        for pen in PENALTIES:
            bkps = ruptures.Pelt(model="l2", min_size=MIN_SEGMENT, jump=1).fit(signal).predict(pen=pen)
            case["pelt"].append({"penalty": pen, "minSegment": MIN_SEGMENT, "ends": [int(b) for b in bkps]})
    return case


def generate(seed=SEED, count=CASES):
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        n = int(rng.integers(8, 121))
        x, y = make_series(rng, kind, n)
        case = reference(x, y)
        case["name"] = f"{i:03d}-{kind}-n{n}"
        cases.append(case)
    # Hand-picked edge cases.
    for name, y in [("all-tied", [4.0] * 15), ("two-values", [3.0, 5.0]), ("strict-rise", [float(v) for v in range(20)]),
                    ("strict-fall", [float(20 - v) for v in range(20)]), ("exact-step", [5.0] * 10 + [2.0] * 10)]:
        case = reference([float(i) for i in range(len(y))], y)
        case["name"] = name
        cases.append(case)
    return {
        "generator": "scripts/crosscheck-stats.py",
        "seed": seed,
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "ruptures": ruptures.__version__,
                     "pymannkendall": pymannkendall.__version__ if hasattr(pymannkendall, "__version__") else "1.4.3"},
        "cases": cases,
    }


def compare(reference_data, swift):
    by_name = {c["name"]: c for c in swift["cases"]}
    counts = {"theil-sen": [0, 0], "mann-kendall": [0, 0], "pelt": [0, 0]}
    for case in reference_data["cases"]:
        got = by_name.get(case["name"])
        counts["theil-sen"][1] += 1
        counts["mann-kendall"][1] += 1
        counts["pelt"][1] += len(case["pelt"])
        if got is None:
            continue
        if got["theilSenSlope"] is not None and abs(got["theilSenSlope"] - case["theilSenSlope"]) <= 1e-9:
            counts["theil-sen"][0] += 1
        r, g = case["mannKendall"], got["mannKendall"]
        if (abs(r["s"] - g["s"]) <= 1e-9 and abs(r["variance"] - g["variance"]) <= 1e-9
                and abs(r["z"] - g["z"]) <= 1e-6 and abs(r["p"] - g["p"]) <= 1e-6):
            counts["mann-kendall"][0] += 1
        else:
            print(f"  mann-kendall differs: {case['name']}: {r} vs {g}")
        for ref, mine in zip(case["pelt"], got["pelt"]):
            if ref["ends"] == mine["ends"]:
                counts["pelt"][0] += 1
            else:
                print(f"  pelt differs: {case['name']} pen={ref['penalty']}: {ref['ends']} vs {mine['ends']}")
    total_ok = sum(v[0] for v in counts.values())
    total = sum(v[1] for v in counts.values())
    for key, (ok, n) in counts.items():
        print(f"{key}: {ok}/{n} agree")
    print(f"all: {total_ok}/{total} agree")
    return total_ok == total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-only", action="store_true", help="only write the fixture, do not run Swift")
    parser.add_argument("--seed", type=int, default=SEED, help="generator seed (the committed fixture uses the default)")
    parser.add_argument("--cases", type=int, default=CASES, help="random cases to generate")
    args = parser.parse_args()
    data = generate(args.seed, args.cases)
    with open(FIXTURE, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    n_pelt = sum(len(c["pelt"]) for c in data["cases"])
    print(f"wrote {len(data['cases'])} cases ({n_pelt} PELT runs) to {os.path.relpath(FIXTURE, ROOT)}")
    if args.write_only:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "swift.json")
        env = dict(os.environ, CASELOAD_CROSSCHECK_DUMP=dump)
        run = subprocess.run(["swift", "test", "--filter", "StatisticsCrossCheckTests"], cwd=ROOT, env=env,
                             capture_output=True, text=True)
        if not os.path.exists(dump):
            print(run.stdout[-3000:], run.stderr[-3000:], sep="\n")
            print("the Swift test did not write its values")
            return 1
        with open(dump) as f:
            swift = json.load(f)
    return 0 if compare(data, swift) else 1


if __name__ == "__main__":
    sys.exit(main())
