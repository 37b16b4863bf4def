#!/usr/bin/env python3
"""Self-test of the windowed benchmark's tools, on small data (seconds).

  selftest.py GEN_TXNS WINDOWS_HANDWRITTEN

Checks that gen_txns's card-feed options do what they promise (--rate
spaces rows, --jitter-ms bounds the disorder, --late adds late rows, and
without them the old data is unchanged is tested by bench/selftest.py's
determinism checks), and that the hand-written program's four window kinds
equal an independent Python computation written from the definitions in
docs/language.md (brute force: group, sort, count) on generated data with
and without late rows and on hand-made edge cases (window and gap
boundaries, a row bridging two sessions, rolling peers with equal ts, rows
exactly at and 1 ms below the watermark). Functional only: no timings.
Prints "N passed, M failed"; exits 1 on any failure.
"""
import bisect
import datetime
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from compare import compare  # noqa: E402

KINDS = json.loads((Path(__file__).resolve().parent / "kinds.json").read_text())
WATERMARK, MINUTE = 5000, 60000
passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS: {name}")
    else:
        failed += 1
        print(f"FAIL: {name} {detail}")


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def iso_ms(text):
    dt = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (dt - EPOCH) // datetime.timedelta(milliseconds=1)


def ms_iso(ms):
    dt = EPOCH + datetime.timedelta(milliseconds=ms)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def on_time_rows(path):
    """The rows in file order without the late ones (ts below the largest ts
    before them minus the watermark), and how many were late."""
    rows, late, max_ts = [], 0, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            r["ms"] = iso_ms(r["ts"])
            if max_ts is not None and r["ms"] < max_ts - WATERMARK:
                late += 1
                continue
            rows.append(r)
            max_ts = r["ms"] if max_ts is None else max(max_ts, r["ms"])
    return rows, late


def window_row(user, start, end, rows, biggest=False):
    out = {"user_id": user, "window_start": ms_iso(start), "window_end": ms_iso(end),
           "n": len(rows), "total": sum(float(r["amount"]) for r in rows)}
    if biggest:
        out["biggest"] = max(float(r["amount"]) for r in rows)
    return out


def reference(kind, rows):
    """The kind's output rows, by its definition."""
    out = []
    if kind in ("tumbling", "hopping"):
        size, starts_back = (MINUTE, 1) if kind == "tumbling" else (10 * MINUTE, 10)
        groups = defaultdict(list)
        for r in rows:
            first = r["ms"] // MINUTE * MINUTE
            for k in range(starts_back):  # the windows [s, s + size) holding ms
                groups[(r["user_id"], first - k * MINUTE)].append(r)
        for (user, start), members in groups.items():
            out.append(window_row(user, start, start + size, members, kind == "tumbling"))
        return out
    by_user = defaultdict(list)
    for r in rows:
        by_user[r["user_id"]].append(r)
    for user, members in by_user.items():
        members.sort(key=lambda r: r["ms"])
        if kind == "session":
            # Rows less than the gap apart, transitively: split the sorted rows
            # where neighbours are 5 minutes or more apart.
            session = [members[0]]
            for prev, r in zip(members, members[1:]):
                if r["ms"] - prev["ms"] >= 5 * MINUTE:
                    out.append(window_row(user, session[0]["ms"], session[-1]["ms"] + 5 * MINUTE, session))
                    session = []
                session.append(r)
            out.append(window_row(user, session[0]["ms"], session[-1]["ms"] + 5 * MINUTE, session))
        else:  # rolling(1h): rows with ts in [ts - 1h, ts], both ends included
            times = [r["ms"] for r in members]
            for r in members:
                lo = bisect.bisect_left(times, r["ms"] - 60 * MINUTE)
                hi = bisect.bisect_right(times, r["ms"])
                out.append({"txn_id": r["txn_id"], "user_id": user, "ts": r["ts"], "n_1h": hi - lo,
                            "total_1h": sum(float(m["amount"]) for m in members[lo:hi])})
    return out


def run(cmd):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True)


def edge_rows():
    """Hand-made rows (in this arrival order) for the boundaries."""
    t0 = 1704067200000  # 2024-01-01T00:00:00Z
    rows = []

    def add(user, ms, amount, tag):
        rows.append({"txn_id": f"tx{tag}", "user_id": user, "merchant": "m",
                     "amount": amount, "ts": ms_iso(t0 + ms)})
    # user 1: a minute's last ms and the next minute's first; rows exactly 5 min
    # apart (two sessions), then 4:59.999 apart (one session).
    add(1, 59_999, 1.25, "a1")
    add(1, 60_000, 2.5, "a2")
    add(1, 360_000, 4.0, "a3")
    add(1, 659_999, 8.0, "a4")
    # user 2: rows 5:02 apart (two sessions) while the first is still open
    # (watermark 997 s < its end 1000 s), then a row 4:58 after the first and
    # 4 s before the second (on time: 998 s >= 997 s) bridges them.
    add(2, 700_000, 1.0, "b1")
    add(2, 1_002_000, 2.0, "b2")
    add(2, 998_000, 3.0, "b3")
    # user 3: rolling peers with equal ts, one arriving after a later row.
    add(3, 1_183_000, 10.0, "c1")
    add(3, 1_183_000, 20.0, "c2")
    add(3, 1_184_000, 30.0, "c3")
    add(3, 1_183_000, 40.0, "c4")
    # The watermark is now 1_184_000 - 5_000: a row exactly at it is on time,
    # 1 ms below it is late.
    add(4, 1_179_000, 5.0, "d1")
    add(4, 1_178_999, 6.0, "d2late")
    # user 3 again: c5 is exactly 1 h after the peers (they count), c6 1 h
    # and 1 s after them (they do not).
    add(3, 1_183_000 + 3_600_000, 50.0, "c5")
    add(3, 1_184_000 + 3_600_000, 60.0, "c6")
    return rows


def main():
    gen, hand = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        inputs = {}
        common = ["--rows", 20000, "--users", 300, "--rate", 5, "--format", "json", "--out-dir", t]
        p = run([gen] + common + ["--jitter-ms", 2000, "--prefix", "ordered"])
        check("gen_txns --rate --jitter-ms runs", p.returncode == 0, p.stderr)
        p = run([gen] + common + ["--jitter-ms", 2000, "--late", 0.02, "--prefix", "late"])
        check("gen_txns --late runs", p.returncode == 0, p.stderr)
        inputs["ordered"], inputs["late"] = t / "ordered.jsonl", t / "late.jsonl"
        edges = t / "edges.jsonl"
        edges.write_text("".join(json.dumps(r) + "\n" for r in edge_rows()))
        inputs["edges"] = edges

        ordered, late_count = on_time_rows(inputs["ordered"])
        times = [r["ms"] for r in ordered]
        spacing = (times[-1] - times[0]) / (len(times) - 1)
        check("--rate 5: rows 200 ms apart on average", 195 < spacing < 205, f"{spacing:.1f}")
        check("--jitter-ms 2000 within the 5 s watermark: no late row", late_count == 0, str(late_count))
        late_rows, late_count = on_time_rows(inputs["late"])
        check("--late 0.02: about 2% of rows late", 300 < late_count < 500, str(late_count))
        _, edge_late = on_time_rows(edges)
        check("edge cases: exactly one row is late (1 ms below the watermark)", edge_late == 1,
              str(edge_late))

        for name, path in inputs.items():
            rows, late = on_time_rows(path)
            for kind, spec in KINDS.items():
                if kind.startswith("_"):
                    continue
                ref, out = t / f"ref_{name}_{kind}.jsonl", t / f"hand_{name}_{kind}.jsonl"
                expected = reference(kind, rows)
                ref.write_text("".join(json.dumps(r) + "\n" for r in expected))
                p = run([hand, "--kind", kind, path, out])
                problems = [f"exit {p.returncode}: {p.stderr}"] if p.returncode else \
                    compare(ref, out, key=spec["key"])
                if not problems and f"{late} late rows dropped" not in p.stderr:
                    problems = [f"late count: {p.stderr.strip()} (expected {late})"]
                check(f"hand-written {kind} = Python reference on {name} data "
                      f"({len(expected)} rows, {late} late)", not problems, "; ".join(problems[:3]))

        # The edge cases' answers, by hand (so the reference is checked too).
        def rows_of(kind):
            return [json.loads(l) for l in (t / f"hand_edges_{kind}.jsonl").read_text().splitlines()]
        sessions = {(r["user_id"], r["n"]) for r in rows_of("session")}
        check("session: rows exactly 5 min apart split, 4:59.999 apart join",
              sorted(r["n"] for r in rows_of("session") if r["user_id"] == 1) == [2, 2])
        check("session: a late-arriving row bridges two sessions into one", (2, 3) in sessions)
        rolling = {r["txn_id"]: (r["n_1h"], r["total_1h"]) for r in rows_of("rolling")}
        check("rolling: peers with equal ts all count", rolling.get("txc1") == (3, 70.0) and
              rolling.get("txc2") == (3, 70.0) and rolling.get("txc3") == (4, 100.0), str(rolling))
        check("rolling: [ts - 1h, ts] includes rows exactly 1 h before",
              rolling.get("txc5") == (5, 150.0) and rolling.get("txc6") == (3, 140.0), str(rolling))
        check("late: 1 ms below the watermark is dropped, at it is kept",
              "txd2late" not in rolling and "txd1" in rolling)
        tumbling = {(r["user_id"], r["window_start"]) for r in rows_of("tumbling")}
        check("tumbling: 59.999 s and 60.000 s fall in different minutes",
              (1, "2024-01-01T00:00:00.000Z") in tumbling and (1, "2024-01-01T00:01:00.000Z") in tumbling)

        # compare() notices a changed window.
        ref = t / "ref_ordered_hopping.jsonl"
        changed = [json.loads(l) for l in ref.read_text().splitlines()]
        changed[7]["n"] += 1
        (t / "changed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in changed))
        check("compare: a changed window differs",
              compare(ref, t / "changed.jsonl", key=KINDS["hopping"]["key"]) != [])

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
