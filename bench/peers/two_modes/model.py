"""The input of the two-modes comparison and the expected output, computed in Python,
independently of Weir and Spark.

The hour of data: records of bench/rtm/Record.h's shape
  {"seq":..,"sent_us":..,"grp":..,"lookup_key":..,"payload":"..."}  (about 1,200 bytes)
whose sent_us (the records' time: the queries pass it through) are spread evenly over one
hour that ends when the topic is filled, in seq order, so each partition's times rise. The
payload is made like rtm-load's (eight random letters, then a slice of Spark start-up log
lines), so the query does the same work on it. Unlike rtm-load, lookup_key is drawn from
[0, 11000) while the table has keys 0..9999: about 9% of the hour's records find no row and
the inner join drops them, so the comparison also checks the join's semantics, not just a
projection. (The new records of the realtime run come from rtm-load: all of them match.)

Rows are compared as multisets of fingerprints: hash() of the (Kafka key, (field, value), ...)
tuple of a parsed output row, field order included. Python's hash of str is salted per
process, so fingerprints are only compared within one run of the script; the outputs are
~1.4 KB per row and up to millions of rows, which a Counter of ints holds in little memory.
"""
import base64
import collections
import json
import random

GROUP_KEYS = 5000  # Record.h kGroupKeys
LOOKUP_KEYS_DRAWN = 11000  # the table holds 0..9999 (Record.h kLookupRows)
RECORD_BYTES = 1200  # Record.h's default size

# Record.cpp's kLogLines (no quotes or backslashes: no JSON escaping needed).
LOG_LINES = [
    "24/01/15 10:30:01 INFO SparkContext: Running Spark version 4.0.0",
    "24/01/15 10:30:01 INFO ResourceUtils: No custom resources configured for spark.driver.",
    "24/01/15 10:30:02 INFO SecurityManager: Changing view acls to: sparkuser",
    "24/01/15 10:30:02 INFO SparkEnv: Registering BlockManagerMaster",
    "24/01/15 10:30:02 INFO DiskBlockManager: Created local directory at /tmp/blockmgr-a1b2c3d4",
    "24/01/15 10:30:02 INFO MemoryStore: MemoryStore started with capacity 4.0 GiB",
    "24/01/15 10:30:03 INFO Utils: Successfully started service SparkUI on port 4040.",
    "24/01/15 10:30:03 INFO TransportClientFactory: Successfully created connection to master/10.0.0.1:7077",
    "24/01/15 10:30:04 INFO SharedState: Warehouse path is file:/opt/spark/spark-warehouse.",
    "24/01/15 10:30:05 INFO KafkaSourceProvider: Setting kafka consumer configuration: subscribe = input",
    "24/01/15 10:30:06 INFO MicroBatchExecution: Starting new streaming query",
]


def _pool():
    pool = ""
    while len(pool) < 2 * RECORD_BYTES + 4096:
        pool += "".join(line + " | " for line in LOG_LINES)
    return pool


def hour_records(count, end_us, span_s=3600, seed=1):
    """Yields (key, value) of `count` records whose sent_us run evenly over the `span_s`
    seconds before end_us (first at end_us - span, last just before end_us)."""
    rng = random.Random(seed)
    pool = _pool()
    span_us = int(span_s * 1_000_000)
    start_us = end_us - span_us
    letters = "abcdefghijklmnopqrstuvwxyz"
    for seq in range(count):
        sent = start_us + span_us * seq // count
        grp = rng.randrange(GROUP_KEYS)
        lookup_key = rng.randrange(LOOKUP_KEYS_DRAWN)
        head = f'{{"seq":{seq},"sent_us":{sent},"grp":{grp},"lookup_key":{lookup_key},"payload":"'
        fill = max(RECORD_BYTES - len(head) - 2, 9)
        offset = rng.randrange(len(pool) - RECORD_BYTES)
        payload = "".join(rng.choice(letters) for _ in range(8)) + pool[offset:offset + fill - 8]
        yield str(grp), head + payload + '"}'


def read_table(path):
    """The lookup CSV (header lookup_key,lookup_value) as {key: value}."""
    with open(path) as f:
        next(f)
        return {int(k): int(v) for k, v in (line.strip().split(",") for line in f if line.strip())}


def expected_row(event, table):
    """The query's output row for one input record (dict), or None when the join drops it.
    Field order is the .weir file's select list (and the Spark peer's)."""
    value = table.get(event["lookup_key"])
    if value is None:
        return None
    return {"seq": event["seq"], "sent_us": event["sent_us"], "grp": event["grp"], "lookup_value": value,
            "payload": base64.b64encode(event["payload"][:1000].encode()).decode()}


def fingerprint(key, row, drop=()):
    """hash of (key, ((field, value), ...)) with the fields in `drop` left out."""
    return hash((key, tuple((k, v) for k, v in row.items() if k not in drop)))


class Rows:
    """A multiset of output rows by fingerprint, plus a seq for each fingerprint so that a
    mismatch can name an example record."""

    def __init__(self, drop=()):
        self.drop = tuple(drop)
        self.counts = collections.Counter()
        self.seq = {}

    def add(self, key, row):
        fp = fingerprint(key, row, self.drop)
        self.counts[fp] += 1
        self.seq.setdefault(fp, row.get("seq"))

    def add_json(self, key, value):
        self.add(key, json.loads(value))

    def __len__(self):
        return sum(self.counts.values())


def expected_rows(events, table, drop=()):
    """Rows of the model over (key, value-JSON) input records."""
    rows = Rows(drop)
    for _, value in events:
        row = expected_row(json.loads(value), table)
        if row is not None:
            rows.add(str(row["grp"]), row)
    return rows


def compare(got, want):
    """(equal, detail): got and want as multisets; detail counts rows missing from got,
    rows got has that want has not (or more often: duplicates count here), and an example."""
    missing = want.counts - got.counts
    extra = got.counts - want.counts
    n_missing, n_extra = sum(missing.values()), sum(extra.values())
    detail = f"{len(got):,} rows, {len(want):,} expected"
    if n_missing or n_extra:
        detail += f", {n_missing:,} missing, {n_extra:,} unexpected or repeated"
        example = next(iter(missing), None)
        if example is not None:
            detail += f" (e.g. seq {want.seq.get(example)} missing)"
        else:
            detail += f" (e.g. seq {got.seq.get(next(iter(extra)))})"
    return not n_missing and not n_extra, detail
