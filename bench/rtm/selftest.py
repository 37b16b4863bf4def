#!/usr/bin/env python3
"""Self-test of the latency benchmark's judging code (no broker needed):
the target verdicts, the output-count checks, the medians over rounds, the
start-up and memory tables, the process-tree RSS and the plots' curves.
Run by `ninja check-bench`. Expectations are worked out by hand below."""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plots  # noqa: E402
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
        # rounds 1, launch to ready 7.25 s, p50 6.0 / 2.0, p99 30.0 / 10.0.
        self.assertTrue(flink.endswith("| 100 | 1 | 7.2 | 3.0 | 3.0 |"), flink)
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


def startup(system, seconds, rnd=0):
    return {"kind": "startup", "system": system, "rate": 1000, "round": rnd, "seconds": seconds}


class Startup(unittest.TestCase):
    def test_medians_rounds_and_ratios_to_weirs_binary(self):
        # Weir binary: median of 0.2, 0.4, 0.3 = 0.3 s over 3 rounds. JIT:
        # median of 0.9 and 1.5 = 1.2 s -> 1.2 / 0.3 = 4.00x. kstreams: median
        # of 6.0, 9.0, 12.0 = 9.0 s -> 9.0 / 0.3 = 30x (whole above 10).
        rows = [startup("A", 0.2, 0), startup("A", 0.4, 1), startup("A", 0.3, 2),
                startup(run.WEIR_JIT, 0.9, 0), startup(run.WEIR_JIT, 1.5, 1),
                dict(startup(run.WEIR_JIT, None, 2), error="no output record within 120 s"),
                startup("kstreams.A", 12.0, 0), startup("kstreams.A", 6.0, 1), startup("kstreams.A", 9.0, 2),
                {"kind": "startup", "system": "flink.A", "rate": 1000, "round": 0, "error": "flink.A exited (code 1)"}]
        table = report._startup_table(rows)
        self.assertEqual(table[2:], [
            "| Weir, built binary (weir build) | 0.300 | 3 | 1.00× |",
            "| Weir, JIT (weir run: compiles at launch) | 1.200 | 2 | 4.00× |",
            "| kstreams | 9.000 | 3 | 30× |",
            "| flink | flink.A exited (code 1) | 0 | |"])

    def test_no_startup_rows_no_table(self):
        self.assertEqual(report._startup_table([latency("A", 1.0, 2.0)]), [])
        self.assertNotIn("Start-up", report.markdown(meta(), [latency("A", 1.0, 2.0)]))

    def test_markdown_has_the_startup_section(self):
        md = report.markdown(meta(), [latency("A", 1.0, 2.0), startup("A", 0.25)])
        self.assertIn("#### Start-up: launch to the first output record", md)
        self.assertIn("sending its input at 1,000 records/s", md)


def meta():
    return {"rates": [10000], "load_average": (0.5, 0.5, 0.5), "started_utc": "x", "cpus": 2, "cpu_model": "cpu",
            "kernel": "k", "partitions": 2, "duration_s": 3, "warmup_s": 1, "repeat": 1,
            "commit_interval": "100ms"}


def with_rss(row, median_mb, peak_mb):
    return dict(row, rss={"samples": 6, "interval_s": 0.5, "median_mb": median_mb, "peak_mb": peak_mb})


class Memory(unittest.TestCase):
    def test_medians_over_rounds_and_ratio_to_weir(self):
        # Weir: medians 10, 14 -> 12.0; peaks 11, 21 -> 16.0. kstreams: medians
        # 300, 420 -> 360.0 -> 360 / 12 = 30x; peaks 400, 500 -> 450.0. Relay:
        # 6.0 -> 0.50x. B's rows are not in this table. A round without
        # samples (rss None) does not count.
        rows = [with_rss(latency("A", 1, 2, 0), 10.0, 11.0), with_rss(latency("A", 1, 2, 1), 14.0, 21.0),
                latency("A", 1, 2, 2),
                with_rss(latency("kstreams.A", 5, 9, 0), 300.0, 400.0),
                with_rss(latency("kstreams.A", 5, 9, 1), 420.0, 500.0),
                with_rss(latency("relay", 1, 2, 0), 6.0, 6.5), with_rss(latency("B", 1, 2, 0), 50.0, 60.0)]
        table = report._rss_table(report._median_rows(rows), [10000])
        self.assertEqual(table[2:], [
            "| 10,000 | Weir A | 12.0 | 16.0 | 2 | 1.00× |",
            "| 10,000 | bare librdkafka relay (floor) | 6.0 | 6.5 | 1 | 0.50× |",
            "| 10,000 | kstreams | 360.0 | 450.0 | 2 | 30× |"])

    def test_no_samples_no_table(self):
        self.assertEqual(report._rss_table(report._median_rows([latency("A", 1, 2)]), [10000]), [])

    def test_tree_rss_counts_the_children(self):
        # A shell that forks a child (as a run.sh that does not exec java):
        # the tree's RSS is the shell's plus the child's, each read by hand.
        with tempfile.TemporaryDirectory() as d:
            ready = os.path.join(d, "ready")
            p = subprocess.Popen(["sh", "-c", f"sleep 30 & echo $! > {ready}; wait"])
            try:
                child = None
                while child is None or not _comm_is(child, "sleep"):  # forked and exec'd
                    time.sleep(0.01)
                    if os.path.exists(ready):
                        with open(ready) as f:
                            child = int(f.read().strip() or 0) or None
                expect = run._vmrss_kb(p.pid) + run._vmrss_kb(child)
                self.assertGreater(run._vmrss_kb(child), 0)
                self.assertEqual(run.tree_rss_kb(p.pid), expect)
            finally:
                p.kill()
                p.wait()
                os.kill(child, 9)


def _comm_is(pid, name):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip() == name
    except OSError:
        return False


class Plots(unittest.TestCase):
    def test_curves_per_query_floor_first_errors_left_out(self):
        rows = [latency("relay", 0.5, 1.0), latency("A", 1.0, 2.0), latency("kstreams.A", 3.0, 9.0),
                latency("flink.A", 2.0, 4.0), dict(latency("spark-rtm.A", 1, 1), error="did not start"),
                latency("B", 1.0, 5.0), latency("A", 7.0, 7.0, rate=1000)]
        c = plots.curves(report._median_rows(rows), "at_least_once", 10000)
        self.assertEqual(sorted(c), ["A", "B"])  # no C measured: no panel
        # latency() sets p90 = p95 = p99 = max.
        self.assertEqual(c["A"], [("relay (floor)", [0.5, 1.0, 1.0, 1.0, 1.0], True),
                                  ("Weir", [1.0, 2.0, 2.0, 2.0, 2.0], False),
                                  ("flink", [2.0, 4.0, 4.0, 4.0, 4.0], False),
                                  ("kstreams", [3.0, 9.0, 9.0, 9.0, 9.0], False)])
        self.assertEqual([label for label, _, _ in c["B"]], ["relay (floor)", "Weir"])
        self.assertEqual(plots.plot_keys(report._median_rows(rows)),
                         [(1000, "at_least_once"), (10000, "at_least_once")])

    def test_writes_one_svg_per_rate_and_guarantee(self):
        rows = [latency("relay", 0.5, 1.0), latency("A", 1.0, 2.0), latency("kstreams.A", 3.0, 9.0),
                latency("A", 1.0, 2.0, rate=1000, guarantee="exactly_once")]
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "report.json"), "w") as f:
                json.dump({"meta": {}, "rows": rows}, f)
            paths = run.draw_plots(os.path.join(d, "report.json"), d, "peers-latency-")
            if not paths:
                self.skipTest("no interpreter here has matplotlib")
            self.assertEqual([os.path.basename(p) for p in paths],
                             ["peers-latency-1000-exactly_once.svg", "peers-latency-10000-at_least_once.svg"])
            svg = open(paths[1]).read()
            self.assertIn("<svg", svg)
            self.assertIn("kstreams", svg)


class Durations(unittest.TestCase):
    def test_units(self):
        self.assertEqual([report.duration_ms(t) for t in ("100ms", "2s", "250", "0.5s")], [100, 2000, 250, 500])
        with self.assertRaises(ValueError):
            report.duration_ms("1m")


if __name__ == "__main__":
    unittest.main()
