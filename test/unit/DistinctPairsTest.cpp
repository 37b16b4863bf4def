// count_distinct's per-table pair sets (weir_distinct_pair_add_*, runtime.h)
// and the merge of thread partials through src->remap, checked against
// std::set models; plus a micro-benchmark against the older per-key sets
// (disabled by default: --gtest_also_run_disabled_tests
// --gtest_filter='*DistinctPairsBench*').
#include "RuntimeTestUtil.h"
#include "runtime/src/DistinctPairs.h"
#include "runtime/src/Run.h"
#include "runtime/src/HashTable.h"

#include <algorithm>
#include <ctime>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace weir::rt;
using namespace weir::rt::test;

namespace {

// An aggregate entry as codegen lays it out: the header, the key, and the
// int64 counts of two count_distinct aggregates (strings, then int64s).
struct Entry {
  WeirEntryHeader h;
  int64_t key;
  int64_t nStr;
  int64_t nInt;
};
const uint32_t kCountOffsets[] = {offsetof(Entry, nStr), offsetof(Entry, nInt)};

uint64_t findOrInsert(WeirHashTable *ht, int64_t key) {
  uint64_t hash = weir_hash_u64(static_cast<uint64_t>(key), 0);
  for (uint64_t s = hash & ht->mask;; s = (s + 1) & ht->mask) {
    uint64_t slot = ht->slots[s];
    if (slot == 0) {
      reinterpret_cast<Entry *>(weir_ht_insert(ht, hash, s))->key = key;
      return ht->count - 1;
    }
    uint64_t index = (slot & 0xffffffffu) - 1;
    if ((slot >> 32) == (hash >> 32) && reinterpret_cast<Entry *>(entryAt(ht, index))->key == key)
      return index;
  }
}

Entry *entry(WeirHashTable *ht, uint64_t index) {
  return reinterpret_cast<Entry *>(entryAt(ht, index));
}

// What the generated merge does: fold src's keys into dst (appending new ones
// in src's order) and record where each src entry went; distinct counts are
// left to the runtime.
WeirStatus mergeEntries(WeirHashTable *dst, WeirHashTable *src) {
  for (uint64_t i = 0; i < src->count; ++i)
    src->remap[i] = findOrInsert(dst, entry(src, i)->key);
  return WEIR_OK;
}

WeirStatus failingMerge(WeirHashTable *, WeirHashTable *) { return WEIR_ERR_INTERNAL; }

WeirStateDesc makeDesc(WeirStatus (*merge)(WeirHashTable *, WeirHashTable *) = mergeEntries) {
  WeirStateDesc d{};
  d.name = "test.aggregate";
  d.entry_size = sizeof(Entry);
  d.kind = 0;
  d.merge = merge;
  d.ndistinct = 2;
  d.distinct_count_offsets = kCountOffsets;
  return d;
}

struct Model {
  std::map<int64_t, std::set<std::string>> strs;
  std::map<int64_t, std::set<int64_t>> ints;
};

// One row of `key by key | aggregate count_distinct(s), count_distinct(i)`, as
// generated code would run it, mirrored in the model.
void addRow(WeirHashTable *ht, Model &model, int64_t key, const std::string &s, int64_t i) {
  uint64_t index = findOrInsert(ht, key);
  bool newStr = model.strs[key].insert(s).second;
  bool newInt = model.ints[key].insert(i).second;
  ASSERT_EQ(weir_distinct_pair_add_str(ht, 0, index, s.data(), static_cast<int64_t>(s.size())),
            newStr ? 1 : 0);
  ASSERT_EQ(weir_distinct_pair_add_i64(ht, 1, index, i), newInt ? 1 : 0);
  entry(ht, index)->nStr += newStr;
  entry(ht, index)->nInt += newInt;
}

void expectCounts(WeirHashTable *ht, const Model &model) {
  ASSERT_EQ(ht->count, model.strs.size());
  for (uint64_t i = 0; i < ht->count; ++i) {
    Entry *e = entry(ht, i);
    EXPECT_EQ(e->nStr, static_cast<int64_t>(model.strs.at(e->key).size())) << "key " << e->key;
    EXPECT_EQ(e->nInt, static_cast<int64_t>(model.ints.at(e->key).size())) << "key " << e->key;
  }
}

WeirHashTable *bareTable() { return createHashTable(nullptr, 0, sizeof(Entry)); }

// ------------------------------------------------------------ value kinds

TEST(DistinctPairs, Int64PairsAreNewOncePerEntry) {
  WeirHashTable *ht = bareTable();
  uint64_t a = findOrInsert(ht, 1), b = findOrInsert(ht, 2);
  EXPECT_EQ(weir_distinct_pair_add_i64(ht, 0, a, 7), 1);
  EXPECT_EQ(weir_distinct_pair_add_i64(ht, 0, a, 7), 0);
  EXPECT_EQ(weir_distinct_pair_add_i64(ht, 0, b, 7), 1); // same value, other entry
  EXPECT_EQ(weir_distinct_pair_add_i64(ht, 0, a, -7), 1);
  EXPECT_EQ(weir_distinct_pair_add_i64(ht, 0, a, 0), 1);
  EXPECT_EQ(weir_distinct_pair_add_i64(ht, 0, a, std::numeric_limits<int64_t>::min()), 1);
  EXPECT_EQ(weir_distinct_pair_add_i64(ht, 0, a, std::numeric_limits<int64_t>::max()), 1);
  EXPECT_EQ(weir_distinct_pair_add_i64(ht, 0, a, std::numeric_limits<int64_t>::min()), 0);
  EXPECT_EQ(weir_distinct_pair_add_i64(ht, 0, b, 0), 1);
  EXPECT_EQ(distinctPairCount(ht, 0), 7u);
  EXPECT_EQ(distinctValueCount(ht, 0), 5u); // 7, -7, 0, min, max
  destroyHashTable(ht);
}

TEST(DistinctPairs, Float64ZerosAreOneValueAndSoAreNaNs) {
  WeirHashTable *ht = bareTable();
  uint64_t a = findOrInsert(ht, 1);
  double quiet = std::numeric_limits<double>::quiet_NaN();
  double payload;
  uint64_t bits = 0x7ff0000000000123ULL; // a signalling-pattern NaN with a payload
  std::memcpy(&payload, &bits, sizeof payload);
  ASSERT_TRUE(std::isnan(payload));
  EXPECT_EQ(weir_distinct_pair_add_f64(ht, 0, a, 0.0), 1);
  EXPECT_EQ(weir_distinct_pair_add_f64(ht, 0, a, -0.0), 0);
  EXPECT_EQ(weir_distinct_pair_add_f64(ht, 0, a, quiet), 1);
  EXPECT_EQ(weir_distinct_pair_add_f64(ht, 0, a, -quiet), 0);
  EXPECT_EQ(weir_distinct_pair_add_f64(ht, 0, a, payload), 0);
  EXPECT_EQ(weir_distinct_pair_add_f64(ht, 0, a, 1.5), 1);
  EXPECT_EQ(weir_distinct_pair_add_f64(ht, 0, a, -1.5), 1);
  EXPECT_EQ(weir_distinct_pair_add_f64(ht, 0, a, std::numeric_limits<double>::infinity()), 1);
  EXPECT_EQ(weir_distinct_pair_add_f64(ht, 0, a, 1.5), 0);
  EXPECT_EQ(distinctPairCount(ht, 0), 5u);
  destroyHashTable(ht);
}

TEST(DistinctPairs, StringsCompareExactly) {
  WeirHashTable *ht = bareTable();
  uint64_t a = findOrInsert(ht, 1), b = findOrInsert(ht, 2);
  auto add = [&](uint64_t e, const std::string &s) {
    return weir_distinct_pair_add_str(ht, 0, e, s.data(), static_cast<int64_t>(s.size()));
  };
  std::string longA(100000, 'x'), longB = longA;
  longB.back() = 'y';
  EXPECT_EQ(add(a, ""), 1);
  EXPECT_EQ(weir_distinct_pair_add_str(ht, 0, a, nullptr, 0), 0); // the empty string again
  EXPECT_EQ(add(b, ""), 1);
  EXPECT_EQ(add(a, "ab"), 1);
  EXPECT_EQ(add(a, "abc"), 1); // a prefix is another value
  EXPECT_EQ(add(a, "ABC"), 1);
  EXPECT_EQ(add(a, std::string("a\0c", 3)), 1);
  EXPECT_EQ(add(a, std::string("a\0d", 3)), 1);
  EXPECT_EQ(add(a, longA), 1);
  EXPECT_EQ(add(a, longB), 1);
  EXPECT_EQ(add(a, std::string(longA)), 0); // equal bytes at another address
  EXPECT_EQ(add(b, longB), 1);
  EXPECT_EQ(add(a, "ab"), 0);
  EXPECT_EQ(distinctPairCount(ht, 0), 10u);
  EXPECT_EQ(distinctValueCount(ht, 0), 8u);
  destroyHashTable(ht);
}

TEST(DistinctPairs, AggregatesAreIndependentWithoutADescriptor) {
  WeirHashTable *ht = bareTable();
  uint64_t a = findOrInsert(ht, 1);
  EXPECT_EQ(weir_distinct_pair_add_i64(ht, 3, a, 5), 1); // grows the aggregate vector to 4
  EXPECT_EQ(weir_distinct_pair_add_i64(ht, 0, a, 5), 1);
  EXPECT_EQ(weir_distinct_pair_add_i64(ht, 3, a, 5), 0);
  EXPECT_EQ(weir_distinct_pair_add_str(ht, 1, a, "5", 1), 1);
  EXPECT_EQ(distinctPairCount(ht, 0), 1u);
  EXPECT_EQ(distinctPairCount(ht, 1), 1u);
  EXPECT_EQ(distinctPairCount(ht, 2), 0u);
  EXPECT_EQ(distinctPairCount(ht, 3), 1u);
  EXPECT_EQ(distinctPairCount(ht, 9), 0u);
  destroyHashTable(ht);
}

TEST(DistinctPairs, ManyKeysAndValuesMatchTheModelThroughGrowth) {
  WeirHashTable *ht = bareTable();
  Model model;
  std::mt19937_64 rng(42);
  for (int row = 0; row < 60000; ++row) {
    int64_t key = static_cast<int64_t>(rng() % 3000) - 1000;
    std::string s = "merchant-" + std::to_string(rng() % 700);
    addRow(ht, model, key, s, static_cast<int64_t>(rng() % 50) * 1000003);
    if (HasFatalFailure())
      break;
  }
  expectCounts(ht, model);
  uint64_t pairs = 0;
  for (auto &[k, set] : model.strs)
    pairs += set.size();
  EXPECT_EQ(distinctPairCount(ht, 0), pairs);
  EXPECT_EQ(distinctValueCount(ht, 0), 700u);
  EXPECT_EQ(distinctValueCount(ht, 1), 50u);
  destroyHashTable(ht);
}

// ------------------------------------------------------------ merging

TEST(DistinctPairs, MergeRemapsEntriesAndCountsOnlyNewPairs) {
  WeirStateDesc desc = makeDesc();
  WeirHashTable *dst = createHashTable(&desc, 0, 0);
  WeirHashTable *src = createHashTable(&desc, 0, 0);
  Model dstModel, srcModel;
  // dst: keys 10, 20; src: keys 30 (new), 20 (shared, so src entry 1 -> dst entry 1).
  addRow(dst, dstModel, 10, "a", 1);
  addRow(dst, dstModel, 20, "a", 1);
  addRow(dst, dstModel, 20, "b", 2);
  addRow(src, srcModel, 30, "a", 1);
  addRow(src, srcModel, 30, "c", 3);
  addRow(src, srcModel, 20, "b", 2); // already in dst for key 20
  addRow(src, srcModel, 20, "c", 1); // "c" new for 20, 1 not
  addRow(src, srcModel, 20, "", 4);
  ASSERT_EQ(mergePartialState(dst, src), WEIR_OK);
  ASSERT_EQ(dst->count, 3u);
  EXPECT_EQ(src->remap[0], 2u); // 30 was appended
  EXPECT_EQ(src->remap[1], 1u);
  struct Want { int64_t key, nStr, nInt; };
  for (Want w : {Want{10, 1, 1}, Want{20, 4, 3}, Want{30, 2, 2}}) {
    Entry *e = entry(dst, findOrInsert(dst, w.key));
    EXPECT_EQ(e->nStr, w.nStr) << w.key;
    EXPECT_EQ(e->nInt, w.nInt) << w.key;
  }
  EXPECT_EQ(entry(dst, 2)->key, 30); // first-seen order kept
  destroyHashTable(src);
  // The merged sets keep working for later adds.
  uint64_t k20 = findOrInsert(dst, 20);
  EXPECT_EQ(weir_distinct_pair_add_str(dst, 0, k20, "c", 1), 0);
  EXPECT_EQ(weir_distinct_pair_add_str(dst, 0, k20, "d", 1), 1);
  destroyHashTable(dst);
}

TEST(DistinctPairs, MergingRandomPartialsMatchesOneTableOverAllRows) {
  WeirStateDesc desc = makeDesc();
  std::mt19937_64 rng(7);
  Model all;
  WeirHashTable *whole = createHashTable(&desc, 0, 0); // one thread over every row
  WeirHashTable *dst = createHashTable(&desc, 0, 0);
  Model dstModel;
  for (int part = 0; part < 4; ++part) {
    WeirHashTable *src = part == 0 ? dst : createHashTable(&desc, 0, 0);
    Model partModel;
    for (int row = 0; row < 20000; ++row) {
      // Each part sees its own key range plus a shared one, so merges both
      // append keys and fold into existing ones.
      int64_t key = rng() % 2 ? static_cast<int64_t>(rng() % 500)
                              : 1000 * (part + 1) + static_cast<int64_t>(rng() % 800);
      std::string s = "m" + std::to_string(rng() % (100 + 50 * part));
      int64_t i = static_cast<int64_t>(rng() % 40) - 20;
      addRow(src, partModel, key, s, i);
      addRow(whole, all, key, s, i);
      if (HasFatalFailure())
        return;
    }
    if (part > 0) {
      ASSERT_EQ(mergePartialState(dst, src), WEIR_OK);
      destroyHashTable(src);
    }
  }
  // Same keys in the same order, same counts as the single table and the model.
  ASSERT_EQ(dst->count, whole->count);
  for (uint64_t i = 0; i < dst->count; ++i) {
    ASSERT_EQ(entry(dst, i)->key, entry(whole, i)->key) << i;
    EXPECT_EQ(entry(dst, i)->nStr, entry(whole, i)->nStr) << i;
    EXPECT_EQ(entry(dst, i)->nInt, entry(whole, i)->nInt) << i;
  }
  expectCounts(dst, all);
  EXPECT_EQ(distinctPairCount(dst, 0), distinctPairCount(whole, 0));
  EXPECT_EQ(distinctPairCount(dst, 1), distinctPairCount(whole, 1));
  destroyHashTable(whole);
  destroyHashTable(dst);
}

TEST(DistinctPairs, AFailedMergeLeavesTheCountsAlone) {
  WeirStateDesc desc = makeDesc(failingMerge);
  WeirHashTable *dst = createHashTable(&desc, 0, 0);
  WeirHashTable *src = createHashTable(&desc, 0, 0);
  Model m1, m2;
  addRow(dst, m1, 1, "a", 1);
  addRow(src, m2, 1, "b", 2);
  EXPECT_EQ(mergePartialState(dst, src), WEIR_ERR_INTERNAL);
  EXPECT_EQ(entry(dst, 0)->nStr, 1);
  EXPECT_EQ(distinctPairCount(dst, 0), 1u);
  destroyHashTable(src);
  destroyHashTable(dst);
}

// ------------------------------------------------------------ through the driver

// `txns | key by user_id | aggregate merchants = count_distinct(merchant),
// amounts = count_distinct(cents)` run on 1..8 threads: the partial merges go
// through the driver's mergePartialState.
const WeirFieldDesc kTxnFields[] = {
    {"user_id", WEIR_INT64, 0}, {"merchant", WEIR_STRING, 0}, {"cents", WEIR_INT64, 0}};
const uint32_t kUsed[] = {0, 1, 2};
const WeirFieldDesc kOutFields[] = {
    {"user_id", WEIR_INT64, 0}, {"merchants", WEIR_INT64, 0}, {"amounts", WEIR_INT64, 0}};

WeirStatus scanStage(WeirTask *task) {
  WeirCursor *cursor = weir_task_cursor(task);
  WeirHashTable *ht = weir_task_state(task, 0);
  WeirValue row[3];
  WeirStatus s;
  while ((s = weir_cursor_next(cursor, row)) == WEIR_ROW) {
    uint64_t index = findOrInsert(ht, row[0].v.i64);
    if (weir_distinct_pair_add_str(ht, 0, index, row[1].v.str, row[1].len))
      ++entry(ht, index)->nStr;
    if (weir_distinct_pair_add_i64(ht, 1, index, row[2].v.i64))
      ++entry(ht, index)->nInt;
  }
  return s == WEIR_END ? WEIR_OK : s;
}

WeirStatus emitStage(WeirTask *task) {
  WeirHashTable *ht = weir_task_state(task, 0);
  WeirSinkWriter *sink = weir_task_sink(task, 0);
  for (uint64_t i = 0; i < ht->count; ++i) {
    WeirValue row[3] = {};
    row[0].v.i64 = entry(ht, i)->key;
    row[1].v.i64 = entry(ht, i)->nStr;
    row[2].v.i64 = entry(ht, i)->nInt;
    if (WeirStatus w = weir_sink_write(sink, row); w != WEIR_OK)
      return w;
  }
  return WEIR_OK;
}

std::string runPerUser(const std::string &input, unsigned threads, std::string &error) {
  TempDir dir;
  writeFile(dir.file("txns.jsonl"), input);
  std::string sourceUri = "file:" + dir.file("txns.jsonl");
  std::string sinkUri = dir.file("out.csv");
  WeirSourceDesc source = {"txns", sourceUri.c_str(), "json", "fail", 0, 3, kTxnFields, 3, kUsed};
  WeirSinkDesc sink = {"per_user", sinkUri.c_str(), "csv", 3, kOutFields};
  WeirStateDesc state = makeDesc();
  WeirStageDesc stages[2] = {
      {"per_user.scan", WEIR_STAGE_SCAN, 0, -1, 0, -1, 1, scanStage, 0, nullptr, 0, nullptr},
      {"per_user.emit", WEIR_STAGE_EMIT, -1, 0, -1, 0, 0, emitStage, 0, nullptr, 0, nullptr}};
  WeirProgramDesc program = {WEIR_ABI_VERSION, "distinct", 1, &source, 1, &sink, 1, &state, 2, stages};
  Options options;
  options.threads = threads;
  options.minBytesPerThread = 1;
  RunReport report;
  Status run = runProgram(program, options, report);
  error = run.message();
  if (!run.ok())
    return "";
  return readFile(sinkUri);
}

TEST(DistinctPairs, DriverMergesThreadPartialsExactly) {
  std::string input;
  std::map<int64_t, std::pair<std::set<std::string>, std::set<int64_t>>> model;
  std::vector<int64_t> order;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 6000; ++i) {
    int64_t user = static_cast<int64_t>(rng() % 400);
    std::string merchant = "shop" + std::to_string(rng() % 60);
    int64_t cents = static_cast<int64_t>(rng() % 25);
    input += "{\"user_id\":" + std::to_string(user) + ",\"merchant\":\"" + merchant +
             "\",\"cents\":" + std::to_string(cents) + "}\n";
    if (!model.count(user))
      order.push_back(user);
    model[user].first.insert(merchant);
    model[user].second.insert(cents);
  }
  std::string expected = "user_id,merchants,amounts\n";
  for (int64_t user : order)
    expected += std::to_string(user) + "," + std::to_string(model[user].first.size()) + "," +
                std::to_string(model[user].second.size()) + "\n";
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    std::string error;
    EXPECT_EQ(runPerUser(input, threads, error), expected) << threads << " threads: " << error;
  }
}

// ------------------------------------------------------------ micro-benchmark

// 2M rows over 100k users (Zipf 0.8) and 1,000 merchants (Zipf 0.9), as
// bench/gen_txns.cpp draws them: count_distinct(merchant) per user with the
// pair sets vs the per-key sets, including freeing everything.
TEST(DistinctPairsBench, DISABLED_PairsVersusPerKeySets) {
  constexpr size_t kRows = 2'000'000, kUsers = 100'000, kMerchants = 1'000;
  auto zipf = [](size_t n, double s) {
    std::vector<double> cdf(n);
    double sum = 0;
    for (size_t i = 0; i < n; ++i)
      cdf[i] = sum += 1.0 / std::pow(double(i + 1), s);
    for (double &c : cdf)
      c /= sum;
    return cdf;
  };
  std::vector<double> userCdf = zipf(kUsers, 0.8), merchantCdf = zipf(kMerchants, 0.9);
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(0, 1);
  auto draw = [&](const std::vector<double> &cdf) {
    return size_t(std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
  };
  std::vector<std::string> names;
  for (size_t i = 0; i < kMerchants; ++i)
    names.push_back("Merchant Number " + std::to_string(i * 7919 % 100003));
  // The rows: a user's entry index (first-seen order) and a merchant name.
  std::vector<uint32_t> rowUser(kRows);
  std::vector<const std::string *> rowMerchant(kRows);
  std::vector<int64_t> userIndex(kUsers, -1);
  uint32_t nextIndex = 0;
  for (size_t r = 0; r < kRows; ++r) {
    size_t user = draw(userCdf);
    if (userIndex[user] < 0)
      userIndex[user] = nextIndex++;
    rowUser[r] = static_cast<uint32_t>(userIndex[user]);
    rowMerchant[r] = &names[draw(merchantCdf)];
  }
  // CPU time of this thread: the machine may be shared with other work.
  struct Clock {
    static double now() {
      timespec ts;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
    }
  };
  auto ms = [](double d) { return d; };

  for (int round = 0; round < 3; ++round) {
    // Pairs: a table with one entry per user, as the aggregate's would be.
    WeirHashTable *ht = bareTable();
    for (uint32_t i = 0; i < nextIndex; ++i)
      findOrInsert(ht, i);
    std::vector<int64_t> pairCounts(nextIndex, 0);
    auto t0 = Clock::now();
    for (size_t r = 0; r < kRows; ++r) {
      const std::string &m = *rowMerchant[r];
      pairCounts[rowUser[r]] +=
          weir_distinct_pair_add_str(ht, 0, rowUser[r], m.data(), static_cast<int64_t>(m.size()));
    }
    auto t1 = Clock::now();
    uint64_t pairs = distinctPairCount(ht, 0);
    destroyHashTable(ht);
    auto t2 = Clock::now();

    // Per-key sets.
    std::vector<void *> sets(nextIndex, nullptr);
    auto t3 = Clock::now();
    for (size_t r = 0; r < kRows; ++r) {
      const std::string &m = *rowMerchant[r];
      weir_distinct_add_str(&sets[rowUser[r]], m.data(), static_cast<int64_t>(m.size()));
    }
    auto t4 = Clock::now();
    std::vector<int64_t> setCounts(nextIndex);
    for (uint32_t i = 0; i < nextIndex; ++i)
      setCounts[i] = weir_distinct_count(sets[i]);
    auto t5 = Clock::now();
    for (void *&s : sets)
      weir_distinct_free(&s);
    auto t6 = Clock::now();

    ASSERT_EQ(pairCounts, setCounts);
    std::printf("round %d: %u users, %llu pairs | pairs: add %.1f ms, free %.1f ms | "
                "per-key sets: add %.1f ms, free %.1f ms (thread CPU time)\n",
                round, nextIndex, static_cast<unsigned long long>(pairs), ms(t1 - t0), ms(t2 - t1),
                ms(t4 - t3), ms(t6 - t5));

    // Two thread partials (the first and second half of the rows), merged.
    WeirStateDesc desc = makeDesc();
    WeirHashTable *halves[2] = {createHashTable(&desc, 0, 0), createHashTable(&desc, 0, 0)};
    std::vector<void *> halfSets[2] = {std::vector<void *>(nextIndex, nullptr),
                                       std::vector<void *>(nextIndex, nullptr)};
    for (size_t r = 0; r < kRows; ++r) {
      WeirHashTable *h = halves[r < kRows / 2 ? 0 : 1];
      const std::string &m = *rowMerchant[r];
      uint64_t index = findOrInsert(h, rowUser[r]);
      entry(h, index)->nStr +=
          weir_distinct_pair_add_str(h, 0, index, m.data(), static_cast<int64_t>(m.size()));
      weir_distinct_add_str(&halfSets[r < kRows / 2 ? 0 : 1][rowUser[r]], m.data(),
                            static_cast<int64_t>(m.size()));
    }
    auto m0 = Clock::now();
    prepareRemap(halves[1]);
    ASSERT_EQ(desc.merge(halves[0], halves[1]), WEIR_OK); // the generated merge's part
    auto m1 = Clock::now();
    mergeDistinctPairs(halves[0], halves[1]);
    auto m2 = Clock::now();
    for (uint32_t i = 0; i < nextIndex; ++i)
      weir_distinct_merge(&halfSets[0][i], halfSets[1][i]);
    auto m3 = Clock::now();
    ASSERT_EQ(halves[0]->count, nextIndex);
    for (uint64_t i = 0; i < halves[0]->count; ++i) {
      Entry *e = entry(halves[0], i);
      ASSERT_EQ(e->nStr, pairCounts[e->key]) << e->key;
      ASSERT_EQ(weir_distinct_count(halfSets[0][e->key]), pairCounts[e->key]) << e->key;
    }
    for (auto &sets : halfSets)
      for (void *&s : sets)
        weir_distinct_free(&s);
    destroyHashTable(halves[0]);
    destroyHashTable(halves[1]);
    std::printf("         merge of two halves | keys (generated part) %.1f ms, pairs %.1f ms | "
                "per-key sets %.1f ms\n",
                ms(m1 - m0), ms(m2 - m1), ms(m3 - m2));
  }
}

} // namespace
