#!/usr/bin/env python3
"""Self-test of the latency benchmark's judging code (no broker needed):
the target verdicts, the output-count checks and the medians over rounds.
Run by `ninja check-bench`. Expectations are worked out by hand below."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402
import run  # noqa: E402


def latency(system, p50, p99, rnd=0, rate=10000, guarantee="at_least_once"):
    return {"kind": "latency", "system": system, "guarantee": guarantee, "rate": rate, "round": rnd,
            "load": {"rate": rate},
            "measure": {"p50_ms": p50, "p90_ms": p99, "p95_ms": p99, "p99_ms": p99, "max_ms": p99,
                        "count": 100, "duplicates": 0}}


class Targets(unittest.TestCase):
    floor = {"p50_ms": 1.0, "p99_ms": 10.0}

    def verdict(self, p50, p99):
        return report._target({"p50_ms": p50, "p99_ms": p99}, self.floor)

    def test_at_the_limits_is_met(self):
        # 13.0 = 1.3 x 10.0 and 1.1 = 1.0 + 0.1: both exactly on the target.
        self.assertEqual(self.verdict(1.1, 13.0), ("1.30×", "+0.10 ms", "met"))

    def test_p99_over_is_missed_by_the_excess(self):
        # 13.5 - 13.0 = 0.5 ms over.
        self.assertEqual(self.verdict(1.0, 13.5)[2], "missed: p99 by 0.50 ms")

    def test_p50_over_is_missed_by_the_excess(self):
        # 1.25 - (1.0 + 0.1) = 0.15 ms over.
        self.assertEqual(self.verdict(1.25, 5.0)[2], "missed: p50 by 0.15 ms")

    def test_no_floor_no_verdict(self):
        self.assertEqual(report._target({"p50_ms": 1, "p99_ms": 1}, None), ("–", "–", "–"))


class Counts(unittest.TestCase):
    def measure(self, received, duplicates=0, unparsed=0):
        return {"received": received, "duplicates": duplicates, "unparsed": unparsed}

    load = {"delivered": 1000, "failed": 0}

    def test_one_to_one_must_match(self):
        self.assertIsNone(run.check_counts("A", self.load, self.measure(1000)))
        self.assertEqual(run.check_counts("relay", self.load, self.measure(999)),
                         "received 999 records, 1000 were sent")

    def test_updates_may_be_coalesced(self):
        self.assertIsNone(run.check_counts("B", self.load, self.measure(640)))
        self.assertEqual(run.check_counts("B", self.load, self.measure(0)), "0 updates for 1000 input records")

    def test_peers_table_ratios_and_refusals(self):
        def lat(system, p50, p99, **extra):
            return dict({"kind": "latency", "system": system, "guarantee": "at_least_once", "rate": 10000,
                         "load": {"rate": 10000.0},
                         "measure": {"count": 100, "duplicates": 0, "p50_ms": p50, "p90_ms": p50, "p95_ms": p99,
                                     "p99_ms": p99, "max_ms": p99}}, **extra)
        rows = [lat("A", 2.0, 10.0), lat("flink.A", 6.0, 30.0, startup_s=7.25),
                {"kind": "latency", "system": "spark-rtm.B", "guarantee": "at_least_once", "rate": 10000,
                 "error": "did not start (exit 3): WARNING: Using incubator modules\nB is not supported | here"}]
        table = report._peers_table(report._median_rows(rows), "at_least_once", [10000])
        flink = next(l for l in table if "| flink |" in l)
        self.assertTrue(flink.endswith("| 7.2 | 3.0 | 3.0 |"), flink)
        refused = next(l for l in table if "spark-rtm" in l)
        self.assertNotIn("WARNING", refused)
        self.assertIn("B is not supported / here", refused)
        self.assertEqual(len(table), 5)  # header, rule, Weir, flink, spark-rtm

    def test_duplicates_and_garbage_are_reported(self):
        self.assertEqual(run.check_counts("C", self.load, self.measure(1000, duplicates=3, unparsed=2)),
                         "2 records without sent_us; 3 duplicates")


class Medians(unittest.TestCase):
    def test_median_over_rounds_per_system(self):
        rows = [latency("relay", 1.0, 10.0, 0), latency("relay", 3.0, 30.0, 1), latency("relay", 2.0, 50.0, 2),
                latency("A", 5.0, 5.0, 0)]
        meds = report._median_rows(rows)
        relay = meds[("at_least_once", 10000, "relay")]
        self.assertEqual((relay["p50_ms"], relay["p99_ms"], relay["count"], relay["rounds"]), (2.0, 30.0, 300, 3))
        self.assertEqual(meds[("at_least_once", 10000, "A")]["rounds"], 1)

    def test_failed_rounds_are_left_out(self):
        rows = [latency("relay", 1.0, 10.0), dict(latency("relay", 9.0, 90.0), error="relay exited")]
        self.assertEqual(report._median_rows(rows)[("at_least_once", 10000, "relay")]["p99_ms"], 10.0)


class Durations(unittest.TestCase):
    def test_units(self):
        self.assertEqual([report.duration_ms(t) for t in ("100ms", "2s", "250", "0.5s")], [100, 2000, 250, 500])
        with self.assertRaises(ValueError):
            report.duration_ms("1m")


if __name__ == "__main__":
    unittest.main()
