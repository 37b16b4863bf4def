#!/usr/bin/env python3
"""Events over many keys for the windowed --state-memory test: OUT (ROWS
JSON lines) with USERS users, ~4 events per second, each row up to 20 s out
of order (within the tests' 30 s watermark), amounts multiples of 0.25 (sums
exact in any order), unique event times.

usage: gen.py ROWS USERS OUT"""
import datetime
import json
import random
import sys

BASE_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z


def iso(ms):
    seconds, millis = divmod(ms, 1000)
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"


def main(rows, users, out):
    rng = random.Random(5)
    ts = BASE_MS
    events = []
    for i in range(rows):
        ts += rng.randint(1, 500)
        # Half the rows from a few hundred busy users, half from the long tail.
        user = rng.randrange(300) if rng.random() < 0.5 else rng.randrange(users)
        events.append((ts + rng.randrange(20_000), ts, i, user))
    events.sort()
    with open(out, "w") as f:
        for _, t, i, user in events:
            f.write(json.dumps({"id": f"e{i}", "user": user, "amount": rng.randrange(1, 4000) / 4,
                                "ts": iso(t)}) + "\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
