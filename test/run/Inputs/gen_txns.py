#!/usr/bin/env python3
"""Writes a larger, deterministic transaction set for the multi-threaded and
differential tests: OUT_DIR/txns.jsonl (ROWS lines, the fields of every
example's schema: txn_id, user_id, merchant, amount, ts, tip?, note?) and
OUT_DIR/merchants.csv.

usage: gen_txns.py ROWS OUT_DIR

Amounts and tips are multiples of 1/8, so sums are exact in float64 whatever
order partial sums are combined in: threads may split the input anywhere."""
import json
import os
import random
import sys

MERCHANTS = [("Acme", "retail", "0.125"), ('Joe\'s "Diner", Inc.', "food", "0.25"),
             ("Café Zürich", "food", "0.0625"), ("北京烤鸭", "food", "0.5"),
             ("Straße", "travel, rail", "0.875"), ("GiftCardz", "gift cards", "0.9375"),
             ("GiftCardz", "prepaid", "0.75")]
STREAM_MERCHANTS = sorted({m[0] for m in MERCHANTS}) + ["Unknown Shop", "", "acme"]
NOTES = [None, None, None, "", "ok", "refund, partial", 'said "hi"', "🦆", "naïve"]


def main(rows, out_dir):
    rng = random.Random(7)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "merchants.csv"), "w", encoding="utf-8") as f:
        f.write("name,category,risk\n")
        for name, category, risk in MERCHANTS:
            f.write(",".join(quote(v) for v in (name, category, risk)) + "\n")
    base_ms = 1709251200000  # 2024-03-01T00:00:00Z
    with open(os.path.join(out_dir, "txns.jsonl"), "w", encoding="utf-8") as f:
        for i in range(rows):
            record = {"txn_id": f"g{i:06d}", "user_id": rng.randint(-5, 400),
                      "merchant": rng.choice(STREAM_MERCHANTS),
                      "amount": rng.randint(-800, 80000) / 8,
                      "ts": iso(base_ms + i * 997 + rng.randint(0, 5000))}
            if rng.random() < 0.7:
                record["tip"] = None if rng.random() < 0.2 else rng.randint(0, 80) / 8
            note = rng.choice(NOTES)
            if note is not None or rng.random() < 0.5:
                record["note"] = note
            f.write(json.dumps(record, ensure_ascii=rng.random() < 0.5) + "\n")


def iso(ms):
    seconds, millis = divmod(ms, 1000)
    import datetime
    t = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"


def quote(value):
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"') else value


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
