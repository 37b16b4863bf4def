#!/usr/bin/env python3
"""Parity of the three triggers (trigger_parity.test): parity.weir over a
file, and over a topic under available_now, `every 1s` and realtime, must
give the same results.

usage: parity.py --work DIR --name PREFIX -- WEIR_RUN...   (weir run parity.weir)

The records go to a topic of 2 partitions keyed by user (each user's
records in one partition, in order); then one sentinel record (user 0, an
hour after the rest) to each partition, whose watermark closes every
window of the data but its own. The file holds the same records. Each
trigger's run has its own group, checkpoint and output topics; every and
realtime are stopped with SIGTERM once the group has committed the input's
end offsets and the output has stopped changing. Compared, leaving out
the sentinel's user 0 (whose windows stay open on Kafka):
- velocity (rolling, emit updates): the same rows as a multiset;
- per_minute (tumbling, emit final): the same rows as a multiset;
- counts (unwindowed): the same last row per user."""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import kafkalib as k  # noqa: E402
from gen import BASE_MS, iso, line, records  # noqa: E402

PARTITIONS = 2
TRIGGERS = ["available_now", "every 1s", "realtime"]
SINKS = ["velocity", "per_minute", "counts"]


def without_sentinel(rows):
    return [r for r in rows if json.loads(r)["user"] != 0]


def check_progress(path, records):
    """--report json under `every`: a progress line per batch, counts that
    never go back, and a last line for the run that read every record; all
    valid against docs/schemas/report.schema.json."""
    here = os.path.dirname(os.path.abspath(__file__))
    validator = os.path.join(here, "..", "..", "ir", "Inputs", "validate_json.py")
    schema = os.path.join(here, "..", "..", "..", "docs", "schemas", "report.schema.json")
    check = subprocess.run([sys.executable, validator, schema, "--lines", path], capture_output=True, text=True)
    if check.returncode != 0:
        k.fail(f"report {path}: {check.stderr or check.stdout}")
    lines = [json.loads(l) for l in open(path) if l.strip()]
    progress = [l for l in lines if l["type"] == "progress"]
    if not progress or lines[-1]["type"] != "run" or not lines[-1]["ok"]:
        k.fail(f"report {path}: want progress lines then a successful run line, got {[l['type'] for l in lines]}")
    read = [l["sources"][0]["records_read"] for l in lines]
    batches = [l["batches"] for l in lines]
    if read != sorted(read) or batches != sorted(batches):
        k.fail(f"report {path}: counts went back: records {read}, batches {batches}")
    if read[-1] != records:
        k.fail(f"report {path}: the run line says {read[-1]} records read, the topic holds {records}")
    if records and not any(r > 0 for r in read[:-1]):
        k.fail(f"report {path}: no progress line counted a record read before the end: {read}")
    print(f"report every 1s: {len(progress)} progress lines, counts never go back, "
          f"the run line read all {records} records")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("weir", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    weir = args.weir[1:] if args.weir[:1] == ["--"] else args.weir

    rows = 3000
    data = list(records(rows, 0, 7, 30))
    # An hour after the last record's latest possible event time (gen.py).
    sentinel = {"txn_id": "sentinel", "user": 0, "merchant": "none", "amount": 1.0,
                "ts": iso(BASE_MS + rows * 250 + 2000 + 3600 * 1000)}
    os.makedirs(os.path.join(args.work, "data"), exist_ok=True)
    with open(os.path.join(args.work, "data", "txns.jsonl"), "w", encoding="utf-8") as f:
        f.write("".join(line(r, "json") + "\n" for r in data + [sentinel] * PARTITIONS))
    k.run_to_end(weir + ["--quiet"], args.work, os.path.join(args.work, "file_run.log"))
    want = {s: without_sentinel(k.read_jsonl(os.path.join(args.work, "out", f"{s}.jsonl"))) for s in SINKS}

    t_in = f"{args.name}.in"
    k.create([t_in], PARTITIONS)
    k.produce(t_in, [(r["user"], line(r, "json")) for r in data])
    for p in range(PARTITIONS):
        k.produce(t_in, [(0, line(sentinel, "json"))], partition=p)

    for trigger in TRIGGERS:
        tag = trigger.replace(" ", "")
        outs = {s: f"{args.name}.{tag}.{s}" for s in SINKS}
        k.create(outs.values(), PARTITIONS)
        group = f"{args.name}.{tag}.g"
        cmd = weir + ["--source", f"txns=kafka:{t_in}", "--kafka-brokers", k.brokers(), "--group-id", group,
                      "--checkpoint", os.path.join(args.work, f"ck.{tag}"), "--quiet",
                      # `--trigger every 1s`: two words, as typed in a shell.
                      "--trigger", *trigger.split()]
        for s in SINKS:
            cmd += ["--sink", f"{s}=kafka:{outs[s]}?key=user"]
        report = os.path.join(args.work, f"{tag}.report.jsonl")
        if trigger == "every 1s":
            cmd += ["--report", "json", "--report-file", report]
        log = os.path.join(args.work, f"{tag}.log")
        if trigger == "available_now":
            k.run_to_end(cmd, args.work, log)
        else:
            run = k.Run(cmd, args.work, log)
            k.wait_consumed(run, group, [t_in], settle_topics=list(outs.values()))
            run.stop()
        got = {s: without_sentinel(k.consume(outs[s])) for s in SINKS}
        k.same_rows(f"{trigger}: velocity", got["velocity"], want["velocity"])
        k.same_rows(f"{trigger}: per_minute", got["per_minute"], want["per_minute"])
        last = k.last_per_key(got["counts"], "user")
        k.same_rows(f"{trigger}: counts, last row per user", [json.dumps(v) for v in last.values()], want["counts"])
        print(f"parity {trigger}: velocity {len(want['velocity'])} rows, per_minute {len(want['per_minute'])} "
              f"rows, counts {len(want['counts'])} users: the file run's")
        if trigger == "every 1s":
            check_progress(report, rows + PARTITIONS)
        k.delete(outs.values())
    k.delete([t_in])


if __name__ == "__main__":
    main()
