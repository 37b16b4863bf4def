"""Checks out/{tumbling,hopping,session,rolling}.jsonl (windowed.weir) against
windows computed here from data/windowed.jsonl: tumbling(2m), hopping(4m, 1m)
(windows start at multiples of the slide; one row per key and window with
rows), session(gap 1m) (rows of a key closer than the gap, transitively;
window_end = last event + gap), rolling(1m) (one row per input row over the
key's rows in [ts - 1m, ts]; every 25th row is checked). Per window: n
exact; stddev/var against statistics.stdev/variance (relative 1e-9);
approx_count_distinct within 3 standard errors of the exact count (exact up
to 384); approx_percentile within 1% of the value of rank floor(p * (n - 1)).
Rows are compared as sets keyed by (k, window_start, window_end) (rolling:
by the input row).

  usage: check_windowed.py DIR
"""
import bisect
import datetime
import json
import math
import os
import statistics
import sys

MINUTE = 60_000
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def ms(text):
    t = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return (t - EPOCH) // datetime.timedelta(milliseconds=1)


def expected_windows(rows, kind):
    """{(k, start, end): [rows]}"""
    out = {}
    if kind in ("tumbling", "hopping"):
        size, slide = (2 * MINUTE, 2 * MINUTE) if kind == "tumbling" else (4 * MINUTE, MINUTE)
        for r in rows:
            first = (r["t"] // slide) * slide - size + slide
            for start in range(first, r["t"] + 1, slide):
                if start <= r["t"] < start + size:
                    out.setdefault((r["k"], start, start + size), []).append(r)
        return out
    gap = MINUTE
    by_key = {}
    for r in rows:
        by_key.setdefault(r["k"], []).append(r)
    for k, rs in by_key.items():
        rs.sort(key=lambda r: r["t"])
        session = [rs[0]]
        for r in rs[1:]:
            if r["t"] - session[-1]["t"] < gap:
                session.append(r)
            else:
                out[(k, session[0]["t"], session[-1]["t"] + gap)] = session
                session = [r]
        out[(k, session[0]["t"], session[-1]["t"] + gap)] = session
    return out


def rolling_windows(rows, sample):
    """{(k, ts, s, x): [rows]} for every `sample`-th input row."""
    by_key = {}
    for r in rows:  # rows are in event-time order
        by_key.setdefault(r["k"], []).append(r)
    times = {k: [r["t"] for r in rs] for k, rs in by_key.items()}
    out = {}
    for n, r in enumerate(rows):
        if n % sample == 0:
            ts, rs = times[r["k"]], by_key[r["k"]]
            lo, hi = bisect.bisect_left(ts, r["t"] - MINUTE), bisect.bisect_right(ts, r["t"])
            out[(r["k"], r["ts"], r["s"], r["x"])] = rs[lo:hi]
    return out


def check(kind, got_rows, windows, failures):
    if kind == "rolling":
        got = {(o["k"], o["ts"], o["s"], o["x"]): o for o in got_rows}
    else:
        got = {(o["k"], ms(o["window_start"]), ms(o["window_end"])): o for o in got_rows}
    if len(got) != len(got_rows):
        failures.append("%s: duplicate windows" % kind)
    if kind == "rolling":
        if not set(windows) <= set(got):
            failures.append("rolling: rows %s missing" % sorted(set(windows) - set(got))[:5])
    elif set(got) != set(windows):
        failures.append("%s: windows %s missing, %s unexpected" % (
            kind, sorted(set(windows) - set(got))[:5], sorted(set(got) - set(windows))[:5]))
    big_sketches = 0
    for key, rows in windows.items():
        o = got.get(key)
        if o is None:
            continue
        where = "%s %s" % (kind, key)
        xs = [r["x"] for r in rows]
        users = len({r["s"] for r in rows})
        if o["n"] != len(rows):
            failures.append("%s: n %r, expected %d" % (where, o["n"], len(rows)))
        for name, want in (("sd", statistics.stdev(xs) if len(xs) > 1 else None),
                           ("v", statistics.variance(xs) if len(xs) > 1 else None)):
            if (want is None) != (o[name] is None) or (want is not None and abs(o[name] - want) > 1e-9 * abs(want)):
                failures.append("%s: %s %r, expected %r" % (where, name, o[name], want))
        tolerance = 0 if users <= 384 else 3 * 1.04 / 64 * users
        if abs(o["users"] - users) > tolerance:
            failures.append("%s: users %r, expected %d" % (where, o["users"], users))
        s = sorted(xs)
        for name, p in (("p50", 0.5), ("p99", 0.99)):
            want = s[math.floor(p * (len(s) - 1))]
            if abs(o[name] - want) > 0.01 * abs(want) * (1 + 1e-9):
                failures.append("%s: %s %r, expected %r within 1%%" % (where, name, o[name], want))
        big_sketches += len(xs) > 32 and users > 384
    if big_sketches == 0:
        failures.append("%s: no window exercises the bucketed/dense sketches" % kind)
    return big_sketches


def main():
    d = sys.argv[1]
    rows = []
    with open(os.path.join(d, "data", "windowed.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            r["t"] = ms(r["ts"])
            rows.append(r)
    failures = []
    for kind in ("tumbling", "hopping", "session", "rolling"):
        with open(os.path.join(d, "out", kind + ".jsonl")) as f:
            got = [json.loads(line) for line in f if line.strip()]
        if kind == "rolling":
            if len(got) != len(rows):
                failures.append("rolling: %d rows, expected one per input row (%d)" % (len(got), len(rows)))
            windows = rolling_windows(rows, 25)
        else:
            windows = expected_windows(rows, kind)
        big = check(kind, got, windows, failures)
        print("%s: %d windows, %d with large sketches" % (kind, len(got), big))
    for f in failures:
        print("FAIL", f)
    sys.exit(1 if failures else 0)


main()
