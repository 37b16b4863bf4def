#!/usr/bin/env python3
"""Weir against DuckDB on batch queries over a file (issue 11, "Batch against DuckDB").

Three queries over the card feed (bench/gen_txns), each over JSON lines and
over CSV:
  per_user  count, sum, max, min(ts), count_distinct(merchant) per user
            (bench/pipelines/per_user_{json,csv}.weir)
  tumbling  per user and 1-minute tumbling window: count, sum, max
            (bench/windows/tumbling.weir, bench/peers/batch/tumbling_csv.weir)
  rolling   per row, the count and sum of its user's rows of the hour up to it
            (bench/windows/rolling.weir, bench/peers/batch/rolling_csv.weir)
Contenders, all on --threads (default 2): `weir run` (JIT) and the binary of
`weir build`, both under the available_now trigger; DuckDB
(bench/peers/batch/duckdb_batch.mjs: one COPY scans the file, runs the query
and writes JSON lines). Each contender is one process, timed from launch to
exit (wall time) with its peak resident memory (ru_maxrss from wait4). Runs
go round-robin, --repeat times; the tables show medians.

Results are checked: the binary's output against the JIT's (byte-identical,
or else as sets), DuckDB's against the JIT's as sets (per_user with
bench/compare.py, the windows with bench/windows/compare.mjs; floats within
1e-9 relative).

bench/peers/batch/run.sh generates the data and calls this script.
"""
import argparse
import filecmp
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent.parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import compare as per_user_compare  # noqa: E402  bench/compare.py

QUERIES = ["per_user", "tumbling", "rolling"]
FORMATS = ["json", "csv"]
FAMILIES = ["weir-jit", "weir-built", "duckdb"]
DATA_FILE = {"json": "txns.jsonl", "csv": "txns.csv"}


def weir_file(query, fmt):
    """The .weir file of a query over a format (existing ones reused)."""
    if query == "per_user":
        return BENCH / "pipelines" / f"per_user_{fmt}.weir"
    return BENCH / "windows" / f"{query}.weir" if fmt == "json" else HERE / f"{query}_csv.weir"


@dataclass
class Run:
    wall_s: float
    rss_kib: int
    query_s: float = None   # DuckDB: the COPY statement alone


@dataclass
class Contender:
    query: str
    fmt: str
    family: str
    cmd: list
    output: Path
    runs: list = field(default_factory=list)
    error: str = ""
    timed_out: bool = False


def run_measured(cmd, timeout, cwd=BENCH):
    """(rc or None on timeout, wall s, max RSS KiB, stdout, stderr) of one process.

    wait4 gives the child's own peak resident set; the clock runs from just
    before the fork to the reaping."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, stdout=out, stderr=err,
                                start_new_session=True)
        fired = []

        def stop():
            fired.append(True)
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the run's own process group only
            except ProcessLookupError:
                pass
        timer = threading.Timer(timeout, stop)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        rc = None if fired else proc.returncode
        return rc, wall, usage.ru_maxrss, out.read(), err.read()


def first_error(text):
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    errors = [l for l in lines if "error" in l.lower()]
    return ((errors or lines or ["(no output)"])[0])[:160].replace("|", "\\|")


# ------------------------------------------------------------ formatting
# Pure functions of plain numbers, tested by selftest.py.

def median(values):
    return statistics.median(values) if values else None


def seconds_cell(value, timed_out=False, error="", timeout=0.0):
    if timed_out:
        return f"> {timeout:.0f}"
    if error:
        return "error"
    return "" if value is None else f"{value:.2f}"


def ratio_cell(weir, duck):
    """Weir / DuckDB wall time, e.g. '0.45x'; blank when either is missing."""
    if weir is None or not duck:
        return "-"
    return f"{weir / duck:.2f}x"


def mib_cell(kib):
    return "-" if kib is None else f"{kib / 1024:.0f}"


def table_row(query, jit, built, duck, duck_query_s, rss, equal, timeout=0.0):
    """One markdown row. jit/built/duck: (median wall s or None, timed_out, error),
    or None for a contender left out; rss: median peak KiB (or None) for jit,
    built, duck."""
    cells = ["not run" if c is None else seconds_cell(*c, timeout) for c in (jit, built, duck)]
    ok = lambda c: None if c is None or c[1] or c[2] else c[0]  # noqa: E731
    if duck_query_s is not None and ok(duck) is not None:
        cells[2] += f" ({duck_query_s:.2f})"
    ratios = f"{ratio_cell(ok(jit), ok(duck))}, {ratio_cell(ok(built), ok(duck))}"
    mem = " / ".join(mib_cell(k) for k in rss)
    return f"| {query} | {cells[0]} | {cells[1]} | {cells[2]} | {ratios} | {mem} | {equal} |"


TABLE_HEAD = ("| query | Weir JIT s | Weir binary s | DuckDB s (COPY alone) | Weir/DuckDB (JIT, binary) "
              "| peak RSS MiB Weir JIT / binary / DuckDB | equal? |\n"
              "|---|---:|---:|---:|---:|---:|---|")


# ------------------------------------------------------------ the runs

class Batch:
    def __init__(self, args):
        self.args = args
        self.results = Path(args.results_dir).resolve()
        self.out = self.results / "out"
        self.bin = self.results / "bin"
        self.out.mkdir(parents=True, exist_ok=True)
        self.bin.mkdir(parents=True, exist_ok=True)
        self.data = Path(args.data_dir).resolve()
        self.contenders = []
        self.equal = {}            # (query, fmt) -> verdict text
        self.all_equal = True
        self.duckdb_version = "?"

    def build(self, query, fmt):
        """`weir build` once per pipeline file; '' or the error."""
        src = weir_file(query, fmt)
        exe = self.bin / f"{query}_{fmt}"
        rc, _, _, out, err = run_measured([self.args.weir, "build", src, "-o", exe], 600)
        return exe, ("" if rc == 0 else f"`weir build` failed: {first_error(err or out)}")

    def add(self, query, fmt):
        data = self.data / DATA_FILE[fmt]
        threads = str(self.args.threads)
        exe, build_error = self.build(query, fmt) if "weir-built" not in self.args.skip else (None, "")
        for family in FAMILIES:
            if family in self.args.skip:
                continue
            out = self.out / f"{query}_{fmt}_{family}.jsonl"
            rebind = ["--source", f"txns=file:{data}", "--sink", f"{query}=file:{out}",
                      "--threads", threads, "--trigger", "available_now", "--quiet"]
            if family == "weir-jit":
                cmd = [self.args.weir, "run", weir_file(query, fmt)] + rebind
            elif family == "weir-built":
                cmd = [exe] + rebind
            else:
                cmd = ["node", HERE / "duckdb_batch.mjs", "--query", query, "--format", fmt,
                       "--threads", threads, data, out]
            c = Contender(query, fmt, family, cmd, out)
            if family == "weir-built" and build_error:
                c.error = build_error
            self.contenders.append(c)

    def measure(self):
        for rep in range(self.args.repeat):
            for c in self.contenders:
                if c.error or c.timed_out:
                    continue
                rc, wall, rss, out, err = run_measured(c.cmd, self.args.timeout)
                if rc is None:
                    c.timed_out = True
                    log(f"{c.fmt:4} {c.query:8} {c.family:10}: > {self.args.timeout:.0f} s (stopped)")
                    continue
                if rc != 0:
                    c.error = f"exit {rc}: {first_error(err or out)}"
                    log(f"{c.fmt:4} {c.query:8} {c.family:10}: {c.error}")
                    continue
                run = Run(wall, rss)
                if c.family == "duckdb":
                    rep_ = json.loads(out.strip().splitlines()[-1])
                    run.query_s = rep_["query_s"]
                    self.duckdb_version = rep_.get("duckdb_version", "?")
                c.runs.append(run)
                log(f"run {rep + 1}: {c.fmt:4} {c.query:8} {c.family:10}: {wall:.3f} s, "
                    f"{rss / 1024:.0f} MiB")

    def find(self, query, fmt, family):
        return next((c for c in self.contenders
                     if (c.query, c.fmt, c.family) == (query, fmt, family)), None)

    # ------------------------------------------------------------ checks

    def same(self, query, ref, other):
        """'' when equal as sets of rows, else a short description."""
        if query == "per_user":
            problems = per_user_compare.compare(str(ref), str(other), "user_id")
            return "; ".join(problems[:2])
        proc = subprocess.run(["node", BENCH / "windows" / "compare.mjs", "--kind", query, ref, other],
                              cwd=BENCH, capture_output=True, text=True)
        if proc.returncode == 2 or not proc.stdout.strip():
            return f"compare failed: {first_error(proc.stderr)}"
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        if r["equal"]:
            return ""
        parts = [f"{r['rows_a']:,} vs {r['rows_b']:,} rows"] + \
                [f"{k} {r[k]:,}" for k in ("only_a", "only_b", "differ", "dup_keys_a", "dup_keys_b") if r[k]]
        return ", ".join(parts)

    def check(self, query, fmt):
        jit = self.find(query, fmt, "weir-jit")
        if not jit or not jit.runs:
            self.equal[(query, fmt)] = "no Weir JIT result"
            self.all_equal = False
            return
        verdicts = []
        for family, name in (("weir-built", "binary"), ("duckdb", "DuckDB")):
            c = self.find(query, fmt, family)
            if not c or not c.runs:
                continue
            if family == "weir-built" and filecmp.cmp(jit.output, c.output, shallow=False):
                verdicts.append(f"{name}: identical")
                continue
            diff = self.same(query, jit.output, c.output)
            verdicts.append(f"{name}: **DIFFER** ({diff})" if diff else f"{name}: yes")
            self.all_equal &= not diff
        rows = sum(1 for _ in open(jit.output))
        self.equal[(query, fmt)] = f"{', '.join(verdicts) or 'nothing to compare'} ({rows:,} rows)"

    # ------------------------------------------------------------ report

    def stats(self, c):
        if c is None:
            return None, None, None
        wall = median([r.wall_s for r in c.runs])
        rss = median([r.rss_kib for r in c.runs])
        qs = median([r.query_s for r in c.runs if r.query_s is not None])
        return (wall, c.timed_out, c.error), rss, qs

    def table(self, fmt):
        lines = [TABLE_HEAD]
        for q in self.args.queries:
            (jit, jr, _), (built, br, _), (duck, dr, dq) = (
                self.stats(self.find(q, fmt, f)) for f in FAMILIES)
            lines.append(table_row(q, jit, built, duck, dq, (jr, br, dr), self.equal.get((q, fmt), ""),
                                   self.args.timeout))
        return "\n".join(lines)

    def errors(self):
        return [f"- {c.fmt} {c.query} {c.family}: {c.error}" for c in self.contenders if c.error]

    def report(self):
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        cpu = subprocess.run("lscpu | sed -n 's/^Model name: *//p'", shell=True, capture_output=True,
                             text=True).stdout.strip()
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip() or "?"
        node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
        sizes = ", ".join(f"{(self.data / DATA_FILE[f]).stat().st_size / 2**20:.0f} MiB of "
                          f"{'JSON lines' if f == 'json' else 'CSV'}" for f in self.args.formats)
        out = [f"### Batch against DuckDB ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})", "",
               f"Input: the card feed of bench/gen_txns, {self.args.rows:,} rows ({sizes}; 40k users, "
               f"seed {self.args.seed}, 5 rows per second of event time, +-2 s of disorder, no late "
               f"rows). Every contender on {self.args.threads} threads: Weir (commit {commit}) as "
               f"`weir run` (JIT) and as the binary of `weir build`, trigger available_now; DuckDB "
               f"{self.duckdb_version} through @duckdb/node-api (node {node}), `SET threads = "
               f"{self.args.threads}`, preserve_insertion_order off, one COPY over read_json / "
               f"read_csv with explicit column types. Median of {self.args.repeat} run(s), "
               f"round-robin, each stopped after {self.args.timeout:.0f} s. Machine: {cpu}, "
               f"{os.cpu_count()} cores; load average after the runs {load}.", "",
               "Times are wall seconds of the whole process, launch to exit: read the file, run "
               "the query, write JSON lines (Weir includes compiling the pipeline under the JIT; "
               "DuckDB includes node's start). In parentheses: DuckDB's COPY statement alone. "
               "Peak RSS is the process's maximum resident set (wait4). `equal?` compares each "
               "result with Weir JIT's: the binary's byte for byte (or as sets), DuckDB's as sets "
               "of rows, floats within 1e-9 relative.", ""]
        for fmt in self.args.formats:
            out += [f"#### {'JSON lines' if fmt == 'json' else 'CSV'}", "", self.table(fmt), ""]
        errs = self.errors()
        if errs:
            out += ["Errors:", ""] + errs + [""]
        return "\n".join(out)


def log(msg):
    print(f"peers/batch: {msg}", file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weir", required=True)
    ap.add_argument("--data-dir", required=True, help="holds txns.jsonl and txns.csv")
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--results-dir", default=str(BENCH / "results" / "peers" / "batch"))
    ap.add_argument("--report", default=str(BENCH / "results" / "peers" / "batch.md"))
    ap.add_argument("--queries", nargs="+", default=QUERIES, choices=QUERIES)
    ap.add_argument("--formats", nargs="+", default=FORMATS, choices=FORMATS)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--skip", nargs="*", default=[], choices=FAMILIES)
    args = ap.parse_args()
    batch = Batch(args)
    for fmt in args.formats:
        for q in args.queries:
            batch.add(q, fmt)
    log("measuring (round-robin)")
    batch.measure()
    for fmt in args.formats:
        for q in args.queries:
            batch.check(q, fmt)
    text = batch.report()
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(text)
    print(text)
    ok = batch.all_equal and not batch.errors()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
