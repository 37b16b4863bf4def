"""The window tests' pipelines restated with the reference model.

Each case reads its input from a data directory and returns
an Outputs: files = {output file name (without .jsonl): rows} and report,
the run report's late-row lines. Keep each one a line-by-line transcription of the matching
.weir file in test/run/windows/Inputs/.
"""
import os

from weir_ref import (Agg, col, count, gt, int64, lookup_join, mul, read_csv,
                      read_json_lines, schema, select, where)
from weir_windows import (Hopping, Rolling, Session, Tumbling, arrivals, check_final, minutes,
                          seconds, ttl_aggregate, windowed_aggregate)

EV = schema("id: string, user: int64, amount: float64, ts: timestamp")
TAGGED = schema("id: string, user: int64, tag: string?, amount: float64, ts: timestamp")
EV_M = schema("id: string, user: int64, merchant: string, amount: float64, ts: timestamp")
MERCHANT = schema("name: string, category: string")
RICH = schema("id: string, user: int64, merchant: string, amount: float64, tip: float64?, "
              "ts: timestamp")


class Outputs:
    """Collects a case's outputs and its report lines."""

    def __init__(self):
        self.files = {}
        self.report = []  # the run report's late-row lines

    def window(self, pipeline, arr, delay, keys, aggs, window, emit="final", late_file=None):
        result = windowed_aggregate(arr, "ts", delay, keys, aggs, window, emit)
        if emit == "final":
            check_final(result, arr, "ts", delay, keys, aggs, window)
        self.files[pipeline] = result.rows
        if late_file:
            self.files[late_file] = result.late_rows
        elif result.late_count:
            rows = "row" if result.late_count == 1 else "rows"
            self.report.append(f"{pipeline}: {result.late_count} late {rows} dropped")
        return result


def _key(*names):
    return {n: col(n) for n in names}


def _read(data_dir, name, fields):
    return read_json_lines(os.path.join(data_dir, name), fields)


def tumbling(data_dir):
    """tumbling.weir"""
    evs = arrivals(_read(data_dir, "tumbling.jsonl", EV))
    out, delay = Outputs(), seconds(10)
    out.window("final", evs, delay, _key("user"),
               {"n": count(), "total": Agg("sum", col("amount")),
                "biggest": Agg("max", col("amount"))}, Tumbling(minutes(1)))
    out.window("updates", evs, delay, _key("user"),
               {"n": count(), "total": Agg("sum", col("amount"))}, Tumbling(minutes(1)),
               emit="updates")
    out.window("with_late", evs, delay, _key("user"), {"n": count()}, Tumbling(minutes(1)),
               late_file="late")
    out.window("first_last", evs, delay, _key("user"),
               {"first_id": Agg("first", col("id")), "last_id": Agg("last", col("id"))},
               Tumbling(minutes(1)))
    return out


def hopping(data_dir):
    """hopping.weir"""
    evs = arrivals(_read(data_dir, "hopping.jsonl", EV))
    out, delay = Outputs(), seconds(5)
    hop = Hopping(seconds(30), seconds(10))
    out.window("final", evs, delay, _key("user"),
               {"n": count(), "total": Agg("sum", col("amount")),
                "biggest": Agg("max", col("amount"))}, hop, late_file="late")
    out.window("updates", evs, delay, _key("user"),
               {"n": count(), "total": Agg("sum", col("amount"))}, hop, emit="updates")
    return out


def session(data_dir):
    """session.weir"""
    evs = arrivals(_read(data_dir, "session.jsonl", EV))
    out, delay = Outputs(), seconds(20)
    gap = Session(seconds(10))
    aggs = {"n": count(), "total": Agg("sum", col("amount"))}
    out.window("final", evs, delay, _key("user"), aggs, gap)
    out.window("updates", evs, delay, _key("user"), aggs, gap, emit="updates",
               late_file="late")
    return out


def rolling(data_dir):
    """rolling.weir"""
    evs = arrivals(_read(data_dir, "rolling.jsonl", EV))
    ties = arrivals(_read(data_dir, "rolling_ties.jsonl", EV))
    out = Outputs()
    aggs = {"n": count(), "total": Agg("sum", col("amount"))}
    out.window("final", evs, seconds(5), _key("user"), aggs, Rolling(seconds(10)))
    out.window("updates", evs, seconds(5), _key("user"), aggs, Rolling(seconds(10)),
               emit="updates", late_file="late")
    out.window("ties_final", ties, 0, _key("user"), aggs, Rolling(seconds(10)))
    out.window("ties_updates", ties, 0, _key("user"), aggs, Rolling(seconds(10)),
               emit="updates")
    velocity = out.window("velocity", evs, seconds(5), _key("user"),
                          {"n_10s": count(), "total_10s": Agg("sum", col("amount"))},
                          Rolling(seconds(10)))
    out.files["velocity"] = select(velocity.rows, id=col("id"), user=col("user"),
                                   n_10s=col("n_10s"), total_10s=col("total_10s"))
    return out


def global_windows(data_dir):
    """global.weir"""
    rows = _read(data_dir, "global.jsonl", EV)
    positive = arrivals(rows, lambda rs: where(rs, lambda r: gt(r["amount"], 0.0)))
    out = Outputs()
    aggs = {"n": count(), "total": Agg("sum", col("amount"))}
    out.window("tumbling", positive, 0, {}, aggs, Tumbling(seconds(10)))
    out.window("session", arrivals(rows), 0, {}, aggs, Session(seconds(5)))
    out.window("hopping", arrivals(rows), 0, {}, {"n": count()},
               Hopping(seconds(20), seconds(10)), emit="updates")
    return out


def null_keys(data_dir):
    """null_keys.weir"""
    evs = arrivals(_read(data_dir, "null_keys.jsonl", TAGGED))
    out = Outputs()
    out.window("by_tag", evs, 0, _key("tag"), {"n": count(), "ids": Agg("last", col("id"))},
               Tumbling(seconds(10)))
    out.window("by_user_tag", evs, 0, _key("user", "tag"), {"n": count()},
               Session(seconds(5)))
    return out


def ttl(data_dir):
    """ttl.weir"""
    evs = arrivals(_read(data_dir, "ttl.jsonl", EV))
    aggs = {"n": count(), "total": Agg("sum", col("amount"))}
    out = Outputs()
    out.files = {"with_ttl": ttl_aggregate(evs, "ts", 0, _key("user"), aggs, seconds(10)),
            "without_ttl": ttl_aggregate(evs, "ts", 0, _key("user"), aggs)}
    return out


def join_select(data_dir):
    """join_select.weir"""
    rows = _read(data_dir, "join_select.jsonl", EV_M)
    merchants = read_csv(os.path.join(data_dir, "merchants.csv"), MERCHANT)
    out = Outputs()
    joined = arrivals(rows, lambda rs: lookup_join(rs, merchants, col("merchant"), "name",
                                                   left=True))
    out.window("by_category", joined, 0, _key("category"),
               {"n": count(), "total": Agg("sum", col("amount"))}, Tumbling(minutes(1)))
    cents = arrivals(rows, lambda rs: select(rs, user=col("user"),
                                             cents=lambda r: int64(mul(r["amount"], 100.0)),
                                             ts=col("ts")))
    out.window("cents", cents, 0, _key("user"),
               {"n": count(), "total_cents": Agg("sum", col("cents"))}, Session(seconds(30)))
    filtered = arrivals(_read(data_dir, "watermark.jsonl", EV_M),
                        lambda rs: where(rs, lambda r: gt(r["amount"], 0.0)))
    out.window("filtered", filtered, 0, _key("user"),
               {"n": count(), "ids": Agg("last", col("id"))}, Tumbling(seconds(10)))
    return out


def unwindowed(data_dir):
    """unwindowed.weir"""
    evs = arrivals(_read(data_dir, "unwindowed.jsonl", EV))
    aggs = {"n": count(), "first_id": Agg("first", col("id")), "last_id": Agg("last", col("id"))}
    out = Outputs()
    out.files = {"plain": ttl_aggregate(evs, "ts", seconds(10), _key("user"), aggs),
                 "long_ttl": ttl_aggregate(evs, "ts", seconds(10), _key("user"), aggs,
                                           minutes(60))}
    return out


def string_keys(data_dir):
    """string_keys.weir"""
    evs = arrivals(_read(data_dir, "string_keys.jsonl",
                         schema("tag: string, note: string?, ts: timestamp")))
    out = Outputs()
    delay = 500
    out.window("tumbling", evs, delay, _key("tag"),
               {"n": count(), "last_note": Agg("last", col("note"))}, Tumbling(seconds(5)))
    out.window("session", evs, delay, _key("tag", "note"), {"n": count()}, Session(seconds(1)))
    out.files["ttl"] = ttl_aggregate(evs, "ts", delay, _key("tag"),
                                     {"n": count(), "last_note": Agg("last", col("note"))},
                                     seconds(1))
    return out


def _all_aggregates():
    return {"n": count(), "tips": Agg("count", col("tip")),
            "total": Agg("sum", col("amount")), "lo": Agg("min", col("amount")),
            "hi": Agg("max", col("amount")), "mean": Agg("avg", col("amount")),
            "merchants": Agg("count_distinct", col("merchant")),
            "first_m": Agg("first", col("merchant")), "last_m": Agg("last", col("merchant")),
            "sd": Agg("stddev", col("amount")), "v": Agg("var", col("amount")),
            "v_tip": Agg("var", col("tip")),
            "approx_m": Agg("approx_count_distinct", col("merchant")),
            "p50": Agg("approx_percentile", col("amount"), 0.5),
            "p90": Agg("approx_percentile", col("amount"), 0.9)}


def aggregates(data_dir):
    """aggregates.weir: every aggregate in every window kind."""
    evs = arrivals(_read(data_dir, "aggregates.jsonl", RICH))
    out, delay = Outputs(), seconds(30)
    aggs = _all_aggregates()
    out.window("tumbling", evs, delay, _key("user"), aggs, Tumbling(minutes(1)))
    out.window("hopping", evs, delay, _key("user"), aggs, Hopping(minutes(2), minutes(1)))
    out.window("session", evs, delay, _key("user"), aggs, Session(seconds(40)))
    out.window("rolling", evs, delay, _key("user"), {"w_" + k: v for k, v in aggs.items()},
               Rolling(seconds(90)))
    out.window("rolling_updates", evs, delay, _key("user"),
               {"w_" + k: v for k, v in aggs.items()}, Rolling(seconds(90)), emit="updates")
    return out


def shuffled(data_dir):
    """shuffled.weir: the order-independence pipelines (emit final)."""
    evs = arrivals(_read(data_dir, "events.jsonl", RICH))
    out, delay = Outputs(), seconds(30)
    aggs = {"n": count(), "total": Agg("sum", col("amount")), "lo": Agg("min", col("amount")),
            "hi": Agg("max", col("amount")), "mean": Agg("avg", col("amount")),
            "tips": Agg("count", col("tip")),
            "merchants": Agg("count_distinct", col("merchant")),
            "first_m": Agg("first", col("merchant")), "last_m": Agg("last", col("merchant")),
            "sd": Agg("stddev", col("amount")),
            "approx_m": Agg("approx_count_distinct", col("merchant")),
            "p90": Agg("approx_percentile", col("amount"), 0.9)}
    out.window("tumbling", evs, delay, _key("user"), aggs, Tumbling(minutes(1)),
               late_file="tumbling_late")
    out.window("hopping", evs, delay, _key("user"), aggs, Hopping(minutes(5), minutes(1)))
    out.window("session", evs, delay, _key("user"), aggs, Session(seconds(45)))
    out.window("rolling", evs, delay, _key("user"),
               {"r_n": count(), "r_total": Agg("sum", col("amount")),
                "r_hi": Agg("max", col("amount")), "r_first": Agg("first", col("merchant"))},
               Rolling(minutes(2)))
    out.window("global", evs, delay, {}, {"n": count(), "total": Agg("sum", col("amount"))},
               Tumbling(minutes(10)))
    out.window("global_day", evs, delay, {},
               {"n": count(), "ids": Agg("approx_count_distinct", col("id")),
                "p50": Agg("approx_percentile", col("amount"), 0.5),
                "p99": Agg("approx_percentile", col("amount"), 0.99),
                "sd": Agg("stddev", col("amount"))}, Tumbling(minutes(24 * 60)))
    out.window("updates", evs, delay, _key("user"), {"n": count(), "total": Agg("sum", col("amount"))},
               Hopping(minutes(2), minutes(1)), emit="updates")
    return out


# name -> function of the data directory
CASES = {
    "tumbling": tumbling,
    "hopping": hopping,
    "session": session,
    "rolling": rolling,
    "global": global_windows,
    "null_keys": null_keys,
    "ttl": ttl,
    "join_select": join_select,
    "unwindowed": unwindowed,
    "string_keys": string_keys,
    "aggregates": aggregates,
    "shuffled": shuffled,
}
