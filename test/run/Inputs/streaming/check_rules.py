#!/usr/bin/env python3
"""Checks the generator sources' output against the benchmarks' definitions
(not against the implementation): streaming_generators.test runs it on what
nexmark_dump.weir and ysb_dump.weir wrote.

  check_rules.py nexmark OUT_DIR EVENTS
  check_rules.py ysb OUT_DIR EVENTS RATE CAMPAIGNS_CSV
"""
import csv
import datetime
import json
import statistics
import sys


def rows(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def ms(text):
    t = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(round(t.timestamp() * 1000))


def check(ok, what):
    print(("ok: " if ok else "FAILED: ") + what)
    return ok


def nexmark(out, events):
    bids, auctions, persons = rows(out + "/bids.jsonl"), rows(out + "/auctions.jsonl"), rows(out + "/persons.jsonl")
    epochs = events // 50
    good = check(len(persons) == epochs and len(auctions) == 3 * epochs and len(bids) == 46 * epochs,
                 "mix 1:3:46: %d persons, %d auctions, %d bids" % (len(persons), len(auctions), len(bids)))
    good &= check([p["id"] for p in persons] == list(range(1000, 1000 + epochs)), "person ids 1000, 1001, ...")
    good &= check([a["id"] for a in auctions] == list(range(1000, 1000 + 3 * epochs)), "auction ids 1000, 1001, ...")
    # A bid refers to an auction created so far or one of the next 10; the
    # stream order is persons/auctions first in each group of 50.
    ok, made = True, 0
    for i, b in enumerate(bids):
        made = 3 * (i // 46 + 1)  # auctions that exist when bid i is made
        ok &= 1000 <= b["auction"] < 1000 + made + 10
        ok &= 1000 <= b["bidder"] < 1000 + (i // 46 + 1) + 100 + 10
    good &= check(ok, "bids refer to existing (or the next 10) auctions and people")
    hot_auctions = sum(b["auction"] % 100 == 0 for b in bids) / len(bids)
    good &= check(0.45 <= hot_auctions <= 0.56, "about half the bids on the hot auction (%.3f)" % hot_auctions)
    hot_bidders = sum(b["bidder"] % 100 == 1 for b in bids) / len(bids)
    good &= check(0.70 <= hot_bidders <= 0.80, "about 3/4 of the bids by the hot bidder (%.3f)" % hot_bidders)
    hot_sellers = sum(a["seller"] % 100 == 0 for a in auctions) / len(auctions)
    good &= check(0.65 <= hot_sellers <= 0.85, "about 3/4 of the auctions by the hot seller (%.3f)" % hot_sellers)
    prices = [b["price"] for b in bids]
    good &= check(min(prices) >= 1 and max(prices) <= 10**8, "prices in [1, 10^8] cents")
    med = statistics.median(prices)  # 10^(6u) * 100 with u uniform: median 10^5
    good &= check(50000 <= med <= 200000, "median price near 10^5 (%d)" % med)
    good &= check(all(10 <= a["category"] <= 14 for a in auctions), "categories 10..14")
    good &= check(all(a["reserve"] >= a["initial_bid"] for a in auctions), "reserve >= initial bid")
    good &= check(all(ms(a["expires"]) > ms(a["date_time"]) for a in auctions), "auctions expire after they start")
    times = [ms(b["date_time"]) for b in bids]
    good &= check(times == sorted(times), "bids in event-time order")
    return good


def ysb(out, events, rate, campaigns_csv):
    evs, camps = rows(out + "/events.jsonl"), rows(out + "/campaigns.jsonl")
    good = check(len(evs) == events, "%d events" % len(evs))
    good &= check(len(camps) == 1000 and len({c["ad_id"] for c in camps}) == 1000 and
                  len({c["campaign_id"] for c in camps}) == 100, "1000 ads in 100 campaigns")
    per_campaign = {}
    for c in camps:
        per_campaign[c["campaign_id"]] = per_campaign.get(c["campaign_id"], 0) + 1
    good &= check(set(per_campaign.values()) == {10}, "10 ads per campaign")
    with open(campaigns_csv) as f:
        table = {(int(r["ad_id"]), int(r["campaign_id"])) for r in csv.DictReader(f)}
    good &= check(table == {(c["ad_id"], c["campaign_id"]) for c in camps},
                  "bench/ysb/campaigns.csv holds the generator's campaigns")
    ads = {c["ad_id"] for c in camps}
    good &= check(all(e["ad_id"] in ads for e in evs), "every event's ad is a campaign's")
    for field, values in (("event_type", {"view", "click", "purchase"}),
                          ("ad_type", {"banner", "modal", "sponsored-search", "mail", "mobile"})):
        counts = {v: sum(e[field] == v for e in evs) for v in values}
        share = [c / len(evs) for c in counts.values()]
        good &= check(set(counts) == values and all(abs(s - 1 / len(values)) < 0.02 for s in share),
                      "%s uniform over %s" % (field, sorted(values)))
    base = 1704067200000
    good &= check(all(ms(e["event_time"]) == base + n * 1000 // rate for n, e in enumerate(evs)),
                  "event n at 2024-01-01 + n / rate s")
    good &= check(len({e["user_id"] for e in evs}) > 0.99 * len(evs), "user ids random")
    return good


if __name__ == "__main__":
    if sys.argv[1] == "nexmark":
        ok = nexmark(sys.argv[2], int(sys.argv[3]))
    else:
        ok = ysb(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    sys.exit(0 if ok else 1)
