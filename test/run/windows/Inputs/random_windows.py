#!/usr/bin/env python3
"""Random windowed pipelines, run by weir and by the reference model.

  random_windows.py WEIR WORKDIR [--seeds A-B] [--mode run|no-fuse|build]
                    [--no-string-keys] [--kind KIND] [--many] [--long-delay]

For each seed: draws a pipeline (window kind and sizes, watermark delay,
emit and late policies, keys, a filter, aggregates) and a small input with
out-of-order, late and equal-time rows; writes case<seed>/p.weir and its
input; runs weir; compares every output (emit final in emission order,
rolling and ttl sorted, updates and the late sink row by row) and the late
count in the run report with the model. Prints one line per seed and exits 1
when any differs (the case directory stays for a look).
"""
import argparse
import datetime
import json
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "reference"))

from weir_ref import Agg, col, count, gt, read_json_lines, schema, where, write_json_lines  # noqa: E402
from weir_windows import (Hopping, Rolling, Session, Tumbling, arrivals, check_final,  # noqa: E402
                          ttl_aggregate, windowed_aggregate)

FIELDS = schema("id: string, user: int64, tag: string?, merchant: string, amount: float64, "
                "n: int64, tip: float64?, ts: timestamp")
SCHEMA = ("schema Ev { id: string, user: int64, tag: string?, merchant: string, "
          "amount: float64, n: int64, tip: float64?, ts: timestamp }")
BASE_MS = 1_704_067_200_000

# name -> (weir call, model aggregate, tolerance for rows_equal or None)
AGGREGATES = {
    "cnt": ("count()", lambda: count(), None),
    "tips": ("count(tip)", lambda: Agg("count", col("tip")), None),
    "total": ("sum(amount)", lambda: Agg("sum", col("amount")), None),
    "n_sum": ("sum(n)", lambda: Agg("sum", col("n")), None),
    "lo": ("min(amount)", lambda: Agg("min", col("amount")), None),
    "hi_n": ("max(n)", lambda: Agg("max", col("n")), None),
    "first_ts": ("min(ts)", lambda: Agg("min", col("ts")), None),
    "mean": ("avg(amount)", lambda: Agg("avg", col("amount")), None),
    "mean_tip": ("avg(tip)", lambda: Agg("avg", col("tip")), None),
    "merchants": ("count_distinct(merchant)", lambda: Agg("count_distinct", col("merchant")), None),
    "first_n": ("first(n)", lambda: Agg("first", col("n")), None),
    "last_amt": ("last(amount)", lambda: Agg("last", col("amount")), None),
    "first_m": ("first(merchant)", lambda: Agg("first", col("merchant")), None),
    "last_m": ("last(merchant)", lambda: Agg("last", col("merchant")), None),
    "last_tag": ("last(tag)", lambda: Agg("last", col("tag")), None),
    "sd": ("stddev(amount)", lambda: Agg("stddev", col("amount")), (1e-9, 1e-9)),
    "v_n": ("var(n)", lambda: Agg("var", col("n")), (1e-9, 1e-9)),
    "approx_m": ("approx_count_distinct(merchant)",
                 lambda: Agg("approx_count_distinct", col("merchant")), (0.05, 0.5)),
    "approx_ids": ("approx_count_distinct(id)",
                   lambda: Agg("approx_count_distinct", col("id")), (0.05, 0.5)),
    "p50": ("approx_percentile(amount, 0.5)",
            lambda: Agg("approx_percentile", col("amount"), 0.5), (0.011, 1e-9)),
    "p99": ("approx_percentile(n, 0.99)",
            lambda: Agg("approx_percentile", col("n"), 0.99), (0.011, 1e-9)),
}


def duration(ms):
    for unit, size in (("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


# Aggregates whose slices own memory (rolling windows refold them); the
# others slide (docs/language.md, "rolling").
OWNING = {"merchants", "first_m", "last_m", "last_tag", "approx_m", "approx_ids", "p50", "p99"}


def draw_pipeline(rng, string_keys=True, kind=None):
    p = {"delay": rng.choice([0, 500, 2000, 5000, 30_000])}
    p["ttl"] = kind is None and rng.random() < 0.12
    p["kind"] = "none" if p["ttl"] else kind or rng.choice(["tumbling", "hopping", "session", "rolling"])
    if p["kind"] == "tumbling":
        p["size"] = rng.choice([1000, 2000, 5000, 60_000])
    elif p["kind"] == "hopping":
        p["slide"] = rng.choice([500, 1000, 5000])
        p["size"] = p["slide"] * rng.choice([1, 2, 3, 4, 6, 10])
    elif p["kind"] == "session":
        p["gap"] = rng.choice([250, 1000, 3000, 10_000])
    elif p["kind"] == "rolling":
        p["size"] = rng.choice([1, 1000, 4000, 30_000])
    else:  # unwindowed, with a ttl or without one
        p["ttl_ms"] = rng.choice([None, 1000, 5000, 20_000])
    p["emit"] = "final" if p["ttl"] else rng.choice(["final", "updates"])
    p["late_file"] = not p["ttl"] and rng.random() < 0.4
    p["keys"] = rng.choice([[], ["user"], ["user"], ["tag"], ["user", "tag"]])
    if not string_keys:
        p["keys"] = [k for k in p["keys"] if k != "tag"]
    if p["ttl"] and not p["keys"]:
        p["keys"] = ["user"]
    p["filter"] = rng.random() < 0.3
    names = rng.sample(sorted(AGGREGATES), rng.randint(1, 6))
    p["aggs"] = names
    return p


def draw_rows(rng, p, many=False):
    n = rng.randint(20, 300) if rng.random() < 0.85 else rng.randint(1000, 3000)
    users = rng.choice([2, 4, 4, 40])
    if many:  # one key, thousands of rows in range, evicted as time passes
        return draw_many_rows(rng, p)
    # Sometimes around the Unix epoch: windows and sessions across negative times.
    base = BASE_MS if rng.random() < 0.8 else -rng.randrange(0, 120_000)
    ts = base + rng.randrange(-5000, 5000)
    rows = []
    for i in range(n):
        ts += rng.choice([0, 0, 1, 7, 100, 250, 999, 1000, 1500, 4000, 12_000])
        tag = rng.choice(["x", "y", None, "", "x"])
        row = {"id": f"r{i}", "user": rng.randint(1, users), "merchant": rng.choice("ABCDEFG"),
               "amount": rng.randint(-20, 400) / 4, "n": rng.randint(-5, 50),
               "tip": None if rng.random() < 0.3 else rng.randint(0, 16) / 8, "ts": ts}
        if tag is not None or rng.random() < 0.5:
            row["tag"] = tag
        rows.append(row)
    # Arrival: displaced by up to the delay, some rows by far more (late).
    spread = max(p["delay"], 1)
    keyed = []
    for i, r in enumerate(rows):
        hold = rng.randint(0, spread - 1) if spread > 1 else 0
        if rng.random() < 0.08:
            hold = rng.randint(0, 4 * spread + 3000)
        keyed.append((r["ts"] + hold, i, r))
    return [r for _, _, r in sorted(keyed, key=lambda k: (k[0], k[1]))]


def draw_many_rows(rng, p, n=3000):
    """3000 rows of one user, 0-200 ms apart (a 1m range holds ~600 of them,
    a 5m one ~3000: the model refolds each, O(n^2)), 30% arriving up to the
    delay out of order, 1% later."""
    ts = BASE_MS
    rows = []
    for i in range(n):
        ts += rng.choice([0, 1, 7, 50, 100, 200])
        rows.append({"id": f"r{i}", "user": 1, "merchant": rng.choice("ABCDEFG"),
                     "amount": rng.randint(-20, 400) / 4, "n": rng.randint(-5, 50),
                     "tip": None if rng.random() < 0.3 else rng.randint(0, 16) / 8, "ts": ts,
                     "tag": rng.choice(["x", "y", None])})
    spread = max(p["delay"], 1)
    keyed = [(r["ts"] + (rng.randint(0, spread - 1) if rng.random() < 0.3 else 0)
              + (rng.randint(0, 2 * spread) if rng.random() < 0.01 else 0), i, r)
             for i, r in enumerate(rows)]
    return [r for _, _, r in sorted(keyed, key=lambda k: (k[0], k[1]))]


def many_pipeline(rng):
    """A rolling window over many rows of one key, every sliding aggregate."""
    p = {"delay": rng.choice([0, 500, 2000]), "ttl": False, "kind": "rolling",
         "size": rng.choice([60_000, 300_000]), "emit": rng.choice(["final", "updates"]),
         "late_file": False, "keys": ["user"], "filter": rng.random() < 0.3}
    p["aggs"] = sorted(set(AGGREGATES) - OWNING)
    return p


def iso(ms):
    s, m = divmod(ms, 1000)
    return datetime.datetime.fromtimestamp(s, tz=datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S") + f".{m:03d}Z"


def render(p):
    prefix = "w_" if p["kind"] == "rolling" else ""
    steps = ["evs"]
    if p["filter"]:
        steps.append("where amount > 0.0")
    if p["keys"]:
        steps.append("key by " + ", ".join(p["keys"]))
    if p["kind"] != "none":
        spec = {"tumbling": lambda: f"tumbling({duration(p['size'])})",
                "hopping": lambda: f"hopping(size = {duration(p['size'])}, "
                                   f"slide = {duration(p['slide'])})",
                "session": lambda: f"session(gap = {duration(p['gap'])})",
                "rolling": lambda: f"rolling({duration(p['size'])})"}[p["kind"]]()
        clause = f"window {spec} emit {p['emit']}"
        clause += ' late to file("out/late.jsonl", format = "json")' if p["late_file"] \
            else " late drop"
        steps.append(clause)
    aggs = ", ".join(f"{prefix}{a} = {AGGREGATES[a][0]}" for a in p["aggs"])
    steps.append(f"aggregate {aggs}" + (f" ttl {duration(p['ttl_ms'])}" if p.get("ttl_ms") else ""))
    steps.append('sink file("out/p.jsonl", format = "json")')
    return (f"{SCHEMA}\nsource evs: Ev = file(\"in.jsonl\", format = \"json\") "
            f"event_time ts watermark {duration(p['delay']) if p['delay'] else '0s'};\n"
            f"pipeline p = " + "\n  | ".join(steps) + ";\n")


def model(p, rows):
    prefix = "w_" if p["kind"] == "rolling" else ""
    transform = (lambda rs: where(rs, lambda r: gt(r["amount"], 0.0))) if p["filter"] else None
    arr = arrivals(rows, transform)
    keys = {k: col(k) for k in p["keys"]}
    aggs = {prefix + a: AGGREGATES[a][1]() for a in p["aggs"]}
    if p["ttl"]:
        return ttl_aggregate(arr, "ts", p["delay"], keys, aggs, p["ttl_ms"]), [], 0
    window = {"tumbling": lambda: Tumbling(p["size"]),
              "hopping": lambda: Hopping(p["size"], p["slide"]),
              "session": lambda: Session(p["gap"]),
              "rolling": lambda: Rolling(p["size"])}[p["kind"]]()
    result = windowed_aggregate(arr, "ts", p["delay"], keys, aggs, window, p["emit"])
    if p["emit"] == "final":
        check_final(result, arr, "ts", p["delay"], keys, aggs, window)
    return result.rows, result.late_rows, result.late_count


def compare(expected_path, actual_path, p, ordered):
    prefix = "w_" if p["kind"] == "rolling" else ""
    cmd = [sys.executable, os.path.join(HERE, "rows_equal.py")]
    if ordered:
        cmd.append("--ordered")
    for a in p["aggs"]:
        if AGGREGATES[a][2]:
            rel, abs_ = AGGREGATES[a][2]
            cmd += ["--tol", f"{prefix}{a}={rel}:{abs_}"]
    r = subprocess.run(cmd + [expected_path, actual_path], capture_output=True, text=True)
    return r.returncode == 0, r.stdout


def long_delay_pipeline(rng, string_keys, kind=None):
    """Tumbling, hopping or session with a watermark delay of many slices or
    gaps (a minute to an hour over slides of 0.5-5 s, gaps of 0.25-10 s) and
    rows out of order by up to all of it: keys hold more live slices or
    sessions than their ring, the rest out of line (WeirSliceOverflow).
    Aggregates whose slices own memory keep the full ring and are left out."""
    p = draw_pipeline(rng, string_keys, kind or rng.choice(["tumbling", "hopping", "session"]))
    p["delay"] = rng.choice([60_000, 300_000, 3_600_000])
    p["aggs"] = [a for a in p["aggs"] if a not in OWNING] or ["cnt"]
    return p


def run_case(weir, workdir, seed, mode, string_keys, kind=None, many=False, long_delay=False):
    rng = random.Random(seed)
    if many:
        p = many_pipeline(rng)
    elif long_delay:
        p = long_delay_pipeline(rng, string_keys, kind)
    else:
        p = draw_pipeline(rng, string_keys, kind)
    rows = draw_rows(rng, p, many)
    case = os.path.join(workdir, f"case{seed}")
    os.makedirs(os.path.join(case, "out"), exist_ok=True)
    with open(os.path.join(case, "in.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps({**r, "ts": iso(r["ts"])}) + "\n")
    with open(os.path.join(case, "p.weir"), "w") as f:
        f.write(render(p))
    parsed = read_json_lines(os.path.join(case, "in.jsonl"), FIELDS)
    out_rows, late_rows, late_count = model(p, parsed)
    os.makedirs(os.path.join(case, "ref"), exist_ok=True)
    write_json_lines(os.path.join(case, "ref", "p.jsonl"), out_rows)
    write_json_lines(os.path.join(case, "ref", "late.jsonl"), late_rows)

    if mode == "build":
        subprocess.run([weir, "build", "p.weir", "-o", "p.bin"], cwd=case, check=True,
                       capture_output=True)
        cmd = ["./p.bin"]
    else:
        cmd = [weir, "run", "p.weir"] + (["--no-fuse"] if mode == "no-fuse" else [])
    r = subprocess.run(cmd, cwd=case, capture_output=True, text=True)
    problems = []
    if r.returncode != 0:
        problems.append(f"exit {r.returncode}: {r.stderr.strip()[:500]}")
    else:
        ordered = p["emit"] == "updates" or p["kind"] in ("tumbling", "hopping", "session")
        ok, diff = compare(os.path.join(case, "ref", "p.jsonl"), os.path.join(case, "out", "p.jsonl"),
                           p, ordered)
        if not ok:
            problems.append(diff)
        if p["late_file"]:
            ok, diff = compare(os.path.join(case, "ref", "late.jsonl"),
                               os.path.join(case, "out", "late.jsonl"), p, True)
            if not ok:
                problems.append(diff)
        elif not p["ttl"]:
            m = re.search(r"\bp: (\d+) late rows? dropped", r.stderr)
            got = int(m.group(1)) if m else 0
            if got != late_count:
                problems.append(f"late rows dropped: expected {late_count}, report says {got}")
    kind = p["kind"] if not p["ttl"] else f"ttl {p['ttl_ms']}"
    summary = (f"seed {seed}: {kind} emit {p['emit']} delay {p['delay']} keys {p['keys']} "
               f"filter {p['filter']} aggs {p['aggs']} rows {len(rows)} late {late_count}")
    return summary, problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("weir")
    parser.add_argument("workdir")
    parser.add_argument("--seeds", default="1-40")
    parser.add_argument("--mode", choices=["run", "no-fuse", "build"], default="run")
    parser.add_argument("--no-string-keys", action="store_true",
                        help="key by int64 columns only")
    parser.add_argument("--kind", choices=["tumbling", "hopping", "session", "rolling"],
                        help="draw only this window kind (no ttl)")
    parser.add_argument("--many", action="store_true",
                        help="rolling over 3000 rows of one key, every sliding aggregate")
    parser.add_argument("--long-delay", action="store_true",
                        help="tumbling and hopping with a watermark delay of many slices")
    args = parser.parse_args()
    first, _, last = args.seeds.partition("-")
    failed = 0
    for seed in range(int(first), int(last or first) + 1):
        summary, problems = run_case(args.weir, args.workdir, seed, args.mode,
                                     not args.no_string_keys, args.kind, args.many, args.long_delay)
        print(("FAIL " if problems else "ok   ") + summary)
        for problem in problems:
            print("    " + problem.replace("\n", "\n    "))
        failed += bool(problems)
    print(f"{failed} of the cases differ")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
