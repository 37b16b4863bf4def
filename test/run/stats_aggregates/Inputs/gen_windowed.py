"""Writes data/windowed.jsonl: ROWS rows over ten minutes of event time, in
event-time order, for three keys, so that each window holds hundreds of rows:
the percentile sketches leave their exact mode (> 32 values) and the
distinct-count sketches their sparse one (> 384 values), and windows are
assembled from slices whose sketches are merged.

  usage: gen_windowed.py ROWS OUTDIR
"""
import datetime
import json
import os
import random
import sys


def main():
    rows, outdir = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(314159)
    os.makedirs(os.path.join(outdir, "data"), exist_ok=True)
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    times = sorted(rng.randrange(10 * 60 * 1000) for _ in range(rows))
    # A quiet spell in key 3 makes two sessions.
    with open(os.path.join(outdir, "data", "windowed.jsonl"), "w") as f:
        for t in times:
            k = rng.choice([1, 2, 3])
            if k == 3 and 200_000 <= t < 320_000:
                k = 1
            x = rng.lognormvariate(2, 1) if k != 2 else rng.gauss(0, 50)
            ts = (start + datetime.timedelta(milliseconds=t)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            f.write(json.dumps({"k": k, "x": x, "s": "u%d" % rng.randrange(3000), "ts": ts},
                               separators=(",", ":")) + "\n")


main()
