#!/usr/bin/env python3
"""The inputs of shapes.weir: the flagship example's merchants table and its
transactions repeated to at least MIN_BYTES (so --threads 2 splits the scan;
copy k's txn_ids get the suffix "-k"), where every 9th transaction's merchant
is one of the table's category names (cycling through them), so that
by_category_name, the join of a merchant with a category, has rows (one per
table row of that category).

usage: gen.py FLAGSHIP_DATA_DIR OUT_DATA_DIR MIN_BYTES
"""
import csv
import json
import os
import shutil
import sys


def main(src, dst, min_bytes):
    os.makedirs(dst, exist_ok=True)
    shutil.copy(os.path.join(src, "merchants.csv"), os.path.join(dst, "merchants.csv"))
    with open(os.path.join(src, "merchants.csv"), encoding="utf-8", newline="") as f:
        categories = sorted({row["category"] for row in csv.DictReader(f)})
    with open(os.path.join(src, "txns.jsonl"), encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    written = copy = n = 0
    with open(os.path.join(dst, "txns.jsonl"), "w", encoding="utf-8") as out:
        while written < min_bytes:
            copy += 1
            for row in rows:
                row = dict(row, txn_id=f"{row['txn_id']}-{copy}")
                n += 1
                if n % 9 == 0:
                    row["merchant"] = categories[(n // 9) % len(categories)]
                line = json.dumps(row, ensure_ascii=False) + "\n"
                out.write(line)
                written += len(line.encode())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
