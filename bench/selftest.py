#!/usr/bin/env python3
"""Self-test of the benchmark's own tools, on small data (a few seconds).

  selftest.py GEN_TXNS PER_USER_HANDWRITTEN

Checks that gen_txns is deterministic and writes what it promises (row
counts, --bad lines that are extra lines listed in the sidecar, quoting of
tricky names), that the hand-written program's result equals an independent
Python computation of per_user and is the same for JSON, CSV and 2 threads,
that it rejects malformed input, and that compare.py notices a difference.
Prints "N passed, M failed"; exits 1 on any failure.
"""
import datetime
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import compare  # noqa: E402

passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS: {name}")
    else:
        failed += 1
        print(f"FAIL: {name} {detail}")


def md5(path):
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)


def iso_ms(text):
    """ISO-8601 UTC with Z to epoch ms, by the standard library."""
    dt = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return (dt - epoch) // datetime.timedelta(milliseconds=1)


def ms_iso(ms):
    dt = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def reference_per_user(jsonl_path, out_path):
    """per_user computed independently: plain dicts, rows in file order."""
    users = {}
    with open(jsonl_path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            u = users.setdefault(r["user_id"], {"n": 0, "total": 0.0, "biggest": None,
                                                 "first_seen": None, "m": set()})
            amount, ts = float(r["amount"]), iso_ms(r["ts"])
            u["n"] += 1
            u["total"] += amount
            u["biggest"] = amount if u["biggest"] is None else max(u["biggest"], amount)
            u["first_seen"] = ts if u["first_seen"] is None else min(u["first_seen"], ts)
            u["m"].add(r["merchant"])
    with open(out_path, "w", encoding="utf-8") as out:
        for uid, u in users.items():
            out.write(json.dumps({"user_id": uid, "n": u["n"], "total": u["total"],
                                  "biggest": u["biggest"], "first_seen": ms_iso(u["first_seen"]),
                                  "merchants": len(u["m"])}) + "\n")
    return len(users)


def main():
    gen, hand = sys.argv[1], sys.argv[2]
    rows = 20000
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        for d in ("a", "b", "c", "bad"):
            (t / d).mkdir()
        run([gen, "--rows", rows, "--seed", 7, "--tricky-names", "--out-dir", t / "a"], check=True)
        run([gen, "--rows", rows, "--seed", 7, "--tricky-names", "--out-dir", t / "b"], check=True)
        run([gen, "--rows", rows, "--seed", 8, "--tricky-names", "--out-dir", t / "c"], check=True)
        a, b, c = t / "a", t / "b", t / "c"
        check("same seed, same bytes",
              all(md5(a / f) == md5(b / f) for f in ("txns.jsonl", "txns.csv", "merchants.csv")))
        check("another seed, other rows", md5(a / "txns.jsonl") != md5(c / "txns.jsonl"))
        json_lines = (a / "txns.jsonl").read_text(encoding="utf-8").splitlines()
        csv_lines = (a / "txns.csv").read_text(encoding="utf-8").splitlines()
        check("JSON has one line per row", len(json_lines) == rows, str(len(json_lines)))
        check("CSV has a header and one line per row",
              len(csv_lines) == rows + 1 and csv_lines[0] == "txn_id,user_id,merchant,amount,ts")
        records = [json.loads(l) for l in json_lines]
        check("every JSON line has the Txn fields",
              all(set(r) == {"txn_id", "user_id", "merchant", "amount", "ts"} for r in records))
        negative = sum(1 for r in records if r["amount"] <= 0) / rows
        check("about 3% of amounts are negative or zero", 0.02 < negative < 0.04, f"{negative:.3f}")
        check("the tricky names are quoted in CSV",
              any('"Smith, Jones & Co"' in l for l in csv_lines) and
              any('"The ""Best"" Deli"' in l for l in csv_lines))
        merchants = (a / "merchants.csv").read_text(encoding="utf-8").splitlines()
        check("merchants.csv: header and 980 of 1,000 merchants",
              merchants[0] == "name,category,risk" and len(merchants) == 981, str(len(merchants)))

        # --bad: extra lines, listed by line number; without them the file is the clean one.
        run([gen, "--rows", rows, "--seed", 7, "--tricky-names", "--bad", 9, "--out-dir", t / "bad"],
            check=True)
        listed = [l.split() for l in (t / "bad" / "txns.bad.txt").read_text().splitlines()]
        for fmt, name, clean in (("json", "txns.jsonl", json_lines), ("csv", "txns.csv", csv_lines)):
            lines = (t / "bad" / name).read_text(encoding="utf-8").splitlines()
            bad_numbers = {int(n) for f, n, _ in listed if f == fmt}
            kept = [l for i, l in enumerate(lines, 1) if i not in bad_numbers]
            check(f"--bad {fmt}: 9 listed lines, and removing them gives the clean file",
                  len(bad_numbers) == 9 and kept == clean)

        # The hand-written program against an independent computation.
        ref = t / "ref.jsonl"
        nusers = reference_per_user(a / "txns.jsonl", ref)
        outputs = {}
        for fmt, name in (("json", "txns.jsonl"), ("csv", "txns.csv")):
            for threads in (1, 2):
                out = t / f"hand_{fmt}_{threads}.jsonl"
                p = run([hand, "--format", fmt, "--threads", threads, a / name, out])
                check(f"hand-written {fmt} t={threads} runs", p.returncode == 0, p.stderr)
                outputs[(fmt, threads)] = out
        for (fmt, threads), out in outputs.items():
            problems = compare(ref, out, ordered=True) if out.exists() else ["no output"]
            check(f"hand-written {fmt} t={threads} = Python reference ({nusers} users, key order)",
                  not problems, "; ".join(problems[:3]))
        p1 = run([hand, "--format", "json", t / "bad" / "txns.jsonl", t / "x.jsonl"])
        p2 = run([hand, "--format", "csv", t / "bad" / "txns.csv", t / "x.jsonl"])
        check("hand-written rejects malformed JSON and CSV (exit 1, a message)",
              p1.returncode == 1 and p2.returncode == 1 and p1.stderr and p2.stderr)

        # compare.py notices a changed value, a missing key and a reordering.
        rows_ref = ref.read_text().splitlines()
        changed = [json.loads(l) for l in rows_ref]
        changed[3]["merchants"] += 1
        (t / "changed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in changed))
        (t / "missing.jsonl").write_text("\n".join(rows_ref[1:]) + "\n")
        (t / "reordered.jsonl").write_text("\n".join(rows_ref[1:] + rows_ref[:1]) + "\n")
        check("compare: a changed value differs", compare(ref, t / "changed.jsonl") != [])
        check("compare: a missing key differs", compare(ref, t / "missing.jsonl") != [])
        check("compare: reordering differs only when ordered",
              compare(ref, t / "reordered.jsonl") == [] and
              compare(ref, t / "reordered.jsonl", ordered=True) != [])
        nudged = [json.loads(l) for l in rows_ref]
        nudged[0]["total"] *= 1 + 1e-12
        (t / "nudged.jsonl").write_text("".join(json.dumps(r) + "\n" for r in nudged))
        check("compare: floats within 1e-9 relative are equal", compare(ref, t / "nudged.jsonl") == [])

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
