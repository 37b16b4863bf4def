#!/usr/bin/env python3
"""Checkpoint cost for 1M keys (docs/benchmarks.md, "Checkpoint cost"). Not a
test: it measures and prints a Markdown table.

usage: bench_checkpoint.py WEIR WORKDIR

  full         one checkpoint holding 1M new keys (the scan's last checkpoint,
               --checkpoint-interval larger than the input)
  incremental  checkpoints while 1M keys exist and 1% of them (10k) change:
               1M distinct keys, then 200k rows over 10k keys, a checkpoint
               every 50k rows; the table lists the checkpoints of the second
               part (each saves <= 10k dirty entries but scans all 1M flags)
  restore      a rerun loading the 1M-key checkpoint (the run fails later on
               purpose, in a second pipeline, so the checkpoint stays
               unfinished)
Timings come from WEIR_RUNTIME_TRACE=1 lines of the runtime."""
import os
import re
import subprocess
import sys

PROGRAM = """
schema Txn { user_id: int64, amount: float64 }
source txns: Txn = file("txns.jsonl", format = "json");
source bad: Txn = file("bad.jsonl", format = "json");
pipeline per_user = txns | key by user_id
  | aggregate n = count(), total = sum(amount), biggest = max(amount)
  | sink file("out/per_user.jsonl", format = "json");
pipeline after = bad | select user_id | sink file("out/after.jsonl", format = "json");
"""


def write_input(path, keys, updates, hot):
    with open(path, "w") as f:
        for k in range(keys):
            f.write('{"user_id":%d,"amount":%d.5}\n' % (k * 7919 % 10_000_019, k % 1000))
        for i in range(updates):
            k = (i * 104_729) % hot
            f.write('{"user_id":%d,"amount":%d.25}\n' % (k * 7919 % 10_000_019, i % 1000))


def run(weir, work, args, env_trace=True):
    env = dict(os.environ, WEIR_RUNTIME_TRACE="1")
    p = subprocess.run([weir, "run", "bench.weir", "--checkpoint", "ck"] + args, cwd=work,
                       env=env, capture_output=True, text=True)
    return p.stderr


def checkpoints(trace):
    rows = []
    for m in re.finditer(r"trace: checkpoint (\d+): (\d+) puts and deletes, ([^,]+), ([0-9.]+) s", trace):
        rows.append((int(m.group(1)), int(m.group(2)), m.group(3), float(m.group(4))))
    return rows


def main(weir, work):
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "bench.weir"), "w") as f:
        f.write(PROGRAM)
    with open(os.path.join(work, "bad.jsonl"), "w") as f:
        f.write('{"user_id":1,"amount":1.0}\n{"user_id":"x"}\n')
    subprocess.run(["rm", "-rf", os.path.join(work, "ck"), os.path.join(work, "out")])

    write_input(os.path.join(work, "txns.jsonl"), 1_000_000, 0, 1)
    full = checkpoints(run(weir, work, ["--checkpoint-interval", "5000000records"]))
    restore = re.search(r"trace: restored per_user: (\d+) keys .*?, ([^,]+), ([0-9.]+) s",
                        run(weir, work, []))
    subprocess.run(["rm", "-rf", os.path.join(work, "ck"), os.path.join(work, "out")])

    write_input(os.path.join(work, "txns.jsonl"), 1_000_000, 200_000, 10_000)
    inc = checkpoints(run(weir, work, ["--checkpoint-interval", "50000records"]))
    # Checkpoints 21.. are the ones after the first 1M rows (1M / 50k = 20).
    inc = [c for c in inc if c[0] > 21 and 100 < c[1] < 100_000]

    print("| checkpoint | entries written | batch | time |")
    print("|---|---:|---:|---:|")
    big = max(full, key=lambda c: c[1])
    print(f"| full: 1M new keys | {big[1]:,} | {big[2]} | {big[3]:.3f} s |")
    for c in inc:
        print(f"| incremental: 1M keys, 10k changed (#{c[0]}) | {c[1]:,} | {c[2]} | {c[3]:.3f} s |")
    if restore:
        print(f"| restore on restart | {int(restore.group(1)):,} keys | {restore.group(2)} | "
              f"{float(restore.group(3)):.3f} s |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
