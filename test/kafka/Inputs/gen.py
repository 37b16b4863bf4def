#!/usr/bin/env python3
"""Deterministic transactions for the Kafka tests (schema Txn of the
Inputs/*.weir programs: txn_id, user, merchant, amount, ts).

usage: gen.py json|csv|kv-json|kv-csv ROWS [--first I] [--seed S] [--users U]

json/csv: one record per line (csv without a header: a Kafka record is one
row); kv-*: "user<TAB>record" for kcat -K '\\t', so each user's records go to
one partition in order. Event times rise 250 ms a record with up to 2 s of
jitter (below the programs' 5 s watermark: no record is late, whatever the
partitions' interleaving). Amounts are multiples of 1/8: float sums are
exact in any order. Users are 1..U (0 is the tests' sentinel key)."""
import argparse
import datetime
import json
import random

BASE_MS = 1735689600000  # 2025-01-01T00:00:00Z
MERCHANTS = ["Acme", "Café Zürich", "Joe's \"Diner\", Inc.", "北京烤鸭", "GiftCardz", "acme"]


def iso(ms):
    t = datetime.datetime.fromtimestamp(ms // 1000, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def records(rows, first, seed, users):
    rng = random.Random(seed * 1000003 + first)
    for i in range(first, first + rows):
        yield {"txn_id": f"t{i:07d}", "user": rng.randint(1, users), "merchant": rng.choice(MERCHANTS),
               "amount": rng.randint(-80, 8000) / 8, "ts": iso(BASE_MS + i * 250 + rng.randint(0, 2000))}


def csv_field(value):
    text = str(value)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"') else text


def line(record, fmt):
    if fmt.endswith("json"):
        return json.dumps(record, ensure_ascii=False)
    return ",".join(csv_field(record[f]) for f in ("txn_id", "user", "merchant", "amount", "ts"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("format", choices=["json", "csv", "kv-json", "kv-csv"])
    parser.add_argument("rows", type=int)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    for record in records(args.rows, args.first, args.seed, args.users):
        text = line(record, args.format)
        print(f"{record['user']}\t{text}" if args.format.startswith("kv-") else text)


if __name__ == "__main__":
    main()
