// Entry bytes (all integers little-endian, as the machine stores them; a
// checkpoint is read back on the machine kind that wrote it):
//   u8 format (1), u32 entry_size,
//   the entry (header.next and header.pad_ zeroed, out-of-line pointers zeroed),
//   per string key slot:  u8 present [, varint length, bytes]
//   per owned slot:       varint length, bytes (the slot kind's encoding)
//   per distinct aggregate (desc->ndistinct): varint count, then per value
//                         u8 is-string, string: varint length + bytes, else 8 bytes
#include "runtime/src/StateSerializer.h"

#include "runtime/src/HashTable.h"
#include "runtime/src/sketches/Sketches.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace weir::rt {

namespace {

constexpr uint8_t kFormat = 1;

void putVarint(std::string &out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

template <class T> void putRaw(std::string &out, T v) {
  out.append(reinterpret_cast<const char *>(&v), sizeof v);
}

void putBlob(std::string &out, std::string_view b) {
  putVarint(out, b.size());
  out.append(b);
}

class Reader {
public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool varint(uint64_t &v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ >= b_.size())
        return false;
      uint8_t c = static_cast<uint8_t>(b_[at_++]);
      v |= static_cast<uint64_t>(c & 0x7f) << shift;
      if (!(c & 0x80))
        return true;
    }
    return false;
  }
  template <class T> bool raw(T &v) {
    if (b_.size() - at_ < sizeof v)
      return false;
    std::memcpy(&v, b_.data() + at_, sizeof v);
    at_ += sizeof v;
    return true;
  }
  bool bytes(size_t n, std::string_view &out) {
    if (b_.size() - at_ < n)
      return false;
    out = b_.substr(at_, n);
    at_ += n;
    return true;
  }
  bool blob(std::string_view &out) {
    uint64_t n;
    return varint(n) && bytes(n, out);
  }
  bool done() const { return at_ == b_.size(); }

private:
  std::string_view b_;
  size_t at_ = 0;
};

WeirStr &strAt(char *entry, uint32_t offset) { return *reinterpret_cast<WeirStr *>(entry + offset); }
void *&ptrAt(char *entry, uint32_t offset) { return *reinterpret_cast<void **>(entry + offset); }

bool isKeyString(const WeirSlotDesc &s) { return s.type == WEIR_STRING; }

// Out-of-line slots zeroed in the stored copy of the struct.
// `copy` may sit at any byte offset (inside a string): bytes only, no typed
// access.
void clearPointers(const WeirStateDesc &d, char *copy) {
  for (uint32_t k = 0; k < d.nkeys; ++k)
    if (isKeyString(d.keys[k]))
      std::memset(copy + d.keys[k].offset, 0, sizeof(WeirStr));
  for (uint32_t i = 0; i < d.nowned; ++i) {
    const WeirSlotDesc &s = d.owned[i];
    if (s.kind == WEIR_SLOT_OWNED_STR || (s.kind == WEIR_SLOT_VALUE && s.type == WEIR_STRING))
      std::memset(copy + s.offset, 0, sizeof(WeirStr));
    else if (s.kind != WEIR_SLOT_VALUE)
      std::memset(copy + s.offset, 0, sizeof(void *));
  }
}

const char *slotKindName(uint8_t kind) {
  switch (kind) {
  case WEIR_SLOT_OWNED_STR: return "owned string";
  case WEIR_SLOT_HLL: return "approx_count_distinct sketch";
  case WEIR_SLOT_QUANTILES: return "approx_percentile sketch";
  case WEIR_SLOT_DISTINCT_SET: return "count_distinct set";
  case WEIR_SLOT_EVENT_BUFFER: return "rolling window buffer";
  case WEIR_SLOT_SLICE_OVERFLOW: return "window slices out of line";
  }
  return "value";
}

bool encodeOwned(const WeirSlotDesc &s, char *entry, std::string &out) {
  std::string bytes;
  switch (s.kind) {
  case WEIR_SLOT_VALUE:
    if (s.type != WEIR_STRING)
      return true; // nothing out of line
    [[fallthrough]];
  case WEIR_SLOT_OWNED_STR: {
    const WeirStr &str = strAt(entry, s.offset);
    if (str.ptr) {
      bytes.push_back(1);
      bytes.append(str.ptr, static_cast<size_t>(std::max<int64_t>(str.len, 0)));
    }
    break;
  }
  case WEIR_SLOT_HLL: bytes = weir_sketch_serialize_hll(ptrAt(entry, s.offset)); break;
  case WEIR_SLOT_QUANTILES: bytes = weir_sketch_serialize_quantiles(ptrAt(entry, s.offset)); break;
  case WEIR_SLOT_DISTINCT_SET: bytes = serializeDistinctSet(ptrAt(entry, s.offset)); break;
  case WEIR_SLOT_EVENT_BUFFER:
    if (!serializeEventBuffer(ptrAt(entry, s.offset), bytes))
      return false;
    break;
  case WEIR_SLOT_SLICE_OVERFLOW: serializeSliceOverflow(ptrAt(entry, s.offset), bytes); break;
  default: return false;
  }
  putBlob(out, bytes);
  return true;
}

bool decodeOwned(WeirHashTable *ht, const WeirSlotDesc &s, char *entry, std::string_view b) {
  switch (s.kind) {
  case WEIR_SLOT_VALUE:
    if (s.type != WEIR_STRING)
      return true;
    if (!b.empty()) // a value string lives in the table's arena
      strAt(entry, s.offset) = {weir_ht_copy_str(ht, b.data() + 1, int64_t(b.size() - 1)),
                                int64_t(b.size() - 1)};
    return true;
  case WEIR_SLOT_OWNED_STR:
    if (!b.empty())
      weir_owned_str_assign(&strAt(entry, s.offset), b.data() + 1, int64_t(b.size() - 1));
    return true;
  case WEIR_SLOT_HLL: return weir_sketch_deserialize_hll(b, &ptrAt(entry, s.offset));
  case WEIR_SLOT_QUANTILES: return weir_sketch_deserialize_quantiles(b, &ptrAt(entry, s.offset));
  case WEIR_SLOT_DISTINCT_SET: return deserializeDistinctSet(b, &ptrAt(entry, s.offset));
  case WEIR_SLOT_EVENT_BUFFER: return deserializeEventBuffer(b, &ptrAt(entry, s.offset));
  case WEIR_SLOT_SLICE_OVERFLOW: return deserializeSliceOverflow(b, &ptrAt(entry, s.offset));
  }
  return false;
}

} // namespace

DistinctValuesOf::DistinctValuesOf(const WeirHashTable *ht, const std::vector<bool> &wanted) {
  uint32_t n = ht->desc ? ht->desc->ndistinct : 0;
  for (uint32_t agg = 0; agg < n; ++agg)
    forEachDistinctPair(ht, agg, [&](uint64_t entry, const DistinctValue &v) {
      if (entry < wanted.size() && wanted[entry])
        items_.push_back({entry, agg, v});
    });
  std::sort(items_.begin(), items_.end(), [](const Item &a, const Item &b) {
    return a.entry != b.entry ? a.entry < b.entry : a.agg < b.agg;
  });
}

std::pair<const DistinctValuesOf::Item *, const DistinctValuesOf::Item *>
DistinctValuesOf::of(uint64_t entry) const {
  auto lo = std::lower_bound(items_.begin(), items_.end(), entry,
                             [](const Item &i, uint64_t e) { return i.entry < e; });
  auto hi = lo;
  while (hi != items_.end() && hi->entry == entry)
    ++hi;
  return {items_.data() + (lo - items_.begin()), items_.data() + (hi - items_.begin())};
}

Status encodeEntry(const WeirHashTable *ht, uint64_t index, const DistinctValuesOf *distinct,
                   std::string &out) {
  const WeirStateDesc &d = *ht->desc;
  char *entry = entryAt(ht, index);
  out.push_back(static_cast<char>(kFormat));
  putRaw<uint32_t>(out, ht->entry_size);
  size_t structAt = out.size();
  out.append(entry, ht->entry_size);
  char *copy = out.data() + structAt;
  // The copy sits at any byte offset of the string: no typed access to it.
  const uint32_t zero = 0;
  std::memcpy(copy + offsetof(WeirEntryHeader, next), &zero, sizeof zero);
  std::memcpy(copy + offsetof(WeirEntryHeader, pad_), &zero, sizeof zero);
  clearPointers(d, copy);
  for (uint32_t k = 0; k < d.nkeys; ++k) {
    if (!isKeyString(d.keys[k]))
      continue;
    const WeirStr &s = strAt(entry, d.keys[k].offset);
    out.push_back(s.ptr ? 1 : 0);
    if (s.ptr)
      putBlob(out, std::string_view(s.ptr, static_cast<size_t>(std::max<int64_t>(s.len, 0))));
  }
  for (uint32_t i = 0; i < d.nowned; ++i)
    if (!encodeOwned(d.owned[i], entry, out))
      return Status::io(std::string(d.name) + ": cannot save a " + slotKindName(d.owned[i].kind) +
                        " slot in a checkpoint yet");
  if (d.ndistinct > 0) {
    auto [lo, hi] = distinct ? distinct->of(index) : std::pair<const DistinctValuesOf::Item *,
                                                               const DistinctValuesOf::Item *>{};
    for (uint32_t agg = 0; agg < d.ndistinct; ++agg) {
      const DistinctValuesOf::Item *end = lo;
      while (end != hi && end->agg == agg)
        ++end;
      putVarint(out, static_cast<uint64_t>(end - lo));
      for (; lo != end; ++lo) {
        out.push_back(lo->value.isStr ? 1 : 0);
        if (lo->value.isStr)
          putBlob(out, lo->value.str);
        else
          putRaw<uint64_t>(out, lo->value.bits);
      }
    }
  }
  return {};
}

Status decodeEntry(WeirHashTable *ht, uint64_t hash, std::string_view bytes) {
  const WeirStateDesc &d = *ht->desc;
  auto fail = [&](const char *what) {
    return Status::io(std::string(d.name) + ": a stored entry is malformed (" + what + ")");
  };
  Reader r(bytes);
  uint8_t format;
  uint32_t size;
  std::string_view image;
  if (!r.raw(format) || format != kFormat)
    return fail("unknown format");
  if (!r.raw(size) || size != ht->entry_size || !r.bytes(size, image))
    return fail("entry size");
  // The key is absent, so the probe ends at an empty slot.
  uint64_t slot = hash & ht->mask;
  while (ht->slots[slot] != 0)
    slot = (slot + 1) & ht->mask;
  char *entry = weir_ht_insert(ht, hash, slot);
  uint64_t index = ht->count - 1;
  std::memcpy(entry, image.data(), size);
  auto *h = reinterpret_cast<WeirEntryHeader *>(entry);
  h->hash = hash;
  h->next = 0;
  h->pad_ = 0;
  for (uint32_t k = 0; k < d.nkeys; ++k) {
    if (!isKeyString(d.keys[k]))
      continue;
    uint8_t present;
    std::string_view s;
    if (!r.raw(present) || (present && !r.blob(s)))
      return fail("key string");
    if (present && d.keys[k].kind == WEIR_SLOT_OWNED_STR) // windowed states free their keys
      weir_owned_str_assign(&strAt(entry, d.keys[k].offset), s.data(), int64_t(s.size()));
    else if (present)
      strAt(entry, d.keys[k].offset) = {weir_ht_copy_str(ht, s.data(), int64_t(s.size())),
                                        int64_t(s.size())};
  }
  for (uint32_t i = 0; i < d.nowned; ++i) {
    const WeirSlotDesc &s = d.owned[i];
    if (s.kind == WEIR_SLOT_VALUE && s.type != WEIR_STRING)
      continue;
    std::string_view b;
    if (!r.blob(b) || !decodeOwned(ht, s, entry, b))
      return fail(slotKindName(s.kind));
  }
  for (uint32_t agg = 0; agg < d.ndistinct; ++agg) {
    uint64_t n;
    if (!r.varint(n))
      return fail("count_distinct values");
    for (uint64_t k = 0; k < n; ++k) {
      uint8_t isStr;
      if (!r.raw(isStr))
        return fail("count_distinct value");
      if (isStr) {
        std::string_view s;
        if (!r.blob(s))
          return fail("count_distinct value");
        weir_distinct_pair_add_str(ht, agg, index, s.data(), int64_t(s.size()));
      } else {
        uint64_t bits;
        if (!r.raw(bits))
          return fail("count_distinct value");
        // The stored bits are already canonical (doubles included).
        weir_distinct_pair_add_i64(ht, agg, index, static_cast<int64_t>(bits));
      }
    }
  }
  if (!r.done())
    return fail("trailing bytes");
  return {};
}

} // namespace weir::rt
