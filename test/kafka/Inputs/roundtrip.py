#!/usr/bin/env python3
"""Kafka round trip of txns.weir (JSON) or txns_csv.weir (CSV): the same
records as a file and as a topic (kcat, keyed by user, over 3 partitions),
the program run over each; the topics' rows must be the file run's.

usage: roundtrip.py --format json|csv --work DIR --name PREFIX [--rows N] -- WEIR_RUN...

WEIR_RUN is `weir run PROGRAM`; the driver adds the options. The expected
rows come from running the same program over the file: clean's rows as a
multiset (partitions interleave), per_user's one row per user (one
available_now run: every user changed in it). A CSV record on Kafka is one
row without a header, in declared column order."""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import kafkalib as k  # noqa: E402
from gen import line, records  # noqa: E402

HEADER = "txn_id,user,merchant,amount,ts"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", choices=["json", "csv"], required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("weir", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    weir = args.weir[1:] if args.weir[:1] == ["--"] else args.weir
    ext = "jsonl" if args.format == "json" else "csv"

    recs = list(records(args.rows, 0, 3, 40))
    data = [line(r, args.format) for r in recs]
    os.makedirs(os.path.join(args.work, "data"), exist_ok=True)
    with open(os.path.join(args.work, "data", f"txns.{ext}"), "w", encoding="utf-8") as f:
        f.write("".join(x + "\n" for x in ([HEADER] if args.format == "csv" else []) + data))
    k.run_to_end(weir + ["--quiet"], args.work, os.path.join(args.work, "file_run.log"))

    def file_rows(name):
        rows = k.read_jsonl(os.path.join(args.work, "out", f"{name}.{ext}"))
        return rows[1:] if args.format == "csv" else rows

    topic_in, topic_clean, topic_per_user = (f"{args.name}.{t}" for t in ("in", "clean", "per_user"))
    k.create([topic_in, topic_clean, topic_per_user], 3)
    k.produce(topic_in, [(r["user"], x) for r, x in zip(recs, data)])
    k.run_to_end(weir + ["--source", f"txns=kafka:{topic_in}", "--sink", f"clean=kafka:{topic_clean}",
                         "--sink", f"per_user=kafka:{topic_per_user}?key=user",
                         "--kafka-brokers", k.brokers(), "--group-id", f"{args.name}.g",
                         "--checkpoint", os.path.join(args.work, "ck"), "--trigger", "available_now", "--quiet"],
                 args.work, os.path.join(args.work, "kafka_run.log"))

    for name, topic in (("clean", topic_clean), ("per_user", topic_per_user)):
        got, want = k.consume(topic), file_rows(name)
        if args.format == "json":
            k.same_rows(name, got, want)
        elif sorted(got) != sorted(want):
            k.fail(f"{name}: the topic's {len(got)} CSV rows differ from the file run's {len(want)}:\n" +
                   "\n".join(sorted(set(got) ^ set(want))[:10]))
        print(f"roundtrip {args.format}: {name}: {len(got)} rows, the file run's")
    # Each user's row is keyed by user: all in one partition.
    if args.format == "json":
        keys = k.consume(topic_per_user, fmt="%k %p %s\\n")
        partition_of = {}
        for entry in keys:
            key, partition, _ = entry.split(" ", 2)
            if partition_of.setdefault(key, partition) != partition:
                k.fail(f"per_user: key {key} in partitions {partition_of[key]} and {partition}")
        import json
        if any(str(json.loads(e.split(" ", 2)[2])["user"]) != e.split(" ", 1)[0] for e in keys):
            k.fail("per_user: a record's key is not its user")
        print(f"roundtrip json: per_user records keyed by user, {len(partition_of)} keys")
    k.delete([topic_in, topic_clean, topic_per_user])


if __name__ == "__main__":
    main()
