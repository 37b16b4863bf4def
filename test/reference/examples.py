"""The examples' pipelines restated with the reference model (weir_ref.py).

Each function takes the example's data directory and returns
{pipeline name: output rows}; keep each one a line-by-line transcription of
the matching .weir file under examples/.
"""
import os

from weir_ref import (Agg, add, and_, base64_, coalesce, col, count, floor_time, ge, gt,
                      hour, int64, is_null, key_by_aggregate, length, lookup_join, mul, ne,
                      not_, or_, read_csv, read_json_lines, round_, schema, select, upper,
                      where)

TXN = schema("txn_id: string, user_id: int64, merchant: string, amount: float64, ts: timestamp")
TXN_WITH_TIP = schema("txn_id: string, user_id: int64, merchant: string, amount: float64, "
                      "ts: timestamp, tip: float64?, note: string?")
MERCHANT = schema("name: string, category: string, risk: float64")

MINUTE_MS = 60_000


def _cents(r):
    return int64(round_(mul(r["amount"], 100.0)))


def flagship(data_dir):
    """examples/flagship/flagship.weir"""
    txns = read_json_lines(os.path.join(data_dir, "txns.jsonl"), TXN)
    merchants = read_csv(os.path.join(data_dir, "merchants.csv"), MERCHANT)

    clean = where(txns, lambda r: and_(gt(r["amount"], 0.0), ne(r["merchant"], "")))
    clean = select(clean, txn_id=col("txn_id"), user_id=col("user_id"), cents=_cents,
                   m=lambda r: upper(r["merchant"]))

    per_user = key_by_aggregate(
        txns, {"user_id": col("user_id")},
        {"n": count(), "total": Agg("sum", col("amount")), "biggest": Agg("max", col("amount")),
         "first_seen": Agg("min", col("ts")),
         "merchants": Agg("count_distinct", col("merchant"))})

    by_category = where(txns, lambda r: gt(r["amount"], 0.0))
    by_category = lookup_join(by_category, merchants, col("merchant"), "name")
    by_category = key_by_aggregate(
        by_category, {"user_id": col("user_id"), "category": col("category")},
        {"n": count(), "total": Agg("sum", col("amount")), "max_risk": Agg("max", col("risk"))})

    return {"clean": clean, "per_user": per_user, "by_category": by_category}


def stateless(data_dir):
    """examples/stateless/stateless.weir"""
    txns = read_json_lines(os.path.join(data_dir, "txns.jsonl"), TXN_WITH_TIP)

    kept = where(txns, lambda r: and_(gt(r["amount"], 0.0), ne(r["merchant"], "")))
    out = select(kept, txn_id=col("txn_id"), user_id=col("user_id"), cents=_cents,
                 tag=lambda r: base64_(r["merchant"]), name_len=lambda r: length(r["merchant"]),
                 large=lambda r: ge(r["amount"], 100.0), ts=col("ts"), note=col("note"))

    tipped = where(txns, lambda r: or_(gt(r["tip"], 1.0), gt(r["amount"], 50.0)))
    tipped = select(tipped, txn_id=col("txn_id"),
                    total=lambda r: add(r["amount"], coalesce(r["tip"], 0.0)),
                    note=lambda r: coalesce(r["note"], "-"), hour=lambda r: hour(r["ts"]),
                    minute=lambda r: floor_time(r["ts"], MINUTE_MS),
                    has_tip=lambda r: not_(is_null(r["tip"])))

    return {"stateless": out, "tipped": tipped}


def per_user(data_dir):
    """examples/per_user/per_user.weir"""
    txns = read_json_lines(os.path.join(data_dir, "txns.jsonl"), TXN_WITH_TIP)

    users = key_by_aggregate(
        txns, {"user_id": col("user_id")},
        {"n": count(), "total": Agg("sum", col("amount")), "biggest": Agg("max", col("amount")),
         "smallest": Agg("min", col("amount")), "first_seen": Agg("min", col("ts")),
         "last_seen": Agg("max", col("ts")), "merchants": Agg("count_distinct", col("merchant")),
         "avg_amount": Agg("avg", col("amount")), "tips": Agg("count", col("tip")),
         "avg_tip": Agg("avg", col("tip")), "first_note": Agg("first", col("note")),
         "last_note": Agg("last", col("note"))})

    merchants = where(txns, lambda r: gt(r["amount"], 0.0))
    merchants = key_by_aggregate(
        merchants, {"merchant": col("merchant")},
        {"n": count(), "cents": Agg("sum", _cents),
         "users": Agg("count_distinct", col("user_id")), "first_user": Agg("first", col("user_id")),
         "last_ts": Agg("last", col("ts"))})

    return {"per_user": users, "per_merchant": merchants}


def enrich(data_dir):
    """examples/enrich/enrich.weir"""
    txns = read_json_lines(os.path.join(data_dir, "txns.jsonl"), TXN)
    merchants = read_csv(os.path.join(data_dir, "merchants.csv"), MERCHANT)

    enriched = lookup_join(txns, merchants, col("merchant"), "name")
    enriched = select(enriched, txn_id=col("txn_id"), user_id=col("user_id"),
                      merchant=col("merchant"), category=col("category"), risk=col("risk"),
                      amount=col("amount"))

    enriched_left = lookup_join(txns, merchants, col("merchant"), "name", left=True)
    enriched_left = select(enriched_left, txn_id=col("txn_id"), merchant=col("merchant"),
                           category=col("category"), risk=col("risk"),
                           known=lambda r: not_(is_null(r["category"])))

    by_category = where(txns, lambda r: gt(r["amount"], 0.0))
    by_category = lookup_join(by_category, merchants, col("merchant"), "name")
    by_category = key_by_aggregate(
        by_category, {"user_id": col("user_id"), "category": col("category")},
        {"n": count(), "total": Agg("sum", col("amount")), "max_risk": Agg("max", col("risk"))})

    spend = lookup_join(txns, merchants, col("merchant"), "name", left=True)
    spend = select(spend, category=lambda r: coalesce(r["category"], "unknown"),
                   amount=col("amount"), risk=col("risk"))
    spend = key_by_aggregate(
        spend, {"category": col("category")},
        {"n": count(), "total": Agg("sum", col("amount")), "avg_risk": Agg("avg", col("risk")),
         "riskiest": Agg("max", col("risk"))})

    return {"enriched": enriched, "enriched_left": enriched_left, "by_category": by_category,
            "spend_by_category": spend}


# name -> (function, data directory relative to examples/)
EXAMPLES = {
    "flagship": (flagship, "flagship/data"),
    "stateless": (stateless, "stateless/data"),
    "per_user": (per_user, "per_user/data"),
    "enrich": (enrich, "enrich/data"),
}
