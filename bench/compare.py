#!/usr/bin/env python3
"""Checks that two JSON-lines results of the per_user pipeline agree.

Rows are matched by a key column (default user_id; several, comma-separated,
match by the tuple: --key user_id,window_start); every other column must
be equal: integers and strings exactly, floats within a relative tolerance
(default 1e-9, since a sum over the same values in another order can differ
in the last bits). With --ordered the keys must also come in the same order
(Weir and the hand-written program both emit keys in first-seen order;
DuckDB does not promise any order).

Usage: compare.py [--ordered] [--key user_id] [--rel-tol 1e-9] A.jsonl B.jsonl
Exit status 0 when they agree, 1 (with the first differences) otherwise.
"""
import argparse
import json
import math
import sys


def load(path, key):
    rows, order = {}, []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            k = tuple(row.get(c) for c in key) if isinstance(key, (list, tuple)) else row.get(key)
            if k in rows:
                raise ValueError(f"{path}:{lineno}: key {key}={k!r} appears twice")
            rows[k] = row
            order.append(k)
    return rows, order


def values_equal(a, b, rel_tol):
    # bool is an int in Python: compare it strictly first.
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        # Absolute floor for sums that cancel out to (almost) zero.
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=rel_tol * 1e-3)
    return a == b


def compare(path_a, path_b, key="user_id", ordered=False, rel_tol=1e-9, max_report=5):
    """Returns a list of human-readable differences (empty when equal)."""
    rows_a, order_a = load(path_a, key)
    rows_b, order_b = load(path_b, key)
    problems = []
    only_a = [k for k in order_a if k not in rows_b]
    only_b = [k for k in order_b if k not in rows_a]
    if only_a:
        problems.append(f"{len(only_a)} keys only in {path_a}, e.g. {only_a[:3]}")
    if only_b:
        problems.append(f"{len(only_b)} keys only in {path_b}, e.g. {only_b[:3]}")
    value_diffs = 0
    for k in order_a:
        if k not in rows_b:
            continue
        ra, rb = rows_a[k], rows_b[k]
        if set(ra) != set(rb):
            problems.append(f"{key}={k}: columns differ: {sorted(ra)} vs {sorted(rb)}")
            value_diffs += 1
        else:
            for col in ra:
                if not values_equal(ra[col], rb[col], rel_tol):
                    value_diffs += 1
                    if value_diffs <= max_report:
                        problems.append(f"{key}={k}: {col}: {ra[col]!r} vs {rb[col]!r}")
    if value_diffs > max_report:
        problems.append(f"... {value_diffs} differing values in all")
    if ordered and not only_a and not only_b and order_a != order_b:
        first = next(i for i, (x, y) in enumerate(zip(order_a, order_b)) if x != y)
        problems.append(f"key order differs first at row {first + 1}: "
                        f"{order_a[first]!r} vs {order_b[first]!r}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--key", default="user_id")
    ap.add_argument("--ordered", action="store_true", help="require the same key order")
    ap.add_argument("--rel-tol", type=float, default=1e-9)
    args = ap.parse_args()
    key = args.key.split(",") if "," in args.key else args.key
    problems = compare(args.a, args.b, key, args.ordered, args.rel_tol)
    if problems:
        print(f"DIFFER: {args.a} vs {args.b}")
        for p in problems:
            print("  " + p)
        return 1
    print(f"equal: {args.a} vs {args.b}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
