#!/usr/bin/env python3
"""Compares two sets of JSON-lines rows.

  rows_equal.py [--ordered] [--tol COL=REL[:ABS]]... EXPECTED ACTUAL

EXPECTED and ACTUAL are JSON-lines files; `FILE:PREFIX` takes the rows from
the lines of FILE that start with "PREFIX: " (expected rows written by hand in
a lit test). Without --ordered the rows are compared as multisets (emit final
order is checked on purpose only). Rows must have the same columns in the
same order and equal values; a column given with --tol compares numbers with
|a - b| <= REL * max(|a|, |b|) + ABS (approximate aggregates, float
statistics), nulls only with nulls. Prints what differs and exits 1.
"""
import argparse
import json
import sys


def load(spec):
    path, prefix = spec, None
    if ":" in spec and not spec.endswith(".jsonl"):
        path, prefix = spec.rsplit(":", 1)
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if prefix is not None:
                if not line.startswith(prefix + ": "):
                    continue
                line = line[len(prefix) + 2:]
            if line.strip():
                rows.append(json.loads(line, object_pairs_hook=list))
    if prefix is not None and not rows:
        sys.exit(f"no '{prefix}: ' rows in {path}")
    return rows


def exact_part(row, tolerant):
    """The row with its tolerant columns blanked: rows pair up by it."""
    return json.dumps([(k, None if k in tolerant else v) for k, v in row])


def close(a, b, rel, abs_):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, (int, float)) \
            or not isinstance(b, (int, float)):
        return a == b
    return abs(a - b) <= rel * max(abs(a), abs(b)) + abs_


def rows_match(e, a, tolerant):
    if [k for k, _ in e] != [k for k, _ in a]:
        return False
    for (k, ev), (_, av) in zip(e, a):
        if k in tolerant:
            if not close(ev, av, *tolerant[k]):
                return False
        elif type(ev) is not type(av) or ev != av:
            return False
    return True


def show(row):
    return json.dumps(dict(row), ensure_ascii=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ordered", action="store_true")
    parser.add_argument("--tol", action="append", default=[])
    parser.add_argument("expected")
    parser.add_argument("actual")
    args = parser.parse_args()
    tolerant = {}
    for t in args.tol:
        name, spec = t.split("=")
        rel, _, abs_ = spec.partition(":")
        tolerant[name] = (float(rel), float(abs_ or 0))
    expected, actual = load(args.expected), load(args.actual)

    problems = []
    if args.ordered:
        for i, (e, a) in enumerate(zip(expected, actual)):
            if not rows_match(e, a, tolerant):
                problems.append(f"row {i + 1}:\n  expected {show(e)}\n  actual   {show(a)}")
        problems += [f"missing  {show(e)}" for e in expected[len(actual):]]
        problems += [f"extra    {show(a)}" for a in actual[len(expected):]]
    else:
        # Pair rows whose exact columns are equal; tolerant columns decide
        # within such a group.
        unmatched = {}
        for a in actual:
            unmatched.setdefault(exact_part(a, tolerant), []).append(a)
        for e in expected:
            group = unmatched.get(exact_part(e, tolerant), [])
            hit = next((i for i, a in enumerate(group) if rows_match(e, a, tolerant)), None)
            if hit is None:
                problems.append(f"missing  {show(e)}")
            else:
                group.pop(hit)
        problems += [f"extra    {show(a)}" for group in unmatched.values() for a in group]
    if problems:
        print(f"{args.actual} differs from {args.expected} "
              f"({len(expected)} rows expected, {len(actual)} found):")
        print("\n".join(problems[:40]))
        sys.exit(1)
    print(f"{len(actual)} rows equal")

if __name__ == "__main__":
    main()
