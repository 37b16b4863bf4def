#!/usr/bin/env python3
"""Makes a large input from a small JSON-lines file of transactions, so that
--threads N really splits it (a scan gets one thread per MiB): the file is
repeated until it has at least MIN_BYTES bytes, and copy k's txn_id gets the
suffix "-k", so every row is distinct and a range merged out of order shows.

usage: repeat_txns.py IN.jsonl OUT.jsonl MIN_BYTES
"""
import json
import sys


def main(src, dst, min_bytes):
    with open(src, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    written = copy = 0
    with open(dst, "w", encoding="utf-8") as out:
        while written < min_bytes:
            copy += 1
            for row in rows:
                row = dict(row, txn_id=f"{row['txn_id']}-{copy}")
                line = json.dumps(row, ensure_ascii=False) + "\n"
                out.write(line)
                written += len(line.encode())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
