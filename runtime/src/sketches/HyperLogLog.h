// HyperLogLog over 64-bit hashes, the sketch behind approx_count_distinct.
//
// Hand-written: Debian 12 packages no C++ sketch library (only Go, Perl and
// a PostgreSQL extension). Precision 12: 4096 one-byte registers, a standard
// error of 1.04 / sqrt(4096) = 1.6%.
//
// Two representations:
//   sparse: the distinct hashes themselves while there are at most
//     kSparseLimit of them: the first kInlineHashes in the sketch object (so
//     adding to a small sketch touches one allocation), then in an
//     open-addressing set. The estimate is exact (up to 64-bit hash
//     collisions) and a key that sees few values costs a few hundred bytes
//     instead of 4 KiB.
//   dense: the registers. The estimate is Ertl's improved raw estimator
//     ("New cardinality estimation algorithms for HyperLogLog sketches",
//     2017; also Redis's since 5.0): it is unbiased from empty to far past
//     2^50 values without HLL++'s empirical bias tables, so it replaces both
//     the classic small-range (linear counting) and large-range corrections.
//     With 64-bit hashes the classic large-range correction (for 32-bit
//     hashes near 2^32) does not apply at all.
//
// Adding a value, merging and estimating are independent of order: the
// registers are a max over the hashes, and the sparse set is a set, so merge
// of two sketches == the sketch of the union.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weir::rt::sketches {

class HyperLogLog {
public:
  static constexpr int kPrecision = 12;
  static constexpr uint32_t kRegisters = 1u << kPrecision;
  // Register values are 0 (untouched) .. kMaxRank (the rank of a hash whose
  // 64 - p low bits are all zero).
  static constexpr int kMaxRank = 64 - kPrecision + 1;
  // Past this many distinct hashes the sketch goes dense. The set's table is
  // then at most 512 slots (4 KiB, the size of the registers) at 3/4 load.
  static constexpr uint32_t kSparseLimit = 384;
  static constexpr uint32_t kInlineHashes = 16;

  void add(uint64_t hash);
  void merge(const HyperLogLog &other);
  int64_t estimate() const;
  bool isSparse() const { return registers_.empty(); }

  // A versioned byte string; `parse` returns false for anything `serialize`
  // could not have produced.
  std::string serialize() const;
  static bool parse(std::string_view bytes, HyperLogLog &out);

private:
  void addToSparse(uint64_t hash);
  void addToRegisters(uint64_t hash);
  void placeInTable(uint64_t hash); // a hash known to be absent, not 0
  void growTable();
  void goDense();
  template <typename F> void forEachSparse(F f) const;

  // sparse: size_ distinct hashes; while slots_ is empty they are
  // inline_[0, size_), afterwards slots_ holds them (0 = empty; the hash 0 is
  // hasZero_). dense: registers_ has kRegisters entries. What an add reads
  // first comes first (one cache line for the mode and the first hashes).
  std::vector<uint8_t> registers_;
  std::vector<uint64_t> slots_;
  uint32_t size_ = 0;
  bool hasZero_ = false;
  uint64_t inline_[kInlineHashes];
};

} // namespace weir::rt::sketches
