// The Yahoo Streaming Benchmark's ad events and its campaigns table, after
// yahoo/streaming-benchmarks (data/src/setup/core.clj): 100 campaigns of 10
// ads each; events (user_id, page_id, ad_id, ad_type, event_type,
// event_time, ip_address) with the ad uniform over the 1,000 ads, ad_type
// uniform over {banner, modal, sponsored-search, mail, mobile} and
// event_type uniform over {view, click, purchase}.
//
// Differences from the original, for speed: ids (user, page, ad, campaign)
// are random int64 values rather than UUID strings (the ads' and campaigns'
// ids are fixed, not tied to the seed, and scattered, so the ad -> campaign
// lookup is a real hash join, not arithmetic); ip_address is one of 256
// fixed strings rather than always "1.2.3.4"; event n's time is
// base + n * (1e9 / rate ns), in ms, rather than the wall clock. Every random
// choice is a counter-based draw (event number, slot) under a seed.
// Header-only: the runtime's generator sources and the benchmark's twins
// share it.
#pragma once

#include "runtime/src/generators/CounterRng.h"

#include <cstdint>
#include <string>
#include <vector>

namespace weir::gen::ysb {

inline constexpr uint64_t kCampaigns = 100;
inline constexpr uint64_t kAdsPerCampaign = 10;
inline constexpr uint64_t kAds = kCampaigns * kAdsPerCampaign;

inline constexpr const char *kAdTypes[5] = {"banner", "modal", "sponsored-search", "mail", "mobile"};
inline constexpr const char *kEventTypes[3] = {"view", "click", "purchase"};

using Config = StreamConfig<0x595342ull /* "YSB" */, 1000000>;
using gen::eventTime;

// Positive, scattered ids (the top bit cleared so they are non-negative int64).
constexpr int64_t adId(uint64_t ad) { return static_cast<int64_t>(mix64(0x41440000ull + ad) >> 1); }
constexpr int64_t campaignId(uint64_t campaign) {
  return static_cast<int64_t>(mix64(0x43414D5000000ull + campaign) >> 1);
}
constexpr uint64_t campaignOfAd(uint64_t ad) { return ad / kAdsPerCampaign; }

struct Pools {
  int64_t adIds[kAds];
  std::vector<std::string> ips;
  Pools() {
    for (uint64_t a = 0; a < kAds; ++a)
      adIds[a] = adId(a);
    for (unsigned i = 0; i < 256; ++i)
      ips.push_back("10.0." + std::to_string(i / 16) + "." + std::to_string(i % 16 + 1));
  }
};

inline const Pools &pools() {
  static const Pools p;
  return p;
}

// Slots: 0 the small choices (ad, ad type, event type, ip: disjoint bit
// fields of one draw, so a query reading several pays one draw), 1 user,
// 2 page.
inline uint64_t choices(const Config &c, uint64_t n) { return draw(c.key, n, 0); }
inline uint64_t adIndex(uint64_t choices) { return ((choices >> 32) * kAds) >> 32; }              // bits 63..32
inline uint32_t eventType(uint64_t choices) { return static_cast<uint32_t>((((choices >> 16) & 0xFFFF) * 3) >> 16); } // 31..16
inline uint32_t adType(uint64_t choices) { return static_cast<uint32_t>((((choices >> 8) & 0xFF) * 5) >> 8); }        // 15..8
inline uint32_t ipIndex(uint64_t choices) { return static_cast<uint32_t>(choices & 0xFF); }                            // 7..0
inline int64_t userId(const Config &c, uint64_t n) { return static_cast<int64_t>(draw(c.key, n, 1) >> 1); }
inline int64_t pageId(const Config &c, uint64_t n) { return static_cast<int64_t>(draw(c.key, n, 2) >> 1); }

} // namespace weir::gen::ysb
