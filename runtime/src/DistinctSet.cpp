// count_distinct's exact sets. Hand-written (no flat hash set library is
// installed; std::unordered_set costs a node per value): open addressing over
// a dense value array, like WeirHashTable, so a set is three small vectors.
// Values are int64s, doubles (as canonical bit patterns: -0.0 == 0.0 and all
// NaNs are one value) or strings (copied into the set).
#include "weir/runtime.h"

#include <cmath>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

enum class SetKind : uint8_t { Bits, Strings };

struct DistinctSet {
  SetKind kind;
  std::vector<uint64_t> slots = std::vector<uint64_t>(8, 0); // tag << 32 | index + 1
  std::vector<uint64_t> hashes;                               // per value
  std::vector<uint64_t> bits;                                 // Bits: the values
  std::vector<std::pair<uint64_t, uint64_t>> strs;            // Strings: offset, length
  std::string bytes;                                          // Strings: their bytes

  explicit DistinctSet(SetKind k) : kind(k) {}

  std::string_view str(size_t i) const { return {bytes.data() + strs[i].first, strs[i].second}; }

  // Finds the value equal to index `candidate` of `other` (or to `bitsValue`
  // / `s`); inserts it when absent.
  void insert(uint64_t hash, uint64_t bitsValue, std::string_view s) {
    uint64_t mask = slots.size() - 1;
    uint64_t tag = hash >> 32;
    uint64_t pos = hash & mask;
    while (slots[pos] != 0) {
      uint64_t slot = slots[pos];
      if ((slot >> 32) == tag) {
        size_t i = (slot & 0xffffffffu) - 1;
        if (kind == SetKind::Bits ? bits[i] == bitsValue : str(i) == s)
          return;
      }
      pos = (pos + 1) & mask;
    }
    size_t index = hashes.size();
    hashes.push_back(hash);
    if (kind == SetKind::Bits) {
      bits.push_back(bitsValue);
    } else {
      strs.emplace_back(bytes.size(), s.size());
      bytes.append(s);
    }
    slots[pos] = tag << 32 | (index + 1);
    if (hashes.size() * 2 > slots.size())
      grow();
  }

  void grow() {
    std::vector<uint64_t> bigger(slots.size() * 2, 0);
    uint64_t mask = bigger.size() - 1;
    for (size_t i = 0; i < hashes.size(); ++i) {
      uint64_t pos = hashes[i] & mask;
      while (bigger[pos] != 0)
        pos = (pos + 1) & mask;
      bigger[pos] = (hashes[i] >> 32) << 32 | (i + 1);
    }
    slots.swap(bigger);
  }
};

DistinctSet *ensure(void **set, SetKind kind) {
  if (!*set)
    *set = new DistinctSet(kind);
  return static_cast<DistinctSet *>(*set);
}

void addBits(void **set, uint64_t value) {
  ensure(set, SetKind::Bits)->insert(weir_hash_u64(value, 0), value, {});
}

} // namespace

extern "C" {

void weir_distinct_add_i64(void **set, int64_t value) { addBits(set, static_cast<uint64_t>(value)); }

void weir_distinct_add_f64(void **set, double value) {
  if (value == 0.0)
    value = 0.0; // -0.0 and 0.0 are one value
  if (std::isnan(value))
    value = std::nan("");
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  addBits(set, bits);
}

void weir_distinct_add_str(void **set, const char *ptr, int64_t len) {
  std::string_view s(len > 0 ? ptr : "", len > 0 ? static_cast<size_t>(len) : 0);
  ensure(set, SetKind::Strings)->insert(weir_hash_bytes(s.data(), s.size(), 0), 0, s);
}

int64_t weir_distinct_count(const void *set) {
  return set ? static_cast<int64_t>(static_cast<const DistinctSet *>(set)->hashes.size()) : 0;
}

void weir_distinct_merge(void **dst, const void *src) {
  if (!src)
    return;
  const auto *from = static_cast<const DistinctSet *>(src);
  DistinctSet *to = ensure(dst, from->kind);
  for (size_t i = 0; i < from->hashes.size(); ++i) {
    if (from->kind == SetKind::Bits)
      to->insert(from->hashes[i], from->bits[i], {});
    else
      to->insert(from->hashes[i], 0, from->str(i));
  }
}

void weir_distinct_free(void **set) {
  delete static_cast<DistinctSet *>(*set);
  *set = nullptr;
}

} // extern "C"

// ------------------------------------------------ durable state (StateSerializer.h)
// [kind: 1 byte] then per value: Bits: 8 bytes little-endian; Strings: 4-byte
// length + bytes. Loading re-inserts (hashes are recomputed).
namespace weir::rt {

std::string serializeDistinctSet(const void *set) {
  std::string out;
  if (!set)
    return out;
  const auto *s = static_cast<const DistinctSet *>(set);
  out.push_back(static_cast<char>(s->kind));
  for (size_t i = 0; i < s->hashes.size(); ++i) {
    if (s->kind == SetKind::Bits) {
      out.append(reinterpret_cast<const char *>(&s->bits[i]), sizeof(uint64_t));
    } else {
      std::string_view v = s->str(i);
      uint32_t n = static_cast<uint32_t>(v.size());
      out.append(reinterpret_cast<const char *>(&n), sizeof n);
      out.append(v);
    }
  }
  return out;
}

bool deserializeDistinctSet(std::string_view bytes, void **out) {
  *out = nullptr;
  if (bytes.empty())
    return true;
  auto kind = static_cast<SetKind>(bytes[0]);
  if (kind != SetKind::Bits && kind != SetKind::Strings)
    return false;
  auto *set = new DistinctSet(kind);
  size_t at = 1;
  while (at < bytes.size()) {
    if (kind == SetKind::Bits) {
      uint64_t v;
      if (bytes.size() - at < sizeof v)
        break;
      std::memcpy(&v, bytes.data() + at, sizeof v);
      at += sizeof v;
      set->insert(weir_hash_u64(v, 0), v, {});
    } else {
      uint32_t n;
      if (bytes.size() - at < sizeof n)
        break;
      std::memcpy(&n, bytes.data() + at, sizeof n);
      at += sizeof n;
      if (bytes.size() - at < n)
        break;
      std::string_view s = bytes.substr(at, n);
      at += n;
      set->insert(weir_hash_bytes(s.data(), s.size(), 0), 0, s);
    }
  }
  if (at != bytes.size()) {
    delete set;
    return false;
  }
  *out = set;
  return true;
}

} // namespace weir::rt
