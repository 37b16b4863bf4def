// Hand-written twins of the Nexmark queries in this directory (q0, q1, q2,
// q5, q7): the same generator (runtime/src/generators/Nexmark.h), the same
// output rows as the .weir pipelines (bench/streaming.sh diffs them, sorted).
//
//   nexmark_twin q5 --events 50000000 [--rate R] [--seed S] [--out PATH|-|discard]
//
// Queries that read every field they generate (q0, q1, q5, q7) generate and
// query a record at a time; q2, which filters, gets its records in batches.
// Windowed queries honour the sources' watermark (max event time - 4 s):
// a window is emitted once the watermark passes its end, a bid behind the
// watermark is dropped (the generator's stream is in order, so none is).
#include "bench/twins/Twin.h"
#include "runtime/src/generators/Nexmark.h"

#include <algorithm>
#include <vector>

namespace nx = weir::gen::nexmark;

namespace {

constexpr int64_t kWatermarkDelayMs = 4000;

// Every bid of the stream, in order: f(n) for its event number.
template <class F> void forEachBid(const nx::Config &c, F &&f) {
  for (uint64_t n = nx::nextOfKind(nx::Kind::Bid, 0); n < c.events; n = nx::nextOfKind(nx::Kind::Bid, n + 1))
    f(n);
}

template <class Out> void q0(const nx::Config &c, Out &out) {
  const nx::Pools &p = nx::pools();
  forEachBid(c, [&](uint64_t n) {
    uint32_t channel = nx::bidChannelIndex(c, n);
    nx::Str name = nx::channelName(p, channel), url = nx::channelUrl(p, channel), extra = nx::bidExtra(p, c, n);
    out.key("{\"auction\":");
    out.i64(nx::bidAuction(c, n));
    out.key(",\"bidder\":");
    out.i64(nx::bidBidder(c, n));
    out.key(",\"price\":");
    out.i64(nx::bidPrice(c, n));
    out.key(",\"channel\":");
    out.str(name.ptr, name.len);
    out.key(",\"url\":");
    out.str(url.ptr, url.len);
    out.key(",\"date_time\":");
    out.timestamp(nx::eventTime(c, n));
    out.key(",\"extra\":");
    out.str(extra.ptr, extra.len);
    out.endRow();
  });
}

template <class Out> void q1(const nx::Config &c, Out &out) {
  const nx::Pools &p = nx::pools();
  forEachBid(c, [&](uint64_t n) {
    nx::Str extra = nx::bidExtra(p, c, n);
    out.key("{\"auction\":");
    out.i64(nx::bidAuction(c, n));
    out.key(",\"bidder\":");
    out.i64(nx::bidBidder(c, n));
    out.key(",\"price\":");
    out.f64(0.908 * static_cast<double>(nx::bidPrice(c, n)));
    out.key(",\"date_time\":");
    out.timestamp(nx::eventTime(c, n));
    out.key(",\"extra\":");
    out.str(extra.ptr, extra.len);
    out.endRow();
  });
}

// The records the query reads are made a batch at a time, then filtered, as
// they would arrive from any source (rather than generating the price only
// for the bids the filter keeps).
template <class Out> void q2(const nx::Config &c, Out &out) {
  struct Bid {
    int64_t auction, price;
  };
  constexpr size_t kBatch = 1024;
  Bid batch[kBatch];
  size_t m = 0;
  auto query = [&] {
    for (size_t i = 0; i < m; ++i) {
      if (batch[i].auction % 123 != 0)
        continue;
      out.key("{\"auction\":");
      out.i64(batch[i].auction);
      out.key(",\"price\":");
      out.i64(batch[i].price);
      out.endRow();
    }
    m = 0;
  };
  forEachBid(c, [&](uint64_t n) {
    batch[m++] = {nx::bidAuction(c, n), nx::bidPrice(c, n)};
    if (m == kBatch)
      query();
  });
  query();
}

// q5: bids per auction in hopping windows (10 s, sliding 2 s), then per
// window the largest count and the largest auction id with that count.
// Each bid updates one 2 s slice (auction -> count); a window, when it
// fires, merges its five slices.
template <class Out> void q5(const nx::Config &c, Out &out) {
  constexpr int64_t kSlide = 2000, kSlicesPerWindow = 5, kRing = 8;
  struct Slice {
    twin::DenseIndex index{4096};
    std::vector<int64_t> auctions;
    std::vector<int64_t> counts;
    void clear() {
      if (!auctions.empty())
        index.clear();
      auctions.clear();
      counts.clear();
    }
  };
  std::vector<Slice> ring(kRing);
  twin::DenseIndex merged(8192);
  std::vector<int64_t> mergedAuctions, mergedCounts;
  int64_t maxTs = INT64_MIN, nextWindow = INT64_MIN; // next window to fire, as its first slice

  auto fire = [&](int64_t w) { // window [w, w + 5) in slices
    merged.clear();
    mergedAuctions.clear();
    mergedCounts.clear();
    for (int64_t s = w; s < w + kSlicesPerWindow; ++s) {
      const Slice &slice = ring[static_cast<size_t>(((s % kRing) + kRing) % kRing)];
      for (size_t i = 0; i < slice.auctions.size(); ++i) {
        bool added;
        uint32_t k = merged.findOrAdd(slice.auctions[i], added);
        if (added) {
          mergedAuctions.push_back(slice.auctions[i]);
          mergedCounts.push_back(0);
        }
        mergedCounts[k] += slice.counts[i];
      }
    }
    if (mergedAuctions.empty())
      return;
    int64_t bestNum = 0, bestAuction = 0;
    for (size_t i = 0; i < mergedAuctions.size(); ++i)
      if (mergedCounts[i] > bestNum || (mergedCounts[i] == bestNum && mergedAuctions[i] > bestAuction)) {
        bestNum = mergedCounts[i];
        bestAuction = mergedAuctions[i];
      }
    out.key("{\"window_start\":");
    out.timestamp(w * kSlide);
    out.key(",\"window_end\":");
    out.timestamp((w + kSlicesPerWindow) * kSlide);
    out.key(",\"max_num\":");
    out.i64(bestNum);
    out.key(",\"auction\":");
    out.i64(bestAuction);
    out.endRow();
  };
  // Fires the windows ending at or before `watermark`; a slice is cleared
  // once the window starting at it has fired.
  auto advance = [&](int64_t watermark) {
    while (nextWindow != INT64_MIN && (nextWindow + kSlicesPerWindow) * kSlide <= watermark) {
      fire(nextWindow);
      ring[static_cast<size_t>(((nextWindow % kRing) + kRing) % kRing)].clear();
      ++nextWindow;
      if (nextWindow * kSlide > maxTs)
        break; // nothing left open
    }
  };

  forEachBid(c, [&](uint64_t n) {
    int64_t ts = nx::eventTime(c, n);
    if (maxTs != INT64_MIN && ts < maxTs - kWatermarkDelayMs)
      return; // late
    int64_t slice = weir::rt::floorDiv(ts, kSlide);
    if (nextWindow == INT64_MIN)
      nextWindow = slice - kSlicesPerWindow + 1;
    Slice &s = ring[static_cast<size_t>(((slice % kRing) + kRing) % kRing)];
    int64_t auction = nx::bidAuction(c, n);
    bool added;
    uint32_t k = s.index.findOrAdd(auction, added);
    if (added) {
      s.auctions.push_back(auction);
      s.counts.push_back(0);
    }
    ++s.counts[k];
    if (ts > maxTs) {
      maxTs = ts;
      advance(maxTs - kWatermarkDelayMs);
    }
  });
  advance(INT64_MAX);
}

// q7: the highest price per 10 s tumbling window.
template <class Out> void q7(const nx::Config &c, Out &out) {
  constexpr int64_t kSize = 10000, kRing = 4;
  struct Window {
    int64_t id = INT64_MIN;
    int64_t maxPrice = 0;
  };
  Window ring[kRing];
  int64_t maxTs = INT64_MIN;
  auto fire = [&](Window &w) {
    out.key("{\"window_start\":");
    out.timestamp(w.id * kSize);
    out.key(",\"window_end\":");
    out.timestamp((w.id + 1) * kSize);
    out.key(",\"max_price\":");
    out.i64(w.maxPrice);
    out.endRow();
    w.id = INT64_MIN;
  };
  auto advance = [&](int64_t watermark) { // in window order: at most kRing are open
    for (;;) {
      Window *oldest = nullptr;
      for (Window &w : ring)
        if (w.id != INT64_MIN && (!oldest || w.id < oldest->id))
          oldest = &w;
      if (!oldest || (oldest->id + 1) * kSize > watermark)
        return;
      fire(*oldest);
    }
  };
  forEachBid(c, [&](uint64_t n) {
    int64_t ts = nx::eventTime(c, n);
    if (maxTs != INT64_MIN && ts < maxTs - kWatermarkDelayMs)
      return; // late
    int64_t id = weir::rt::floorDiv(ts, kSize);
    Window &w = ring[static_cast<size_t>(((id % kRing) + kRing) % kRing)];
    int64_t price = nx::bidPrice(c, n);
    if (w.id != id) {
      w.id = id; // the slot's previous window has fired: it ended before the watermark
      w.maxPrice = price;
    } else if (price > w.maxPrice) {
      w.maxPrice = price;
    }
    if (ts > maxTs) {
      maxTs = ts;
      advance(maxTs - kWatermarkDelayMs);
    }
  });
  advance(INT64_MAX);
}

} // namespace

// Runs the query into `out` (a JsonOut or a DiscardOut).
template <class Out> bool runQuery(const std::string &query, const nx::Config &config, Out &out) {
  if (query == "q0")
    q0(config, out);
  else if (query == "q1")
    q1(config, out);
  else if (query == "q2")
    q2(config, out);
  else if (query == "q5")
    q5(config, out);
  else if (query == "q7")
    q7(config, out);
  else
    return false;
  return true;
}

int main(int argc, char **argv) {
  twin::Args args = twin::parseArgs(argc, argv, "q0 q1 q2 q5 q7");
  nx::Config config = nx::Config::make(args.events, args.seed, args.rate);
  bool known;
  if (args.out == "discard") {
    twin::DiscardOut out;
    known = runQuery(args.query, config, out);
  } else {
    twin::JsonOut out(args.out);
    known = runQuery(args.query, config, out);
  }
  if (!known)
    twin::usage(argv[0], "q0 q1 q2 q5 q7");
  return 0;
}
