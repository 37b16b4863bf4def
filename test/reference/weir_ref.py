#!/usr/bin/env python3
"""An independent, deliberately simple model of Weir's batch semantics.

It is not a parser of .weir files: each example's pipelines are restated in
Python in `examples.py`, with these building blocks. It exists to compute the
expected outputs of the end-to-end tests without sharing any code (or any
bugs) with the compiler and runtime. Favour obviousness over speed.

Semantics modelled (docs/language.md is the contract):
  * Values: None is SQL null; bool, int (int64), float (float64), str,
    Timestamp (epoch ms, an int subclass).
  * JSON-lines sources: fields by name, extra fields ignored, a missing field
    is null; float64 fields accept JSON integers; timestamps are ISO-8601
    strings with an optional fraction (truncated to ms) and `Z` or `+HH:MM`.
  * CSV sources: a header row names the columns; an empty field is null for a
    nullable column.
  * where: keeps a row only when the predicate is true (null drops it).
  * Comparisons and arithmetic with a null operand give null; and/or/not use
    three-valued logic.
  * round: half away from zero. int64(float): truncates toward zero.
  * upper/lower map ASCII letters only; length counts code points; base64
    encodes the UTF-8 bytes (standard alphabet, padded).
  * Lookup join: every table row with an equal key, in table file order;
    `left` keeps unmatched rows with the table's columns null. Null keys never
    match.
  * key by + aggregate: one row per key at end of input, keys in first-seen
    order, output columns = keys then aggregates. Null keys form one group.
    count() counts rows; count(x), sum, min, max, avg, count_distinct, first
    and last ignore nulls (first/last: first/last non-null value); an
    aggregate that saw no non-null input is null (count: 0).
    var/stddev are sample statistics (n - 1), null below two values; the
    approximate aggregates are modelled by their exact values.
  * Event time and windows: weir_windows.py.
  * JSON-lines output: compact objects, columns in output order, timestamps
    as "YYYY-MM-DDTHH:MM:SS.mmmZ", floats as the shortest round-trip form with
    ".0" when integral, strings as UTF-8 with JSON escapes, null as null.
"""

import base64
import csv
import datetime
import decimal
import fractions
import json
import math
import re


class Timestamp(int):
    """Milliseconds since the Unix epoch, UTC."""


# --------------------------------------------------------------- schemas

class Field:
    def __init__(self, name, type_name, nullable=False):
        self.name, self.type, self.nullable = name, type_name, nullable


def schema(spec):
    """schema("txn_id: string, tip: float64?") -> [Field]"""
    fields = []
    for item in spec.split(","):
        name, type_name = (s.strip() for s in item.split(":"))
        nullable = type_name.endswith("?")
        fields.append(Field(name, type_name.rstrip("?"), nullable))
    return fields


class RecordError(Exception):
    def __init__(self, field, reason):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


_TS_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$")


def parse_timestamp(text):
    m = _TS_RE.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    fraction, zone = m.group(7) or "", m.group(8)
    millis = int((fraction + "000")[:3])
    offset_min = 0
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        offset_min = sign * (int(zone[1:3]) * 60 + int(zone[4:6]))
    try:
        moment = datetime.datetime(year, month, day, hour, minute, second,
                                   tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    seconds = int(moment.timestamp()) - offset_min * 60
    return Timestamp(seconds * 1000 + millis)


def _convert_json(field, value):
    if value is None:
        if not field.nullable:
            raise RecordError(field.name, "null in a non-nullable field")
        return None
    t = field.type
    if t == "bool" and isinstance(value, bool):
        return value
    if t == "int64" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if t == "float64" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if t == "string" and isinstance(value, str):
        return value
    if t == "timestamp" and isinstance(value, str):
        ts = parse_timestamp(value)
        if ts is not None:
            return ts
    raise RecordError(field.name, f"expected {t}")


def decode_json_line(fields, line):
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise RecordError("", f"invalid JSON: {e}")
    if not isinstance(obj, dict):
        raise RecordError("", "not a JSON object")
    return {f.name: _convert_json(f, obj.get(f.name)) for f in fields}


def read_json_lines(path, fields, on_error="fail"):
    """Rows of a JSON-lines file. on_error="skip" drops bad records."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows.append(decode_json_line(fields, line))
            except RecordError as e:
                if on_error == "fail":
                    raise RecordError(e.field, f"{path}:{lineno}: {e.reason}")
    return rows


def _convert_csv(field, text):
    if text == "" and (field.nullable or field.type != "string"):
        if not field.nullable:
            raise RecordError(field.name, "empty value in a non-nullable field")
        return None
    t = field.type
    if t == "string":
        return text
    if t == "int64":
        return int(text)
    if t == "float64":
        return float(text)
    if t == "bool":
        return {"true": True, "false": False}[text]
    if t == "timestamp":
        ts = parse_timestamp(text)
        if ts is None:
            raise RecordError(field.name, "expected timestamp")
        return ts
    raise AssertionError(t)


def read_csv(path, fields):
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = []
        for record in reader:
            by_name = dict(zip(header, record))
            rows.append({fl.name: _convert_csv(fl, by_name.get(fl.name, "")) for fl in fields})
        return rows


# ----------------------------------------------------- scalar functions
# Each takes and returns Python values, None being null.

def _nullsafe(fn):
    def wrapper(*args):
        if any(a is None for a in args):
            return None
        return fn(*args)
    return wrapper


add = _nullsafe(lambda a, b: a + b)
sub = _nullsafe(lambda a, b: a - b)
mul = _nullsafe(lambda a, b: a * b)
eq = _nullsafe(lambda a, b: a == b)
ne = _nullsafe(lambda a, b: a != b)
lt = _nullsafe(lambda a, b: a < b)
le = _nullsafe(lambda a, b: a <= b)
gt = _nullsafe(lambda a, b: a > b)
ge = _nullsafe(lambda a, b: a >= b)


def and_(a, b):
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def or_(a, b):
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def not_(a):
    return None if a is None else not a


def is_null(a):
    return a is None


def coalesce(*args):
    return next((a for a in args if a is not None), None)


@_nullsafe
def round_(x):
    """SQL round: half away from zero, on the exact binary value of x."""
    exact = decimal.Decimal(x)
    return float(exact.quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))


@_nullsafe
def int64(x):
    if isinstance(x, float):
        return int(math.trunc(x))
    return int(x)


@_nullsafe
def base64_(s):
    return base64.b64encode(s.encode("utf-8")).decode("ascii")


@_nullsafe
def length(s):
    return len(s)  # code points


@_nullsafe
def upper(s):
    # ASCII only, as the language defines it (stdlib/runtime/Strings.cpp):
    # other characters are kept as they are.
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in s)


@_nullsafe
def hour(ts):
    return (ts // 3_600_000) % 24


@_nullsafe
def floor_time(ts, unit_ms):
    return Timestamp(ts - ts % unit_ms)


# ---------------------------------------------------------- operators

def where(rows, predicate):
    return [r for r in rows if predicate(r) is True]


def select(rows, **columns):
    """columns: output name -> function of the input row (in order)."""
    return [{name: fn(r) for name, fn in columns.items()} for r in rows]


def lookup_join(rows, table_rows, probe, build, left=False):
    """Each stream row joined to every table row whose `build` column equals
    probe(row), in table order; the table's columns are appended."""
    index = {}
    for t in table_rows:
        if t[build] is not None:
            index.setdefault(t[build], []).append(t)
    table_columns = list(table_rows[0].keys()) if table_rows else []
    out = []
    for r in rows:
        key = probe(r)
        matches = index.get(key, []) if key is not None else []
        for t in matches:
            out.append({**r, **t})
        if not matches and left:
            out.append({**r, **{c: None for c in table_columns}})
    return out


class Agg:
    """An aggregate: `arg` is a function of the row, None for count();
    `param` is approx_percentile's fraction p. run() folds rows in the order
    given: first/last depend on it (window operators pass event-time order)."""

    def __init__(self, kind, arg=None, param=None):
        self.kind, self.arg, self.param = kind, arg, param

    def run(self, rows):
        if self.kind == "count" and self.arg is None:
            return len(rows)
        values = [v for v in (self.arg(r) for r in rows) if v is not None]
        if self.kind == "count":
            return len(values)
        if self.kind in ("count_distinct", "approx_count_distinct"):
            # approx_count_distinct: the exact count; tests compare the
            # HyperLogLog estimate with a tolerance.
            return len(set(values))
        if self.kind in ("var", "stddev"):
            return _sample_spread(self.kind, values)
        if not values:
            return None
        if self.kind == "approx_percentile":
            # The exact value at rank floor(p * (n - 1)) of the sorted values
            # (the rank a DDSketch query answers); tests compare the sketch's
            # answer with a relative tolerance.
            ordered = sorted(values)
            return float(ordered[math.floor(self.param * (len(ordered) - 1))])
        if self.kind == "sum":
            total = values[0]
            for v in values[1:]:
                total = total + v  # in input order, as a running sum
            return total
        if self.kind == "avg":
            total = 0.0
            for v in values:
                total += float(v)
            return total / len(values)
        if self.kind == "min":
            return min(values)
        if self.kind == "max":
            return max(values)
        if self.kind == "first":
            return values[0]
        if self.kind == "last":
            return values[-1]
        raise AssertionError(self.kind)


def _sample_spread(kind, values):
    """Sample variance (n - 1) or its square root, computed exactly and
    rounded once; null below two values. Every value is a dyadic rational
    p / q (q a power of two), so over the common denominator Q the sums are
    integers: var = (n * S2 - S1^2) / (n * (n - 1) * Q^2)."""
    if len(values) < 2:
        return None
    ratios = [v.as_integer_ratio() for v in values]
    common = max(q for _, q in ratios)
    scaled = [p * (common // q) for p, q in ratios]
    n = len(scaled)
    s1, s2 = sum(scaled), sum(x * x for x in scaled)
    variance = fractions.Fraction(n * s2 - s1 * s1, n * (n - 1) * common * common)
    return float(variance) if kind == "var" else math.sqrt(variance)


def col(name):
    return lambda r: r[name]


def count():
    return Agg("count")


def key_by_aggregate(rows, keys, aggs):
    """keys: output name -> function; aggs: output name -> Agg."""
    groups = {}
    for r in rows:
        groups.setdefault(tuple(fn(r) for fn in keys.values()), []).append(r)
    out = []
    for key, members in groups.items():
        row = dict(zip(keys.keys(), key))
        for name, agg in aggs.items():
            row[name] = agg.run(members)
        out.append(row)
    return out


# --------------------------------------------------------------- output

def format_timestamp(ms):
    seconds, millis = divmod(ms, 1000)
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"


def format_float(x):
    # repr is the shortest string that reads back as x; it already ends in
    # ".0" for integral values below 1e16. (Data stays far from the ranges
    # where repr and C++'s to_chars choose different notations.)
    text = repr(x)
    assert "e" not in text and "n" not in text, f"keep test data in plain range: {text}"
    return text


def format_json_value(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Timestamp):
        return json.dumps(format_timestamp(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_float(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    raise AssertionError(type(v))


def format_json_row(row):
    return "{" + ",".join(json.dumps(k) + ":" + format_json_value(v)
                          for k, v in row.items()) + "}"


def write_json_lines(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(format_json_row(row) + "\n")
