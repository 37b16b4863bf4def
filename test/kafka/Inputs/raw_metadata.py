#!/usr/bin/env python3
"""The raw format, the metadata columns and the sink's key and timestamp
(raw_metadata.test), with kcat's view of the same records as the truth.

usage: raw_metadata.py --work DIR --name PREFIX -- WEIR_RUN...   (weir run raw_metadata.weir)

kcat produces lines over 2 partitions, some keyed, some without a key.
The program's one-off runs (no --checkpoint, at_least_once) must write:
- shout (raw): each line upper-cased (ASCII letters; the rest are
  caseless characters), once per run: a one-off run saves nothing, so a
  second one reads the topic from the beginning again;
- meta (json): each line with the key (null without one), partition,
  offset and timestamp that kcat reports for it;
- stamped (json, ?key=line&timestamp=_timestamp): records whose key is the
  line and whose timestamp is the input record's.
And with ?start=latest, a one-off run reads nothing."""
import argparse
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import kafkalib as k  # noqa: E402

KEYED = [("k1", "hello, world"), ("k2", 'say "hi"'), ("k1", "again k1"), ("", "an empty key, not a missing one"),
         ("k3", "北京 🦆 plain")] + [(f"key{i}", f"line number {i}") for i in range(40)]
UNKEYED = [(None, "no key here"), (None, "{\"not\": \"parsed\"}")] + [(None, f"unkeyed {i}") for i in range(20)]


def ascii_upper(text):
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in text)


def iso(ms):
    t = datetime.datetime.fromtimestamp(ms // 1000, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("weir", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    weir = args.weir[1:] if args.weir[:1] == ["--"] else args.weir

    topics = {t: f"{args.name}.{t}" for t in ("in", "shout", "meta", "stamped", "latest")}
    k.create(topics.values(), 2)
    k.produce(topics["in"], KEYED)
    k.produce(topics["in"], UNKEYED)

    def run(log, source_suffix="", shout=topics["shout"]):
        k.run_to_end(weir + ["--source", f"lines=kafka:{topics['in']}{source_suffix}",
                             "--sink", f"shout=kafka:{shout}", "--sink", f"meta=kafka:{topics['meta']}",
                             "--sink", f"stamped=kafka:{topics['stamped']}?key=line&timestamp=_timestamp",
                             "--kafka-brokers", k.brokers(), "--group-id", f"{args.name}.g",
                             "--guarantee", "at_least_once", "--trigger", "available_now", "--quiet"],
                     args.work, os.path.join(args.work, log))

    run("run1.log")
    run("run2.log")

    # kcat's view of the input: key (None: none), partition, offset, timestamp, value.
    truth = [(e["key"], e["partition"], e["offset"], e["ts"], e["payload"])
             for e in k.consume_envelopes(topics["in"])]
    if len(truth) != len(KEYED) + len(UNKEYED):
        k.fail(f"kcat read {len(truth)} input records, produced {len(KEYED) + len(UNKEYED)}")

    want_shout = sorted(ascii_upper(value) for *_, value in truth)
    got_shout = sorted(k.consume(topics["shout"]))
    if got_shout != sorted(want_shout * 2):
        k.fail(f"shout: {len(got_shout)} raw records, expected each of {len(want_shout)} upper-cased lines twice")
    print(f"raw: {len(got_shout)} records: each line upper-cased, once per one-off run")

    want_meta = [json.dumps({"line": value, "_key": key, "_partition": p, "_offset": o,
                             "_timestamp": iso(ts)})
                 for key, p, o, ts, value in truth]
    k.same_rows("meta", k.consume(topics["meta"]), want_meta * 2)
    print(f"metadata: {len(want_meta)} rows per run with kcat's key, partition, offset and timestamp")

    want_stamped = sorted(f"{value}\t{ts}" for key, p, o, ts, value in truth if key is not None)
    got_stamped = []
    for record in k.consume(topics["stamped"], fmt="%k\\t%T\\t%s\\n"):
        key, ts, value = record.split("\t", 2)
        row = json.loads(value)
        if key != row["line"]:
            k.fail(f"stamped: record key {key!r}, its line is {row['line']!r}")
        if iso(int(ts)) != row["_timestamp"]:
            k.fail(f"stamped: record timestamp {ts} ({iso(int(ts))}), its _timestamp is {row['_timestamp']}")
        got_stamped.append(f"{key}\t{ts}")
    if sorted(got_stamped) != sorted(want_stamped * 2):
        k.fail(f"stamped: {len(got_stamped)} records, expected {2 * len(want_stamped)} (the keyed input, twice)")
    print(f"sink key and timestamp: {len(got_stamped)} records keyed by line, stamped with the input's time")

    run("latest.log", source_suffix="?start=latest", shout=topics["latest"])
    if k.consume(topics["latest"]):
        k.fail("a one-off run with start=latest wrote rows of records that were there before it started")
    print("start=latest: a one-off run reads nothing that was there before")
    k.delete(topics.values())


if __name__ == "__main__":
    main()
