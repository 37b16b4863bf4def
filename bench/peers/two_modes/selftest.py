#!/usr/bin/env python3
"""Self-test of the two-modes comparison's model and tables (no broker, no JVM): the hour's
records, the expected rows, the row comparison and the markdown cells. Run by
`ninja check-bench`. Expectations are worked out by hand in the comments."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model  # noqa: E402
import tables  # noqa: E402


class Hour(unittest.TestCase):
    end = 1_800_000_000_000_000  # epoch microseconds

    def test_times_span_the_hour_evenly_and_end_before_end(self):
        recs = [json.loads(v) for _, v in model.hour_records(4, self.end, span_s=3600)]
        # 4 records over 3,600 s: one every 900 s, the first at end - 3600 s.
        self.assertEqual([r["sent_us"] - self.end for r in recs],
                         [-3_600_000_000, -2_700_000_000, -1_800_000_000, -900_000_000])
        self.assertEqual([r["seq"] for r in recs], [0, 1, 2, 3])

    def test_record_shape_key_and_size(self):
        for key, value in model.hour_records(500, self.end):
            r = json.loads(value)
            self.assertEqual(list(r), ["seq", "sent_us", "grp", "lookup_key", "payload"])
            self.assertEqual(key, str(r["grp"]))
            self.assertEqual(len(value), 1200)  # Record.h's default size
            self.assertTrue(0 <= r["grp"] < 5000 and 0 <= r["lookup_key"] < 11000)

    def test_some_keys_have_no_table_row(self):
        keys = [json.loads(v)["lookup_key"] for _, v in model.hour_records(1000, self.end)]
        # 1,000 draws from [0, 11000): about 91 of them >= 10000 (1 in 11).
        self.assertTrue(50 < sum(k >= 10000 for k in keys) < 140)

    def test_same_seed_same_records(self):
        self.assertEqual(list(model.hour_records(50, self.end)), list(model.hour_records(50, self.end)))


class Expected(unittest.TestCase):
    table = {4: 8}

    def test_join_and_projection(self):
        e = {"seq": 1, "sent_us": 2, "grp": 3, "lookup_key": 4, "payload": "abc"}
        # base64("abc") = "YWJj"; fields in the select list's order.
        row = model.expected_row(e, self.table)
        self.assertEqual(list(row.items()),
                         [("seq", 1), ("sent_us", 2), ("grp", 3), ("lookup_value", 8), ("payload", "YWJj")])

    def test_no_table_row_drops_the_record(self):
        self.assertIsNone(model.expected_row({"seq": 1, "sent_us": 2, "grp": 3, "lookup_key": 5, "payload": ""},
                                             self.table))

    def test_payload_cut_at_1000_characters(self):
        e = {"seq": 1, "sent_us": 2, "grp": 3, "lookup_key": 4, "payload": "a" * 1500}
        # 1,000 bytes -> 4 * ceil(1000 / 3) = 1,336 base64 characters.
        self.assertEqual(len(model.expected_row(e, self.table)["payload"]), 1336)


def rows(*items, drop=()):
    r = model.Rows(drop)
    for key, row in items:
        r.add(key, row)
    return r


class Compare(unittest.TestCase):
    a = ("1", {"seq": 1, "v": 10})
    b = ("2", {"seq": 2, "v": 20})
    c = ("3", {"seq": 3, "v": 30})

    def test_equal_multisets(self):
        self.assertEqual(model.compare(rows(self.b, self.a), rows(self.a, self.b)), (True, "2 rows, 2 expected"))

    def test_missing_and_repeated_are_counted(self):
        # want {a, b, b}, got {a, b, c}: one b missing, c unexpected.
        ok, detail = model.compare(rows(self.a, self.b, self.c), rows(self.a, self.b, self.b))
        self.assertFalse(ok)
        self.assertEqual(detail, "3 rows, 3 expected, 1 missing, 1 unexpected or repeated (e.g. seq 2 missing)")

    def test_a_duplicate_is_a_difference(self):
        ok, detail = model.compare(rows(self.a, self.a), rows(self.a))
        self.assertEqual((ok, detail), (False, "2 rows, 1 expected, 0 missing, 1 unexpected or repeated (e.g. seq 1)"))

    def test_key_and_field_order_count(self):
        self.assertFalse(model.compare(rows(("9", self.a[1])), rows(self.a))[0])
        self.assertFalse(model.compare(rows(("1", {"v": 10, "seq": 1})), rows(self.a))[0])

    def test_dropped_field_is_ignored(self):
        x, y = ("1", {"seq": 1, "sent_us": 5}), ("1", {"seq": 1, "sent_us": 6})
        self.assertFalse(model.compare(rows(x), rows(y))[0])
        self.assertTrue(model.compare(rows(x, drop=("sent_us",)), rows(y, drop=("sent_us",)))[0])


class Tables(unittest.TestCase):
    def test_cells(self):
        self.assertEqual(tables.rate(3600, 0.5), 7200)
        self.assertIsNone(tables.rate(3600, 0))
        self.assertEqual(tables.ratio(30.0, 0.4), "75.00x")
        self.assertEqual(tables.ratio(None, 0.4), "–")
        self.assertEqual(tables.secs(150.26), "150.3")
        self.assertEqual(tables.secs(0.434), "0.43")
        self.assertEqual(tables.ms(1716.39), "1716.4")
        self.assertEqual(tables.ms(2.345), "2.35")

    def test_batch_table(self):
        res = [{"system": "Weir", "trigger": "t1", "records": 10000, "wall_s": 2.0, "startup_s": 0.1,
                "equal": (True, "9 rows")},
               {"system": "Spark", "trigger": "t2", "records": 10000, "wall_s": 50.0, "startup_s": None,
                "equal": (False, "bad")}]
        lines = tables.batch_table(res).splitlines()
        # Weir: 10,000 / 2 s = 5,000/s, 1.00x; Spark: 10,000 / 50 s = 200/s, 50 / 2 = 25.00x.
        self.assertEqual(lines[2], "| Weir | batch | t1 | 10,000 | 2.00 | 5,000 | 1.00x | 0.10 | yes (9 rows) |")
        self.assertEqual(lines[3], "| Spark | batch | t2 | 10,000 | 50.00 | 200 | 25.00x | – | **NO** (bad) |")

    def test_realtime_table_ratio_is_p99s(self):
        res = [{"system": "Weir", "trigger": "r", "records": 1000, "wall_s": 0.5, "drain_ms": 3.0, "p50_ms": 1.0,
                "p99_ms": 4.0, "max_ms": 5.0, "equal": (True, "ok")},
               {"system": "Spark", "trigger": "s", "records": 1000, "wall_s": 1.0, "drain_ms": 30.0, "p50_ms": 10.0,
                "p99_ms": 12.0, "max_ms": 50.0, "equal": (True, "ok")}]
        lines = tables.realtime_table(res).splitlines()
        # Spark's p99 12 ms / Weir's 4 ms = 3.00x; 1,000 records / 1 s = 1,000/s.
        self.assertEqual(lines[3], "| Spark | realtime | s | 1,000 | 1.00 | 1,000 | 30.0 | 10.0 | 12.0 | 50.0 | 3.00x "
                                   "| yes (ok) |")
        self.assertTrue(lines[2].startswith("| Weir | realtime | r | 1,000 | 0.50 | 2,000 | 3.00 | 1.00 | 4.00 | 5.00 "
                                            "| 1.00x |"))


if __name__ == "__main__":
    unittest.main(verbosity=1)
