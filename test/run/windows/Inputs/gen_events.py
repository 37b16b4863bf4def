#!/usr/bin/env python3
"""Writes a random event file for the order-independence tests.

  gen_events.py ORDER OUT [--seed S] [--rows N] [--delay-ms D]

The events (fixed by --seed, default 7) are the same for every ORDER; ORDER
is the arrival order:
  sorted    event-time order
  shuffled  each row moved by less than the watermark delay D: arrival is
            sorted by ts + u, u uniform in [0, D - 1] ms, so a row arrives
            after rows up to D - 1 ms later than it and is never late
            (checked); --shuffle-seed picks the permutation
  late      like shuffled, but every 20th row is held back by up to 4 D, so
            some rows are late (checked)
Event times are unique (first/last and ties do not depend on arrival), and
amounts are multiples of 0.25 below 2^20, so float sums are exact in any
order. Users are skewed: user 1 is frequent, user 8 rare (many sessions).
"""
import argparse
import datetime
import json
import random

BASE_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
MERCHANTS = ["Acme", "Bolt", "Café", "Dyn", "Echo", "Flux", "Gala", "Hive", "Ion", "Jade",
             "Kilo", "Lux"]
USER_WEIGHTS = [30, 20, 15, 12, 10, 7, 4, 2]


def iso(ms):
    seconds, millis = divmod(ms, 1000)
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"


def events(rng, n):
    ts = BASE_MS + rng.randrange(0, 60_000)
    rows = []
    for i in range(n):
        ts += rng.randint(1, 4_000)
        user = rng.choices(range(1, len(USER_WEIGHTS) + 1), weights=USER_WEIGHTS)[0]
        tip = None if rng.random() < 0.3 else rng.randint(0, 80) / 8
        rows.append({"id": f"e{i}", "user": user, "merchant": rng.choice(MERCHANTS),
                     "amount": rng.randint(-40, 4_000) / 4, "tip": tip, "ts": ts})
    return rows


def late_count(rows, delay):
    high, late = None, 0
    for r in rows:
        if high is not None and r["ts"] < high - delay:
            late += 1
        high = r["ts"] if high is None else max(high, r["ts"])
    return late


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("order", choices=["sorted", "shuffled", "late"])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shuffle-seed", type=int, default=1)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--delay-ms", type=int, default=30_000)
    args = parser.parse_args()

    rows = events(random.Random(args.seed), args.rows)
    rng = random.Random(args.shuffle_seed)
    d = args.delay_ms
    if args.order != "sorted":
        def arrival(i_row):
            i, r = i_row
            hold = rng.randint(0, 4 * d) if args.order == "late" and i % 20 == 0 else \
                rng.randint(0, d - 1)
            return r["ts"] + hold
        rows = [r for _, r in sorted(((arrival(p), p[1]) for p in enumerate(rows)),
                                     key=lambda a: a[0])]
    late = late_count(rows, d)
    if args.order == "late":
        assert late > 0, "the late order must have late rows"
    else:
        assert late == 0, f"{late} rows would be late"
    with open(args.out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({**r, "ts": iso(r["ts"])}, ensure_ascii=False) + "\n")
    print(f"{len(rows)} rows, {late} late")


if __name__ == "__main__":
    main()
