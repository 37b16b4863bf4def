#!/usr/bin/env python3
"""available_now twice with --checkpoint: the second run sees only the new
records (available_now_incremental.test).

usage: incremental.py --work DIR --name PREFIX -- WEIR_RUN...   (weir run txns.weir)

Batch 1 (users 1..40) is produced and a run processes it; batch 2 (users
1..20 only) is produced and a second run with the same checkpoint and
group processes it; a third run finds nothing new. Expected rows come from
file runs of txns.weir over batch 1 and over batches 1 and 2:
- clean: after run 1 batch 1's rows, after run 2 both batches' rows, each
  exactly once;
- per_user (unwindowed): run 1 emits every user of batch 1; run 2 only the
  users batch 2 changed, with totals over both batches; so the last row
  per user is the batch result over everything;
- the group's committed offsets are the topic's end offsets after each run."""
import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
import kafkalib as k  # noqa: E402
from gen import line, records  # noqa: E402


def file_run(weir, work, name, recs):
    d = os.path.join(work, name)
    os.makedirs(os.path.join(d, "data"), exist_ok=True)
    with open(os.path.join(d, "data", "txns.jsonl"), "w", encoding="utf-8") as f:
        f.write("".join(line(r, "json") + "\n" for r in recs))
    k.run_to_end(weir + ["--quiet"], d, os.path.join(d, "run.log"))
    return {s: k.read_jsonl(os.path.join(d, "out", f"{s}.jsonl")) for s in ("clean", "per_user")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("weir", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    weir = args.weir[1:] if args.weir[:1] == ["--"] else args.weir

    batch1 = list(records(2000, 0, 5, 40))
    batch2 = list(records(1000, 2000, 5, 20))
    ref1 = file_run(weir, args.work, "ref1", batch1)
    ref12 = file_run(weir, args.work, "ref12", batch1 + batch2)

    t_in, t_clean, t_per_user = (f"{args.name}.{t}" for t in ("in", "clean", "per_user"))
    group = f"{args.name}.g"
    k.create([t_in, t_clean, t_per_user], 3)
    cmd = weir + ["--source", f"txns=kafka:{t_in}", "--sink", f"clean=kafka:{t_clean}",
                  "--sink", f"per_user=kafka:{t_per_user}?key=user", "--kafka-brokers", k.brokers(),
                  "--group-id", group, "--checkpoint", os.path.join(args.work, "ck"),
                  "--trigger", "available_now", "--quiet"]

    def produce(batch):
        k.produce(t_in, [(r["user"], line(r, "json")) for r in batch])

    def check_offsets(after):
        if k.group_offsets(group, t_in) != k.end_offsets(t_in):
            k.fail(f"after {after}: group {group} committed {k.group_offsets(group, t_in)}, "
                   f"the topic ends at {k.end_offsets(t_in)}")

    produce(batch1)
    k.run_to_end(cmd, args.work, os.path.join(args.work, "run1.log"))
    k.same_rows("clean after run 1", k.consume(t_clean), ref1["clean"])
    k.same_rows("per_user after run 1", k.consume(t_per_user), ref1["per_user"])
    check_offsets("run 1")
    print(f"run 1: {len(ref1['clean'])} clean rows, {len(ref1['per_user'])} users; offsets committed")

    produce(batch2)
    k.run_to_end(cmd, args.work, os.path.join(args.work, "run2.log"))
    k.same_rows("clean after run 2", k.consume(t_clean), ref12["clean"])
    changed = {r["user"] for r in batch2}
    run2_rows = [r for r in ref12["per_user"] if json.loads(r)["user"] in changed]
    k.same_rows("per_user after run 2", k.consume(t_per_user), ref1["per_user"] + run2_rows)
    last = k.last_per_key(k.consume(t_per_user), "user")
    k.same_rows("per_user's last row per user", [json.dumps(v) for v in last.values()], ref12["per_user"])
    check_offsets("run 2")
    print(f"run 2: {len(ref12['clean']) - len(ref1['clean'])} new clean rows, {len(run2_rows)} changed users; "
          "last row per user = the batch result")

    k.run_to_end(cmd, args.work, os.path.join(args.work, "run3.log"))
    k.same_rows("clean after run 3", k.consume(t_clean), ref12["clean"])
    k.same_rows("per_user after run 3", k.consume(t_per_user), ref1["per_user"] + run2_rows)
    print("run 3: nothing new, nothing written")
    k.delete([t_in, t_clean, t_per_user])
    shutil.rmtree(os.path.join(args.work, "ck"), ignore_errors=True)


if __name__ == "__main__":
    main()
