"""Writes data/stats.jsonl for the statistical and approximate aggregates:
ROWS rows over a dozen keys chosen to cover the interesting cases.

  usage: gen_stats.py ROWS OUTDIR

Keys and what they exercise:
  big       most rows: lognormal x, ~10k distinct user ids (HyperLogLog dense)
  mixed     normal x around 0 with negatives and exact zeros (-0.0 too)
  few       at most 300 distinct users (HyperLogLog sparse: exact)
  ints      integer-valued x with many repeats
  nullish   x null in most rows
  allnull   x always null: stddev/var/approx_percentile null
  one       a single row: stddev/var null, percentiles its value
  two       two rows: the smallest sample with a variance
  huge      x around 1e9 with a tiny spread (catastrophic cancellation for a
            naive sum-of-squares variance; Welford keeps it)
"""
import json
import os
import random
import sys


def main():
    rows, outdir = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(20261127)
    os.makedirs(os.path.join(outdir, "data"), exist_ok=True)
    out = []

    def row(k, x, i, s):
        out.append({"k": k, "x": x, "i": i, "s": s, "pad": "p" * rng.randrange(0, 40)})

    row("one", 42.5, 7, "u1")
    row("two", -1.0, 3, "u1")
    row("two", 2.0, 5, "u2")
    for n in range(rows):
        r = rng.random()
        if r < 0.55:
            row("big", rng.lognormvariate(3, 1.5), rng.randrange(-1000, 1000),
                "user%d" % rng.randrange(10000))
        elif r < 0.70:
            z = rng.choice([0.0, -0.0]) if rng.random() < 0.1 else rng.gauss(0, 250)
            row("mixed", z, rng.randrange(-5, 5), "m%d" % rng.randrange(2000))
        elif r < 0.80:
            row("few", rng.uniform(10, 20), rng.randrange(100), "f%d" % rng.randrange(300))
        elif r < 0.88:
            row("ints", float(rng.randrange(0, 60)), rng.randrange(0, 60), "i%d" % rng.randrange(500))
        elif r < 0.94:
            x = rng.expovariate(0.01) if rng.random() < 0.2 else None
            row("nullish", x, rng.randrange(1 << 40), "n%d" % rng.randrange(50000))
        elif r < 0.97:
            row("allnull", None, rng.randrange(10), "a%d" % rng.randrange(3))
        else:
            row("huge", 1e9 + rng.uniform(0, 1), 10**9 + rng.randrange(3), "h%d" % rng.randrange(700))
    with open(os.path.join(outdir, "data", "stats.jsonl"), "w") as f:
        for r in out:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


main()
