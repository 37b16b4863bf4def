#include "runtime/src/sketches/HyperLogLog.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace weir::rt::sketches {
namespace {

constexpr uint8_t kMagic = 'H';
constexpr uint8_t kVersion = 1;
constexpr uint8_t kSparseMode = 0, kDenseMode = 1;
constexpr size_t kHeaderBytes = 4; // magic, version, precision, mode

// Top p bits pick the register; the rank is 1 + the leading zeros of the
// remaining 64 - p bits (kMaxRank when they are all zero).
uint32_t registerOf(uint64_t hash) { return static_cast<uint32_t>(hash >> (64 - HyperLogLog::kPrecision)); }
uint8_t rankOf(uint64_t hash) {
  uint64_t rest = hash << HyperLogLog::kPrecision;
  return rest == 0 ? HyperLogLog::kMaxRank : static_cast<uint8_t>(std::countl_zero(rest) + 1);
}

// Ertl's sigma and tau (section 4 of the paper), by their fixed-point series.
double sigma(double x) {
  if (x == 1.0)
    return INFINITY;
  double y = 1.0, z = x, previous;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous != z);
  return z;
}

double tau(double x) {
  if (x == 0.0 || x == 1.0)
    return 0.0;
  double y = 1.0, z = 1.0 - x, previous;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
  } while (previous != z);
  return z / 3.0;
}

template <typename T> void append(std::string &out, T v) {
  out.append(reinterpret_cast<const char *>(&v), sizeof v);
}
template <typename T> T read(std::string_view bytes, size_t at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  return v;
}

} // namespace

template <typename F> void HyperLogLog::forEachSparse(F f) const {
  if (slots_.empty()) {
    for (uint32_t i = 0; i < size_; ++i)
      f(inline_[i]);
    return;
  }
  if (hasZero_)
    f(uint64_t{0});
  for (uint64_t h : slots_)
    if (h != 0)
      f(h);
}

void HyperLogLog::add(uint64_t hash) {
  if (isSparse())
    addToSparse(hash);
  else
    addToRegisters(hash);
}

void HyperLogLog::addToRegisters(uint64_t hash) {
  uint8_t &r = registers_[registerOf(hash)];
  r = std::max(r, rankOf(hash));
}

void HyperLogLog::addToSparse(uint64_t hash) {
  if (slots_.empty()) { // inline
    for (uint32_t i = 0; i < size_; ++i)
      if (inline_[i] == hash)
        return;
    if (size_ < kInlineHashes) {
      inline_[size_++] = hash;
      return;
    }
    slots_.assign(4 * kInlineHashes, 0); // move to the table, at load 1/4
    for (uint32_t i = 0; i < size_; ++i) {
      if (inline_[i] == 0)
        hasZero_ = true;
      else
        placeInTable(inline_[i]);
    }
  }
  if (hash == 0) {
    if (hasZero_)
      return;
    hasZero_ = true;
  } else {
    // The hashes are uniformly random already: their low bits are the slot.
    uint64_t mask = slots_.size() - 1;
    for (uint64_t pos = hash & mask; slots_[pos] != 0; pos = (pos + 1) & mask)
      if (slots_[pos] == hash)
        return;
    placeInTable(hash);
  }
  ++size_;
  if (size_ > kSparseLimit)
    goDense();
  else if (size_ * 4 > slots_.size() * 3)
    growTable();
}

void HyperLogLog::placeInTable(uint64_t hash) {
  uint64_t mask = slots_.size() - 1;
  uint64_t pos = hash & mask;
  while (slots_[pos] != 0)
    pos = (pos + 1) & mask;
  slots_[pos] = hash;
}

void HyperLogLog::growTable() {
  std::vector<uint64_t> old(slots_.size() * 2, 0);
  old.swap(slots_);
  for (uint64_t h : old)
    if (h != 0)
      placeInTable(h);
}

void HyperLogLog::goDense() {
  std::vector<uint8_t> registers(kRegisters, 0);
  registers_.swap(registers);
  forEachSparse([&](uint64_t h) { addToRegisters(h); });
  std::vector<uint64_t>().swap(slots_);
  size_ = 0;
  hasZero_ = false;
}

void HyperLogLog::merge(const HyperLogLog &other) {
  if (other.isSparse()) {
    other.forEachSparse([&](uint64_t h) { add(h); });
    return;
  }
  if (isSparse()) {
    HyperLogLog mine = std::move(*this);
    *this = other;
    mine.forEachSparse([&](uint64_t h) { addToRegisters(h); });
    return;
  }
  for (uint32_t i = 0; i < kRegisters; ++i)
    registers_[i] = std::max(registers_[i], other.registers_[i]);
}

int64_t HyperLogLog::estimate() const {
  if (isSparse())
    return size_;
  // Ertl's improved raw estimator over the histogram of register values.
  uint32_t histogram[kMaxRank + 1] = {};
  for (uint8_t r : registers_)
    ++histogram[r];
  const double m = kRegisters;
  double z = m * tau((m - histogram[kMaxRank]) / m);
  for (int k = kMaxRank - 1; k >= 1; --k) {
    z += histogram[k];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  const double alphaInfinity = 0.5 / std::log(2.0);
  return std::llround(alphaInfinity * m * m / z);
}

std::string HyperLogLog::serialize() const {
  std::string out;
  out.push_back(static_cast<char>(kMagic));
  out.push_back(static_cast<char>(kVersion));
  out.push_back(static_cast<char>(kPrecision));
  if (isSparse()) {
    out.push_back(static_cast<char>(kSparseMode));
    std::vector<uint64_t> hashes;
    hashes.reserve(size_);
    forEachSparse([&](uint64_t h) { hashes.push_back(h); });
    std::sort(hashes.begin(), hashes.end()); // one byte string per set
    append<uint32_t>(out, static_cast<uint32_t>(hashes.size()));
    for (uint64_t h : hashes)
      append(out, h);
  } else {
    out.push_back(static_cast<char>(kDenseMode));
    out.append(reinterpret_cast<const char *>(registers_.data()), registers_.size());
  }
  return out;
}

bool HyperLogLog::parse(std::string_view bytes, HyperLogLog &out) {
  out = HyperLogLog{};
  if (bytes.size() < kHeaderBytes || uint8_t(bytes[0]) != kMagic || uint8_t(bytes[1]) != kVersion ||
      uint8_t(bytes[2]) != kPrecision)
    return false;
  uint8_t mode = bytes[3];
  if (mode == kDenseMode) {
    if (bytes.size() != kHeaderBytes + kRegisters)
      return false;
    out.registers_.assign(bytes.begin() + kHeaderBytes, bytes.end());
    return std::all_of(out.registers_.begin(), out.registers_.end(),
                       [](uint8_t r) { return r <= kMaxRank; });
  }
  if (mode != kSparseMode || bytes.size() < kHeaderBytes + 4)
    return false;
  uint32_t n = read<uint32_t>(bytes, kHeaderBytes);
  if (n > kSparseLimit || bytes.size() != kHeaderBytes + 4 + size_t(n) * 8)
    return false;
  for (uint32_t i = 0; i < n; ++i)
    out.addToSparse(read<uint64_t>(bytes, kHeaderBytes + 4 + size_t(i) * 8));
  return out.size_ == n; // no duplicates
}

} // namespace weir::rt::sketches
