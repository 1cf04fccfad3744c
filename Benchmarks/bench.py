#!/usr/bin/env python3
"""`make bench`: measures caseload phase by phase and whole, side by side with independent tools
on the same files, and prints each target with its ratio.

usage: bench.py [--sizes small,medium[,large]] [--caseload BIN] [--phases BIN] [--floor BIN] [--python VENV_PYTHON]
Writes Benchmarks/.build/results.json (every measurement) and prints a Markdown table.
"""
import argparse
import csv
import html
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("CASELOAD_BENCH_DATA") or os.path.join(HERE, "data")  # as the phases read it
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


def generate(caseload, name):
    patients, days = SIZES[name]
    folder = os.path.join(DATA, name)
    if not os.path.exists(os.path.join(folder, "logs.csv")):
        print(f"generating {name} ({patients} patients x {days} days) into {folder}", flush=True)
        subprocess.run([caseload, "generate", "--patients", str(patients), "--days", str(days), "--seed", "1",
                        "--out", folder], check=True, stdout=subprocess.DEVNULL)
    return folder


def generate_fhir(caseload, name):
    """The size's caseload rendered as a FHIR Bulk export (same seed, same patients), generated once."""
    patients, days = SIZES[name]
    folder = os.path.join(DATA, name + "-fhir-bulk")
    if not os.path.exists(os.path.join(folder, "manifest.json")):
        print(f"generating {name} as FHIR Bulk ({patients} patients x {days} days) into {folder}", flush=True)
        subprocess.run([caseload, "generate", "--patients", str(patients), "--days", str(days), "--seed", "1",
                        "--format", "fhir-bulk", "--out", folder], check=True, stdout=subprocess.DEVNULL)
    return folder


def folder_mb(folder):
    return sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)) / 1e6


def column_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


CELL = re.compile(r'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
TEXT = re.compile(r"<t(?: [^>]*)?>(.*?)</t>", re.S)
CONTROL = re.compile(r"_x([0-9A-Fa-f]{4})_")


def xml_text(raw):
    """An XML text node's characters: entities and libxlsxwriter's _xHHHH_ control escapes undone."""
    return CONTROL.sub(lambda m: chr(int(m.group(1), 16)), html.unescape(raw))


def dump_escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def workbook_cells(path):
    """Yields (sheet name, [(row, col, kind, value)]) for every worksheet of an .xlsx, in workbook order.

    kind is "n" (value: the number's text as stored) or "s" (value: the string, shared or inline
    resolved). Blank cells (a format and no value) are left out: they hold nothing to write.
    """
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        targets = dict(re.findall(r'<Relationship Id="([^"]+)" Type="[^"]*/worksheet" Target="([^"]+)"', rels))
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            sst = z.read("xl/sharedStrings.xml").decode("utf-8")
            shared = ["".join(xml_text(t) for t in TEXT.findall(si)) for si in re.findall(r"<si>(.*?)</si>", sst, re.S)]
        for name, rid in re.findall(r'<sheet name="([^"]*)" sheetId="\d+" r:id="([^"]+)"/>', book):
            xml = z.read("xl/" + targets[rid]).decode("utf-8")
            cells = []
            for col, row, attrs, body in CELL.findall(xml):
                if not body:
                    continue
                kind = re.search(r' t="(\w+)"', attrs)
                kind = kind.group(1) if kind else "n"
                if kind == "inlineStr":
                    cells.append((int(row) - 1, column_index(col), "s", "".join(xml_text(t) for t in TEXT.findall(body))))
                elif kind == "s":
                    cells.append((int(row) - 1, column_index(col), "s", shared[int(re.search(r"<v>(\d+)</v>", body).group(1))]))
                elif kind == "n":
                    cells.append((int(row) - 1, column_index(col), "n", re.search(r"<v>([^<]*)</v>", body).group(1)))
                else:
                    sys.exit(f"{path}: sheet {name}: cell type {kind} not supported by the floor")
            yield html.unescape(name), cells


def dump_cells(folder, dumps=None):
    """Per workbook under folder: (path, numeric cells, string cells, worksheets, dump file or None).

    With `dumps` (a folder), every worksheet's cells are written there, one file per workbook, in the
    format Benchmarks/anchors/xlsx_floor.c reads, so the floor writes exactly the same cells.
    """
    books = []
    for root, _, files in sorted(os.walk(folder)):
        for f in sorted(files):
            if not f.endswith(".xlsx"):
                continue
            path = os.path.join(root, f)
            numeric = strings = sheets = 0
            out = None
            if dumps:
                dump = os.path.join(dumps, f"cells{len(books)}.txt")
                out = open(dump, "w", encoding="utf-8")
            for name, cells in workbook_cells(path):
                sheets += 1
                if out:
                    out.write(f"W\t{dump_escape(name)}\n")
                for row, col, kind, value in cells:
                    if kind == "s":
                        strings += 1
                    else:
                        numeric += 1
                    if out:
                        out.write(f"{'S' if kind == 's' else 'N'}\t{row}\t{col}\t{dump_escape(value) if kind == 's' else value}\n")
            if out:
                out.close()
            books.append((path, numeric, strings, sheets, dump if dumps else None))
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
    ap.add_argument("--only", default="", help="comma-separated phases to run (e.g. import-analyse,"
                    "import-analyse-fhir): no review, anchors or floor, a short table")
    ap.add_argument("--no-fhir", action="store_true", help="skip the FHIR Bulk rendering's phases")
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

        def keep(key, run):
            """Keeps `run` for `key` when it is the fastest so far."""
            stdout = run.pop("stdout")
            if stdout.startswith("{"):
                run["inner"] = json.loads(stdout.strip().splitlines()[-1])
            walls = r.get(key, {}).get("walls", []) + [[run["wall"], run["cpu"], run["rss_mb"]]]
            if key not in r or run["wall"] < r[key]["wall"]:
                r[key] = run
            r[key]["walls"] = walls  # every run's wall, CPU and RSS, for medians

        r["rows"] = int(subprocess.run(["wc", "-l", logs], capture_output=True, text=True).stdout.split()[0]) - 1
        out = os.path.join(scratch, "review-" + name)
        commands = [("wc -l", ["wc", "-l", logs], {}),
                    ("duckdb", [args.python, os.path.join(ANCHORS, "duckdb_anchor.py"), logs, roster,
                                os.path.join(scratch, "duckdb.csv")], {})]
        for phase in ["ingest-csv", "ingest-json", "analyse", "import-analyse", "write-csv", "write-xlsx",
                      "write-workbooks", "write-report"]:
            commands.append((phase, [args.phases, phase, folder, os.path.join(scratch, phase)], {}))
        if not args.no_fhir and name != "large":
            fhir = generate_fhir(args.caseload, name)
            r["fhir_mb"] = folder_mb(fhir)
            for phase in ["ingest-fhir", "import-analyse-fhir"]:
                commands.append((phase, [args.phases, phase, fhir], {}))
        if args.only:
            wanted = args.only.split(",")
            commands = [c for c in commands if c[0] in wanted]
            for round_number in range(runs):
                for key, cmd, kw in commands:
                    keep(key, timed(cmd, **kw))
                load = open("/proc/loadavg").read().split()[:3]
                machine.setdefault("loadavg_rounds", []).append(load)
                print(f"round {round_number + 1} of {runs} done, load average {' '.join(load)}", flush=True)
            results["sizes"][name] = r
            continue
        commands.append(("review", [args.caseload, "review", logs, "--roster", roster, "--out", out, "--quiet"], {}))
        # One review first: every cell of every workbook it wrote is dumped for the floor to write the
        # very same cells.
        keep("review", timed(commands[-1][1]))
        dumps = os.path.join(scratch, "cells-" + name)
        os.makedirs(dumps, exist_ok=True)
        books = dump_cells(out, dumps)
        r["cells"] = {"numeric": sum(b[1] for b in books), "string": sum(b[2] for b in books),
                      "workbooks": len(books), "sheets": sum(b[3] for b in books)}
        # The floor writes those cells into the same workbooks and sheets, the workbooks in parallel
        # over the cores, its temporary files where review puts them (same environment).
        floor = [args.floor]
        for i, b in enumerate(books):
            floor += [b[4], os.path.join(scratch, f"floor{i}.xlsx")]
        commands.append(("xlsx floor", floor, {}))
        if not args.no_pandas and name != "large":
            commands.append(("pandas", [args.python, os.path.join(ANCHORS, "pandas_anchor.py"), logs, roster,
                                        os.path.join(scratch, "pandas-" + name)], {"env": env_blas}))
        # Rounds, not repeats: each round runs every command once, so a slow spell of this shared
        # VM slows the commands of one round alike instead of every run of one command, and the
        # ratios (each the best of `runs`) compare like with like.
        for round_number in range(runs):
            for key, cmd, kw in commands:
                if key == "review" and round_number == 0:
                    continue  # the dumping run above was this round's
                keep(key, timed(cmd, **kw))
            print(f"round {round_number + 1} of {runs} done", flush=True)
        for key, _, _ in commands:
            print(f"{key:<22} wall {r[key]['wall']:7.3f} s  cpu {r[key]['cpu']:7.3f} s  "
                  f"rss {r[key]['rss_mb']:7.1f} MB", flush=True)
        shutil.rmtree(dumps, ignore_errors=True)  # ~14 bytes a cell: ~25 MB for medium, ~330 MB for large
        # The write-workbooks phase writes the same workbooks (its context differs only in the tool
        # version and command line it quotes): check it wrote the same number of cells and sheets.
        phase_books = dump_cells(os.path.join(scratch, "write-workbooks"))
        phase_cells = {"numeric": sum(b[1] for b in phase_books), "string": sum(b[2] for b in phase_books),
                       "workbooks": len(phase_books), "sheets": sum(b[3] for b in phase_books)}
        if phase_cells != r["cells"]:
            print(f"warning: write-workbooks wrote {phase_cells}, review {r['cells']}", flush=True)
        # Cells written by the single-output phases, for their cells/s: the run workbook's (as read
        # back) and the run CSVs' (data rows x columns, headers left out).
        run_book = dump_cells(os.path.join(scratch, "write-xlsx"))
        r["run_workbook_cells"] = sum(b[1] + b[2] for b in run_book)
        csv_cells = 0
        for file in sorted(os.listdir(os.path.join(scratch, "write-csv"))):
            with open(os.path.join(scratch, "write-csv", file), newline="", encoding="utf-8") as f:
                csv_cells += sum(len(record) for record in list(csv.reader(f))[1:])
        r["run_csv_cells"] = csv_cells
        results["sizes"][name] = r
    machine["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    os.makedirs(os.path.join(HERE, ".build"), exist_ok=True)
    with open(os.path.join(HERE, ".build", "results-only.json" if args.only else "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print_report(results)


def fhir_rows(r, row):
    """The FHIR Bulk rendering's rows, against the CSV's import + analytics when both were run."""
    if "import-analyse-fhir" not in r:
        return
    for key, label in [("ingest-fhir", "ingest FHIR Bulk"), ("import-analyse-fhir", "import + analytics, FHIR Bulk")]:
        if key not in r:
            continue
        inner = r[key]["inner"]
        versus = ""
        if key == "import-analyse-fhir" and "import-analyse" in r:
            versus = f"; {r[key]['wall'] / r['import-analyse']['wall']:.1f}x the CSV's {r['import-analyse']['wall']:.3f} s"
        row(label + " (process)", r[key], f"{inner['bytes'] / 1e6 / inner['wall']:.0f} MB/s, "
            f"{inner['rows'] / inner['wall'] / 1e6:.2f} M resources/s (phase only){versus}")


def median(values):
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def print_report(results):
    m = results["machine"]
    print(f"\nMachine: {m['nproc']} cores, {m['cpu']}, {m['memory_gb']} GB, {m['swift']}, "
          f"load average {' '.join(m['loadavg_start'])} at start, {' '.join(m['loadavg_end'])} at end")
    for name, r in results["sizes"].items():
        def row(label, x, thr=""):
            print(f"| {label} | {x['wall']:.3f} | {x['cpu']:.3f} | {x['cpu'] / max(x['wall'], 1e-9):.2f} | "
                  f"{x['rss_mb']:.0f} | {thr} |")
        if "review" not in r:  # --only: the phases that ran, best and median of the rounds
            print(f"\n### {name}: {r['rows']:,} CSV rows, {r['csv_mb']:.1f} MB CSV"
                  + (f", {r['fhir_mb']:.1f} MB FHIR Bulk" if "fhir_mb" in r else "") + "\n")
            print("| phase | wall s (best) | wall s (median) | CPU s (median) | CPU/wall (median) | peak RSS MB (max) | throughput (best) |")
            print("|---|---:|---:|---:|---:|---:|---|")
            def row(label, x, thr=""):
                runs = x.get("walls", [[x["wall"], x["cpu"], x["rss_mb"]]])
                wall, cpu = median([w for w, _, _ in runs]), median([c for _, c, _ in runs])
                print(f"| {label} | {x['wall']:.3f} | {wall:.3f} | {cpu:.3f} | {cpu / max(wall, 1e-9):.2f} | "
                      f"{max(m for _, _, m in runs):.0f} | {thr} |")
            for key, label in [("ingest-csv", "ingest CSV"), ("import-analyse", "import + analytics, CSV")]:
                if key in r:
                    row(label + " (process)", r[key], f"{r['rows'] / r[key]['wall'] / 1e6:.2f} M rows/s")
            fhir_rows(r, row)
            if "import-analyse" in r and "import-analyse-fhir" in r:
                ratio = median([w for w, _, _ in r["import-analyse-fhir"]["walls"]]) / median([w for w, _, _ in r["import-analyse"]["walls"]])
                print(f"\nimport + analytics, FHIR Bulk / CSV: {ratio:.1f}x (median walls of {len(r['import-analyse']['walls'])} rounds)")
            continue
        rows, mb = r["rows"], r["csv_mb"]
        ia, duck, review = r["import-analyse"], r["duckdb"], r["review"]
        cells = r["cells"]["numeric"] + r["cells"]["string"]
        floor = r["xlsx floor"]
        # Like for like: the workbooks alone (no CSVs, no manifest) against the floor's writing alone
        # (its loading of the cell dumps excluded). Older results: the whole report phase and the
        # floor's process.
        xlsx_inner = r["write-workbooks" if "write-workbooks" in r else "write-report"]["inner"]["wall"]
        floor_wall = floor["inner"]["wall"] if "inner" in floor else floor["wall"]
        print(f"\n### {name}: {rows:,} rows, {mb:.1f} MB CSV, {r['json_mb']:.1f} MB JSON, "
              f"{r['import-analyse']['inner']['patients']:.0f} patients\n")
        print("| phase | wall s | CPU s | CPU/wall | peak RSS MB | throughput |")
        print("|---|---:|---:|---:|---:|---|")
        row("`wc -l` (read floor)", r["wc -l"], f"{mb / r['wc -l']['wall']:.0f} MB/s")
        for key, label in [("ingest-csv", "ingest CSV"), ("ingest-json", "ingest JSON")]:
            inner = r[key]["inner"]
            row(label + " (process)", r[key], f"{inner['bytes'] / 1e6 / inner['wall']:.0f} MB/s, "
                f"{inner['rows'] / inner['wall'] / 1e6:.2f} M rows/s (phase only)")
        a = r["analyse"]["inner"]
        row("analytics (process incl. import)", r["analyse"], f"{a['patients'] / a['wall']:,.0f} patients/s "
            f"({a['wall']:.3f} s phase only)")
        row("import + analytics", ia, f"{rows / ia['wall'] / 1e6:.2f} M rows/s")
        fhir_rows(r, row)
        for key, label in [("write-csv", "write CSVs (run)"), ("write-xlsx", "write XLSX (run workbook)"),
                           ("write-workbooks", "write all workbooks"), ("write-report", "write whole report")]:
            if key not in r:  # results.json from before the write-workbooks phase existed
                continue
            written = {"write-workbooks": cells, "write-xlsx": r.get("run_workbook_cells"),
                       "write-csv": r.get("run_csv_cells")}.get(key)
            extra = f", {written / r[key]['inner']['wall']:,.0f} cells/s" if written else ""
            row(label + " (process incl. import)", r[key], f"{r[key]['inner']['wall']:.3f} s phase only{extra}")
        row("**caseload review**", review, f"{r['cells']['workbooks']} workbooks, {r['cells']['sheets']:,} sheets, "
            f"{cells:,} cells")
        row("libxlsxwriter floor (C loop, same cells, workbooks in parallel)", floor,
            f"{cells / floor_wall:,.0f} cells/s ({floor_wall:.3f} s writing only)")
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
        ours, base = cells / xlsx_inner, cells / floor_wall
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
