// The Nexmark generator sources: nexmark_persons, nexmark_auctions and
// nexmark_bids each emit one kind of the full Nexmark stream (Nexmark.h),
// keeping the full stream's event numbers (ids, times and every random draw
// are those of the full stream's event n).
#include "runtime/src/generators/GeneratorSource.h"
#include "runtime/src/generators/Nexmark.h"

#include <array>
#include <iterator>
#include <utility>

namespace weir::rt {

namespace {

namespace nx = weir::gen::nexmark;

inline WeirValue strValue(nx::Str s) { return weir::rt::strValue(s.ptr, s.len); }

enum BidField : uint32_t { BAuction, BBidder, BPrice, BChannel, BUrl, BDateTime, BExtra };
constexpr GeneratorField kBidFields[] = {
    {"auction", WEIR_INT64}, {"bidder", WEIR_INT64},        {"price", WEIR_INT64}, {"channel", WEIR_STRING},
    {"url", WEIR_STRING},    {"date_time", WEIR_TIMESTAMP}, {"extra", WEIR_STRING}};

enum AuctionField : uint32_t {
  AId, AItemName, ADescription, AInitialBid, AReserve, ADateTime, AExpires, ASeller, ACategory, AExtra
};
constexpr GeneratorField kAuctionFields[] = {
    {"id", WEIR_INT64},          {"item_name", WEIR_STRING},     {"description", WEIR_STRING},
    {"initial_bid", WEIR_INT64}, {"reserve", WEIR_INT64},        {"date_time", WEIR_TIMESTAMP},
    {"expires", WEIR_TIMESTAMP}, {"seller", WEIR_INT64},         {"category", WEIR_INT64},
    {"extra", WEIR_STRING}};

enum PersonField : uint32_t { PId, PName, PEmail, PCreditCard, PCity, PState, PDateTime, PExtra };
constexpr GeneratorField kPersonFields[] = {
    {"id", WEIR_INT64},   {"name", WEIR_STRING},  {"email_address", WEIR_STRING}, {"credit_card", WEIR_STRING},
    {"city", WEIR_STRING}, {"state", WEIR_STRING}, {"date_time", WEIR_TIMESTAMP},  {"extra", WEIR_STRING}};

// Bids, the hot path of the benchmarks: one class per set of used fields
// (Mask, a bit per BidField), so a record costs exactly the fields a
// pipeline reads, in straight-line code. (With a switch over the fields in a
// loop, the compiler hoists every field's per-event id arithmetic out of the
// loop, used or not.)
template <unsigned Mask> class BidDecoder final : public GeneratorDecoder {
public:
  explicit BidDecoder(const GeneratorSpec &spec) : pools_(nx::pools()), config_(spec.streamConfig<nx::Config>()) {
    for (const GeneratorSpec::Binding &b : spec.bindings)
      rowOf_.of[b.field] = b.rowIndex;
    next_ = nx::nextOfKind(nx::Kind::Bid, 0);
  }

  DecodeOutcome next(WeirValue *row) override {
    if (next_ >= config_.events)
      return DecodeOutcome::End;
    fill(row, next_, config_, pools_, rowOf_);
    next_ = nx::nextOfKind(nx::Kind::Bid, next_ + 1);
    return DecodeOutcome::Row;
  }

  // A batch in one loop over local copies of the configuration (the row
  // stores cannot alias them, so they stay in registers).
  bool decodesBatches() const override { return true; }
  uint32_t nextBatch(WeirValue *rows, uint32_t width, uint32_t max) override {
    const nx::Config config = config_;
    const nx::Pools &pools = pools_;
    Rows rowOf = rowOf_;
    uint64_t n = next_;
    uint32_t k = 0;
    for (; k < max && n < config.events; ++k, n = nx::nextOfKind(nx::Kind::Bid, n + 1))
      fill(rows + static_cast<size_t>(k) * width, n, config, pools, rowOf);
    next_ = n;
    return k;
  }

  void seek(uint64_t event) override { next_ = nx::nextOfKind(nx::Kind::Bid, event); }

private:
  struct Rows { // the row index of each used field
    uint32_t of[7] = {};
    uint32_t operator[](BidField f) const { return of[f]; }
  };

  // Bid n's used fields into `row`.
  [[gnu::always_inline]] static void fill(WeirValue *row, uint64_t n, const nx::Config &config,
                                          const nx::Pools &pools, const Rows &rowOf) {
    if constexpr (Mask & (1u << BAuction))
      row[rowOf[BAuction]] = intValue(nx::bidAuction(config, n));
    if constexpr (Mask & (1u << BBidder))
      row[rowOf[BBidder]] = intValue(nx::bidBidder(config, n));
    if constexpr (Mask & (1u << BPrice))
      row[rowOf[BPrice]] = intValue(nx::bidPrice(config, n));
    if constexpr (Mask & ((1u << BChannel) | (1u << BUrl))) {
      uint32_t channel = nx::bidChannelIndex(config, n);
      if constexpr (Mask & (1u << BChannel))
        row[rowOf[BChannel]] = strValue(nx::channelName(pools, channel));
      if constexpr (Mask & (1u << BUrl))
        row[rowOf[BUrl]] = strValue(nx::channelUrl(pools, channel));
    }
    if constexpr (Mask & (1u << BDateTime))
      row[rowOf[BDateTime]] = intValue(nx::eventTime(config, n));
    if constexpr (Mask & (1u << BExtra))
      row[rowOf[BExtra]] = strValue(nx::bidExtra(pools, config, n));
  }

  const nx::Pools &pools_;
  const nx::Config config_;
  Rows rowOf_;
};

template <unsigned Mask> std::unique_ptr<GeneratorDecoder> makeBidDecoder(const GeneratorSpec &spec) {
  return std::make_unique<BidDecoder<Mask>>(spec);
}
template <size_t... M> constexpr auto bidFactories(std::index_sequence<M...>) {
  return std::array<GeneratorSource::Factory, sizeof...(M)>{&makeBidDecoder<M>...};
}

std::unique_ptr<GeneratorDecoder> makeBids(const GeneratorSpec &spec) {
  static_assert(std::size(kBidFields) == 7, "one factory per subset of the 7 bid fields");
  static constexpr auto kFactories = bidFactories(std::make_index_sequence<128>());
  unsigned mask = 0;
  for (const GeneratorSpec::Binding &b : spec.bindings)
    mask |= 1u << b.field;
  return kFactories[mask](spec);
}

// Auctions and persons (not on a benchmark's hot path): a switch per field.
template <nx::Kind K> class NexmarkDecoder final : public GeneratorDecoder {
public:
  explicit NexmarkDecoder(const GeneratorSpec &spec)
      : pools_(nx::pools()), config_(spec.streamConfig<nx::Config>()), bindings_(spec.bindings) {
    next_ = nx::nextOfKind(K, 0);
  }

  DecodeOutcome next(WeirValue *row) override {
    uint64_t n = next_;
    if (n >= config_.events)
      return DecodeOutcome::End;
    for (const GeneratorSpec::Binding &b : bindings_)
      row[b.rowIndex] = value(b.field, n);
    next_ = nx::nextOfKind(K, n + 1);
    return DecodeOutcome::Row;
  }

  void seek(uint64_t event) override { next_ = nx::nextOfKind(K, event); }

private:
  WeirValue value(uint32_t field, uint64_t n) const;

  const nx::Pools &pools_;
  const nx::Config config_;
  std::vector<GeneratorSpec::Binding> bindings_;
};

template <> WeirValue NexmarkDecoder<nx::Kind::Auction>::value(uint32_t field, uint64_t n) const {
  switch (field) {
  case AId: return intValue(nx::auctionId(n));
  case AItemName: return strValue(nx::auctionItemName(pools_, config_, n));
  case ADescription: return strValue(nx::auctionDescription(pools_, config_, n));
  case AInitialBid: return intValue(nx::auctionInitialBid(config_, n));
  case AReserve: return intValue(nx::auctionReserve(config_, n));
  case ADateTime: return intValue(nx::eventTime(config_, n));
  case AExpires: return intValue(nx::auctionExpires(config_, n));
  case ASeller: return intValue(nx::auctionSeller(config_, n));
  case ACategory: return intValue(nx::auctionCategory(config_, n));
  default: return strValue(nx::auctionExtra(pools_, config_, n));
  }
}

template <> WeirValue NexmarkDecoder<nx::Kind::Person>::value(uint32_t field, uint64_t n) const {
  switch (field) {
  case PId: return intValue(nx::personId(n));
  case PName: return strValue(nx::personName(pools_, config_, n));
  case PEmail: return strValue(nx::personEmail(pools_, config_, n));
  case PCreditCard: return strValue(nx::personCreditCard(pools_, config_, n));
  case PCity: return strValue(nx::personCity(config_, n));
  case PState: return strValue(nx::personState(config_, n));
  case PDateTime: return intValue(nx::eventTime(config_, n));
  default: return strValue(nx::personExtra(pools_, config_, n));
  }
}

template <nx::Kind K> std::unique_ptr<GeneratorDecoder> make(const GeneratorSpec &spec) {
  return std::make_unique<NexmarkDecoder<K>>(spec);
}

const GeneratorKind kKinds[] = {
    {"nexmark_persons", kPersonFields, std::size(kPersonFields), true, make<nx::Kind::Person>},
    {"nexmark_auctions", kAuctionFields, std::size(kAuctionFields), true, make<nx::Kind::Auction>},
    {"nexmark_bids", kBidFields, std::size(kBidFields), true, makeBids},
};

} // namespace

const GeneratorKind *nexmarkGenerators(size_t &n) {
  n = sizeof kKinds / sizeof kKinds[0];
  return kKinds;
}

} // namespace weir::rt
