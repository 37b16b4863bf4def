#!/usr/bin/env python3
"""Deterministic input for the checkpoint tests: OUT_DIR/data/txns.jsonl (ROWS
lines; every 5000th is malformed, for the dead-letter file) and
OUT_DIR/data/merchants.csv.

usage: gen.py ROWS USERS OUT_DIR

Amounts are multiples of 1/8 so sums are exact whatever happens."""
import os
import random
import sys

MERCHANTS = ["Acme", "Café Zürich", "Joe's", "Straße", "GiftCardz", "北京烤鸭", "Tiny", "Bazaar"]
NOTES = ["", "ok", "refund, partial", "naïve", "late"]


def main(rows, users, out_dir):
    rng = random.Random(11)
    data = os.path.join(out_dir, "data")
    os.makedirs(data, exist_ok=True)
    with open(os.path.join(data, "merchants.csv"), "w", encoding="utf-8") as f:
        f.write("name,category,risk\n")
        for i, name in enumerate(MERCHANTS[:-1]):  # "Bazaar" has no category
            f.write(f"{name},cat{i % 3},{i / 8}\n")
    base = 1709251200000
    out = []
    for i in range(rows):
        if i % 5000 == 4999:
            out.append('{"txn_id":"bad%d","user_id":"oops","merchant":"x","amount":1,"ts":"2024-03-01T00:00:00Z"}\n' % i)
            continue
        user = rng.randrange(users)
        ms = base + i * 37 + rng.randint(0, 999)
        sec, milli = divmod(ms, 1000)
        note = rng.choice(NOTES + [None] * 3)
        note_text = "null" if note is None else '"%s"' % note
        out.append('{"txn_id":"t%07d","user_id":%d,"merchant":"%s","amount":%s,"ts":%d,"note":%s}\n'
                   % (i, user, rng.choice(MERCHANTS), rng.randint(-400, 40000) / 8, ms, note_text))
    with open(os.path.join(data, "txns.jsonl"), "w", encoding="utf-8") as f:
        f.writelines(out)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
