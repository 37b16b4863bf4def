// Deterministic generator of benchmark data for Weir's examples:
//   <prefix>.jsonl / <prefix>.csv  rows of `schema Txn { txn_id: string, user_id: int64,
//                                  merchant: string, amount: float64, ts: timestamp }`
//   merchants.csv                  `schema Merchant { name, category, risk }` for the join
//
// The same seed gives byte-identical files on every machine: all randomness
// comes from one splitmix64 stream and all formatting from std::to_chars.
//
// Shape of the data (what a payments feed looks like, roughly):
//   * users: --users ids (default 100k), drawn Zipf(--user-skew) so a few users
//     are heavy; ids are a scrambled permutation so first-seen order is not
//     sorted order.
//   * merchants: --merchants names (default 1,000), Zipf(--merchant-skew);
//     1% of transactions have an empty merchant; merchants.csv lists all but
//     every 50th name, so inner and left joins differ.
//   * amounts: log-normal around 20 with 2 decimals; 2% refunds (negative) and
//     1% zero.
//   * ts: ISO-8601 UTC with milliseconds over 2024, roughly increasing with
//     the row number, with +-30 min jitter (like a real feed's disorder).
//     --rate R instead spaces rows 1/R s apart from 2024-01-01 (a card feed
//     at R transactions per second of event time), and --jitter-ms J sets the
//     disorder (+-J ms): with J under half a pipeline's watermark no row is
//     late. --late F then moves a fraction F of the rows 10 to 60 s into the
//     past, so that a `watermark 5s` source finds them late. The defaults
//     keep the original data byte for byte.
//   * --bad K inserts K malformed lines (extra lines: the good rows are the
//     same as without --bad) and lists their 1-based line numbers and kinds
//     in <prefix>.bad.txt, for the error-policy tests.
#include "common/TimeFormat.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

// splitmix64: tiny, fast, and good enough for benchmark data.
class Rng {
public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return (next() >> 11) * 0x1.0p-53; } // [0, 1)
  uint64_t below(uint64_t n) { return next() % n; }
  double normal() { // Box-Muller; one value per call keeps the stream simple
    double u1 = uniform(), u2 = uniform();
    if (u1 < 1e-300)
      u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

private:
  uint64_t state_;
};

// Draws ranks 0..n-1 with P(k) proportional to 1/(k+1)^s, by binary search in
// the cumulative distribution (n is small enough to tabulate).
class Zipf {
public:
  Zipf(size_t n, double s) : cdf_(n) {
    double total = 0;
    for (size_t k = 0; k < n; ++k)
      cdf_[k] = (total += 1.0 / std::pow(double(k + 1), s));
    for (double &c : cdf_)
      c /= total;
  }
  size_t draw(Rng &rng) const {
    auto it = std::upper_bound(cdf_.begin(), cdf_.end(), rng.uniform());
    return std::min<size_t>(it - cdf_.begin(), cdf_.size() - 1);
  }

private:
  std::vector<double> cdf_;
};

constexpr const char *kAdjectives[] = {
    "Blue",   "Golden", "Silver", "Green", "Red",    "Urban", "Royal",  "Happy",
    "Quick",  "Bright", "Little", "Grand", "Sunny",  "Rapid", "Modern", "Classic",
    "Prime",  "Fresh",  "Lucky",  "North", "South",  "East",  "West",   "Central",
    "Smart",  "Silent", "Wild",   "Noble", "Cosmic", "Iron",  "Crystal", "Maple"};
constexpr const char *kNouns[] = {
    "Harbor", "Oak",    "River",   "Falcon", "Lantern", "Bridge", "Summit", "Anchor",
    "Garden", "Meadow", "Canyon",  "Pine",   "Stone",   "Comet",  "Willow", "Harvest",
    "Beacon", "Orchard", "Valley", "Tiger",  "Fox",     "Raven",  "Cedar",  "Atlas"};
constexpr const char *kKinds[] = {"Coffee",  "Market", "Books",    "Grocery", "Pharmacy",
                                  "Diner",   "Fuel",   "Hardware", "Bakery",  "Cinema",
                                  "Fitness", "Travel", "Apparel",  "Electronics", "Pets",
                                  "Florist"};
constexpr const char *kCategories[] = {
    "food", "grocery", "fuel", "retail", "health", "travel", "entertainment",
    "electronics", "services", "pets", "books", "home"};

// Unique, deterministic merchant names. With `tricky`, a few names carry a
// comma, a double quote, a backslash or non-ASCII text, to exercise CSV
// quoting and JSON escaping in tests (off for the benchmark).
std::vector<std::string> makeMerchantNames(size_t n, bool tricky) {
  std::vector<std::string> names;
  names.reserve(n);
  constexpr size_t na = std::size(kAdjectives), nn = std::size(kNouns), nk = std::size(kKinds);
  for (size_t i = 0; i < n; ++i) {
    // 7919 is prime to 32 * 24 * 16, so this walks every adjective x noun x
    // kind once before numbered repeats start.
    size_t combo = (i * 7919) % (na * nn * nk);
    std::string name = std::string(kAdjectives[combo % na]) + " " +
                       kNouns[(combo / na) % nn] + " " + kKinds[combo / (na * nn)];
    if (i >= na * nn * nk)
      name += " #" + std::to_string(i / (na * nn * nk) + 1);
    names.push_back(std::move(name));
  }
  if (tricky && n >= 8) {
    names[3] = "Smith, Jones & Co";
    names[5] = "The \"Best\" Deli";
    names[6] = "Caf\xC3\xA9 M\xC3\xBCller";  // Café Müller, UTF-8
    names[7] = "Back\\slash Books";
  }
  return names;
}

// A growable output buffer flushed to a FILE* in large writes.
class Out {
public:
  explicit Out(const std::string &path) : path_(path), file_(std::fopen(path.c_str(), "wb")) {
    if (!file_) {
      std::perror(path.c_str());
      std::exit(1);
    }
    buf_.reserve(kFlushAt + 4096);
  }
  ~Out() {
    flush();
    if (std::fclose(file_) != 0) {
      std::perror(path_.c_str());
      std::exit(1);
    }
  }
  void put(std::string_view s) {
    buf_.append(s);
    if (buf_.size() >= kFlushAt)
      flush();
  }
  void put(char c) { buf_.push_back(c); }
  void putInt(int64_t v) {
    char tmp[24];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    buf_.append(tmp, r.ptr);
  }
  // Cents as a decimal with exactly two digits after the point: -1234 -> "-12.34".
  void putCents(int64_t cents) {
    if (cents < 0) {
      buf_.push_back('-');
      cents = -cents;
    }
    putInt(cents / 100);
    buf_.push_back('.');
    buf_.push_back(char('0' + (cents % 100) / 10));
    buf_.push_back(char('0' + cents % 10));
  }
  void putFixed(double v, int digits) {
    char tmp[48];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v, std::chars_format::fixed, digits);
    buf_.append(tmp, r.ptr);
  }

private:
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) {
      std::perror(path_.c_str());
      std::exit(1);
    }
    buf_.clear();
  }
  static constexpr size_t kFlushAt = 1 << 20;
  std::string path_;
  FILE *file_;
  std::string buf_;
};

// "2024-01-01T00:00:00.000Z", by Weir's own formatter (common/TimeFormat.h).
std::string_view formatTimestamp(int64_t ms, char (&buf)[weir::rt::kMaxTimestampChars]) {
  return {buf, weir::rt::formatTimestamp(ms, buf)};
}

std::string_view formatTxnId(uint64_t bits, char (&buf)[24]) {
  static constexpr char kHex[] = "0123456789abcdef";
  buf[0] = 't';
  buf[1] = 'x';
  for (int i = 0; i < 16; ++i)
    buf[2 + i] = kHex[(bits >> (60 - 4 * i)) & 15];
  return {buf, 18};
}

void putJsonString(Out &out, std::string_view s) {
  out.put('"');
  for (char c : s) {
    if (c == '"' || c == '\\')
      out.put('\\');
    out.put(c);
  }
  out.put('"');
}

void putCsvField(Out &out, std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) {
    out.put(s);
    return;
  }
  out.put('"');
  for (char c : s) {
    if (c == '"')
      out.put('"');
    out.put(c);
  }
  out.put('"');
}

struct Txn {
  uint64_t txn_bits;
  int64_t user_id;
  std::string_view merchant;
  int64_t cents;
  int64_t ts_ms;
};

void writeJson(Out &out, const Txn &t) {
  char idbuf[24], tsbuf[weir::rt::kMaxTimestampChars];
  out.put("{\"txn_id\":\"");
  out.put(formatTxnId(t.txn_bits, idbuf));
  out.put("\",\"user_id\":");
  out.putInt(t.user_id);
  out.put(",\"merchant\":");
  putJsonString(out, t.merchant);
  out.put(",\"amount\":");
  out.putCents(t.cents);
  out.put(",\"ts\":\"");
  out.put(formatTimestamp(t.ts_ms, tsbuf));
  out.put("\"}\n");
}

void writeCsv(Out &out, const Txn &t) {
  char idbuf[24], tsbuf[weir::rt::kMaxTimestampChars];
  out.put(formatTxnId(t.txn_bits, idbuf));
  out.put(',');
  out.putInt(t.user_id);
  out.put(',');
  putCsvField(out, t.merchant);
  out.put(',');
  out.putCents(t.cents);
  out.put(',');
  out.put(formatTimestamp(t.ts_ms, tsbuf));
  out.put('\n');
}

// Malformed lines, one of several kinds chosen by `kind`; each returns a label
// for the sidecar file.
const char *writeBadJson(Out &out, unsigned kind) {
  switch (kind % 5) {
  case 0: out.put("{\"txn_id\":\"txbad\",\"user_id\":12\n"); return "truncated_object";
  case 1:
    out.put("{\"txn_id\":\"txbad\",\"user_id\":7,\"merchant\":\"Blue Oak Coffee\",\"amount\":\"abc\","
            "\"ts\":\"2024-02-01T00:00:00.000Z\"}\n");
    return "amount_not_a_number";
  case 2:
    out.put("{\"txn_id\":\"txbad\",\"user_id\":7,\"merchant\":\"Blue Oak Coffee\",\"amount\":1.5}\n");
    return "missing_ts";
  case 3:
    out.put("{\"txn_id\":\"txbad\",\"user_id\":7,\"merchant\":\"Blue Oak Coffee\",\"amount\":1.5,"
            "\"ts\":\"2024-13-45T99:00:00.000Z\"}\n");
    return "bad_timestamp";
  default: out.put("this is not json\n"); return "not_json";
  }
}

const char *writeBadCsv(Out &out, unsigned kind) {
  switch (kind % 4) {
  case 0: out.put("txbad,12,Blue Oak Coffee\n"); return "too_few_columns";
  case 1: out.put("txbad,abc,Blue Oak Coffee,1.50,2024-02-01T00:00:00.000Z\n"); return "user_id_not_an_int";
  case 2: out.put("txbad,7,Blue Oak Coffee,1.50,2024-13-45T99:00:00.000Z\n"); return "bad_timestamp";
  default: out.put("txbad,7,Blue Oak Coffee,,2024-02-01T00:00:00.000Z\n"); return "empty_amount";
  }
}

struct Options {
  uint64_t rows = 2'000'000;
  uint64_t seed = 42;
  size_t users = 100'000;
  size_t merchants = 1'000;
  double user_skew = 0.8;
  double merchant_skew = 0.9;
  std::string format = "both";
  std::string out_dir = ".";
  std::string prefix = "txns";
  uint64_t bad = 0;
  bool tricky_names = false;
  double rate = 0;            // rows per second of event time; 0: spread over 2024
  int64_t jitter_ms = 30LL * 60000;
  double late = 0;            // fraction of rows moved 10-60 s back
};

void writeMerchantTable(const Options &opt, const std::vector<std::string> &names) {
  Rng rng(opt.seed ^ 0x6d65726368616e74ULL); // separate stream: the table does not shift rows
  Out out(opt.out_dir + "/merchants.csv");
  out.put("name,category,risk\n");
  for (size_t i = 0; i < names.size(); ++i) {
    if (i % 50 == 49)
      continue; // left out on purpose: unmatched for inner joins
    putCsvField(out, names[i]);
    out.put(',');
    out.put(kCategories[rng.below(std::size(kCategories))]);
    out.put(',');
    out.putFixed(std::floor(rng.uniform() * 1000.0) / 1000.0, 3);
    out.put('\n');
  }
}

int run(const Options &opt) {
  const bool json = opt.format == "json" || opt.format == "both";
  const bool csv = opt.format == "csv" || opt.format == "both";
  Rng rng(opt.seed);
  const auto names = makeMerchantNames(opt.merchants, opt.tricky_names);
  const Zipf userDist(opt.users, opt.user_skew), merchantDist(opt.merchants, opt.merchant_skew);

  // Scrambled ids: rank r -> id. A random permutation of 1..users, times 7 plus
  // an offset, so ids look like ids rather than ranks.
  std::vector<int64_t> userIds(opt.users);
  for (size_t i = 0; i < opt.users; ++i)
    userIds[i] = int64_t(i + 1);
  for (size_t i = opt.users; i > 1; --i)
    std::swap(userIds[i - 1], userIds[rng.below(i)]);
  for (auto &id : userIds)
    id = id * 7 + 1000;

  // Bad lines go before rows at these (sorted) row positions.
  Rng badRng(opt.seed ^ 0x626164ULL);
  std::vector<uint64_t> badAt(opt.bad);
  for (auto &p : badAt)
    p = badRng.below(std::max<uint64_t>(opt.rows, 1));
  std::sort(badAt.begin(), badAt.end());

  std::unique_ptr<Out> jsonOut, csvOut;
  if (json)
    jsonOut = std::make_unique<Out>(opt.out_dir + "/" + opt.prefix + ".jsonl");
  if (csv) {
    csvOut = std::make_unique<Out>(opt.out_dir + "/" + opt.prefix + ".csv");
    csvOut->put("txn_id,user_id,merchant,amount,ts\n");
  }
  std::unique_ptr<Out> badOut;
  if (opt.bad)
    badOut = std::make_unique<Out>(opt.out_dir + "/" + opt.prefix + ".bad.txt");

  constexpr int64_t kStart = 1704067200000; // 2024-01-01T00:00:00Z
  constexpr int64_t kSpan = 366LL * 86400000; // 2024 is a leap year
  const int64_t jitterMs = opt.jitter_ms;
  // Late rows come from their own stream, so the other columns stay those of
  // the run without --late.
  Rng lateRng(opt.seed ^ 0x6c617465ULL);
  uint64_t jsonLine = 0, csvLine = 1; // lines written so far (CSV: the header)
  size_t nextBad = 0;
  for (uint64_t i = 0; i < opt.rows; ++i) {
    for (; nextBad < badAt.size() && badAt[nextBad] == i; ++nextBad) {
      if (json) {
        const char *kind = writeBadJson(*jsonOut, unsigned(nextBad));
        badOut->put("json ");
        badOut->putInt(int64_t(++jsonLine));
        badOut->put(std::string(" ") + kind + "\n");
      }
      if (csv) {
        const char *kind = writeBadCsv(*csvOut, unsigned(nextBad));
        badOut->put("csv ");
        badOut->putInt(int64_t(++csvLine));
        badOut->put(std::string(" ") + kind + "\n");
      }
    }
    Txn t;
    t.txn_bits = rng.next();
    t.user_id = userIds[userDist.draw(rng)];
    double pickEmpty = rng.uniform();
    size_t m = merchantDist.draw(rng);
    t.merchant = pickEmpty < 0.01 ? std::string_view() : std::string_view(names[m]);
    double kind = rng.uniform();
    int64_t cents = int64_t(std::llround(std::exp(3.0 + 1.0 * rng.normal()) * 100.0));
    if (cents < 1)
      cents = 1;
    t.cents = kind < 0.02 ? -cents : kind < 0.03 ? 0 : cents;
    int64_t base = opt.rate > 0
                       ? kStart + int64_t(double(i) * 1000.0 / opt.rate)
                       : kStart + int64_t((__int128)kSpan * i / std::max<uint64_t>(opt.rows, 1));
    int64_t jitter = int64_t(rng.below(2 * uint64_t(jitterMs) + 1)) - jitterMs;
    if (opt.late > 0 && lateRng.uniform() < opt.late)
      jitter -= 10000 + int64_t(lateRng.below(50001));
    t.ts_ms = opt.rate > 0 ? std::max(base + jitter, kStart)
                           : std::clamp(base + jitter, kStart, kStart + kSpan - 1);
    if (json) {
      writeJson(*jsonOut, t);
      ++jsonLine;
    }
    if (csv) {
      writeCsv(*csvOut, t);
      ++csvLine;
    }
  }
  writeMerchantTable(opt, names);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  Options opt;
  CLI::App app{"Generate deterministic transaction data for Weir's benchmarks and tests"};
  app.add_option("--rows", opt.rows, "good rows to write")->capture_default_str();
  app.add_option("--seed", opt.seed, "random seed")->capture_default_str();
  app.add_option("--users", opt.users, "distinct user ids")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--merchants", opt.merchants, "distinct merchant names")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--user-skew", opt.user_skew, "Zipf exponent of users")->capture_default_str();
  app.add_option("--merchant-skew", opt.merchant_skew, "Zipf exponent of merchants")->capture_default_str();
  app.add_option("--format", opt.format, "json, csv or both")
      ->check(CLI::IsMember({"json", "csv", "both"}))
      ->capture_default_str();
  app.add_option("--out-dir", opt.out_dir, "directory to write into (must exist)")->capture_default_str();
  app.add_option("--prefix", opt.prefix, "file name prefix of the transaction files")->capture_default_str();
  app.add_option("--bad", opt.bad, "malformed lines to insert (listed in <prefix>.bad.txt)")->capture_default_str();
  app.add_option("--rate", opt.rate, "rows per second of event time from 2024-01-01 (0: spread over 2024)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--jitter-ms", opt.jitter_ms, "timestamps are off by up to +- this many ms")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--late", opt.late, "fraction of rows moved 10 to 60 s into the past")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  app.add_flag("--tricky-names", opt.tricky_names,
               "merchant names with commas, quotes, backslashes and UTF-8 (for tests)");
  CLI11_PARSE(app, argc, argv);
  return run(opt);
}
