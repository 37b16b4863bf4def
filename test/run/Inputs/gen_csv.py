#!/usr/bin/env python3
"""Writes a CSV whose quoted fields often hold newlines (so a split of the
file at a line break may land inside a record), and the JSON lines that
reading it and writing every column must give.

usage: gen_csv.py ROWS OUT_DIR   -> OUT_DIR/rows.csv, OUT_DIR/expected.jsonl
"""
import csv
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "reference"))
from weir_ref import format_json_row  # noqa: E402

PIECES = ["plain", "two\nlines", "a, comma", 'say "hi"', "ünï", "\n", "x\r\ny", "", "🦆"]


def main(rows, out_dir):
    rng = random.Random(11)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "rows.csv"), "w", encoding="utf-8", newline="") as f, \
            open(os.path.join(out_dir, "expected.jsonl"), "w", encoding="utf-8") as expected:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "note", "amount"])
        for i in range(rows):
            note = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 3)))
            # Never empty: an empty unquoted field would read as null.
            note = note or "-"
            amount = rng.randint(-4000, 4000) / 8
            writer.writerow([i, note, repr(amount)])
            expected.write(format_json_row({"id": i, "note": note, "amount": amount}) + "\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
