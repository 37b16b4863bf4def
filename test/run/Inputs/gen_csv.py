#!/usr/bin/env python3
"""Writes a CSV whose quoted fields often hold newlines (so a split of the
file at a line break may land inside a record), and the JSON lines that
reading it and writing every column must give. With --unquoted, no field
needs quotes (no comma, quote or line break): the runtime may split that file
between threads.

usage: gen_csv.py [--unquoted] ROWS OUT_DIR   -> OUT_DIR/rows.csv, OUT_DIR/expected.jsonl
"""
import csv
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "reference"))
from weir_ref import format_json_row  # noqa: E402

PIECES = ["plain", "two\nlines", "a, comma", 'say "hi"', "ünï", "\n", "x\r\ny", "", "🦆"]
UNQUOTED_PIECES = ["plain", "ünï", "", "🦆", "x y", "-"]


def main(rows, out_dir, pieces=PIECES):
    rng = random.Random(11)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "rows.csv"), "w", encoding="utf-8", newline="") as f, \
            open(os.path.join(out_dir, "expected.jsonl"), "w", encoding="utf-8") as expected:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "note", "amount"])
        for i in range(rows):
            note = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 3)))
            # Never empty: an empty unquoted field would read as null.
            note = note or "-"
            amount = rng.randint(-4000, 4000) / 8
            writer.writerow([i, note, repr(amount)])
            expected.write(format_json_row({"id": i, "note": note, "amount": amount}) + "\n")


if __name__ == "__main__":
    args = sys.argv[1:]
    unquoted = args[0] == "--unquoted"
    if unquoted:
        args = args[1:]
    main(int(args[0]), args[1], UNQUOTED_PIECES if unquoted else PIECES)
