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
  explicit YsbDecoder(const GeneratorSpec &spec) : pools_(ysb::pools()) {
    config_ = spec.streamConfig<ysb::Config>();
    for (const GeneratorSpec::Binding &b : spec.bindings)
      rowOf_[b.field] = b.rowIndex;
    for (int i = 0; i < 5; ++i)
      adTypeLen_[i] = static_cast<uint32_t>(std::strlen(ysb::kAdTypes[i]));
    for (int i = 0; i < 3; ++i)
      eventTypeLen_[i] = static_cast<uint32_t>(std::strlen(ysb::kEventTypes[i]));
  }

  DecodeOutcome next(WeirValue *row) override {
    uint64_t n = next_;
    if (n >= config_.events)
      return DecodeOutcome::End;
    constexpr unsigned kChoices = (1u << EAd) | (1u << EAdType) | (1u << EEventType) | (1u << EIp);
    uint64_t choices = 0;
    if constexpr ((Mask & kChoices) != 0)
      choices = ysb::choices(config_, n); // one draw for ad, types and ip
    if constexpr (Mask & (1u << EUser))
      row[rowOf_[EUser]] = intValue(ysb::userId(config_, n));
    if constexpr (Mask & (1u << EPage))
      row[rowOf_[EPage]] = intValue(ysb::pageId(config_, n));
    if constexpr (Mask & (1u << EAd))
      row[rowOf_[EAd]] = intValue(pools_.adIds[ysb::adIndex(choices)]);
    if constexpr (Mask & (1u << EAdType)) {
      uint32_t t = ysb::adType(choices);
      row[rowOf_[EAdType]] = strValue(ysb::kAdTypes[t], adTypeLen_[t]);
    }
    if constexpr (Mask & (1u << EEventType)) {
      uint32_t t = ysb::eventType(choices);
      row[rowOf_[EEventType]] = strValue(ysb::kEventTypes[t], eventTypeLen_[t]);
    }
    if constexpr (Mask & (1u << EEventTime))
      row[rowOf_[EEventTime]] = intValue(ysb::eventTime(config_, n));
    if constexpr (Mask & (1u << EIp)) {
      const std::string &ip = pools_.ips[ysb::ipIndex(choices)];
      row[rowOf_[EIp]] = strValue(ip.data(), static_cast<uint32_t>(ip.size()));
    }
    next_ = n + 1;
    return DecodeOutcome::Row;
  }

  void seek(uint64_t event) override { next_ = event; }

private:
  const ysb::Pools &pools_;
  ysb::Config config_;
  uint32_t rowOf_[7] = {};
  uint32_t adTypeLen_[5], eventTypeLen_[3];
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
