#!/usr/bin/env python3
"""Runs the windowed batch benchmark side by side and prints a markdown report.

Per window kind (tumbling, hopping, session, rolling; bench/windows/*.weir):
weir run (JIT) and the built binary (weir build) on 1 and 2 threads, the
hand-written C++ program (bench/handwritten/windows.cpp, one thread: the
watermark follows arrival order) and DuckDB (bench/duckdb/windows.mjs, load
JSON + query + write, 1 and 2 threads). Runs go round-robin, --repeat times;
the table shows medians of wall time and of CPU time (user + system; the
machine is shared, and CPU time is what other load inflates least). A run
longer than --timeout is stopped and shown as "> T s" (and not repeated).

Results are checked as sets of rows (bench/windows/compare.mjs): Weir's JIT
output and DuckDB's against the hand-written program's; the other Weir runs
must be byte-identical to the JIT run's (same engine, same order), or else
are compared as sets too. With --late-data, Weir and the hand-written
program are also compared on a file with late rows (DuckDB has no watermark).

--scaling instead times weir run (JIT, 1 thread) and the hand-written
program on the first N and 2N rows for each kind (N per kind from
--scaling-rows) and reports time(2N) / time(N); a linear kind is about 2.

bench/windows/run.sh builds, generates the data and calls this script; see
docs/benchmarks.md, "Windowed batch queries".
"""
import argparse
import filecmp
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
WINDOWS = BENCH / "windows"
KINDS = [k for k in json.loads((WINDOWS / "kinds.json").read_text()) if not k.startswith("_")]

TARGET_VS_HANDWRITTEN = 1.25   # weir time <= 1.25x the hand-written program's
TARGET_VS_DUCKDB = 0.5         # weir time <= 0.5x DuckDB's end to end, 2 threads
TARGET_SCALING = 2.2           # time(2N) / time(N)
TARGET_ROLLING_S = 2.0         # rolling at 2M rows


@dataclass
class Contender:
    kind: str
    family: str        # weir-jit | weir-built | handwritten | duckdb
    threads: int
    cmd: list
    output: Path
    runs: list = field(default_factory=list)   # dicts: wall_s, cpu_s, (duckdb) load_s, query_s
    error: str = ""
    timed_out: bool = False
    equal: str = ""    # the output check's verdict

    @property
    def name(self):
        return {"weir-jit": "weir run (JIT)", "weir-built": "weir build (binary)",
                "handwritten": "hand-written C++", "duckdb": "DuckDB load+query"}[self.family]


def run_timed(cmd, timeout):
    """(rc or None on timeout, wall s, cpu s, stdout, stderr)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        start = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%U %S", "-o", tf.name] + [str(c) for c in cmd],
                                cwd=BENCH, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)  # the run's own process group only
            proc.communicate()
            return None, time.perf_counter() - start, 0.0, "", ""
        wall = time.perf_counter() - start
        fields = Path(tf.name).read_text().split()
    cpu = sum(float(x) for x in fields[-2:]) if len(fields) >= 2 else 0.0
    return proc.returncode, wall, cpu, out, err


def first_error(text):
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    errors = [l for l in lines if "error" in l.lower()]
    return ((errors or lines or ["(no output)"])[0])[:200].replace("|", "\\|")


def compare_sets(kind, ref, others):
    """compare.mjs: {path: report dict} for each of `others` against `ref`."""
    proc = subprocess.run(["node", WINDOWS / "compare.mjs", "--kind", kind, ref] + others,
                          cwd=BENCH, capture_output=True, text=True)
    reports = {}
    for line in proc.stdout.splitlines():
        r = json.loads(line)
        reports[r["file"]] = r
    for o in others:
        reports.setdefault(str(o), {"equal": False, "error": first_error(proc.stderr)})
    return reports


def describe(report):
    if report.get("equal"):
        return f"equal ({report['rows_a']:,} rows)"
    if "error" in report:
        return f"compare failed: {report['error']}"
    parts = [f"{report['rows_a']:,} vs {report['rows_b']:,} rows"]
    for what in ("only_a", "only_b", "differ", "dup_keys_a", "dup_keys_b"):
        if report.get(what):
            parts.append(f"{what} {report[what]:,}")
    ex = report.get("examples", [])[:2]
    return "**DIFFER**: " + ", ".join(parts) + "".join(f"; e.g. {json.dumps(e)}" for e in ex)


class Bench:
    def __init__(self, args):
        self.args = args
        self.results = Path(args.results_dir).resolve()
        self.out = self.results / "out"
        self.bin = self.results / "bin"
        self.out.mkdir(parents=True, exist_ok=True)
        self.bin.mkdir(parents=True, exist_ok=True)
        self.contenders = []
        self.checks = []      # (kind, description, text, ok)
        self.notes = []
        self.duckdb_version = "?"

    def weir_cmd(self, family, kind, threads, data, out):
        rebind = ["--source", f"txns=file:{data}", "--sink", f"{kind}=file:{out}", "--threads", threads]
        if family == "weir-jit":
            return [self.args.weir, "run", WINDOWS / f"{kind}.weir"] + rebind
        return [self.bin / f"weir_{kind}"] + rebind

    def build(self, kind):
        rc, _, _, out, err = run_timed([self.args.weir, "build", WINDOWS / f"{kind}.weir", "-o",
                                        self.bin / f"weir_{kind}"], 600)
        return "" if rc == 0 else f"`weir build` failed: {first_error(err or out)}"

    def add_contenders(self, kind, data):
        build_error = self.build(kind) if "weir-built" not in self.args.skip else ""
        for family in ("weir-jit", "weir-built", "handwritten", "duckdb"):
            if family in self.args.skip:
                continue
            for t in (self.args.threads if family != "handwritten" else [1]):
                out = self.out / f"{kind}_{family}_t{t}.jsonl"
                if family.startswith("weir"):
                    cmd = self.weir_cmd(family, kind, t, data, out)
                elif family == "handwritten":
                    cmd = [self.args.handwritten, "--kind", kind, data, out]
                else:
                    cmd = ["node", BENCH / "duckdb" / "windows.mjs", "--kind", kind, "--threads", t, data, out]
                c = Contender(kind, family, t, cmd, out)
                if family == "weir-built" and build_error:
                    c.error = build_error
                self.contenders.append(c)

    def measure(self):
        for rep in range(self.args.repeat):
            for c in self.contenders:
                if c.error or c.timed_out:
                    continue
                rc, wall, cpu, out, err = run_timed(c.cmd, self.args.timeout)
                if rc is None:
                    c.timed_out = True
                    print(f"  {c.kind:8} {c.name:22} t={c.threads}: > {self.args.timeout:.0f} s (stopped)",
                          file=sys.stderr)
                    continue
                if rc != 0:
                    c.error = f"exit {rc}: {first_error(err or out)}"
                    continue
                run = {"wall_s": wall, "cpu_s": cpu}
                if c.family == "duckdb":
                    rep_ = json.loads(out.strip().splitlines()[-1])
                    run.update(load_s=rep_["load_s"], query_s=rep_["query_s"])
                    self.duckdb_version = rep_.get("duckdb_version", "?")
                c.runs.append(run)
                print(f"  run {rep + 1}: {c.kind:8} {c.name:22} t={c.threads}: {wall:.3f} s "
                      f"(cpu {cpu:.3f} s)", file=sys.stderr)

    def find(self, kind, family, threads=1):
        return next((c for c in self.contenders if c.kind == kind and c.family == family
                     and c.threads == threads), None)

    @staticmethod
    def median(c, what="wall_s"):
        return statistics.median(r[what] for r in c.runs) if c and c.runs else None

    def e2e(self, c):
        """DuckDB: load + query inside the process; everyone else: the process."""
        if not c or not c.runs:
            return None
        if c.family == "duckdb":
            return statistics.median(r["load_s"] + r["query_s"] for r in c.runs)
        return self.median(c)

    def check_outputs(self, kind):
        ref = self.find(kind, "handwritten")
        if not ref or not ref.runs:
            return
        jit = self.find(kind, "weir-jit", 1)
        as_sets = []
        for c in self.contenders:
            if c.kind != kind or c is ref or not c.runs:
                continue
            if c.family.startswith("weir") and c is not jit and jit and jit.runs \
                    and filecmp.cmp(jit.output, c.output, shallow=False):
                c.equal = "equal (byte-identical to weir run t=1)"
                continue
            as_sets.append(c)
        if not as_sets:
            return
        reports = compare_sets(kind, ref.output, [c.output for c in as_sets])
        for c in as_sets:
            r = reports[str(c.output)]
            c.equal = describe(r)
            self.checks.append((kind, f"{c.name} t={c.threads} = hand-written", c.equal, r.get("equal")))

    def check_late(self, kind, data):
        """Weir and the hand-written program on data with late rows."""
        w_out, h_out = self.out / f"late_{kind}_weir.jsonl", self.out / f"late_{kind}_hand.jsonl"
        rc1, _, _, _, err1 = run_timed(self.weir_cmd("weir-jit", kind, 1, data, w_out), self.args.timeout)
        rc2, _, _, _, err2 = run_timed([self.args.handwritten, "--kind", kind, data, h_out], self.args.timeout)
        if rc1 != 0 or rc2 != 0:
            text = "timed out" if None in (rc1, rc2) else first_error(err1 if rc1 else err2)
            self.checks.append((kind, "late rows: weir run = hand-written", text, False))
            return
        late_w = re.search(r"(\d+) late rows dropped", err1)
        late_h = re.search(r"(\d+) late rows dropped", err2)
        r = compare_sets(kind, h_out, [w_out])[str(w_out)]
        same_late = bool(late_w and late_h and late_w.group(1) == late_h.group(1))
        text = describe(r) + f"; late rows dropped: weir {late_w.group(1) if late_w else '?'}, " \
                             f"hand-written {late_h.group(1) if late_h else '?'}"
        self.checks.append((kind, f"late rows ({data.name}): weir run = hand-written", text,
                            bool(r.get("equal")) and same_late))

    # ------------------------------------------------------------ report

    def cell(self, c):
        if c is None:
            return "not run"
        if c.timed_out:
            return f"> {self.args.timeout:.0f}"
        if c.error:
            return c.error
        return f"{self.e2e(c):.2f}"

    def table(self):
        t1 = self.args.timeout
        lines = ["| kind | contender | threads | time s | CPU s | weir / hand-written | weir / DuckDB "
                 "| result |", "|---|---|---:|---:|---:|---:|---:|---|"]
        for kind in self.args.kinds:
            hand = self.find(kind, "handwritten")
            for c in (c for c in self.contenders if c.kind == kind):
                time_cell = self.cell(c)
                cpu = self.median(c, "cpu_s")
                cpu_cell = f"{cpu:.2f}" if cpu is not None and not c.timed_out and not c.error else ""
                if c.family == "duckdb" and c.runs:
                    time_cell += (f" ({self.median(c, 'load_s'):.2f} + {self.median(c, 'query_s'):.2f})")
                vs_hand = vs_duck = ""
                if c.family.startswith("weir"):
                    duck = self.find(kind, "duckdb", c.threads)
                    mine = self.e2e(c) if c.runs else (t1 if c.timed_out else None)
                    prefix = ">" if c.timed_out else ""
                    if mine is not None and self.e2e(hand):
                        vs_hand = f"{prefix}{mine / self.e2e(hand):.2f}x"
                    if mine is not None and self.e2e(duck):
                        vs_duck = f"{prefix}{mine / self.e2e(duck):.2f}x"
                lines.append(f"| {kind} | {c.name} | {c.threads} | {time_cell} | {cpu_cell} | {vs_hand} "
                             f"| {vs_duck} | {c.equal} |")
        return "\n".join(lines)

    def targets(self):
        rows = ["| kind | target | measured | met? |", "|---|---|---:|---|"]
        t2 = max(self.args.threads)
        for kind in self.args.kinds:
            hand = self.find(kind, "handwritten")
            for fam in ("weir-jit", "weir-built"):
                for t in self.args.threads:
                    c = self.find(kind, fam, t)
                    if not c or not hand or not self.e2e(hand) or (c.error and not c.timed_out):
                        continue
                    mine = self.args.timeout if c.timed_out else self.e2e(c)
                    r = mine / self.e2e(hand)
                    rows.append(f"| {kind} | {c.name} t={t} <= {TARGET_VS_HANDWRITTEN}x hand-written | "
                                f"{'>' if c.timed_out else ''}{r:.2f}x | {'yes' if r <= TARGET_VS_HANDWRITTEN and not c.timed_out else '**no**'} |")
                c, duck = self.find(kind, fam, t2), self.find(kind, "duckdb", t2)
                if c and duck and self.e2e(duck) and not (c.error and not c.timed_out):
                    mine = self.args.timeout if c.timed_out else self.e2e(c)
                    r = mine / self.e2e(duck)
                    rows.append(f"| {kind} | {c.name} t={t2} <= {TARGET_VS_DUCKDB}x DuckDB end to end t={t2} | "
                                f"{'>' if c.timed_out else ''}{r:.2f}x | {'yes' if r <= TARGET_VS_DUCKDB and not c.timed_out else '**no**'} |")
        c = self.find("rolling", "weir-built", 1) or self.find("rolling", "weir-jit", 1)
        if c and self.args.rows == 2_000_000:
            v = self.args.timeout if c.timed_out else self.e2e(c)
            if v is not None:
                rows.append(f"| rolling | {c.name} t=1 at 2M rows < {TARGET_ROLLING_S:.0f} s | "
                            f"{'>' if c.timed_out else ''}{v:.2f} s | {'yes' if v < TARGET_ROLLING_S and not c.timed_out else '**no**'} |")
        return "\n".join(rows)

    def report(self, data):
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        cpu = subprocess.run("lscpu | sed -n 's/^Model name: *//p'", shell=True, capture_output=True,
                             text=True).stdout.strip()
        out = [f"### Windowed batch queries: results ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})", "",
               f"Input: {self.args.rows:,} rows ({data.stat().st_size / 2**20:.0f} MiB of JSON lines), "
               f"median of {self.args.repeat} run(s), round-robin, each stopped after "
               f"{self.args.timeout:.0f} s. Machine: {cpu}, {os.cpu_count()} cores; DuckDB "
               f"{self.duckdb_version}; load average after the runs {load}.", "",
               "`time s` is wall time end to end: the whole process for Weir and the hand-written "
               "program; for DuckDB load + query (+ write) inside the node process, shown as "
               "(load + query). `CPU s` is the process's user + system time. Ratios use `time s`; "
               "the hand-written program runs on one thread (the watermark follows arrival "
               "order), so Weir on 2 threads is compared with it too.", "",
               self.table(), "", "#### Targets", "", self.targets(), "", "#### Output checks", ""]
        for kind, desc, text, ok in self.checks:
            out.append(f"- {'OK' if ok else 'DIFFER'}: {kind}: {desc}: {text}")
        if not self.checks:
            out.append("- none ran")
        out += [f"Note: {n}" for n in self.notes]
        return "\n".join(out) + "\n"

    # ------------------------------------------------------------ scaling

    def scaling(self, data):
        sizes = {}
        for item in self.args.scaling_rows:
            kind, n = item.split("=")
            sizes[kind] = int(n)
        lines = ["| kind | contender | N | time(N) s | time(2N) s | wall ratio | CPU(N) s | CPU(2N) s "
                 f"| CPU ratio | <= {TARGET_SCALING}? |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for kind in self.args.kinds:
            n = sizes.get(kind, 1_000_000)
            files = {}
            for rows in (n, 2 * n):
                f = self.results / f"scaling_{rows}.jsonl"
                if not f.exists() or sum(1 for _ in open(f)) != rows:
                    with open(data) as src, open(f, "w") as dst:
                        for i, line in enumerate(src):
                            if i == rows:
                                break
                            dst.write(line)
                files[rows] = f
            for family in ("weir-jit", "handwritten"):
                times = {rows: [] for rows in files}
                cpus = {rows: [] for rows in files}
                stopped = {}
                for _ in range(self.args.repeat):
                    for rows, f in files.items():
                        if rows in stopped:
                            continue
                        out = self.out / f"scaling_{kind}_{family}_{rows}.jsonl"
                        cmd = self.weir_cmd("weir-jit", kind, 1, f, out) if family == "weir-jit" else \
                            [self.args.handwritten, "--kind", kind, f, out]
                        rc, wall, cpu, o, err = run_timed(cmd, self.args.timeout)
                        if rc != 0:
                            stopped[rows] = f"> {self.args.timeout:.0f}" if rc is None else first_error(err or o)
                            continue
                        times[rows].append(wall)
                        cpus[rows].append(cpu)
                        print(f"  scaling {kind:8} {family:11} {rows:>9,} rows: {wall:.3f} s", file=sys.stderr)
                cells = [stopped.get(r) or f"{statistics.median(times[r]):.2f}" for r in (n, 2 * n)]
                cpu_cells = ["" if r in stopped else f"{statistics.median(cpus[r]):.2f}" for r in (n, 2 * n)]
                ratio = cpu_ratio = ok = ""
                if not stopped:
                    r = statistics.median(times[2 * n]) / statistics.median(times[n])
                    rc_ = statistics.median(cpus[2 * n]) / max(statistics.median(cpus[n]), 1e-3)
                    ratio, cpu_ratio = f"{r:.2f}", f"{rc_:.2f}"
                    ok = "yes" if rc_ <= TARGET_SCALING else "**no**"
                name = "weir run (JIT) t=1" if family == "weir-jit" else "hand-written C++"
                lines.append(f"| {kind} | {name} | {n:,} | {cells[0]} | {cells[1]} | {ratio} | "
                             f"{cpu_cells[0]} | {cpu_cells[1]} | {cpu_ratio} | {ok} |")
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        return (f"### Windowed batch queries: scaling ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n\n"
                f"The first N and 2N rows of the same card feed; wall and CPU (user + system) time, "
                f"median of {self.args.repeat}; the verdict uses CPU time, which other load on the "
                f"machine disturbs less; runs stopped after {self.args.timeout:.0f} s; load average "
                f"after the runs {load}.\n\n"
                + "\n".join(lines) + "\n")


BEGIN = "<!-- windows results: written by bench/windows/run.sh UPDATE_DOCS=1 -->"
END = "<!-- end of windows results -->"


def update_doc(path, report, scaling):
    text = path.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{path} lacks the markers {BEGIN} ... {END}")
    head, rest = text.split(BEGIN, 1)
    old, tail = rest.split(END, 1)
    # Keep the part this run did not redo (results or scaling).
    parts = re.split(r"(?=^### Windowed batch queries: )", old.strip("\n"), flags=re.M)
    kept = {("scaling" if ": scaling" in p.splitlines()[0] else "results"): p.strip("\n")
            for p in parts if p.startswith("### ")}
    if report:
        kept["results"] = report.strip("\n")
    if scaling:
        kept["scaling"] = scaling.strip("\n")
    body = "\n\n".join(kept[k] for k in ("results", "scaling") if k in kept)
    path.write_text(head + BEGIN + "\n" + body + "\n" + END + tail)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weir", required=True)
    ap.add_argument("--handwritten", required=True)
    ap.add_argument("--data", required=True, help="the card feed, JSON lines, no late rows")
    ap.add_argument("--late-data", help="a card feed with late rows (Weir vs hand-written only)")
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--results-dir", default=str(BENCH / "results" / "windows"))
    ap.add_argument("--kinds", nargs="+", default=KINDS, choices=KINDS)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--skip", nargs="*", default=[], help="weir-jit weir-built handwritten duckdb")
    ap.add_argument("--scaling", action="store_true", help="run the scaling check instead")
    ap.add_argument("--scaling-rows", nargs="*", default=[],
                    help="KIND=N (default 1000000 each)")
    ap.add_argument("--update-doc", metavar="MD")
    args = ap.parse_args()
    data = Path(args.data).resolve()
    bench = Bench(args)
    if args.scaling:
        text = bench.scaling(data)
        (bench.results / "scaling.md").write_text(text)
        print(text)
        if args.update_doc:
            update_doc(Path(args.update_doc), None, text)
        return 0
    for kind in args.kinds:
        bench.add_contenders(kind, data)
    print("measuring (round-robin)...", file=sys.stderr)
    bench.measure()
    for kind in args.kinds:
        bench.check_outputs(kind)
        if args.late_data:
            bench.check_late(kind, Path(args.late_data).resolve())
    text = bench.report(data)
    (bench.results / "report.md").write_text(text)
    if args.update_doc:
        update_doc(Path(args.update_doc), text, None)
    print(text)
    return 0 if all(ok for *_, ok in bench.checks) else 1


if __name__ == "__main__":
    sys.exit(main())
