#include "runtime/src/sketches/DDSketch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace weir::rt::sketches {
namespace {

constexpr uint8_t kMagic = 'D';
constexpr uint8_t kVersion = 1;

const double kGamma = (1.0 + DDSketch::kRelativeAccuracy) / (1.0 - DDSketch::kRelativeAccuracy);
const double kLogGamma = std::log(kGamma);
// Smaller magnitudes are zeros.
constexpr double kMinIndexable = std::numeric_limits<double>::min();

int32_t indexOf(double magnitude) {
  return static_cast<int32_t>(std::ceil(std::log(magnitude) / kLogGamma));
}

// 2 gamma^i / (gamma + 1), computed in logs so the top bucket's does not overflow.
double valueOf(int32_t index) {
  return std::exp(index * kLogGamma + std::log(2.0 / (kGamma + 1.0)));
}

template <typename T> void append(std::string &out, T v) {
  out.append(reinterpret_cast<const char *>(&v), sizeof v);
}

// Reads from a byte string front to back; any read past the end fails.
struct Reader {
  std::string_view bytes;
  size_t at = 0;
  bool ok = true;
  template <typename T> T next() {
    T v{};
    if (!ok || bytes.size() - at < sizeof v) {
      ok = false;
      return v;
    }
    std::memcpy(&v, bytes.data() + at, sizeof v);
    at += sizeof v;
    return v;
  }
};

} // namespace

void DDSketch::Store::add(int32_t index, uint64_t n) {
  if (counts.empty()) {
    offset = index;
    counts.assign(1, n);
    total = n;
    return;
  }
  total += n;
  int32_t top = offset + static_cast<int32_t>(counts.size()) - 1;
  if (index > top) { // a new highest bucket: extend up, then collapse below the window
    counts.resize(counts.size() + (index - top), 0);
    int32_t lowest = index - kMaxBuckets + 1;
    if (offset < lowest) {
      size_t drop = static_cast<size_t>(lowest - offset);
      uint64_t collapsed = 0;
      for (size_t i = 0; i < drop; ++i)
        collapsed += counts[i];
      counts.erase(counts.begin(), counts.begin() + drop);
      counts[0] += collapsed;
      offset = lowest;
    }
    counts[index - offset] += n;
    return;
  }
  index = std::max(index, top - kMaxBuckets + 1);
  if (index < offset) { // extend down
    counts.insert(counts.begin(), static_cast<size_t>(offset - index), 0);
    offset = index;
  }
  counts[index - offset] += n;
}

int32_t DDSketch::Store::indexAtRank(uint64_t rank, bool descending) const {
  uint64_t seen = 0;
  size_t n = counts.size();
  for (size_t k = 0; k < n; ++k) {
    size_t i = descending ? n - 1 - k : k;
    seen += counts[i];
    if (seen > rank)
      return offset + static_cast<int32_t>(i);
  }
  return offset + static_cast<int32_t>(descending ? 0 : n - 1);
}

void DDSketch::add(double value) {
  if (std::isnan(value))
    return;
  if (count() == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  if (!bucketed_) {
    if (nvalues_ < kExactLimit) {
      double *end = values_ + nvalues_;
      double *at = std::upper_bound(values_, end, value);
      std::copy_backward(at, end, end + 1);
      *at = value;
      ++nvalues_;
      return;
    }
    switchToBuckets(); // the value that does not fit goes to the buckets too
  }
  addToBuckets(value);
}

void DDSketch::switchToBuckets() {
  bucketed_ = true;
  for (double v : exactValues())
    addToBuckets(v);
  nvalues_ = 0;
}

void DDSketch::addToBuckets(double value) {
  double magnitude = std::fabs(value);
  if (magnitude < kMinIndexable)
    ++zeros_;
  else if (std::isinf(value))
    ++(value > 0 ? positiveInfinities_ : negativeInfinities_);
  else if (value > 0)
    positive_.add(indexOf(magnitude), 1);
  else
    negative_.add(indexOf(magnitude), 1);
}

void DDSketch::merge(const DDSketch &other) {
  if (other.count() == 0)
    return;
  if (count() == 0) {
    *this = other;
    return;
  }
  if (other.exact()) { // as if its values were added here
    for (double v : other.exactValues())
      add(v);
    return;
  }
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  if (!bucketed_)
    switchToBuckets();
  zeros_ += other.zeros_;
  negativeInfinities_ += other.negativeInfinities_;
  positiveInfinities_ += other.positiveInfinities_;
  auto mergeStore = [](Store &into, const Store &from) {
    // Highest bucket first, so `into` collapses at most once.
    for (size_t k = from.counts.size(); k-- > 0;)
      if (from.counts[k] != 0)
        into.add(from.offset + static_cast<int32_t>(k), from.counts[k]);
  };
  mergeStore(positive_, other.positive_);
  mergeStore(negative_, other.negative_);
}

bool DDSketch::quantile(double q, double &out) const {
  uint64_t n = count();
  if (n == 0)
    return false;
  if (!(q > 0.0)) { // q <= 0 (and NaN): the minimum
    out = min_;
    return true;
  }
  if (q >= 1.0) {
    out = max_;
    return true;
  }
  uint64_t rank = static_cast<uint64_t>(std::floor(q * static_cast<double>(n - 1)));
  if (exact()) {
    out = values_[rank];
    return true;
  }
  // In order: -inf, the negative store from its highest |x| down, zeros,
  // the positive store up, +inf.
  double estimate;
  if (rank < negativeInfinities_) {
    estimate = -INFINITY;
  } else if ((rank -= negativeInfinities_) < negative_.total) {
    estimate = -valueOf(negative_.indexAtRank(rank, /*descending=*/true));
  } else if ((rank -= negative_.total) < zeros_) {
    estimate = 0.0;
  } else if ((rank -= zeros_) < positive_.total) {
    estimate = valueOf(positive_.indexAtRank(rank, /*descending=*/false));
  } else {
    estimate = INFINITY;
  }
  out = std::clamp(estimate, min_, max_);
  return true;
}

std::string DDSketch::serialize() const {
  std::string out;
  out.push_back(static_cast<char>(kMagic));
  out.push_back(static_cast<char>(kVersion));
  append(out, kRelativeAccuracy);
  append(out, kMaxBuckets);
  if (exact()) { // the values
    out.push_back(0);
    append(out, nvalues_);
    for (double v : exactValues())
      append(out, v);
    return out;
  }
  out.push_back(1);
  append(out, zeros_);
  append(out, negativeInfinities_);
  append(out, positiveInfinities_);
  append(out, min_);
  append(out, max_);
  for (const Store *s : {&positive_, &negative_}) {
    append(out, s->offset);
    append(out, static_cast<uint32_t>(s->counts.size()));
    for (uint64_t c : s->counts)
      append(out, c);
  }
  return out;
}

bool DDSketch::parse(std::string_view bytes, DDSketch &out) {
  out = DDSketch{};
  if (bytes.size() < 2 || uint8_t(bytes[0]) != kMagic || uint8_t(bytes[1]) != kVersion)
    return false;
  Reader r{bytes, 2};
  if (r.next<double>() != kRelativeAccuracy || r.next<int32_t>() != kMaxBuckets)
    return false;
  uint8_t mode = r.next<uint8_t>();
  if (mode == 0) {
    uint32_t n = r.next<uint32_t>();
    if (!r.ok || n > kExactLimit)
      return false;
    for (uint32_t i = 0; i < n; ++i) {
      double v = r.next<double>();
      if (std::isnan(v) || (i > 0 && v < out.values_[i - 1]))
        return false; // not sorted: not a sketch
      out.add(v);
    }
    return r.ok && r.at == bytes.size();
  }
  if (mode != 1)
    return false;
  out.bucketed_ = true;
  out.zeros_ = r.next<uint64_t>();
  out.negativeInfinities_ = r.next<uint64_t>();
  out.positiveInfinities_ = r.next<uint64_t>();
  out.min_ = r.next<double>();
  out.max_ = r.next<double>();
  for (Store *s : {&out.positive_, &out.negative_}) {
    s->offset = r.next<int32_t>();
    uint32_t n = r.next<uint32_t>();
    if (!r.ok || n > static_cast<uint32_t>(kMaxBuckets) || (bytes.size() - r.at) / 8 < n)
      return false;
    s->counts.resize(n);
    for (uint64_t &c : s->counts) {
      c = r.next<uint64_t>();
      s->total += c;
    }
  }
  // Only more than kExactLimit values are ever kept in buckets.
  return r.ok && r.at == bytes.size() && out.count() > kExactLimit && !std::isnan(out.min_) &&
         !std::isnan(out.max_) && out.min_ <= out.max_;
}

} // namespace weir::rt::sketches
