// Hand-written twin of bench/ysb/ysb.weir: the same generator
// (runtime/src/generators/Ysb.h) and the same output rows.
//
//   ysb_twin ysb --events 50000000 [--rate R] [--seed S] [--out PATH|-]
//
// Views only; the ad's campaign from a hash table built from the campaigns
// table (ad_id -> dense campaign number); counts per campaign in 10 s
// tumbling windows, one array of 100 counters per open window; a window is
// emitted once the watermark (the largest event time seen, over all events;
// the source declares watermark 0s) reaches its end.
#include "bench/twins/Twin.h"
#include "runtime/src/generators/Ysb.h"

#include <algorithm>
#include <vector>

namespace ysb = weir::gen::ysb;

namespace {

void run(const ysb::Config &c, twin::JsonOut &out) {
  constexpr int64_t kSize = 10000, kRing = 4;
  // The join's build side: the campaigns table as the generator makes it.
  twin::DenseIndex campaignOfAd(ysb::kAds);
  std::vector<uint32_t> adCampaign; // by the index's dense ad number
  twin::DenseIndex campaignNumbers(ysb::kCampaigns);
  std::vector<int64_t> campaignIds; // dense campaign number -> id, first-seen order
  for (uint64_t ad = 0; ad < ysb::kAds; ++ad) {
    bool added;
    int64_t campaign = ysb::campaignId(ysb::campaignOfAd(ad));
    uint32_t cn = campaignNumbers.findOrAdd(campaign, added);
    if (added)
      campaignIds.push_back(campaign);
    campaignOfAd.findOrAdd(ysb::adId(ad), added);
    adCampaign.push_back(cn);
  }
  const size_t ncampaigns = campaignIds.size();

  struct Window {
    int64_t id = INT64_MIN;
    std::vector<int64_t> views;
  };
  Window ring[kRing];
  for (Window &w : ring)
    w.views.assign(ncampaigns, 0);
  int64_t maxTs = INT64_MIN;
  int64_t nextFire = INT64_MAX; // the earliest end of an open window
  auto fire = [&](Window &w) {
    for (size_t k = 0; k < ncampaigns; ++k) {
      if (w.views[k] == 0)
        continue;
      out.key("{\"campaign_id\":");
      out.i64(campaignIds[k]);
      out.key(",\"window_start\":");
      out.timestamp(w.id * kSize);
      out.key(",\"window_end\":");
      out.timestamp((w.id + 1) * kSize);
      out.key(",\"views\":");
      out.i64(w.views[k]);
      out.endRow();
      w.views[k] = 0;
    }
    w.id = INT64_MIN;
  };
  auto advance = [&](int64_t watermark) { // fires the windows ending at or before it, in order
    for (;;) {
      Window *oldest = nullptr;
      for (Window &w : ring)
        if (w.id != INT64_MIN && (!oldest || w.id < oldest->id))
          oldest = &w;
      nextFire = oldest ? (oldest->id + 1) * kSize : INT64_MAX;
      if (!oldest || nextFire > watermark)
        return;
      fire(*oldest);
    }
  };

  // The source: records of the fields the query reads, made by the same
  // generator code as Weir's generator source, a batch at a time (so the
  // query below sees materialized records, as it would from any source,
  // rather than generating only the fields a filter lets through).
  struct AdEvent {
    int64_t adId;
    const char *eventType;
    uint32_t eventTypeLen;
    int64_t eventTime;
  };
  constexpr size_t kBatch = 1024;
  AdEvent batch[kBatch];
  const ysb::Pools &pools = ysb::pools();
  uint32_t eventTypeLen[3];
  for (int i = 0; i < 3; ++i)
    eventTypeLen[i] = static_cast<uint32_t>(std::strlen(ysb::kEventTypes[i]));

  for (uint64_t first = 0; first < c.events; first += kBatch) {
    size_t m = static_cast<size_t>(std::min<uint64_t>(kBatch, c.events - first));
    for (size_t i = 0; i < m; ++i) {
      uint64_t n = first + i, choices = ysb::choices(c, n);
      uint32_t type = ysb::eventType(choices);
      batch[i] = {pools.adIds[ysb::adIndex(choices)], ysb::kEventTypes[type], eventTypeLen[type],
                  ysb::eventTime(c, n)};
    }
    for (size_t i = 0; i < m; ++i) {
      const AdEvent &e = batch[i];
      // The source's watermark (0s behind the largest event time) advances
      // with every event, before the filter, as Weir's does.
      int64_t ts = e.eventTime;
      if (ts < maxTs)
        continue; // late: behind the watermark
      if (ts > maxTs) {
        maxTs = ts;
        if (maxTs >= nextFire)
          advance(maxTs);
      }
      if (e.eventTypeLen != 4 || std::memcmp(e.eventType, "view", 4) != 0)
        continue;
      uint32_t ad = campaignOfAd.find(e.adId);
      if (ad == twin::DenseIndex::kMissing)
        continue; // inner join
      int64_t id = weir::rt::floorDiv(ts, kSize);
      Window &w = ring[static_cast<size_t>(((id % kRing) + kRing) % kRing)];
      if (w.id != id) { // a new window; the slot's last one has fired (its end <= watermark)
        w.id = id;
        if ((id + 1) * kSize < nextFire)
          nextFire = (id + 1) * kSize;
      }
      ++w.views[adCampaign[ad]];
    }
  }
  advance(INT64_MAX);
}

// The campaigns table as CSV (bench/ysb/campaigns.csv is this output).
void writeCampaignsCsv(const std::string &path) {
  FILE *f = path == "-" ? stdout : std::fopen(path.c_str(), "w");
  if (!f) {
    std::perror(path.c_str());
    std::exit(1);
  }
  std::fprintf(f, "ad_id,campaign_id\n");
  for (uint64_t ad = 0; ad < ysb::kAds; ++ad)
    std::fprintf(f, "%lld,%lld\n", static_cast<long long>(ysb::adId(ad)),
                 static_cast<long long>(ysb::campaignId(ysb::campaignOfAd(ad))));
  if (f != stdout)
    std::fclose(f);
}

} // namespace

int main(int argc, char **argv) {
  twin::Args args = twin::parseArgs(argc, argv, "ysb campaigns");
  if (args.query == "campaigns") {
    writeCampaignsCsv(args.out);
    return 0;
  }
  if (args.query != "ysb")
    twin::usage(argv[0], "ysb campaigns");
  ysb::Config config = ysb::Config::make(args.events, args.seed, args.rate);
  twin::JsonOut out(args.out);
  run(config, out);
  return 0;
}
