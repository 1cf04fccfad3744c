#!/usr/bin/env python3
"""`make bench`: measures caseload phase by phase and whole, side by side with independent tools
on the same files, and prints each target with its ratio.

usage: bench.py [--sizes small,medium[,large]] [--caseload BIN] [--phases BIN] [--floor BIN]
Writes Benchmarks/.build/results.json (every measurement) and prints a Markdown table.
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
ANCHORS = os.path.join(HERE, "anchors")
SIZES = {  # name: (patients, days)
    "small": (30, 56),
    "medium": (4000, 84),
    "large": (40000, 84),
}


def timed(cmd, env=None):
    """Runs cmd under /usr/bin/time -v; returns wall, cpu (user+sys) seconds, peak RSS MB, stdout."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = ["/usr/bin/time", "-v", "-o", tf.name] + cmd
        start = time.monotonic()
        proc = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        wall_outer = time.monotonic() - start
        report = tf.read()
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    def field(name):
        m = re.search(re.escape(name) + r":\s*(\S+)", report)
        return m.group(1) if m else "0"
    user, system = float(field("User time (seconds)")), float(field("System time (seconds)"))
    rss_mb = int(field("Maximum resident set size (kbytes)")) / 1024
    return {"wall": wall_outer, "cpu": user + system, "rss_mb": rss_mb, "stdout": proc.stdout}


def best_of(runs, cmd, **kw):
    """The run with the least wall time of `runs` (CPU and RSS from that run)."""
    results = [timed(cmd, **kw) for _ in range(runs)]
    return min(results, key=lambda r: r["wall"])


def generate(caseload, name):
    patients, days = SIZES[name]
    folder = os.path.join(DATA, name)
    if not os.path.exists(os.path.join(folder, "logs.csv")):
        print(f"generating {name} ({patients} patients x {days} days) into {folder}", flush=True)
        subprocess.run([caseload, "generate", "--patients", str(patients), "--days", str(days), "--seed", "1",
                        "--out", folder], check=True, stdout=subprocess.DEVNULL)
    return folder


def count_cells(folder):
    """Per workbook under folder: (path, numeric cells, string cells, worksheets)."""
    books = []
    for root, _, files in sorted(os.walk(folder)):
        for f in sorted(files):
            if not f.endswith(".xlsx"):
                continue
            path = os.path.join(root, f)
            numeric = strings = sheets = 0
            with zipfile.ZipFile(path) as z:
                for n in z.namelist():
                    if n.startswith("xl/worksheets/sheet"):
                        sheets += 1
                        xml = z.read(n).decode("utf-8", "replace")
                        for attrs, _ in re.findall(r"<c ([^>]*)>(?:<f>[^<]*</f>)?<(v|is)>", xml):
                            if re.search(r't="(?:s|str|inlineStr)"', attrs):
                                strings += 1
                            else:
                                numeric += 1
            books.append((path, numeric, strings, sheets))
    return books


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="small,medium")
    ap.add_argument("--caseload", required=True)
    ap.add_argument("--phases", required=True)
    ap.add_argument("--floor", required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    ap.add_argument("--no-pandas", action="store_true")
    args = ap.parse_args()
    os.makedirs(DATA, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="caseload-bench-")
    env_blas = {k: v for k, v in os.environ.items() if not k.startswith("OPENBLAS_")}

    machine = {
        "nproc": os.cpu_count(),
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "swift": subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.strip().splitlines()[0],
        "kernel": platform.release(),
        "loadavg_start": open("/proc/loadavg").read().split()[:3],
    }
    results = {"machine": machine, "sizes": {}}
    for name in args.sizes.split(","):
        folder = generate(args.caseload, name)
        logs, roster = os.path.join(folder, "logs.csv"), os.path.join(folder, "roster.csv")
        size_mb = os.path.getsize(logs) / 1e6
        r = {"csv_mb": size_mb, "json_mb": os.path.getsize(os.path.join(folder, "logs.json")) / 1e6}
        runs = args.runs if name != "large" else 1
        print(f"\n== {name}: logs.csv {size_mb:.1f} MB, best of {runs} ==", flush=True)

        def record(key, cmd, **kw):
            r[key] = best_of(runs, cmd, **kw)
            stdout = r[key].pop("stdout")
            if stdout.startswith("{"):
                r[key]["inner"] = json.loads(stdout.strip().splitlines()[-1])
            print(f"{key:<22} wall {r[key]['wall']:7.3f} s  cpu {r[key]['cpu']:7.3f} s  "
                  f"rss {r[key]['rss_mb']:7.1f} MB", flush=True)

        record("wc -l", ["wc", "-l", logs])
        r["rows"] = int(subprocess.run(["wc", "-l", logs], capture_output=True, text=True).stdout.split()[0]) - 1
        record("duckdb", [args.python, os.path.join(ANCHORS, "duckdb_anchor.py"), logs, roster,
                          os.path.join(scratch, "duckdb.csv")])
        for phase in ["ingest-csv", "ingest-json", "analyse", "import-analyse", "write-csv", "write-xlsx",
                      "write-report"]:
            record(phase, [args.phases, phase, folder, os.path.join(scratch, phase)])
        out = os.path.join(scratch, "review-" + name)
        record("review", [args.caseload, "review", logs, "--roster", roster, "--out", out, "--quiet"])
        books = count_cells(out)
        r["cells"] = {"numeric": sum(b[1] for b in books), "string": sum(b[2] for b in books),
                      "workbooks": len(books), "sheets": sum(b[3] for b in books)}
        # The floor writes the same workbooks (cells and worksheet counts) in parallel, like review.
        floor = " & ".join(f"{args.floor} {scratch}/floor{i}.xlsx {n} {t} {w}" for i, (_, n, t, w) in enumerate(books))
        record("xlsx floor", ["sh", "-c", floor + " & wait"], env=dict(os.environ, TMPDIR="/dev/shm"))
        if not args.no_pandas and name != "large":
            record("pandas", [args.python, os.path.join(ANCHORS, "pandas_anchor.py"), logs, roster,
                              os.path.join(scratch, "pandas-" + name)], env=env_blas)
        results["sizes"][name] = r
    machine["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    with open(os.path.join(HERE, ".build", "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print_report(results)


def print_report(results):
    m = results["machine"]
    print(f"\nMachine: {m['nproc']} cores, {m['cpu']}, {m['memory_gb']} GB, {m['swift']}, "
          f"load average {' '.join(m['loadavg_start'])} at start, {' '.join(m['loadavg_end'])} at end")
    for name, r in results["sizes"].items():
        rows, mb = r["rows"], r["csv_mb"]
        ia, duck, review = r["import-analyse"], r["duckdb"], r["review"]
        cells = r["cells"]["numeric"] + r["cells"]["string"]
        xlsx_inner = r["write-report"]["inner"]["wall"]
        floor = r["xlsx floor"]
        print(f"\n### {name}: {rows:,} rows, {mb:.1f} MB CSV, {r['json_mb']:.1f} MB JSON, "
              f"{r['import-analyse']['inner']['patients']:.0f} patients\n")
        print("| phase | wall s | CPU s | CPU/wall | peak RSS MB | throughput |")
        print("|---|---:|---:|---:|---:|---|")
        def row(label, x, thr=""):
            print(f"| {label} | {x['wall']:.3f} | {x['cpu']:.3f} | {x['cpu'] / max(x['wall'], 1e-9):.2f} | "
                  f"{x['rss_mb']:.0f} | {thr} |")
        row("`wc -l` (read floor)", r["wc -l"], f"{mb / r['wc -l']['wall']:.0f} MB/s")
        for key, label in [("ingest-csv", "ingest CSV"), ("ingest-json", "ingest JSON")]:
            inner = r[key]["inner"]
            row(label + " (process)", r[key], f"{inner['bytes'] / 1e6 / inner['wall']:.0f} MB/s, "
                f"{inner['rows'] / inner['wall'] / 1e6:.2f} M rows/s (phase only)")
        a = r["analyse"]["inner"]
        row("analytics (process incl. import)", r["analyse"], f"{a['patients'] / a['wall']:,.0f} patients/s "
            f"({a['wall']:.3f} s phase only)")
        row("import + analytics", ia, f"{rows / ia['wall'] / 1e6:.2f} M rows/s")
        for key, label in [("write-csv", "write CSVs (run)"), ("write-xlsx", "write XLSX (run workbook)"),
                           ("write-report", "write whole report")]:
            row(label + " (process incl. import)", r[key], f"{r[key]['inner']['wall']:.3f} s phase only")
        row("**caseload review**", review, f"{r['cells']['workbooks']} workbooks, {r['cells']['sheets']:,} sheets, "
            f"{cells:,} cells, {cells / xlsx_inner:,.0f} cells/s over report writing")
        row("libxlsxwriter floor (C loop, same workbooks in parallel)", floor, f"{cells / floor['wall']:,.0f} cells/s")
        row("DuckDB aggregate query", duck)
        if "pandas" in r:
            row("pandas + scipy + XlsxWriter", r["pandas"])
        print("\n| target | measured | ratio | met |\n|---|---|---:|---|")
        def target(label, measured, ratio, ok):
            print(f"| {label} | {measured} | {ratio:.2f} | {'yes' if ok else '**no**'} |")
        t = ia["wall"] / duck["wall"]
        target("import + analytics <= 0.5x DuckDB", f"{ia['wall']:.2f} s vs {duck['wall']:.2f} s", t, t <= 0.5)
        if "pandas" in r:
            t = r["pandas"]["wall"] / review["wall"]
            target("review >= 20x faster than pandas", f"{review['wall']:.2f} s vs {r['pandas']['wall']:.2f} s",
                   t, t >= 20)
        t = review["wall"] / duck["wall"]
        target("review <= 3x DuckDB", f"{review['wall']:.2f} s vs {duck['wall']:.2f} s", t, t <= 3)
        ours, base = cells / xlsx_inner, cells / floor["wall"]
        target("workbook cells/s >= 80% of libxlsxwriter", f"{ours:,.0f} vs {base:,.0f} cells/s", ours / base,
               ours / base >= 0.8)
        limit = 1024 if name == "large" else 200
        target(f"review peak RSS <= {limit} MB", f"{review['rss_mb']:.0f} MB", review["rss_mb"] / limit,
               review["rss_mb"] <= limit)
        t = ia["cpu"] / ia["wall"]
        target("import + analytics CPU/wall >= 1.6", f"{ia['cpu']:.2f} / {ia['wall']:.2f} s", t, t >= 1.6)
    if "medium" in results["sizes"] and "large" in results["sizes"]:
        med, lar = results["sizes"]["medium"], results["sizes"]["large"]
        growth = (lar["review"]["wall"] / med["review"]["wall"]) / (lar["rows"] / med["rows"])
        print(f"\nlarge vs medium: time grows {growth:.2f}x the row count's growth (target <= 1)")


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--report":
        print_report(json.load(open(os.path.join(HERE, ".build", "results.json"))))
    else:
        main()
