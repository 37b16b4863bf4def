// DDSketch (Masson, Rim, Lee: "DDSketch: A Fast and Fully-Mergeable Quantile
// Sketch with Relative-Error Guarantees", VLDB 2019), the sketch behind
// approx_percentile.
//
// Hand-written: Debian 12 packages no C++ quantile sketch library.
//
// Up to kExactLimit values the sketch keeps the values themselves, sorted:
// answers are exact and a small group (a key's window slice, say) costs a
// few hundred bytes. Past that it switches to buckets:
//
// A value x > 0 goes to bucket i = ceil(log_gamma(x)) with
// gamma = (1 + a) / (1 - a), a = 1%: bucket i covers (gamma^(i-1), gamma^i]
// and its representative 2 gamma^i / (gamma + 1) is within a of every value
// in it. Negative values go to a second store by |x|; values with |x| below
// the smallest normal double count as zeros; infinities are counted apart
// (they would otherwise stretch a store past its bucket limit). Each store
// keeps at most kMaxBuckets contiguous buckets: past that, the lowest
// buckets collapse into the lowest kept one (the paper's collapsing-lowest
// store), which keeps the guarantee for every quantile whose value's bucket
// was not collapsed.
//
// The quantile q is the value of rank floor(q * (n - 1)) (0-based) in the
// sorted values, within 1% relative error (exact in the exact mode); q = 0
// and q = 1 are the exact minimum and maximum, and every answer lies in
// [min, max].
//
// Merges are exact: the mode depends only on the number of values, and a
// value's final bucket is max(its bucket, highest bucket - kMaxBuckets + 1)
// whatever the order of adds and merges, so merge(a, b) is the sketch of the
// concatenated values.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace weir::rt::sketches {

class DDSketch {
public:
  static constexpr double kRelativeAccuracy = 0.01;
  static constexpr int32_t kMaxBuckets = 2048;
  static constexpr uint32_t kExactLimit = 32;

  void add(double value); // NaN is ignored
  void merge(const DDSketch &other);
  // false when the sketch holds no value.
  bool quantile(double q, double &out) const;
  uint64_t count() const {
    return exact() ? nvalues_
                   : negativeInfinities_ + negative_.total + zeros_ + positive_.total + positiveInfinities_;
  }
  bool exact() const { return !bucketed_; }

  std::string serialize() const;
  static bool parse(std::string_view bytes, DDSketch &out);

private:
  // Contiguous bucket counts for the buckets [offset, offset + counts.size()).
  struct Store {
    int32_t offset = 0;
    std::vector<uint64_t> counts;
    uint64_t total = 0;

    void add(int32_t index, uint64_t n);
    // The bucket holding the value of 0-based rank `rank` (< total), counting
    // from the lowest bucket up, or from the highest down when `descending`.
    int32_t indexAtRank(uint64_t rank, bool descending) const;
  };

  void addToBuckets(double value);
  void switchToBuckets();

  std::span<const double> exactValues() const { return {values_, nvalues_}; }

  // What every add reads comes first, next to the exact values: adding to a
  // small sketch touches one allocation, the one the state slot points to.
  bool bucketed_ = false;
  uint32_t nvalues_ = 0;
  double min_ = 0.0, max_ = 0.0; // meaningful when count() > 0
  double values_[kExactLimit];   // exact mode: the values, ascending
  Store positive_, negative_;    // negative_ indexes |x|
  uint64_t zeros_ = 0;
  uint64_t negativeInfinities_ = 0, positiveInfinities_ = 0;
};

} // namespace weir::rt::sketches
