"""Checks out/per_key.jsonl and out/overall.jsonl (stats.weir) against values
computed here from data/stats.jsonl, independently of Weir:

  stddev, var   statistics.stdev / statistics.variance of the non-null values
                (exact rational arithmetic), relative tolerance 1e-6; null
                below two values
  approx_count_distinct
                the exact number of distinct values: equal while it is at
                most 384 (the sketch's exact range), else within three
                standard errors (3 * 1.04 / sqrt(4096))
  approx_percentile(x, p)
                the value of rank floor(p * (n - 1)) in the sorted non-null
                values, within 1% of its magnitude; p = 0 and 1 exactly the
                minimum and maximum; null with no value

  usage: check_stats.py DIR   (DIR holds data/ and out/)
"""
import json
import math
import os
import statistics
import sys

HLL_EXACT_UP_TO = 384
HLL_TOLERANCE = 3 * 1.04 / math.sqrt(4096)
PERCENTILES = {"p0": 0.0, "p50": 0.5, "p99": 0.99, "p100": 1.0}

failures = []


def fail(where, message):
    failures.append("%s: %s" % (where, message))


def check_close(where, name, got, want, rel):
    if want is None:
        if got is not None:
            fail(where, "%s = %r, expected null" % (name, got))
        return
    if got is None or abs(got - want) > rel * abs(want) + 1e-300:
        fail(where, "%s = %r, expected %r (relative tolerance %g)" % (name, got, want, rel))


def check_distinct(where, name, got, values):
    exact = len(set(values))
    if exact <= HLL_EXACT_UP_TO:
        if got != exact:
            fail(where, "%s = %r, expected exactly %d" % (name, got, exact))
    elif abs(got - exact) > HLL_TOLERANCE * exact:
        fail(where, "%s = %r, expected %d within %.1f%%" % (name, got, exact, 100 * HLL_TOLERANCE))


def rank_value(values, p):
    s = sorted(values)
    return s[math.floor(p * (len(s) - 1))]


def check_group(where, out, rows):
    xs = [r["x"] for r in rows if r["x"] is not None]
    ints = [r["i"] for r in rows]
    if out["n"] != len(rows):
        fail(where, "n = %r, expected %d" % (out["n"], len(rows)))
    check_close(where, "sd", out["sd"], statistics.stdev(xs) if len(xs) >= 2 else None, 1e-6)
    check_close(where, "v", out["v"], statistics.variance(xs) if len(xs) >= 2 else None, 1e-6)
    check_close(where, "sdi", out["sdi"], statistics.stdev(ints) if len(ints) >= 2 else None, 1e-6)
    check_close(where, "vi", out["vi"], statistics.variance(ints) if len(ints) >= 2 else None, 1e-6)
    check_distinct(where, "users", out["users"], [r["s"] for r in rows])
    check_distinct(where, "ints", out["ints"], ints)
    check_distinct(where, "xs", out["xs"], xs)  # -0.0 == 0.0 in a Python set too
    for name, p in PERCENTILES.items():
        want = rank_value(xs, p) if xs else None
        exact = p in (0.0, 1.0)
        check_close(where, name, out[name], want, 0.0 if exact else 0.01 * (1 + 1e-9))
    check_close(where, "i90", out["i90"], rank_value(ints, 0.9), 0.01 * (1 + 1e-9))


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    d = sys.argv[1]
    rows = read_jsonl(os.path.join(d, "data", "stats.jsonl"))
    groups = {}
    for r in rows:
        groups.setdefault(r["k"], []).append(r)
    per_key = read_jsonl(os.path.join(d, "out", "per_key.jsonl"))
    if [o["k"] for o in per_key] != list(groups):
        fail("per_key", "keys %r, expected %r (first-seen order)" % ([o["k"] for o in per_key], list(groups)))
    for o in per_key:
        if o["k"] in groups:
            check_group("per_key[%s]" % o["k"], o, groups[o["k"]])
    overall = read_jsonl(os.path.join(d, "out", "overall.jsonl"))
    if len(overall) != 1:
        fail("overall", "%d rows, expected 1" % len(overall))
    else:
        check_group("overall", overall[0], rows)
    for f in failures:
        print("FAIL", f)
    if failures:
        sys.exit(1)
    print("ok: %d keys, %d rows" % (len(per_key), len(rows)))


main()
