"""Spoils a JSON lines file for decode_ahead.test: replaces some records by
malformed ones (a wrong type, broken JSON, a missing non-nullable field, a
bad timestamp) and adds blank lines, at positions spread over the file (so
over many decode-ahead batches).

usage: spoil.py IN OUT"""
import sys

BAD = [
    '{"txn_id": "x1", "user_id": "abc", "merchant": "M", "amount": 1.0, "ts": "2024-03-01T00:00:00Z"}',
    '{"txn_id": "x2", "user_id": 3, "merchant": "M", "amount": 1.0, "ts": "2024-03-01T00:00:00Z"',
    '{"txn_id": "x3", "merchant": "M", "amount": 1.0, "ts": "2024-03-01T00:00:00Z"}',
    '{"txn_id": "x4", "user_id": 3, "merchant": "M", "amount": 1.0, "ts": "yesterday"}',
    'not json at all',
]

lines = open(sys.argv[1]).read().splitlines()
with open(sys.argv[2], "w") as out:
    for i, line in enumerate(lines):
        if i % 997 == 500:
            out.write(BAD[(i // 997) % len(BAD)] + "\n")
        elif i % 1500 == 7:
            out.write("\n" + line + "\n")
        else:
            out.write(line + "\n")
