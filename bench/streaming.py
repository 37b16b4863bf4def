#!/usr/bin/env python3
"""The streaming benchmarks of issue 3: Nexmark q0, q1, q2, q5, q7 and the
Yahoo Streaming Benchmark, each as `weir run` (JIT), as a `weir build`
binary and as its hand-written C++ twin, over the runtime's generator sources
(no input files), on one core, round-robin, median of REPEAT runs. Run it
through bench/streaming.sh, which builds what it needs; see docs/benchmarks.md.

Measured per run: wall time and the process's CPU time (user + system, from
wait4). Throughput is input records (bids for Nexmark, ad events for YSB)
per CPU second: on a machine shared with other work the CPU time is what the
process itself needed, while its wall time also counts the time others held
the core. Both are printed.

Output: q0 and q1 write every bid, so their timed runs write to a sink that
drops the rows (`sink discard()`; the twins' `--out discard`), measuring the
query rather than JSON formatting, and their outputs are compared on a
smaller run (CHECK_EVENTS) written to stdout (`--sink q0=stdout:`); the other
queries write small files, compared (as sorted lines) after the timed runs.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
ENV = os.environ


def env_int(name, default):
    return int(ENV.get(name, default))


REPEAT = env_int("REPEAT", 5)
CHECK_EVENTS = env_int("CHECK_EVENTS", 1000000)
WEIR = ENV["WEIR"]
BIN = ENV["BIN"]  # where nexmark_twin and ysb_twin are
RESULTS = ENV.get("RESULTS", os.path.join(BENCH, "results", "streaming"))
ONLY = ENV.get("QUERIES", "").split()
PIN = ENV.get("PIN", "")  # e.g. "taskset -c 1"

# name, .weir (relative to bench/), working directory, source, generator,
# events, rate, output: discard or file, records per event, target records/s.
QUERIES = [
    ("q0", "nexmark/q0.weir", "nexmark", "bids", "nexmark_bids", env_int("Q0_EVENTS", 50000000), 0, "discard", 46 / 50, 20e6),
    ("q1", "nexmark/q1.weir", "nexmark", "bids", "nexmark_bids", env_int("Q1_EVENTS", 50000000), 0, "discard", 46 / 50, 20e6),
    ("q2", "nexmark/q2.weir", "nexmark", "bids", "nexmark_bids", env_int("Q2_EVENTS", 50000000), 0, "file", 46 / 50, 20e6),
    ("q5", "nexmark/q5.weir", "nexmark", "bids", "nexmark_bids", env_int("Q5_EVENTS", 50000000), 0, "file", 46 / 50, 5e6),
    ("q7", "nexmark/q7.weir", "nexmark", "bids", "nexmark_bids", env_int("Q7_EVENTS", 50000000), 0, "file", 46 / 50, 5e6),
    ("ysb", "ysb/ysb.weir", "ysb", "events", "ysb", env_int("YSB_EVENTS", 50000000), 0, "file", 1.0, 50e6),
]
CONTENDERS = ["weir run (JIT)", "weir build (binary)", "hand-written twin"]


def log(msg):
    print("streaming: " + msg, file=sys.stderr, flush=True)


def records(q, events):
    # Nexmark: event n is a bid unless n % 50 < 4.
    if q[0] == "ysb":
        return events
    full, rest = divmod(events, 50)
    return full * 46 + max(0, rest - 4)


def generator_uri(q, events):
    uri = "generator:%s?events=%d" % (q[4], events)
    if q[6]:
        uri += "&rate=%d" % q[6]
    return uri


def command(q, contender, events, out):
    """argv of one run; out is a path, "-" (stdout) or None (the query's own
    sink: a discard() sink, the twin's --out discard)."""
    name = q[0]
    if contender == "hand-written twin":
        twin = os.path.join(BIN, "ysb_twin" if name == "ysb" else "nexmark_twin")
        argv = [twin, name, "--events", str(events), "--out", out or "discard"]
        if q[6]:
            argv += ["--rate", str(q[6])]
    else:
        exe = [WEIR, "run", os.path.join(BENCH, q[1])] if contender.startswith("weir run") else \
            [os.path.join(RESULTS, "bin", name)]
        argv = exe + ["--threads", "1", "--quiet", "--source", "%s=%s" % (q[3], generator_uri(q, events))]
        if out == "-":
            argv += ["--sink", "%s=stdout:" % name]
        elif out:
            argv += ["--sink", "%s=file:%s" % (name, out)]
    return (PIN.split() if PIN else []) + argv


def run(argv, cwd, stdout_path):
    with open(stdout_path or os.devnull, "wb") as sink:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=sink, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(argv), proc.returncode, err.strip()[-2000:]))
    return wall, usage.ru_utime + usage.ru_stime


def out_path(q, contender, tag):
    slug = {"weir run (JIT)": "jit", "weir build (binary)": "bin", "hand-written twin": "twin"}[contender]
    return os.path.join(RESULTS, "out", "%s.%s.%s.jsonl" % (q[0], slug, tag))


def sorted_lines(path):
    with open(path, "rb") as f:
        return sorted(f.read().splitlines())


def same_output(a, b, ordered):
    if ordered:
        return subprocess.run(["cmp", "-s", a, b]).returncode == 0
    return sorted_lines(a) == sorted_lines(b)


def state_layout(q):
    """From `weir explain`: (state name, bytes per key, packed bytes) for the aggregates."""
    text = subprocess.run([WEIR, "explain", os.path.join(BENCH, q[1])], cwd=os.path.join(BENCH, q[2]),
                          capture_output=True, text=True).stdout
    states, current = [], None
    for line in text.splitlines():
        m = re.match(r"\s+aggregate (%\d+) by (.*?): \w+ = ", line)
        if m:
            current = {"name": m.group(1) + " by " + m.group(2), "bytes": None, "key": 0, "acc": 0}
            states.append(current)
            continue
        m = re.match(r"\s+state: (\d+) bytes per key(?:: a ring of (\d+) slices)?", line)
        if m and current is not None and current["bytes"] is None:
            current["bytes"] = int(m.group(1))
            current["slices"] = int(m.group(2) or 1)
            continue
        m = re.match(r"\s+\d+\s+(\d+)\s+(.*)$", line)
        if m and current is not None and current["bytes"] is not None:
            size, what = int(m.group(1)), m.group(2)
            # The packed aggregate: the key and one window's accumulators,
            # nothing for headers, slice ids, null bits or padding.
            if what.startswith("key "):
                current["key"] += size
            elif re.match(r"(slice\[0\] )?\w+: \w+", what) and "slice id" not in what:
                current["acc"] += size
        if not line.startswith(" ") and line.strip():
            current = None if line.startswith("stage") else current
    return [s for s in states if s["bytes"]], text


def machine():
    info = {}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for key in ("Model name", "L2 cache", "L3 cache"):
            m = re.search(r"^%s:\s+(.*)$" % key, lscpu, re.M)
            if m:
                info[key] = m.group(1).strip()
    except OSError:
        pass
    info["cores"] = os.cpu_count()
    info["clang"] = subprocess.run(["clang++-19", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return info


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def fmt_rate(r):
    return "%.1f M" % (r / 1e6) if r >= 1e6 else "%.0f K" % (r / 1e3)


def measure(queries):
    """Runs everything; returns what the report needs (also saved as results.json)."""
    os.makedirs(os.path.join(RESULTS, "bin"), exist_ok=True)
    shutil.rmtree(os.path.join(RESULTS, "out"), ignore_errors=True)
    os.makedirs(os.path.join(RESULTS, "out"), exist_ok=True)
    for q in queries:
        subprocess.run([WEIR, "build", os.path.join(BENCH, q[1]), "-o", os.path.join(RESULTS, "bin", q[0])],
                       cwd=os.path.join(BENCH, q[2]), check=True)
    data = {"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_before": loadavg(),
            "repeat": REPEAT, "pin": PIN, "events": {q[0]: q[5] for q in queries}, "checks": [], "runs": {}}

    # Output checks of q0/q1 on a smaller stream, row order included.
    for q in queries:
        if q[7] != "discard":
            continue
        events = min(CHECK_EVENTS, q[5])
        for c in CONTENDERS:
            run(command(q, c, events, "-"), os.path.join(BENCH, q[2]), out_path(q, c, "check"))
        for c in CONTENDERS[:2]:
            ok = same_output(out_path(q, c, "check"), out_path(q, CONTENDERS[2], "check"), True)
            data["checks"].append((ok, "%s: %s = twin on %d events (%d rows, same order)" %
                                   (q[0], c, events, records(q, events))))

    # Timed runs, round-robin: [wall, cpu] per run.
    for rep in range(REPEAT):
        log("round %d of %d" % (rep + 1, REPEAT))
        for q in queries:
            for c in CONTENDERS:
                out = out_path(q, c, "run") if q[7] == "file" else None
                argv = command(q, c, q[5], out)  # no out: the discard() sink
                data["runs"].setdefault("%s|%s" % (q[0], c), []).append(run(argv, os.path.join(BENCH, q[2]), None))
    if ENV.get("CHECKPOINT", "1") == "1":
        log("checkpoint cost")
        data["checkpoint"] = checkpoint_cost()
    data["load_after"] = loadavg()
    for q in queries:
        if q[7] != "file":
            continue
        for c in CONTENDERS[:2]:
            ok = same_output(out_path(q, c, "run"), out_path(q, CONTENDERS[2], "run"), False)
            n = len(sorted_lines(out_path(q, CONTENDERS[2], "run")))
            data["checks"].append((ok, "%s: %s = twin (%d rows, compared sorted)" % (q[0], c, n)))
    with open(os.path.join(RESULTS, "results.json"), "w") as f:
        json.dump(data, f, indent=1)
    return data


CHECKPOINT_KEYS = env_int("CHECKPOINT_KEYS", 1000000)
UNITS = {"bytes": 1, "B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}


def checkpoint_cost():
    """bench/checkpoint/keys.weir (one key per event) with --checkpoint and
    the runtime's trace: the largest checkpoint (all keys dirty) and the run
    without checkpoints, medians of REPEAT runs."""
    weir_file = os.path.join(BENCH, "checkpoint", "keys.weir")
    source = "events=generator:ysb?events=%d" % CHECKPOINT_KEYS
    sink = os.path.join(RESULTS, "out", "per_user.jsonl")
    plain, durable, largest = [], [], []
    env = dict(os.environ, WEIR_RUNTIME_TRACE="1")
    for _ in range(REPEAT):
        argv = [WEIR, "run", weir_file, "--quiet", "--threads", "1", "--source", source, "--sink", "per_user=file:" + sink]
        plain.append(run(argv, BENCH, None))
        store = os.path.join(RESULTS, "checkpoint.db")
        shutil.rmtree(store, ignore_errors=True)
        t0 = time.perf_counter()
        proc = subprocess.run(argv + ["--checkpoint", store, "--checkpoint-interval", "60m"], cwd=BENCH,
                              capture_output=True, text=True, env=env)
        durable.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise RuntimeError("checkpointed run failed: " + proc.stderr[-2000:])
        best = None
        for m in re.finditer(r"checkpoint \d+: (\d+) puts and deletes, ([\d.]+) (\w+), ([\d.]+) s", proc.stderr):
            entry = (int(m.group(1)), float(m.group(2)) * UNITS.get(m.group(3), 1), float(m.group(4)))
            if best is None or entry[0] > best[0]:
                best = entry
        if best:
            largest.append(best)
        shutil.rmtree(store, ignore_errors=True)
    if not largest:
        return None
    return {"keys": CHECKPOINT_KEYS, "puts": statistics.median(b[0] for b in largest),
            "bytes": statistics.median(b[1] for b in largest), "seconds": statistics.median(b[2] for b in largest),
            "run_plain": statistics.median(p[0] for p in plain), "run_durable": statistics.median(durable)}


def report(queries, data):
    lines = []
    m = machine()
    lines.append("### Streaming results (%s)" % data["started"])
    lines.append("")
    lines.append("Machine: %s, %s cores (L2 %s; L3 %s); %s. Runs pinned with `%s`, `--threads 1`; "
                 "median of %d runs, round-robin. Load average before / after: %s / %s." %
                 (m.get("Model name", "?"), m["cores"], m.get("L2 cache", "?"), m.get("L3 cache", "?"),
                  m["clang"], data["pin"] or "(no pinning)", data["repeat"], data["load_before"],
                  data["load_after"]))
    lines.append("")
    lines.append("Records are bids for Nexmark (46 of every 50 events of the stream) and ad events for YSB. "
                 "`records/s` divides by the process's CPU time (user + system); `wall` is its wall time, "
                 "which includes time other work on the machine held the core. The JIT figures include "
                 "parsing and compiling the pipeline.")
    lines.append("")
    lines.append("| query | contender | records | CPU s | wall s | records/s (CPU) | records/s (wall) | "
                 "target | met? | CPU vs twin | <= 1.25x? |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|")
    for q in queries:
        recs = records(q, data["events"][q[0]])
        runs = {c: data["runs"]["%s|%s" % (q[0], c)] for c in CONTENDERS}
        twin_cpu = statistics.median(r[1] for r in runs[CONTENDERS[2]])
        for c in CONTENDERS:
            wall = statistics.median(r[0] for r in runs[c])
            cpu = statistics.median(r[1] for r in runs[c])
            rate, ratio, twin = recs / cpu, cpu / twin_cpu, c == CONTENDERS[2]
            lines.append("| %s | %s | %s | %.3f | %.3f | %s | %s | %s | %s | %.2fx | %s |" %
                         (q[0], c, "{:,}".format(recs), cpu, wall, fmt_rate(rate), fmt_rate(recs / wall),
                          "" if twin else ">= %s/s" % fmt_rate(q[9]),
                          "" if twin else ("yes" if rate >= q[9] else "**no**"), ratio,
                          "" if twin else ("yes" if ratio <= 1.25 else "**no**")))
    lines.append("")
    lines.append("State per key (`weir explain`) against the packed aggregate: the key and the "
                 "accumulators as a plain struct (no entry header, slice ids, null bits or padding), for "
                 "one window and for as many windows (slices) as the layout keeps per key:")
    lines.append("")
    lines.append("| query | aggregate | bytes per key | slices kept | packed, one window | ratio | "
                 "packed, all slices | ratio |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for q in queries:
        states, _ = state_layout(q)
        for s in states:
            one = s["key"] + s["acc"]
            ring = s["key"] + s["slices"] * s["acc"]
            lines.append("| %s | %s | %d | %d | %d | %.2fx | %d | %.2fx |" %
                         (q[0], s["name"], s["bytes"], s["slices"], one, s["bytes"] / max(one, 1), ring,
                          s["bytes"] / max(ring, 1)))
    lines.append("")
    ck = data.get("checkpoint")
    if ck:
        lines.append("Checkpoint cost (`bench/checkpoint/keys.weir`: count and max per key, one new key per "
                     "event, %s keys, `--checkpoint` with the runtime's trace): the checkpoint that saves all "
                     "keys (every one dirty) writes %s puts in %.1f MiB (%.0f bytes per key) in %.2f s "
                     "(%.2f us per key); the run takes %.2f s wall with checkpoints and %.2f s without. "
                     "Medians of %d runs." %
                     ("{:,}".format(ck["keys"]), "{:,}".format(int(ck["puts"])), ck["bytes"] / (1 << 20),
                      ck["bytes"] / ck["keys"], ck["seconds"], ck["seconds"] * 1e6 / ck["keys"],
                      ck["run_durable"], ck["run_plain"], data["repeat"]))
        lines.append("")
    lines.append("Output checks:")
    lines.append("")
    for ok, what in data["checks"]:
        lines.append("- %s: %s" % ("OK" if ok else "**DIFFERENT**", what))
    return "\n".join(lines) + "\n"


def main():
    queries = [q for q in QUERIES if not ONLY or q[0] in ONLY]
    if ENV.get("REPORT_ONLY") == "1":  # the report of the last run again
        with open(os.path.join(RESULTS, "results.json")) as f:
            data = json.load(f)
        queries = [q for q in queries if q[0] in data["events"]]
    else:
        data = measure(queries)
    text = report(queries, data)
    with open(os.path.join(RESULTS, "report.md"), "w") as f:
        f.write(text)
    print(text)
    if ENV.get("UPDATE_DOCS") == "1":
        update_docs(text)
    return 0 if all(ok for ok, _ in data["checks"]) else 1


BEGIN = "<!-- streaming results: written by bench/streaming.sh UPDATE_DOCS=1 -->"
END = "<!-- end of streaming results -->"


def update_docs(report):
    path = os.path.join(REPO, "docs", "benchmarks.md")
    with open(path) as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        log("docs/benchmarks.md has no streaming results markers; not updated")
        return
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w") as f:
        f.write(head + BEGIN + "\n" + report + END + tail)
    log("updated docs/benchmarks.md")


if __name__ == "__main__":
    sys.exit(main())
