// The Nexmark event stream (persons, auctions, bids), after the generator of
// Apache Beam's and Flink's Nexmark suites (GeneratorConfig, PersonGenerator,
// AuctionGenerator, BidGenerator, PriceGenerator, StringsGenerator):
//
// * Event n (0-based) of the full stream is a person when n % 50 == 0, an
//   auction when n % 50 is 1..3, a bid otherwise (the 1:3:46 mix).
// * Person and auction ids are dense, from 1000, in stream order
//   (lastBase0PersonId / lastBase0AuctionId).
// * A bid's auction is, with probability 1 - 1/2 (hot auction ratio 2), the
//   first of the latest batch of 100 auctions, otherwise one of the ~100
//   auctions in flight plus 10 not yet created; its bidder is, with
//   probability 1 - 1/4, the second person of the latest batch of 100,
//   otherwise one of the 1,000 active people plus 10. An auction's seller is
//   hot (the first person of the latest batch of 100) with probability 3/4.
// * price = round(10^(6u) * 100), u uniform in [0, 1) (cents, 1 to 10^8);
//   category 10..14; states AZ CA ID OR WA WY; `extra` pads a record to the
//   spec's average size (person 200, auction 500, bid 100 bytes).
// * Event time of event n = base + n * (1e9 / rate ns), in ms (the spec's
//   baseTime + n * interEventDelay; no out-of-order groups).
// * Bids carry Flink Nexmark's channel and url: half of them one of four hot
//   channels, the others one of 10,000 "channel-K".
//
// Differences from the Java generators, for speed and for a reproducible
// stream: every random choice is a counter-based draw (event number, slot)
// under a seed instead of java.util.Random seeded by the event id, and
// strings (item names, descriptions, emails, credit cards, urls, extra) are
// slices of, or entries in, fixed pools built once per process, so no record
// allocates. Header-only: the runtime's generator sources and the
// benchmark's hand-written twins share it.
#pragma once

#include "runtime/src/generators/CounterRng.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace weir::gen::nexmark {

inline constexpr int64_t kFirstPersonId = 1000;
inline constexpr int64_t kFirstAuctionId = 1000;
inline constexpr int64_t kFirstCategoryId = 10;
inline constexpr uint64_t kPersonProportion = 1;
inline constexpr uint64_t kAuctionProportion = 3;
inline constexpr uint64_t kBidProportion = 46;
inline constexpr uint64_t kProportionDenominator =
    kPersonProportion + kAuctionProportion + kBidProportion;
// Probability of a hot auction / seller / bidder is 1 - 1/ratio.
inline constexpr uint64_t kHotAuctionRatio = 2;
inline constexpr uint64_t kHotSellersRatio = 4;
inline constexpr uint64_t kHotBiddersRatio = 4;
// The hot id is taken from the latest batch of this many ids.
inline constexpr uint64_t kHotBatch = 100;
inline constexpr uint64_t kInFlightAuctions = 100;
inline constexpr uint64_t kActivePeople = 1000;
inline constexpr uint64_t kIdLead = 10; // ids not yet created that may be referenced
inline constexpr uint64_t kNumCategories = 5;
inline constexpr int64_t kAvgPersonBytes = 200, kAvgAuctionBytes = 500, kAvgBidBytes = 100;
inline constexpr uint64_t kChannels = 10000;
inline constexpr uint64_t kHotChannelsRatio = 2;

// Beam's default firstEventRate is 10,000 events per second.
using Config = StreamConfig<0x4E45584D41524Bull /* "NEXMARK" */, 10000>;
using gen::eventTime;

struct Str {
  const char *ptr;
  uint32_t len;
};

enum class Kind { Person, Auction, Bid };

constexpr Kind kindOf(uint64_t n) {
  uint64_t rem = n % kProportionDenominator;
  if (rem < kPersonProportion)
    return Kind::Person;
  if (rem < kPersonProportion + kAuctionProportion)
    return Kind::Auction;
  return Kind::Bid;
}

// The first event number >= n of `kind`.
constexpr uint64_t nextOfKind(Kind kind, uint64_t n) {
  uint64_t base = n - n % kProportionDenominator, rem = n % kProportionDenominator;
  switch (kind) {
  case Kind::Person:
    return rem == 0 ? n : base + kProportionDenominator;
  case Kind::Auction:
    if (rem < kPersonProportion)
      return base + kPersonProportion;
    return rem < kPersonProportion + kAuctionProportion ? n : base + kProportionDenominator + kPersonProportion;
  case Kind::Bid:
    return rem < kPersonProportion + kAuctionProportion ? base + kPersonProportion + kAuctionProportion : n;
  }
  return n;
}

// ---------------------------------------------------------------- ids

// The last person id (base 0) created at or before event n.
constexpr uint64_t lastBase0PersonId(uint64_t n) {
  uint64_t epoch = n / kProportionDenominator, offset = n % kProportionDenominator;
  if (offset >= kPersonProportion)
    offset = kPersonProportion - 1;
  return epoch * kPersonProportion + offset;
}

// The last auction id (base 0) created at or before event n (the current one
// when n is an auction). Event 0 (a person) gives "-1" as 2^64-1 in Beam's
// arithmetic; callers only use it for n >= 1, where it is >= 0.
constexpr uint64_t lastBase0AuctionId(uint64_t n) {
  int64_t epoch = static_cast<int64_t>(n / kProportionDenominator);
  int64_t offset = static_cast<int64_t>(n % kProportionDenominator);
  if (offset < static_cast<int64_t>(kPersonProportion)) {
    --epoch; // about to make a person: the last auction of the previous epoch
    offset = kAuctionProportion - 1;
  } else if (offset >= static_cast<int64_t>(kPersonProportion + kAuctionProportion)) {
    offset = kAuctionProportion - 1; // a bid: the last auction of this epoch
  } else {
    offset -= kPersonProportion;
  }
  int64_t id = epoch * static_cast<int64_t>(kAuctionProportion) + offset;
  return id < 0 ? 0 : static_cast<uint64_t>(id);
}

// A random active person (base 0), possibly one of the next kIdLead.
constexpr uint64_t nextBase0PersonId(uint64_t n, uint64_t bits) {
  uint64_t numPeople = lastBase0PersonId(n) + 1;
  uint64_t active = numPeople < kActivePeople ? numPeople : kActivePeople;
  return numPeople - active + below(bits, active + kIdLead);
}

// A random auction likely still in flight (base 0), possibly one of the next
// kIdLead.
constexpr uint64_t nextBase0AuctionId(uint64_t n, uint64_t bits) {
  uint64_t maxAuction = lastBase0AuctionId(n);
  uint64_t minAuction = maxAuction > kInFlightAuctions ? maxAuction - kInFlightAuctions : 0;
  return minAuction + below(bits, maxAuction - minAuction + 1 + kIdLead);
}

// 100 * 10^(6 i / 1024) * 2^16 for i in 0..1024, as integers: the powers by
// repeated multiplication (plain IEEE products, so every build computes the
// same table), then scaled by 2^16 (exact) and rounded.
struct PriceTable {
  static constexpr double kStep = 0x1.037a2f29726fep+0; // 10^(6/1024)
  int64_t t[1025];
  constexpr PriceTable() : t{} {
    double power = 100.0;
    for (int i = 0; i <= 1024; ++i, power *= kStep)
      t[i] = static_cast<int64_t>(power * 65536.0 + 0.5); // < 2^50: the sum is exact
  }
};
inline constexpr PriceTable kPrices{};

// PriceGenerator.nextPrice: round(10^(6u) * 100) cents (Java's Math.round),
// u uniform in [0, 1): log-uniform from $1 to $1,000,000. 10^(6u) is
// interpolated linearly between the table's entries (relative error below
// 2.5e-5, which leaves the distribution as it is), in integers: no call to
// pow, a short chain of integer operations, the same result in every build.
inline int64_t price(uint64_t bits) {
  uint64_t u53 = bits >> 11;                     // u = u53 / 2^53
  uint64_t i = u53 >> 43;                        // its top 10 bits
  uint64_t f = u53 & ((uint64_t{1} << 43) - 1);  // the rest, / 2^43
  int64_t lo = kPrices.t[i], step = kPrices.t[i + 1] - lo;
  int64_t between = static_cast<int64_t>((static_cast<unsigned __int128>(step) * f) >> 43);
  return (lo + between + 32768) >> 16; // rounded to the nearest cent
}

// StringsGenerator.nextExtra's length: pads currentSize to desiredAverage
// +-20%.
constexpr uint32_t extraLength(uint64_t bits, int64_t currentSize, int64_t desiredAverage) {
  if (currentSize > desiredAverage)
    return 0;
  int64_t want = desiredAverage - currentSize;
  int64_t delta = (want * 2 + 5) / 10; // Math.round(want * 0.2) for want >= 0
  int64_t minSize = want - delta;
  return static_cast<uint32_t>(minSize + (delta == 0 ? 0 : static_cast<int64_t>(below(bits, 2 * delta))));
}

// ------------------------------------------------------------- string pools

struct Pools {
  static constexpr size_t kLetters = 1 << 14;
  static constexpr size_t kEntries = 1024;
  TextPool<kLetters> letters{0x4C455454455253ull, false};
  TextPool<kLetters> text{0x54455854ull, true};
  std::vector<std::string> names, emails, creditCards, channelNames, channelUrls;
  const char *hotChannels[4] = {"Google", "Facebook", "Baidu", "Apple"};
  std::string hotUrls[4];
  static constexpr const char *kStates[6] = {"AZ", "CA", "ID", "OR", "WA", "WY"};
  static constexpr const char *kCities[10] = {"Phoenix", "Los Angeles", "San Francisco", "Boise",
                                              "Portland", "Bend",    "Redmond",     "Seattle",
                                              "Kent",    "Cheyenne"};

  Pools() {
    static constexpr const char *kFirst[] = {"Peter", "Paul",  "Luke",  "John",   "Saul",  "Vicky",
                                             "Kate",  "Julie", "Sarah", "Deiter", "Walter"};
    static constexpr const char *kLast[] = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                            "Walton", "Smith",  "Jones",   "Noris"};
    for (const char *f : kFirst)
      for (const char *l : kLast)
        names.push_back(std::string(f) + " " + l);
    uint64_t k = 0x504F4F4C53ull; // "POOLS"
    auto word = [&](uint64_t maxLen) { // StringsGenerator.nextString: 3 .. maxLen-1 letters
      uint64_t r = mix64(k += kGolden);
      size_t len = 3 + below(r, maxLen - 3);
      std::string s;
      for (size_t i = 0; i < len; ++i)
        s.push_back(static_cast<char>('a' + below(mix64(k += kGolden), 26)));
      return s;
    };
    for (size_t i = 0; i < kEntries; ++i) {
      emails.push_back(word(7) + "@" + word(5) + ".com");
      char cc[24];
      uint64_t r = mix64(k += kGolden);
      std::snprintf(cc, sizeof cc, "%04u %04u %04u %04u", unsigned(r % 10000), unsigned((r >> 16) % 10000),
                    unsigned((r >> 32) % 10000), unsigned((r >> 48) % 10000));
      creditCards.push_back(cc);
    }
    auto baseUrl = [&] {
      return "https://www.nexmark.com/" + word(5) + "/" + word(5) + "/" + word(5) + "/item.htm?query=1";
    };
    for (std::string &u : hotUrls)
      u = baseUrl();
    for (uint64_t c = 0; c < kChannels; ++c) {
      channelNames.push_back("channel-" + std::to_string(c));
      std::string url = baseUrl();
      if (below(mix64(k += kGolden), 10) > 0) // 9 in 10 carry their channel id
        url += "&channel_id=" + std::to_string(c * 2654435761u % 2147483647u);
      channelUrls.push_back(url);
    }
  }
};

inline const Pools &pools() {
  static const Pools p;
  return p;
}

inline Str strOf(const std::string &s) { return {s.data(), static_cast<uint32_t>(s.size())}; }
inline Str strOf(const char *s) { return {s, static_cast<uint32_t>(std::strlen(s))}; }

// A slice of `len` characters of a pool at a random offset.
template <size_t N> Str slice(const TextPool<N> &pool, uint64_t bits, uint32_t len) {
  return {pool.chars + below(bits, N - len), len};
}

// ------------------------------------------------------------------- bids
// Slots: 0 hot auction?, 1 auction, 2 hot bidder?, 3 bidder, 4 price,
// 5 hot channel?, 6 channel, 7 extra length, 8 extra offset.

// The rule every reference to a person or an auction follows: with odds
// 1 - 1/ratio (slot `hotSlot`) a hot id, the first of the latest batch of
// kHotBatch ids plus `inBatch`; otherwise a random recent one (slot
// hotSlot + 1). Base 0.
template <uint64_t (*LastId)(uint64_t), uint64_t (*RecentId)(uint64_t, uint64_t)>
inline uint64_t hotOrRecentId(const Config &c, uint64_t n, uint32_t hotSlot, uint64_t ratio,
                              uint64_t inBatch) {
  return below(draw(c.key, n, hotSlot), ratio) > 0 ? (LastId(n) / kHotBatch) * kHotBatch + inBatch
                                                   : RecentId(n, draw(c.key, n, hotSlot + 1));
}

inline int64_t bidAuction(const Config &c, uint64_t n) {
  uint64_t a = hotOrRecentId<lastBase0AuctionId, nextBase0AuctionId>(c, n, 0, kHotAuctionRatio, 0);
  return static_cast<int64_t>(a) + kFirstAuctionId;
}

inline int64_t bidBidder(const Config &c, uint64_t n) {
  // The second person of the batch, so hot bidders and hot sellers differ.
  uint64_t b = hotOrRecentId<lastBase0PersonId, nextBase0PersonId>(c, n, 2, kHotBiddersRatio, 1);
  return static_cast<int64_t>(b) + kFirstPersonId;
}

inline int64_t bidPrice(const Config &c, uint64_t n) { return price(draw(c.key, n, 4)); }

// Index into the channels: 0..3 the hot ones, 4 + K channel-K.
inline uint32_t bidChannelIndex(const Config &c, uint64_t n) {
  if (below(draw(c.key, n, 5), kHotChannelsRatio) > 0)
    return static_cast<uint32_t>(below(draw(c.key, n, 6), 4));
  return 4 + static_cast<uint32_t>(below(draw(c.key, n, 6), kChannels));
}
inline Str channelName(const Pools &p, uint32_t index) {
  return index < 4 ? strOf(p.hotChannels[index]) : strOf(p.channelNames[index - 4]);
}
inline Str channelUrl(const Pools &p, uint32_t index) {
  return index < 4 ? strOf(p.hotUrls[index]) : strOf(p.channelUrls[index - 4]);
}

inline Str bidExtra(const Pools &p, const Config &c, uint64_t n) {
  uint32_t len = extraLength(draw(c.key, n, 7), 8 + 8 + 8 + 8, kAvgBidBytes);
  return slice(p.letters, draw(c.key, n, 8), len);
}

// --------------------------------------------------------------- auctions
// Slots: 0 hot seller?, 1 seller, 2 category, 3 initial bid, 4 reserve
// increment, 5 expiry, 6/7 item name length/offset, 8/9 description
// length/offset, 10/11 extra length/offset.

inline int64_t auctionId(uint64_t n) { return static_cast<int64_t>(lastBase0AuctionId(n)) + kFirstAuctionId; }

inline int64_t auctionSeller(const Config &c, uint64_t n) {
  uint64_t s = hotOrRecentId<lastBase0PersonId, nextBase0PersonId>(c, n, 0, kHotSellersRatio, 0);
  return static_cast<int64_t>(s) + kFirstPersonId;
}

inline int64_t auctionCategory(const Config &c, uint64_t n) {
  return kFirstCategoryId + static_cast<int64_t>(below(draw(c.key, n, 2), kNumCategories));
}

inline int64_t auctionInitialBid(const Config &c, uint64_t n) { return price(draw(c.key, n, 3)); }
inline int64_t auctionReserve(const Config &c, uint64_t n) {
  return auctionInitialBid(c, n) + price(draw(c.key, n, 4));
}

// An auction lasts 1 .. 2 * (time until kInFlightAuctions more auctions
// exist) ms, so about that many are open at once.
inline int64_t auctionExpires(const Config &c, uint64_t n) {
  constexpr uint64_t kEventsForAuctions = kInFlightAuctions * kProportionDenominator / kAuctionProportion;
  int64_t now = eventTime(c, n);
  int64_t horizon = eventTime(c, n + kEventsForAuctions) - now;
  uint64_t span = static_cast<uint64_t>(horizon * 2 > 1 ? horizon * 2 : 1);
  return now + 1 + static_cast<int64_t>(below(draw(c.key, n, 5), span));
}

inline uint32_t auctionNameLength(const Config &c, uint64_t n) {
  return 3 + static_cast<uint32_t>(below(draw(c.key, n, 6), 20 - 3));
}
inline Str auctionItemName(const Pools &p, const Config &c, uint64_t n) {
  return slice(p.letters, draw(c.key, n, 7), auctionNameLength(c, n));
}
inline uint32_t auctionDescriptionLength(const Config &c, uint64_t n) {
  return 3 + static_cast<uint32_t>(below(draw(c.key, n, 8), 100 - 3));
}
inline Str auctionDescription(const Pools &p, const Config &c, uint64_t n) {
  return slice(p.text, draw(c.key, n, 9), auctionDescriptionLength(c, n));
}
inline Str auctionExtra(const Pools &p, const Config &c, uint64_t n) {
  int64_t current = 8 + auctionNameLength(c, n) + auctionDescriptionLength(c, n) + 8 + 8 + 8 + 8 + 8;
  uint32_t len = extraLength(draw(c.key, n, 10), current, kAvgAuctionBytes);
  return slice(p.letters, draw(c.key, n, 11), len);
}

// ---------------------------------------------------------------- persons
// Slots: 0 name, 1 email, 2 credit card, 3 city, 4 state, 5/6 extra
// length/offset.

inline int64_t personId(uint64_t n) { return static_cast<int64_t>(lastBase0PersonId(n)) + kFirstPersonId; }
inline Str personName(const Pools &p, const Config &c, uint64_t n) {
  return strOf(p.names[below(draw(c.key, n, 0), p.names.size())]);
}
inline Str personEmail(const Pools &p, const Config &c, uint64_t n) {
  return strOf(p.emails[below(draw(c.key, n, 1), p.emails.size())]);
}
inline Str personCreditCard(const Pools &p, const Config &c, uint64_t n) {
  return strOf(p.creditCards[below(draw(c.key, n, 2), p.creditCards.size())]);
}
inline Str personCity(const Config &c, uint64_t n) { return strOf(Pools::kCities[below(draw(c.key, n, 3), 10)]); }
inline Str personState(const Config &c, uint64_t n) { return strOf(Pools::kStates[below(draw(c.key, n, 4), 6)]); }
inline Str personExtra(const Pools &p, const Config &c, uint64_t n) {
  int64_t current = 8 + personName(p, c, n).len + personEmail(p, c, n).len + personCreditCard(p, c, n).len +
                    personCity(c, n).len + personState(c, n).len;
  uint32_t len = extraLength(draw(c.key, n, 5), current, kAvgPersonBytes);
  return slice(p.letters, draw(c.key, n, 6), len);
}

} // namespace weir::gen::nexmark
