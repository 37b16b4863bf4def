#!/usr/bin/env python3
"""An independent model of the Nexmark generator source (for
test/run/streaming_generators.test): the rules of the Nexmark spec as Beam's
GeneratorConfig / PersonGenerator / AuctionGenerator / BidGenerator state
them, over the counter-based draws documented in
runtime/src/generators/CounterRng.h (SplitMix64's finalizer over
key + (16 n + slot) * golden). It writes what the test's pipelines select:

  nexmark_model.py bids|auctions|persons EVENTS SEED [RATE]

as JSON lines, and `mix EVENTS` prints the counts of each kind.
"""
import datetime
import json
import math
import sys

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15

FIRST_ID = 1000
PROPORTION = 50  # 1 person : 3 auctions : 46 bids
BASE_TIME = 1704067200000  # 2024-01-01T00:00:00Z


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def draw(key, n, slot):
    return mix64((key + ((n * 16 + slot) * GOLDEN)) & M64)


def below(bits, bound):
    return (bits * bound) >> 64


def stream_key(seed):
    return mix64((seed * GOLDEN + 0x4E45584D41524B) & M64)


def kind(n):
    r = n % PROPORTION
    return "person" if r < 1 else "auction" if r < 4 else "bid"


def last_person(n):  # base 0
    return n // PROPORTION


def last_auction(n):  # base 0
    epoch, offset = divmod(n, PROPORTION)
    if offset < 1:
        epoch, offset = epoch - 1, 2
    elif offset >= 4:
        offset = 2
    else:
        offset -= 1
    return max(epoch * 3 + offset, 0)


def random_person(n, bits):
    people = last_person(n) + 1
    active = min(people, 1000)
    return people - active + below(bits, active + 10)


def random_auction(n, bits):
    hi = last_auction(n)
    lo = max(hi - 100, 0)
    return lo + below(bits, hi - lo + 1 + 10)


# 100 * 10^(6 i / 1024) * 2^16, rounded, the powers by repeated
# multiplication as the generator builds them.
PRICES, power = [], 100.0
for _ in range(1025):
    PRICES.append(int(power * 65536.0 + 0.5))
    power *= float.fromhex("0x1.037a2f29726fep+0")


def price(bits):
    """round(10^(6u) * 100) for u = (bits >> 11) / 2^53, 10^(6u) interpolated
    linearly in the table, in integers, as the generator documents it;
    checked against math.pow (relative error below 2.5e-5)."""
    u53 = bits >> 11
    i, f = u53 >> 43, u53 & ((1 << 43) - 1)
    value = (PRICES[i] + (((PRICES[i + 1] - PRICES[i]) * f) >> 43) + 32768) >> 16
    exact = math.pow(10.0, 6.0 * u53 * 2.0 ** -53) * 100.0
    assert abs(value - exact) <= 2.5e-5 * exact + 0.5, (value, exact)
    return value


def iso(ms):
    t = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)


def main():
    what = sys.argv[1]
    events = int(sys.argv[2])
    if what == "mix":
        counts = {"person": 0, "auction": 0, "bid": 0}
        for n in range(events):
            counts[kind(n)] += 1
        print(json.dumps(counts, sort_keys=True))
        return
    seed = int(sys.argv[3])
    rate = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
    key = stream_key(seed)
    period_ns = 10**9 // rate

    def time(n):
        return BASE_TIME + n * period_ns // 10**6

    out = sys.stdout
    for n in range(events):
        k = kind(n)
        if what == "bids" and k == "bid":
            if below(draw(key, n, 0), 2) > 0:  # hot auction: 1 - 1/2
                auction = last_auction(n) // 100 * 100
            else:
                auction = random_auction(n, draw(key, n, 1))
            if below(draw(key, n, 2), 4) > 0:  # hot bidder: 1 - 1/4
                bidder = last_person(n) // 100 * 100 + 1
            else:
                bidder = random_person(n, draw(key, n, 3))
            row = {"auction": auction + FIRST_ID, "bidder": bidder + FIRST_ID,
                   "price": price(draw(key, n, 4)), "date_time": iso(time(n))}
        elif what == "auctions" and k == "auction":
            if below(draw(key, n, 0), 4) > 0:  # hot seller: 1 - 1/4
                seller = last_person(n) // 100 * 100
            else:
                seller = random_person(n, draw(key, n, 1))
            initial = price(draw(key, n, 3))
            horizon = time(n + 100 * 50 // 3) - time(n)
            expires = time(n) + 1 + below(draw(key, n, 5), max(horizon * 2, 1))
            row = {"id": last_auction(n) + FIRST_ID, "seller": seller + FIRST_ID,
                   "category": 10 + below(draw(key, n, 2), 5), "initial_bid": initial,
                   "reserve": initial + price(draw(key, n, 4)), "date_time": iso(time(n)),
                   "expires": iso(expires)}
        elif what == "persons" and k == "person":
            row = {"id": last_person(n) + FIRST_ID, "date_time": iso(time(n))}
        else:
            continue
        out.write(json.dumps(row, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
