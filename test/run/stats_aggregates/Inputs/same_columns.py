"""Checks that two JSON-lines outputs have the same rows in the listed
columns (the others, e.g. float sums merged in another order, may differ).

  usage: same_columns.py A B COLUMN...
"""
import json
import sys

a = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
b = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
cols = sys.argv[3:]
pick = lambda rows: [{c: r[c] for c in cols} for r in rows]
if pick(a) != pick(b):
    for x, y in zip(pick(a), pick(b)):
        if x != y:
            print("FAIL", x, "!=", y)
    print("FAIL: %d vs %d rows" % (len(a), len(b)))
    sys.exit(1)
