#!/usr/bin/env python3
"""Runs the per_user benchmark side by side and writes a markdown report.

Contenders, each on the JSON-lines and the CSV file, on 1 and 2 threads:
  weir run (JIT), weir build (built binary), weir run --no-fuse,
  the hand-written C++ program, DuckDB (node, @duckdb/node-api).
Every contender runs --repeat times, round-robin (run 1 of everyone, then
run 2 of everyone, ...) so that a slow spell of the machine hits all of them
alike; the table shows medians. Peak memory comes from /usr/bin/time -v.

bench/run.sh prepares the binaries, the data and node_modules, then calls
this script; see docs/benchmarks.md.
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import compare  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

# Targets from the issue.
TARGET_FUSION_SPEEDUP = 5.0      # fused >= 5x --no-fuse
TARGET_VS_HANDWRITTEN = 1.25     # weir time <= 1.25x the hand-written program's
TARGET_VS_DUCKDB = 0.5           # weir time <= 0.5x DuckDB's at equal threads
TARGET_COMPILE_MS = 50.0         # JIT compile of each example
TARGET_STARTUP_MS = 10.0         # built binary: start to first record


@dataclass
class Contender:
    name: str          # e.g. "weir run (JIT)"
    family: str        # weir-jit | weir-built | weir-nofuse | handwritten | duckdb
    fmt: str           # json | csv
    threads: int
    cmd: list
    output: Path       # the JSON-lines result it writes
    cwd: Path = BENCH
    runs: list = field(default_factory=list)   # dicts: wall_s, rss_kb, timed_s
    error: str = ""    # why it was not measured

    def key(self):
        return f"{self.family}/{self.fmt}/{self.threads}"


def run_timed(cmd, cwd, timeout=900):
    """Runs cmd under /usr/bin/time -v.
    Returns (rc, wall_s, max_rss_kb, stdout, stderr, cpu_s (user + system))."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name] + [str(c) for c in cmd],
                              cwd=cwd, capture_output=True, text=True, timeout=timeout)
        wall = time.perf_counter() - start
        report = Path(tf.name).read_text()
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([0-9.]+)", report))
    return proc.returncode, wall, int(rss.group(1)) if rss else 0, proc.stdout, proc.stderr, cpu


def error_summary(text):
    """The most telling line of a failed command's output: the first one that
    mentions an error, else the last one."""
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    if not lines:
        return "(no output)"
    errors = [l for l in lines if "error" in l.lower()]
    return (errors[0] if errors else lines[-1])[:200].replace("|", "\\|")


def machine_description():
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""
    cpu = sh("lscpu | sed -n 's/^Model name: *//p'")
    cores = os.cpu_count()
    mem_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    caches = sh("lscpu | grep -E '^L[23] cache' | sed 's/  */ /g' | paste -sd ';'")
    return {
        "cpu": f"{cpu}, {cores} cores ({caches})",
        "memory": f"{mem_gib} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "compiler": sh("clang++-19 --version | head -1"),
        "node": sh("node --version"),
        "simdjson": sh("grep -m1 'define SIMDJSON_VERSION ' /usr/include/simdjson.h | awk '{print $3}'")
                    .strip('"'),
    }


class Bench:
    def __init__(self, args):
        self.args = args
        self.results_dir = Path(args.results_dir).resolve()
        self.out_dir = self.results_dir / "out"
        self.bin_dir = self.results_dir / "bin"
        self.data_dir = Path(args.data_dir).resolve()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.bin_dir.mkdir(parents=True, exist_ok=True)
        self.rows = args.rows
        self.contenders = []
        self.notes = []
        self.checks = []          # (description, ok, detail)
        self.compile_times = []   # dicts: example, total_ms, jit_ms (or error)
        self.startup = None       # dict or error string
        self.build_times = {}     # fmt -> seconds of `weir build`
        self.duckdb_version = ""
        self.load_before = self.load_after = "?"
        self.fusion_extra = None  # dict: fused_s, nofuse_s (medians), or an error string

    # ------------------------------------------------------------ contenders

    def input_path(self, fmt):
        return self.data_dir / ("txns.jsonl" if fmt == "json" else "txns.csv")

    def weir_available(self):
        weir = self.args.weir
        if not weir or not Path(weir).exists():
            return f"no weir binary at {weir}"
        rc, _, _, out, err, _ = run_timed([weir, "--help"], BENCH, timeout=30)
        return "" if rc == 0 else f"`weir --help` failed: {error_summary(err or out)}"

    def pipeline(self, fmt):
        return BENCH / "pipelines" / f"per_user_{fmt}.weir"

    def weir_sink_option(self, output):
        return ["--sink", f"per_user=file:{output}"]

    def add_contenders(self):
        weir_problem = self.weir_available()
        if weir_problem:
            self.notes.append(f"Weir not measured: {weir_problem}.")
        for fmt in self.args.formats:
            inp = self.input_path(fmt)
            for t in self.args.threads:
                out = lambda fam: self.out_dir / f"{fam}_{fmt}_t{t}.jsonl"  # noqa: E731
                weir = str(self.args.weir)
                jit = Contender("weir run (JIT)", "weir-jit", fmt, t,
                                [weir, "run", self.pipeline(fmt), "--time-phases", "--threads", t]
                                + self.weir_sink_option(out("weir-jit")), out("weir-jit"))
                built_bin = self.bin_dir / f"weir_per_user_{fmt}"
                built = Contender("weir build (binary)", "weir-built", fmt, t,
                                  [built_bin, "--threads", t] + self.weir_sink_option(out("weir-built")),
                                  out("weir-built"))
                nofuse = Contender("weir run --no-fuse", "weir-nofuse", fmt, t,
                                   [weir, "run", self.pipeline(fmt), "--no-fuse", "--threads", t]
                                   + self.weir_sink_option(out("weir-nofuse")), out("weir-nofuse"))
                hand = Contender("hand-written C++", "handwritten", fmt, t,
                                 [self.args.handwritten, "--format", fmt, "--threads", t, inp,
                                  out("handwritten")], out("handwritten"))
                duck = Contender("DuckDB", "duckdb", fmt, t,
                                 ["node", BENCH / "duckdb" / "per_user.mjs", "--format", fmt,
                                  "--threads", t, inp, out("duckdb")], out("duckdb"))
                for c in (jit, built, nofuse):
                    if weir_problem:
                        c.error = "not yet measured (weir does not run end to end)"
                for c in (jit, built, nofuse, hand, duck):
                    if c.family in self.args.skip:
                        continue
                    self.contenders.append(c)

    def build_weir_binaries(self):
        for fmt in self.args.formats:
            users = [c for c in self.contenders if c.family == "weir-built" and c.fmt == fmt]
            if not users or users[0].error:
                continue
            target = self.bin_dir / f"weir_per_user_{fmt}"
            rc, wall, _, out, err, _ = run_timed(
                [self.args.weir, "build", self.pipeline(fmt), "-o", target], BENCH)
            if rc != 0:
                for c in users:
                    c.error = f"`weir build` failed: {error_summary(err or out)}"
            else:
                self.build_times[fmt] = wall

    def measure(self):
        self.load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        self._measure()
        self.load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())

    def _measure(self):
        for rep in range(self.args.repeat):
            for c in self.contenders:
                if c.error:
                    continue
                if c.output.exists():
                    c.output.unlink()
                rc, wall, rss, out, err, cpu = run_timed(c.cmd, c.cwd)
                if rc != 0:
                    c.error = f"exit {rc}: {error_summary(err or out)}"
                    continue
                timed = wall
                if c.family == "duckdb":
                    report = json.loads(out.strip().splitlines()[-1])
                    timed = report["query_s"]
                    self.duckdb_version = report.get("duckdb_version", "")
                run = {"wall_s": wall, "rss_kb": rss, "timed_s": timed, "cpu_s": cpu}
                phases = self.parse_phase_times(err)
                if "total" in phases:
                    run["compile_ms"] = phases["total"]
                    run["jit_ms"] = phases.get("jit", 0.0)
                c.runs.append(run)
                print(f"  run {rep + 1}: {c.name:22} {c.fmt:4} t={c.threads}: "
                      f"{timed:.3f} s (process {wall:.3f} s, cpu {cpu:.3f} s), {rss / 1024:.0f} MiB", file=sys.stderr)

    # ------------------------------------------------------------ checks

    def find(self, family, fmt, threads):
        for c in self.contenders:
            if c.family == family and c.fmt == fmt and c.threads == threads:
                return c if c.runs and not c.error else None
        return None

    def check_outputs(self):
        """Every measured output equals the hand-written 1-thread one (ordered
        for Weir, by key for DuckDB), and JSON equals CSV."""
        for fmt in self.args.formats:
            ref = self.find("handwritten", fmt, 1)
            if not ref:
                continue
            for c in self.contenders:
                if c is ref or c.fmt != fmt or not c.runs or c.error:
                    continue
                ordered = c.family != "duckdb"
                problems = compare(ref.output, c.output, ordered=ordered)
                self.checks.append((f"{c.name} {fmt} t={c.threads} = hand-written {fmt} t=1"
                                    f"{' (same key order)' if ordered else ' (as a map)'}",
                                    not problems, "; ".join(problems[:3])))
        if len(self.args.formats) == 2:
            a, b = self.find("handwritten", "json", 1), self.find("handwritten", "csv", 1)
            if a and b:
                problems = compare(a.output, b.output, ordered=True)
                self.checks.append(("hand-written: JSON result = CSV result", not problems,
                                    "; ".join(problems[:3])))
        # Weir vs DuckDB directly, as the issue asks.
        for fmt in self.args.formats:
            for t in self.args.threads:
                w, d = self.find("weir-jit", fmt, t), self.find("duckdb", fmt, t)
                if w and d:
                    problems = compare(w.output, d.output)
                    self.checks.append((f"weir run {fmt} t={t} = DuckDB {fmt} t={t} (as a map)",
                                        not problems, "; ".join(problems[:3])))

    # ------------------------------------------------------------ compile / startup

    def examples(self):
        return sorted(REPO.glob("examples/**/*.weir"))

    @staticmethod
    def parse_phase_times(text):
        """weir --time-phases prints 'weir: compile times: parse 1.2 ms, ...,
        jit 30.1 ms, total 45.0 ms'. Returns {phase: ms} (with 'total')."""
        line = next((l for l in text.splitlines() if "compile times:" in l), "")
        return {name: float(ms) for name, ms in
                re.findall(r"([A-Za-z_-]+) ([0-9.]+) ms", line.split("compile times:", 1)[-1])}

    def measure_compile_times(self):
        """JIT compile time of each example: `weir run --time-phases` on a
        copy of the example's directory (its small data included); the figure
        is weir's own total over its phases, from reading the file to JIT
        machine code. The bench pipelines' figures come from the JIT runs
        of the measurement (they also pass --time-phases)."""
        if self.weir_available():
            return
        for example in self.examples():
            rel = example.relative_to(REPO)
            totals, jits = [], []
            error = ""
            for _ in range(self.args.repeat):
                with tempfile.TemporaryDirectory() as tmp:
                    work = Path(tmp) / "ex"
                    shutil.copytree(example.parent, work, ignore=shutil.ignore_patterns("out"))
                    (work / "out").mkdir(exist_ok=True)
                    rc, _, _, out, err, _ = run_timed(
                        [self.args.weir, "run", example.name, "--time-phases"], work, timeout=120)
                    phases = self.parse_phase_times(err)
                    if rc != 0 or "total" not in phases:
                        error = error_summary(err or out) if rc != 0 else "no --time-phases report"
                        break
                    totals.append(phases["total"])
                    jits.append(phases.get("jit", 0.0))
            if error:
                self.compile_times.append({"example": str(rel), "error": error})
            else:
                self.compile_times.append({"example": str(rel), "total_ms": statistics.median(totals),
                                           "jit_ms": statistics.median(jits)})
        for fmt in self.args.formats:
            for t in self.args.threads:
                c = self.find("weir-jit", fmt, t)
                if c and all("compile_ms" in r for r in c.runs):
                    self.compile_times.append({
                        "example": f"bench/pipelines/per_user_{fmt}.weir (t={t} runs)",
                        "total_ms": self.median(c, "compile_ms"),
                        "jit_ms": self.median(c, "jit_ms")})

    def measure_fusion_on_clean(self):
        """The fusion target on a pipeline where fusion has something to
        remove: pipelines/clean_json.weir (where + select with computed
        columns), fused vs --no-fuse, 1 thread, round-robin; the two outputs
        must be equal row for row."""
        if self.weir_available() or "json" not in self.args.formats:
            return
        pipeline = BENCH / "pipelines" / "clean_json.weir"
        outs = {"fused": self.out_dir / "weir_clean_fused.jsonl",
                "nofuse": self.out_dir / "weir_clean_nofuse.jsonl"}
        times = {"fused": [], "nofuse": []}
        for _ in range(self.args.repeat):
            for mode, out in outs.items():
                cmd = [self.args.weir, "run", pipeline] + (["--no-fuse"] if mode == "nofuse" else []) \
                    + ["--threads", 1, "--sink", f"clean=file:{out}"]
                rc, wall, _, o, err, _ = run_timed(cmd, BENCH)
                if rc != 0:
                    self.fusion_extra = f"`weir run` failed: {error_summary(err or o)}"
                    return
                times[mode].append(wall)
        problems = compare(outs["fused"], outs["nofuse"], key="txn_id", ordered=True)
        self.checks.append(("clean_json: fused output = --no-fuse output (same row order)",
                            not problems, "; ".join(problems[:3])))
        self.fusion_extra = {m: statistics.median(t) for m, t in times.items()}

    def measure_startup(self):
        """Built binary on a 1-row input, start to exit (which is after the
        first and only record is read and its result written): an upper bound
        of start to first record."""
        if self.weir_available():
            self.startup = "not yet measured (weir does not run end to end)"
            return
        one = self.data_dir / "one_row.jsonl"
        with open(self.input_path("json")) as f:
            one.write_text(f.readline())
        src = self.pipeline("json").read_text().replace("data/txns.jsonl", str(one))
        weir_file = self.results_dir / "per_user_one_row.weir"
        weir_file.write_text(src)
        binary = self.bin_dir / "weir_per_user_one_row"
        rc, _, _, out, err, _ = run_timed([self.args.weir, "build", weir_file, "-o", binary], BENCH)
        if rc != 0:
            self.startup = f"`weir build` failed: {error_summary(err or out)}"
            return
        sink = self.out_dir / "one_row_out.jsonl"
        cmd = [str(binary)] + self.weir_sink_option(sink)
        if shutil.which("hyperfine"):
            export = self.results_dir / "startup.json"
            proc = subprocess.run(["hyperfine", "-N", "--warmup", "5", "--runs", "50",
                                   "--export-json", str(export), " ".join(map(str, cmd))],
                                  cwd=BENCH, capture_output=True, text=True)
            if proc.returncode != 0:
                self.startup = f"hyperfine failed: {error_summary(proc.stderr)}"
                return
            r = json.loads(export.read_text())["results"][0]
            self.startup = {"median_ms": r["median"] * 1000, "mean_ms": r["mean"] * 1000,
                            "min_ms": r["min"] * 1000, "how": "hyperfine -N, 50 runs"}
        else:
            times = []
            for _ in range(50):
                start = time.perf_counter()
                subprocess.run(cmd, cwd=BENCH, capture_output=True)
                times.append((time.perf_counter() - start) * 1000)
            self.startup = {"median_ms": statistics.median(times), "mean_ms": statistics.mean(times),
                            "min_ms": min(times), "how": "Python loop, 50 runs"}
        if not sink.exists() or not sink.read_text().strip():
            self.startup = "the 1-row run wrote no output"

    # ------------------------------------------------------------ report

    @staticmethod
    def median(c, what):
        return statistics.median(r[what] for r in c.runs)

    def table(self):
        lines = ["| contender | input | threads | time s | records/s | process s | process CPU s "
                 "| peak RSS MiB | vs hand-written: time | CPU |",
                 "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        for c in self.contenders:
            if c.error or not c.runs:
                lines.append(f"| {c.name} | {c.fmt} | {c.threads} | {c.error or 'no runs'} | | | | | | |")
                continue
            timed, wall = self.median(c, "timed_s"), self.median(c, "wall_s")
            rss = self.median(c, "rss_kb") / 1024
            ref = self.find("handwritten", c.fmt, c.threads)
            ratio = f"{timed / self.median(ref, 'timed_s'):.2f}x" if ref else ""
            cpu = self.median(c, "cpu_s")
            ref_cpu = self.median(ref, "cpu_s") if ref else 0
            cpu_ratio = f"{cpu / ref_cpu:.2f}x" if ref_cpu > 0 else ""
            lines.append(f"| {c.name} | {c.fmt} | {c.threads} | {timed:.3f} | "
                         f"{self.rows / timed / 1e6:.2f} M | {wall:.3f} | {cpu:.3f} | {rss:.0f} | "
                         f"{ratio} | {cpu_ratio} |")
        return "\n".join(lines)

    def target_rows(self):
        rows = ["| target | input | threads | measured | goal | met? |", "|---|---|---|---:|---:|---|"]

        def verdict(ok):
            return "yes" if ok else "**no**"

        def ratio_row(label, fam_a, fam_b, goal, op, threads_list):
            for fmt in self.args.formats:
                for t in threads_list:
                    a, b = self.find(fam_a, fmt, t), self.find(fam_b, fmt, t)
                    if not (a and b):
                        rows.append(f"| {label} | {fmt} | {t} | not measured | {op} {goal} | |")
                        continue
                    r = self.median(a, "timed_s") / self.median(b, "timed_s")
                    ok = r >= goal if op == ">=" else r <= goal
                    rows.append(f"| {label} | {fmt} | {t} | {r:.2f}x | {op} {goal}x | {verdict(ok)} |")

        ratio_row("fused speed-up: time(--no-fuse) / time(JIT)", "weir-nofuse", "weir-jit",
                  TARGET_FUSION_SPEEDUP, ">=", self.args.threads)
        if isinstance(self.fusion_extra, dict):
            r = self.fusion_extra["nofuse"] / self.fusion_extra["fused"]
            rows.append(f"| fused speed-up on pipelines/clean_json.weir (where + select): "
                        f"{self.fusion_extra['nofuse']:.3f} s / {self.fusion_extra['fused']:.3f} s "
                        f"| json | 1 | {r:.2f}x | >= {TARGET_FUSION_SPEEDUP}x | {verdict(r >= TARGET_FUSION_SPEEDUP)} |")
        elif self.fusion_extra:
            rows.append(f"| fused speed-up on pipelines/clean_json.weir | json | 1 | {self.fusion_extra} "
                        f"| >= {TARGET_FUSION_SPEEDUP}x | |")
        ratio_row("time(built binary) / time(hand-written)", "weir-built", "handwritten",
                  TARGET_VS_HANDWRITTEN, "<=", self.args.threads)
        ratio_row("time(JIT run) / time(hand-written)", "weir-jit", "handwritten",
                  TARGET_VS_HANDWRITTEN, "<=", self.args.threads)
        ratio_row("time(JIT run) / DuckDB query time", "weir-jit", "duckdb",
                  TARGET_VS_DUCKDB, "<=", self.args.threads)
        ratio_row("time(built binary) / DuckDB query time", "weir-built", "duckdb",
                  TARGET_VS_DUCKDB, "<=", self.args.threads)
        if not self.compile_times:
            rows.append(f"| JIT compile time per example | | | not measured | <= {TARGET_COMPILE_MS:.0f} ms | |")
        for ct in self.compile_times:
            if "error" in ct:
                rows.append(f"| JIT compile {ct['example']} | | | failed: {ct['error']} | "
                            f"<= {TARGET_COMPILE_MS:.0f} ms | **no** |")
            else:
                rows.append(f"| JIT compile {ct['example']} (of which LLVM JIT {ct['jit_ms']:.1f} ms) "
                            f"| | | {ct['total_ms']:.1f} ms | "
                            f"<= {TARGET_COMPILE_MS:.0f} ms | {verdict(ct['total_ms'] <= TARGET_COMPILE_MS)} |")
        if isinstance(self.startup, dict):
            s = self.startup
            rows.append(f"| built binary, start to first record (1-row input, start to exit; {s['how']}) "
                        f"| json | 1 | {s['median_ms']:.2f} ms (min {s['min_ms']:.2f}) | "
                        f"<= {TARGET_STARTUP_MS:.0f} ms | {verdict(s['median_ms'] <= TARGET_STARTUP_MS)} |")
        else:
            rows.append(f"| built binary, start to first record | json | 1 | {self.startup or 'not measured'} "
                        f"| <= {TARGET_STARTUP_MS:.0f} ms | |")
        return "\n".join(rows)

    def report(self):
        m = machine_description()
        size = {f: self.input_path(f).stat().st_size for f in self.args.formats if self.input_path(f).exists()}
        out = [f"## Results ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})", "",
               f"Input: {self.rows:,} rows (" +
               ", ".join(f"{f}: {s / 2**20:.0f} MiB" for f, s in size.items()) +
               f"), seed {self.args.seed}; median of {self.args.repeat} runs, round-robin.",
               "",
               f"Machine: {m['cpu']}; {m['memory']}; {m['os']}; {m['compiler']}; node {m['node']}; "
               f"DuckDB {self.duckdb_version or '?'}; simdjson {m['simdjson']}.", "",
               "`time s` is what records/s and the ratios use: the process's wall time, except for "
               "DuckDB, where it is the query alone (COPY ... TO, inside the node process); "
               "`process s` is the whole process for everyone (for DuckDB: node start, "
               "loading DuckDB, the query); `process CPU s` is its user + system time "
               "(all threads). Load average before / after the runs: "
               f"{self.load_before} / {self.load_after} (other work on the machine inflates "
               "wall times).", "",
               self.table(), "", "### Targets", "", self.target_rows(), "", "### Output checks", ""]
        if not self.checks:
            out.append("- none ran")
        for desc, ok, detail in self.checks:
            out.append(f"- {'OK' if ok else 'DIFFER'}: {desc}" + (f" ({detail})" if detail else ""))
        if self.build_times:
            out += ["", "`weir build` wall time: " +
                    ", ".join(f"{f} {s:.2f} s" for f, s in self.build_times.items()) + "."]
        if self.notes:
            out += [""] + [f"Note: {n}" for n in self.notes]
        return "\n".join(out) + "\n"

    def save_raw(self):
        raw = {"rows": self.rows, "seed": self.args.seed, "machine": machine_description(),
               "contenders": [{"name": c.name, "family": c.family, "format": c.fmt,
                               "threads": c.threads, "cmd": [str(x) for x in c.cmd],
                               "runs": c.runs, "error": c.error} for c in self.contenders],
               "compile_times": self.compile_times, "startup": self.startup,
               "fusion_clean_json": self.fusion_extra,
               "checks": [{"check": d, "ok": ok, "detail": det} for d, ok, det in self.checks]}
        (self.results_dir / "results.json").write_text(json.dumps(raw, indent=1))


RESULTS_MARKER = "<!-- results: written by bench/run.sh UPDATE_DOCS=1 -->"


def update_doc(path, report):
    text = path.read_text()
    if RESULTS_MARKER not in text:
        raise SystemExit(f"{path} has no results marker: {RESULTS_MARKER}")
    head, rest = text.split(RESULTS_MARKER, 1)
    # The old results end where the doc's next "## " section starts; that
    # section and all after it are kept.
    after = re.search(r"^## ", rest, flags=re.M)
    tail = "\n" + rest[after.start():] if after else ""
    # One heading level down: the report sits under the doc's "## Results".
    demoted = "\n".join("#" + line if line.startswith("#") else line
                         for line in report.splitlines())
    path.write_text(head + RESULTS_MARKER + "\n" + demoted + "\n" + tail)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weir", default=str(REPO / "build" / "bin" / "weir"))
    ap.add_argument("--handwritten", required=True)
    ap.add_argument("--data-dir", default=str(BENCH / "data"))
    ap.add_argument("--results-dir", default=str(BENCH / "results"))
    ap.add_argument("--rows", type=int, required=True, help="rows in the input files")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--formats", nargs="+", default=["json", "csv"], choices=["json", "csv"])
    ap.add_argument("--update-doc", metavar="MD",
                    help="replace what follows the results marker in MD with the report")
    ap.add_argument("--skip", nargs="*", default=[],
                    help="families to leave out: weir-jit weir-built weir-nofuse handwritten duckdb")
    args = ap.parse_args()

    bench = Bench(args)
    bench.add_contenders()
    bench.build_weir_binaries()
    print("measuring (round-robin)...", file=sys.stderr)
    bench.measure()
    bench.check_outputs()
    bench.measure_fusion_on_clean()
    bench.measure_compile_times()
    bench.measure_startup()
    report = bench.report()
    (bench.results_dir / "report.md").write_text(report)
    bench.save_raw()
    if args.update_doc:
        update_doc(Path(args.update_doc), report)
    print(report)
    return 0 if all(ok for _, ok, _ in bench.checks) else 1


if __name__ == "__main__":
    sys.exit(main())
