// The Yahoo Streaming Benchmark generator sources (Ysb.h): `ysb`, the ad
// events, and `ysb_campaigns`, the static table of 1,000 (ad_id,
// campaign_id) rows (ad k belongs to campaign k / 10), for a `table`.
#include "runtime/src/generators/GeneratorSource.h"
#include "runtime/src/generators/Ysb.h"

#include <array>
#include <iterator>
#include <cstring>
#include <utility>

namespace weir::rt {

namespace {

namespace ysb = weir::gen::ysb;

enum EventField : uint32_t { EUser, EPage, EAd, EAdType, EEventType, EEventTime, EIp };
constexpr GeneratorField kEventFields[] = {
    {"user_id", WEIR_INT64},    {"page_id", WEIR_INT64},          {"ad_id", WEIR_INT64},
    {"ad_type", WEIR_STRING},   {"event_type", WEIR_STRING},      {"event_time", WEIR_TIMESTAMP},
    {"ip_address", WEIR_STRING}};

// One class per set of used fields (Mask, a bit per EventField): a record
// costs exactly the fields the pipeline reads, in straight-line code.
template <unsigned Mask> class YsbDecoder final : public GeneratorDecoder {
public:
  explicit YsbDecoder(const GeneratorSpec &spec) : ctx_{ysb::pools(), spec.streamConfig<ysb::Config>()} {
    for (const GeneratorSpec::Binding &b : spec.bindings)
      ctx_.rowOf[b.field] = b.rowIndex;
    for (int i = 0; i < 5; ++i)
      ctx_.adTypeLen[i] = static_cast<uint32_t>(std::strlen(ysb::kAdTypes[i]));
    for (int i = 0; i < 3; ++i)
      ctx_.eventTypeLen[i] = static_cast<uint32_t>(std::strlen(ysb::kEventTypes[i]));
  }

  DecodeOutcome next(WeirValue *row) override {
    if (next_ >= ctx_.config.events)
      return DecodeOutcome::End;
    fill(row, next_++, ctx_);
    return DecodeOutcome::Row;
  }

  // A batch in one loop over a local copy of the context (the row stores
  // cannot alias it, so it stays in registers).
  bool decodesBatches() const override { return true; }
  uint32_t nextBatch(WeirValue *rows, uint32_t width, uint32_t max) override {
    const Context c = ctx_;
    uint64_t n = next_;
    uint32_t k = 0;
    for (; k < max && n < c.config.events; ++k, ++n)
      fill(rows + static_cast<size_t>(k) * width, n, c);
    next_ = n;
    return k;
  }

  void seek(uint64_t event) override { next_ = event; }

private:
  struct Context {
    const ysb::Pools &pools;
    ysb::Config config;
    uint32_t rowOf[7] = {};
    uint32_t adTypeLen[5] = {}, eventTypeLen[3] = {};
  };

  // Event n's used fields into `row`.
  [[gnu::always_inline]] static void fill(WeirValue *row, uint64_t n, const Context &c) {
    constexpr unsigned kChoices = (1u << EAd) | (1u << EAdType) | (1u << EEventType) | (1u << EIp);
    uint64_t choices = 0;
    if constexpr ((Mask & kChoices) != 0)
      choices = ysb::choices(c.config, n); // one draw for ad, types and ip
    if constexpr (Mask & (1u << EUser))
      row[c.rowOf[EUser]] = intValue(ysb::userId(c.config, n));
    if constexpr (Mask & (1u << EPage))
      row[c.rowOf[EPage]] = intValue(ysb::pageId(c.config, n));
    if constexpr (Mask & (1u << EAd))
      row[c.rowOf[EAd]] = intValue(c.pools.adIds[ysb::adIndex(choices)]);
    if constexpr (Mask & (1u << EAdType)) {
      uint32_t t = ysb::adType(choices);
      row[c.rowOf[EAdType]] = strValue(ysb::kAdTypes[t], c.adTypeLen[t]);
    }
    if constexpr (Mask & (1u << EEventType)) {
      uint32_t t = ysb::eventType(choices);
      row[c.rowOf[EEventType]] = strValue(ysb::kEventTypes[t], c.eventTypeLen[t]);
    }
    if constexpr (Mask & (1u << EEventTime))
      row[c.rowOf[EEventTime]] = intValue(ysb::eventTime(c.config, n));
    if constexpr (Mask & (1u << EIp)) {
      const std::string &ip = c.pools.ips[ysb::ipIndex(choices)];
      row[c.rowOf[EIp]] = strValue(ip.data(), static_cast<uint32_t>(ip.size()));
    }
  }

  Context ctx_;
};

template <unsigned Mask> std::unique_ptr<GeneratorDecoder> makeYsbDecoder(const GeneratorSpec &spec) {
  return std::make_unique<YsbDecoder<Mask>>(spec);
}
template <size_t... M> constexpr auto ysbFactories(std::index_sequence<M...>) {
  return std::array<GeneratorSource::Factory, sizeof...(M)>{&makeYsbDecoder<M>...};
}

enum CampaignField : uint32_t { CAd, CCampaign };
constexpr GeneratorField kCampaignFields[] = {{"ad_id", WEIR_INT64}, {"campaign_id", WEIR_INT64}};

class CampaignsDecoder final : public GeneratorDecoder {
public:
  explicit CampaignsDecoder(const GeneratorSpec &spec) : bindings_(spec.bindings) {}

  DecodeOutcome next(WeirValue *row) override {
    uint64_t ad = next_;
    if (ad >= ysb::kAds)
      return DecodeOutcome::End;
    for (const GeneratorSpec::Binding &b : bindings_)
      row[b.rowIndex] = intValue(b.field == CAd ? ysb::adId(ad) : ysb::campaignId(ysb::campaignOfAd(ad)));
    next_ = ad + 1;
    return DecodeOutcome::Row;
  }

  void seek(uint64_t row) override { next_ = row; }

private:
  std::vector<GeneratorSpec::Binding> bindings_;
};

std::unique_ptr<GeneratorDecoder> makeEvents(const GeneratorSpec &spec) {
  static_assert(std::size(kEventFields) == 7, "one factory per subset of the 7 event fields");
  static constexpr auto kFactories = ysbFactories(std::make_index_sequence<128>());
  unsigned mask = 0;
  for (const GeneratorSpec::Binding &b : spec.bindings)
    mask |= 1u << b.field;
  return kFactories[mask](spec);
}
std::unique_ptr<GeneratorDecoder> makeCampaigns(const GeneratorSpec &spec) {
  return std::make_unique<CampaignsDecoder>(spec);
}

const GeneratorKind kKinds[] = {
    {"ysb", kEventFields, std::size(kEventFields), true, makeEvents},
    {"ysb_campaigns", kCampaignFields, std::size(kCampaignFields), false, makeCampaigns},
};

} // namespace

const GeneratorKind *ysbGenerators(size_t &n) {
  n = sizeof kKinds / sizeof kKinds[0];
  return kKinds;
}

} // namespace weir::rt
