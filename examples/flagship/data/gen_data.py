#!/usr/bin/env python3
"""Writes the flagship example's data set: data/txns.jsonl (120 card
transactions) and data/merchants.csv. Deterministic (fixed seed); the output
is committed, so this only documents how it was made and regenerates it.

Amounts are multiples of 1/8 so that every sum is exact in float64 and does
not depend on the order partial sums are combined (multi-threaded runs).
The data includes refunds (negative amounts), zero amounts, an empty
merchant, a merchant missing from the table, merchants with quotes, commas
and non-ASCII characters, and timestamps with fractions and UTC offsets."""
import datetime
import json
import os
import random

MERCHANTS = [  # name, category, risk
    ("Acme Hardware", "retail", 0.125),
    ('Joe\'s "Diner", Inc.', "food", 0.25),
    ("Café Zürich", "food", 0.0625),
    ("北京烤鸭", "food", 0.5),
    ("GiftCardz", "gift cards", 0.9375),
    ("Nordic Rail", "travel, rail", 0.375),
    ("Pixel Games", "entertainment", 0.625),
]
NOT_IN_TABLE = "Corner Kiosk"  # exercises the inner join dropping rows
OFFSETS = ["Z", "Z", "Z", "+02:00", "-05:30", "+00:00"]


def main():
    rng = random.Random(20240301)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "merchants.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("name,category,risk\n")
        for name, category, risk in MERCHANTS:
            f.write(",".join(csv_field(v) for v in (name, category, repr(risk))) + "\n")

    names = [m[0] for m in MERCHANTS] + [NOT_IN_TABLE, ""]
    weights = [6, 4, 3, 2, 2, 2, 3, 2, 1]
    with open(os.path.join(here, "txns.jsonl"), "w", encoding="utf-8") as f:
        for i in range(120):
            user = rng.choice([101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112])
            merchant = rng.choices(names, weights)[0]
            kind = rng.random()
            if kind < 0.08:
                amount = -rng.randint(1, 400) / 8  # refund
            elif kind < 0.12:
                amount = 0.0
            else:
                amount = rng.randint(1, 16000) / 8
            minute = i * 7 + rng.randint(0, 6)
            record = {
                "txn_id": f"t{i + 1:04d}",
                "user_id": user,
                "merchant": merchant,
                "amount": amount,
                "ts": timestamp(rng, minute),
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def timestamp(rng, minute):
    """2024-03-01 plus `minute`, written with a random fraction and in a
    random UTC offset (the local time is shifted so the instant is the same)."""
    second = rng.randint(0, 59)
    fraction = rng.choice(["", ".5", ".25", ".125", ".999", ".001"])
    offset = rng.choice(OFFSETS)
    shift = datetime.timedelta(0)
    if offset not in ("Z", "+00:00"):
        sign = 1 if offset[0] == "+" else -1
        shift = sign * datetime.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    utc = datetime.datetime(2024, 3, 1) + datetime.timedelta(minutes=minute, seconds=second)
    local = utc + shift
    return local.strftime("%Y-%m-%dT%H:%M:%S") + fraction + offset


def csv_field(value):
    if any(c in value for c in ',"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


if __name__ == "__main__":
    main()
