// The hand-written baseline for Weir's `per_user` pipeline:
//
//   txns | key by user_id
//        | aggregate n = count(), total = sum(amount), biggest = max(amount),
//                    first_seen = min(ts), merchants = count_distinct(merchant)
//
// written the way a careful engineer would: the file is read in large chunks
// (bounded memory), JSON goes through simdjson On Demand's document stream,
// CSV through a tight scanner, and the hot loop allocates nothing per row
// (merchants are interned once; distinct (user, merchant) pairs live in one
// flat hash set). Output is what Weir writes: JSON lines, keys in first-seen
// order, timestamps ISO-8601 UTC with milliseconds, floats shortest
// round-trip.
//
// Usage: per_user_handwritten --format json|csv [--threads N] INPUT OUTPUT
// With N > 1 the file is split at line boundaries into N parts, each part is
// aggregated by its own thread, and the partials are merged in part order,
// which keeps first-seen order.
#include "LineChunks.h"
#include "common/TimeFormat.h"

#include <simdjson.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void die(const std::string &msg) {
  std::fprintf(stderr, "per_user_handwritten: %s\n", msg.c_str());
  std::exit(1);
}

// ------------------------------------------------------------ timestamps

// Timestamps are read and printed by Weir's own text forms (common/TimeFormat.h),
// as the streaming twins do: the baseline measures the pipeline, not a second
// calendar implementation, and its output is byte-comparable with Weir's.
bool parseTimestamp(std::string_view s, int64_t &ms) {
  return weir::rt::parseTimestamp(s.data(), s.size(), ms);
}

char *formatTimestamp(int64_t ms, char *out) { return out + weir::rt::formatTimestamp(ms, out); }

// ------------------------------------------------------------ hash tables

inline uint64_t mix64(uint64_t x) { // a strong finalizer (from murmur3 / splitmix)
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

inline uint64_t hashBytes(std::string_view s) { // FNV-1a, then mixed; merchant names are short
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s)
    h = (h ^ c) * 0x100000001b3ULL;
  return mix64(h);
}

// Open addressing, linear probing, keys only: the distinct (user, merchant)
// pairs. It is the biggest structure of the program, so it holds 8 bytes per
// slot and fills up to 70% before growing, to stay in the last-level cache
// as long as possible. Key 0 is the empty marker.
class FlatSet64 {
public:
  FlatSet64() { rehash(1 << 12); }
  // True when `key` was not in the set yet.
  bool insert(uint64_t key) {
    if ((count_ + 1) * 10 > keys_.size() * 7)
      rehash(keys_.size() * 2);
    size_t i = mix64(key) & mask_;
    while (true) {
      if (keys_[i] == key)
        return false;
      if (keys_[i] == 0) {
        keys_[i] = key;
        ++count_;
        return true;
      }
      i = (i + 1) & mask_;
    }
  }
  template <class F> void forEachKey(F f) const {
    for (uint64_t k : keys_)
      if (k)
        f(k);
  }

private:
  void rehash(size_t slots) {
    std::vector<uint64_t> old = std::move(keys_);
    keys_.assign(slots, 0);
    mask_ = slots - 1;
    count_ = 0;
    for (uint64_t k : old)
      if (k)
        insert(k);
  }
  std::vector<uint64_t> keys_;
  size_t mask_ = 0, count_ = 0;
};

// Merchant names -> dense ids. New names are copied once into `names`.
class Interner {
public:
  Interner() : slots_(1 << 10, kEmpty), mask_(slots_.size() - 1) {}
  uint32_t intern(std::string_view s) {
    uint64_t h = hashBytes(s);
    size_t i = h & mask_;
    while (true) {
      uint32_t id = slots_[i];
      if (id == kEmpty)
        break;
      if (hashes_[id] == h && names_[id] == s)
        return id;
      i = (i + 1) & mask_;
    }
    uint32_t id = uint32_t(names_.size());
    names_.emplace_back(s);
    hashes_.push_back(h);
    slots_[i] = id;
    if (names_.size() * 2 > slots_.size())
      grow();
    return id;
  }
  const std::string &name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

private:
  static constexpr uint32_t kEmpty = ~0u;
  void grow() {
    slots_.assign(slots_.size() * 2, kEmpty);
    mask_ = slots_.size() - 1;
    for (uint32_t id = 0; id < names_.size(); ++id) {
      size_t i = hashes_[id] & mask_;
      while (slots_[i] != kEmpty)
        i = (i + 1) & mask_;
      slots_[i] = id;
    }
  }
  std::vector<uint32_t> slots_;
  size_t mask_;
  std::vector<std::string> names_;
  std::vector<uint64_t> hashes_;
};

// ------------------------------------------------------------ aggregation

// One user's aggregate.
struct UserAgg {
  int64_t user_id;
  uint32_t ordinal;  // 1-based first-seen position
  int64_t n;
  double total;
  double biggest;
  int64_t first_seen;
  int64_t merchants; // distinct count, maintained through PerUser::pairs
};

// user_id -> UserAgg. Open addressing with linear probing over 16-byte slots
// (key and 1-based position) pointing into a dense vector of aggregates in
// first-seen order: the slots stay small and cache-friendly, the aggregates
// come out in the right order for free. (Aggregates inline in the slots were
// measured slower here: 64-byte slots crowd the pair set out of the cache.)
class UserTable {
public:
  UserTable() { rehash(1 << 12); }
  // The user's aggregate; a new one has n == 0.
  UserAgg &find(int64_t userId) {
    if ((aggs_.size() + 1) * 2 > slots_.size())
      rehash(slots_.size() * 2);
    size_t i = mix64(uint64_t(userId)) & mask_;
    while (true) {
      Slot &s = slots_[i];
      if (s.position != 0 && s.user_id == userId)
        return aggs_[s.position - 1];
      if (s.position == 0) {
        aggs_.push_back(UserAgg{});
        aggs_.back().user_id = userId;
        aggs_.back().ordinal = uint32_t(aggs_.size());
        s.user_id = userId;
        s.position = uint32_t(aggs_.size());
        return aggs_.back();
      }
      i = (i + 1) & mask_;
    }
  }
  size_t size() const { return aggs_.size(); }
  // Users in first-seen order.
  template <class F> void forEachInOrder(F f) {
    for (UserAgg &a : aggs_)
      f(a);
  }

private:
  struct Slot {
    int64_t user_id;
    uint32_t position; // 1 + index into aggs_; 0 marks an empty slot
  };
  void rehash(size_t slots) {
    slots_.assign(slots, Slot{0, 0});
    mask_ = slots - 1;
    for (const UserAgg &a : aggs_) {
      size_t i = mix64(uint64_t(a.user_id)) & mask_;
      while (slots_[i].position != 0)
        i = (i + 1) & mask_;
      slots_[i] = Slot{a.user_id, a.ordinal};
    }
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<UserAgg> aggs_;
};

struct PerUser {
  UserTable users;
  Interner merchants;
  FlatSet64 pairs; // ordinal << 32 | merchant id: the distinct (user, merchant) pairs
  uint64_t rows = 0;

  void add(int64_t userId, std::string_view merchant, double amount, int64_t ts) {
    UserAgg &a = users.find(userId);
    if (a.n == 0) {
      a.biggest = amount;
      a.first_seen = ts;
    }
    ++a.n;
    a.total += amount;
    a.biggest = std::max(a.biggest, amount);
    a.first_seen = std::min(a.first_seen, ts);
    uint64_t pair = uint64_t(a.ordinal) << 32 | merchants.intern(merchant);
    if (pairs.insert(pair))
      ++a.merchants;
    ++rows;
  }

  // Folds `other` (a later part of the input) into this one: existing keys
  // keep their position, new keys are appended in other's order.
  void merge(PerUser &other) {
    std::vector<uint32_t> merchantMap(other.merchants.size());
    for (uint32_t id = 0; id < other.merchants.size(); ++id)
      merchantMap[id] = merchants.intern(other.merchants.name(id));
    std::vector<int64_t> userByOrdinal(other.users.size() + 1);
    other.users.forEachInOrder([&](UserAgg &o) {
      userByOrdinal[o.ordinal] = o.user_id;
      UserAgg &a = users.find(o.user_id);
      if (a.n == 0) {
        a.biggest = o.biggest;
        a.first_seen = o.first_seen;
      }
      a.n += o.n;
      a.total += o.total;
      a.biggest = std::max(a.biggest, o.biggest);
      a.first_seen = std::min(a.first_seen, o.first_seen);
    });
    other.pairs.forEachKey([&](uint64_t otherPair) {
      UserAgg &a = users.find(userByOrdinal[otherPair >> 32]);
      uint64_t pair = uint64_t(a.ordinal) << 32 | merchantMap[uint32_t(otherPair)];
      if (pairs.insert(pair))
        ++a.merchants;
    });
    rows += other.rows;
  }
};

// ------------------------------------------------------------ input

using weir_bench::LineChunks;

// Split points: part k covers the lines that start in [bounds[k], bounds[k+1]).
std::vector<uint64_t> splitAtLines(int fd, uint64_t begin, uint64_t size, unsigned parts) {
  std::vector<uint64_t> bounds{begin};
  char window[4096];
  for (unsigned k = 1; k < parts; ++k) {
    uint64_t at = std::max(bounds.back(), begin + (size - begin) * k / parts);
    while (at < size) {
      ssize_t got = ::pread(fd, window, sizeof window, off_t(at));
      if (got <= 0)
        break;
      const void *nl = std::memchr(window, '\n', size_t(got));
      if (nl) {
        at += uint64_t(static_cast<const char *>(nl) - window) + 1;
        break;
      }
      at += uint64_t(got);
    }
    bounds.push_back(std::min(at, size));
  }
  bounds.push_back(size);
  return bounds;
}

constexpr int kMaxColumns = 64;

struct Columns { // CSV: positions of the used columns, from the header
  int user_id = -1, merchant = -1, amount = -1, ts = -1, count = 0;
};

// One CSV field (RFC 4180) starting at p; the line ends at `end`. Quoted
// fields may not span lines (the input is split at newlines first; neither
// the generator nor Weir's examples write such fields). A quoted field is
// unescaped into `scratch`, which is reused row after row, so it allocates
// only until it has grown. Returns the start of the next field, or end + 1
// after the last one.
const char *csvField(const char *p, const char *end, std::string_view &field,
                     std::string &scratch) {
  if (p < end && *p == '"') {
    scratch.clear();
    ++p;
    while (true) {
      const char *q = static_cast<const char *>(std::memchr(p, '"', size_t(end - p)));
      if (!q)
        die("unterminated quoted CSV field");
      scratch.append(p, q);
      p = q + 1;
      if (p < end && *p == '"') { // "" is an escaped quote
        scratch.push_back('"');
        ++p;
        continue;
      }
      break;
    }
    field = scratch;
    if (p == end)
      return end + 1;
    if (*p != ',')
      die("text after a closing quote in a CSV field");
    return p + 1;
  }
  const char *q = static_cast<const char *>(std::memchr(p, ',', size_t(end - p)));
  if (!q)
    q = end;
  field = std::string_view(p, size_t(q - p));
  return q < end ? q + 1 : end + 1; // end + 1: no more fields
}

Columns parseHeader(std::string_view line) {
  Columns c;
  std::string scratch;
  const char *p = line.data(), *end = line.data() + line.size();
  for (int i = 0; p <= end; ++i) {
    if (i == kMaxColumns)
      die("CSV header with more than " + std::to_string(kMaxColumns) + " columns");
    std::string_view f;
    p = csvField(p, end, f, scratch);
    if (f == "user_id") c.user_id = i;
    else if (f == "merchant") c.merchant = i;
    else if (f == "amount") c.amount = i;
    else if (f == "ts") c.ts = i;
    c.count = i + 1;
  }
  if (c.user_id < 0 || c.merchant < 0 || c.amount < 0 || c.ts < 0)
    die("CSV header lacks one of user_id, merchant, amount, ts");
  return c;
}

// Unescaped quoted fields, one buffer per column so that every field of a row
// stays valid until the row is aggregated.
using CsvScratch = std::string[kMaxColumns + 1]; // + 1: room to notice an extra field

void aggregateCsvChunk(const char *data, size_t len, const Columns &cols, PerUser &out,
                       CsvScratch &scratch) {
  const char *p = data, *stop = data + len;
  std::string_view fields[kMaxColumns + 1];
  while (p < stop) {
    const char *nl = static_cast<const char *>(std::memchr(p, '\n', size_t(stop - p)));
    const char *end = nl ? nl : stop;
    const char *next = nl ? nl + 1 : stop;
    if (end > p && end[-1] == '\r')
      --end;
    if (end == p) { // blank line
      p = next;
      continue;
    }
    int n = 0;
    for (const char *f = p; f <= end && n < cols.count + 1; ++n)
      f = csvField(f, end, fields[n], scratch[n]);
    if (n != cols.count)
      die("CSV line with " + std::to_string(n) + " fields, expected " + std::to_string(cols.count));
    int64_t userId, ts;
    double amount;
    std::string_view u = fields[cols.user_id], a = fields[cols.amount];
    if (std::from_chars(u.data(), u.data() + u.size(), userId).ptr != u.data() + u.size() || u.empty())
      die("bad user_id: " + std::string(u));
    if (std::from_chars(a.data(), a.data() + a.size(), amount).ptr != a.data() + a.size() || a.empty())
      die("bad amount: " + std::string(a));
    if (!parseTimestamp(fields[cols.ts], ts))
      die("bad ts: " + std::string(fields[cols.ts]));
    out.add(userId, fields[cols.merchant], amount, ts);
    p = next;
  }
}

void aggregateJsonChunk(simdjson::ondemand::parser &parser, const char *data, size_t len,
                        PerUser &out) {
  using namespace simdjson;
  // Batches of 4 MiB: far larger than a record, small enough to stay in cache.
  ondemand::document_stream stream;
  if (auto err = parser.iterate_many(data, len, 4 << 20).get(stream))
    die(std::string("JSON: ") + error_message(err));
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    ondemand::document_reference doc;
    int64_t userId;
    std::string_view merchant, tsText;
    double amount;
    int64_t ts;
    error_code err = (*it).get(doc);
    ondemand::object obj;
    if (!err) err = doc.get_object().get(obj);
    if (!err) err = obj["user_id"].get_int64().get(userId);
    if (!err) err = obj["merchant"].get_string().get(merchant);
    if (!err) err = obj["amount"].get_double().get(amount);
    if (!err) err = obj["ts"].get_string().get(tsText);
    if (err)
      die(std::string("bad JSON record at byte ") + std::to_string(it.current_index()) + " of a chunk: " +
          error_message(err));
    if (!parseTimestamp(tsText, ts))
      die("bad ts: " + std::string(tsText));
    out.add(userId, merchant, amount, ts);
  }
  if (stream.truncated_bytes() != 0)
    die("truncated JSON record at the end of the input");
}

// Aggregates the lines in [begin, end) of the file.
void aggregatePart(const std::string &path, bool json, uint64_t begin, uint64_t end,
                   const Columns &cols, PerUser &out) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0)
    die(path + ": " + std::strerror(errno));
  LineChunks chunks(fd, begin, end);
  simdjson::ondemand::parser parser;
  CsvScratch scratch;
  const char *data;
  size_t len;
  while (chunks.next(data, len)) {
    if (json)
      aggregateJsonChunk(parser, data, len, out);
    else
      aggregateCsvChunk(data, len, cols, out, scratch);
  }
  ::close(fd);
}

// ------------------------------------------------------------ output

void writeOutput(PerUser &agg, const std::string &path) {
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f)
    die(path + ": " + std::strerror(errno));
  std::string buf;
  buf.reserve(1 << 20);
  char tmp[64];
  auto num = [&](auto v) {
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v); // doubles: shortest round-trip
    buf.append(tmp, r.ptr);
  };
  agg.users.forEachInOrder([&](const UserAgg &a) {
    buf += "{\"user_id\":";
    num(a.user_id);
    buf += ",\"n\":";
    num(a.n);
    buf += ",\"total\":";
    num(a.total);
    buf += ",\"biggest\":";
    num(a.biggest);
    buf += ",\"first_seen\":\"";
    buf.append(tmp, formatTimestamp(a.first_seen, tmp));
    buf += "\",\"merchants\":";
    num(a.merchants);
    buf += "}\n";
    if (buf.size() > (1 << 20) - 256) {
      std::fwrite(buf.data(), 1, buf.size(), f);
      buf.clear();
    }
  });
  std::fwrite(buf.data(), 1, buf.size(), f);
  if (std::fclose(f) != 0)
    die(path + ": write failed");
}

} // namespace

int main(int argc, char **argv) {
  std::string format, input, output;
  unsigned threads = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--format" && i + 1 < argc) format = argv[++i];
    else if (a == "--threads" && i + 1 < argc) threads = unsigned(std::max(1, std::atoi(argv[++i])));
    else if (input.empty()) input = argv[i];
    else if (output.empty()) output = argv[i];
    else die("unexpected argument " + std::string(a));
  }
  if ((format != "json" && format != "csv") || input.empty() || output.empty())
    die("usage: per_user_handwritten --format json|csv [--threads N] INPUT OUTPUT");
  const bool json = format == "json";

  int fd = ::open(input.c_str(), O_RDONLY);
  if (fd < 0)
    die(input + ": " + std::strerror(errno));
  const uint64_t size = uint64_t(::lseek(fd, 0, SEEK_END));
  uint64_t begin = 0;
  Columns cols;
  if (!json) { // the header line
    std::string head(std::min<uint64_t>(size, 65536), '\0');
    ssize_t got = ::pread(fd, head.data(), head.size(), 0);
    size_t nl = head.find('\n');
    if (got <= 0 || nl == std::string::npos)
      die("CSV input without a header line");
    std::string_view line(head.data(), nl);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    cols = parseHeader(line);
    begin = nl + 1;
  }
  std::vector<uint64_t> bounds = splitAtLines(fd, begin, size, threads);
  ::close(fd);

  std::vector<PerUser> parts(threads);
  std::vector<std::thread> workers;
  for (unsigned k = 0; k < threads; ++k)
    workers.emplace_back([&, k] {
      aggregatePart(input, json, bounds[k], bounds[k + 1], cols, parts[k]);
    });
  for (auto &w : workers)
    w.join();
  for (unsigned k = 1; k < threads; ++k)
    parts[0].merge(parts[k]);
  writeOutput(parts[0], output);
  return 0;
}
