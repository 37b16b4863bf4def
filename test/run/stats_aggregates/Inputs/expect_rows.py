"""Compares a JSON-lines output with expected rows, in order: each expected
value is matched exactly, except [value, rel] which allows a relative error
`rel` (for floating-point results and the approximate aggregates).

  usage: expect_rows.py ACTUAL EXPECTED
"""
import json
import sys


def matches(got, want):
    if isinstance(want, list):
        value, rel = want
        return isinstance(got, (int, float)) and abs(got - value) <= rel * abs(value)
    if isinstance(want, float) and want == 0.0:
        return got == 0.0
    return got == want and type(got) is type(want)


def main():
    actual = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    expected = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
    errors = []
    if len(actual) != len(expected):
        errors.append("%d rows, expected %d" % (len(actual), len(expected)))
    for n, (got, want) in enumerate(zip(actual, expected)):
        if list(got) != list(want):
            errors.append("row %d: columns %s, expected %s" % (n, list(got), list(want)))
            continue
        for col, value in want.items():
            if not matches(got[col], value):
                errors.append("row %d (%s): %s = %r, expected %r" % (n, got.get("k"), col, got[col], value))
    for e in errors:
        print("FAIL", e)
    sys.exit(1 if errors else 0)


main()
