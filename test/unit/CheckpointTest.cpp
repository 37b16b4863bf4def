// Durable state with a hand-written program (C stage functions over the C
// ABI, as generated code would call it): entry bytes round trips, compaction
// with count_distinct pairs, the spill index, and whole runs that fail after
// every few records and are restarted until they finish, compared with an
// uninterrupted run.
#include "RuntimeTestUtil.h"
#include "runtime/src/CheckpointStore.h"
#include "runtime/src/DistinctPairs.h"
#include "runtime/src/Run.h"
#include "runtime/src/DurableTable.h"
#include "runtime/src/HashTable.h"
#include "runtime/src/StateSerializer.h"

#include <cstddef>
#include <cstring>
#include <map>
#include <set>

using namespace weir::rt;
using namespace weir::rt::test;

namespace {

// The Status's message into `error`; true when it is ok.
bool ok(const Status &status, std::string &error) {
  error = status.message();
  return status.ok();
}

// ---- the "compiled" program: per user (a string key): count, sum, the
// largest txn id (an owned string) and count_distinct(amount) (table pairs).
const WeirFieldDesc kTxnFields[] = {
    {"txn_id", WEIR_STRING, 0}, {"user", WEIR_STRING, 0}, {"amount", WEIR_FLOAT64, 0}};
const uint32_t kUsed[] = {0, 1, 2};
const WeirFieldDesc kOutFields[] = {{"user", WEIR_STRING, 0},
                                    {"n", WEIR_INT64, 0},
                                    {"total", WEIR_FLOAT64, 0},
                                    {"max_txn", WEIR_STRING, 0},
                                    {"amounts", WEIR_INT64, 0}};

struct Entry {
  WeirEntryHeader h;
  WeirStr user;
  int64_t n;
  double total;
  WeirStr maxTxn;
  int64_t amounts;
  uint8_t nulls;
  uint8_t pad[7];
};
const WeirSlotDesc kKeys[] = {{offsetof(Entry, user), WEIR_SLOT_VALUE, WEIR_STRING, -1}};
const WeirSlotDesc kOwned[] = {{offsetof(Entry, maxTxn), WEIR_SLOT_OWNED_STR, WEIR_STRING, -1}};
const uint32_t kDistinctOffsets[] = {offsetof(Entry, amounts)};

void destroyEntry(char *e) { weir_owned_str_free(&reinterpret_cast<Entry *>(e)->maxTxn); }

Entry *entry(WeirHashTable *ht, uint64_t i) {
  return reinterpret_cast<Entry *>(ht->entries + i * ht->entry_size);
}

// Probe, fault in on a miss when entries are spilled, insert.
uint64_t findOrInsert(WeirHashTable *ht, std::string_view user) {
  uint64_t hash = weir_hash_bytes(user.data(), static_cast<int64_t>(user.size()), 0);
  for (;;) {
    for (uint64_t s = hash & ht->mask;; s = (s + 1) & ht->mask) {
      uint64_t slot = ht->slots[s];
      if (slot == 0) {
        if (ht->spill && weir_ht_fault_in(ht, hash))
          break; // probe again
        auto *e = reinterpret_cast<Entry *>(weir_ht_insert(ht, hash, s));
        e->user = {weir_ht_copy_str(ht, user.data(), static_cast<int64_t>(user.size())),
                   static_cast<int64_t>(user.size())};
        return ht->count - 1;
      }
      uint64_t index = (slot & 0xffffffffu) - 1;
      Entry *e = entry(ht, index);
      if ((slot >> 32) == (hash >> 32) && std::string_view(e->user.ptr, e->user.len) == user)
        return index;
    }
  }
}

// Fails the run (as a crash would stop it) after this many rows in all.
int64_t gFailAfter = -1;
bool failNow() { return gFailAfter >= 0 && gFailAfter-- == 0; }

WeirStatus copyStage(WeirTask *task) {
  WeirCursor *cursor = weir_task_cursor(task);
  WeirSinkWriter *sink = weir_task_sink(task, 0);
  WeirValue row[3];
  WeirStatus s;
  while ((s = weir_cursor_next(cursor, row)) == WEIR_ROW) {
    if (failNow())
      return WEIR_ERR_INTERNAL;
    if (row[2].v.f64 > 0)
      if (WeirStatus w = weir_sink_write(sink, row); w != WEIR_OK)
        return w;
  }
  return s == WEIR_END ? WEIR_OK : s;
}

WeirStatus aggregateStage(WeirTask *task) {
  WeirCursor *cursor = weir_task_cursor(task);
  WeirHashTable *ht = weir_task_state(task, 0);
  WeirValue row[3];
  WeirStatus s;
  while ((s = weir_cursor_next(cursor, row)) == WEIR_ROW) {
    if (failNow())
      return WEIR_ERR_INTERNAL;
    uint64_t index = findOrInsert(ht, std::string_view(row[1].v.str, row[1].len));
    Entry *e = entry(ht, index);
    ++e->n;
    e->total += row[2].v.f64;
    std::string_view txn(row[0].v.str, row[0].len);
    if (!e->maxTxn.ptr || txn > std::string_view(e->maxTxn.ptr, e->maxTxn.len))
      weir_owned_str_assign(&e->maxTxn, txn.data(), static_cast<int64_t>(txn.size()));
    if (weir_distinct_pair_add_f64(ht, 0, index, row[2].v.f64))
      ++e->amounts;
    e->h.pad_ = 1; // dirty
  }
  return s == WEIR_END ? WEIR_OK : s;
}

WeirStatus emitStage(WeirTask *task) {
  WeirHashTable *ht = weir_task_state(task, 0);
  WeirSinkWriter *sink = weir_task_sink(task, 1);
  for (uint64_t i = 0; i < ht->count; ++i) {
    if (failNow())
      return WEIR_ERR_INTERNAL;
    Entry *e = entry(ht, i);
    WeirValue row[5] = {};
    row[0].v.str = e->user.ptr;
    row[0].len = static_cast<uint32_t>(e->user.len);
    row[1].v.i64 = e->n;
    row[2].v.f64 = e->total;
    row[3].v.str = e->maxTxn.ptr;
    row[3].len = static_cast<uint32_t>(e->maxTxn.len);
    row[4].v.i64 = e->amounts;
    if (WeirStatus w = weir_sink_write(sink, row); w != WEIR_OK)
      return w;
  }
  return WEIR_OK;
}

struct TestProgram {
  std::string sourceUri, copyUri, perUserUri, fingerprint;
  WeirSourceDesc source{};
  WeirSinkDesc sinks[2]{};
  WeirStateDesc state{};
  WeirStageDesc stages[3]{};
  WeirProgramDesc program{};

  explicit TestProgram(const std::string &dir, std::string fp = "test layout 1") {
    sourceUri = "file:" + dir + "/txns.jsonl";
    copyUri = dir + "/out/copy.jsonl";
    perUserUri = dir + "/out/per_user.csv";
    fingerprint = std::move(fp);
    source = {"txns", sourceUri.c_str(), "json", "fail", 0, 3, kTxnFields, 3, kUsed};
    sinks[0] = {"copy", copyUri.c_str(), "json", 3, kTxnFields};
    sinks[1] = {"per_user", perUserUri.c_str(), "csv", 5, kOutFields};
    state = {"per_user.aggregate", sizeof(Entry), 0, nullptr, destroyEntry, 1, kDistinctOffsets,
             1, kKeys, offsetof(Entry, nulls), 1, kOwned, fingerprint.c_str(), 0};
    stages[0] = {"copy", WEIR_STAGE_SCAN, 0, -1, -1, 0, 0, copyStage};
    stages[1] = {"per_user", WEIR_STAGE_SCAN, 0, -1, 0, -1, 0, aggregateStage};
    stages[2] = {"per_user.emit", WEIR_STAGE_EMIT, -1, 0, -1, 1, 0, emitStage};
    program = {WEIR_ABI_VERSION, "ckpt_program", 1, &source, 2, sinks, 1, &state, 3, stages};
  }
};

std::string makeInput(int lines, int users) {
  std::string in;
  for (int i = 0; i < lines; ++i) {
    char amount[32];
    std::snprintf(amount, sizeof amount, "%.2f", (i % 23) - 4 + 0.5);
    in += "{\"txn_id\":\"t" + std::to_string(i * 7919 % 100003) + "\",\"user\":\"user" +
          std::to_string(i * 31 % users) + "\",\"amount\":" + amount + "}\n";
  }
  return in;
}

struct Outcome {
  WeirStatus status = WEIR_OK;
  std::string error, copy, perUser, report;
};

Outcome runOnce(const TempDir &dir, const Options &options, const std::string &fingerprint = "test layout 1",
               uint32_t stages = 3) {
  TestProgram p(dir.path.string(), fingerprint);
  p.program.nstages = stages;
  Outcome o;
  RunReport report;
  Status run = runProgram(p.program, options, report);
  o.status = run.code();
  o.error = run.message();
  o.report = formatReport(report);
  o.copy = readFile(dir.file("out/copy.jsonl"));
  o.perUser = readFile(dir.file("out/per_user.csv"));
  return o;
}

Outcome uninterrupted(const std::string &input) {
  TempDir dir;
  writeFile(dir.file("txns.jsonl"), input);
  gFailAfter = -1;
  return runOnce(dir, Options{});
}

Options checkpointed(const TempDir &dir, uint64_t everyRecords) {
  Options o;
  o.checkpointDir = dir.file("ckpt");
  o.checkpointRecords = everyRecords;
  o.checkpointSeconds = 0;
  return o;
}

// ------------------------------------------------------------ entry bytes

WeirHashTable *filledTable(const WeirStateDesc &desc, int keys) {
  WeirHashTable *ht = createHashTable(&desc, 0, 0);
  for (int k = 0; k < keys; ++k) {
    std::string user = "user" + std::to_string(k);
    uint64_t i = findOrInsert(ht, user);
    Entry *e = entry(ht, i);
    e->n = k;
    e->total = k * 1.5;
    if (k % 3 != 0) { // some entries own no string
      std::string txn = "txn-" + std::to_string(k * k);
      weir_owned_str_assign(&e->maxTxn, txn.data(), static_cast<int64_t>(txn.size()));
    }
    for (int v = 0; v < k % 4; ++v)
      if (weir_distinct_pair_add_f64(ht, 0, i, v * 0.5))
        ++e->amounts;
  }
  return ht;
}

std::string describe(WeirHashTable *ht) {
  std::map<uint64_t, std::set<std::string>> values;
  forEachDistinctPair(ht, 0, [&](uint64_t i, const DistinctValue &v) {
    values[i].insert(v.isStr ? std::string(v.str) : std::to_string(v.bits));
  });
  std::string out;
  for (uint64_t i = 0; i < ht->count; ++i) {
    Entry *e = entry(ht, i);
    out += std::string(e->user.ptr, e->user.len) + " n=" + std::to_string(e->n) +
           " total=" + std::to_string(e->total) + " max=" +
           (e->maxTxn.ptr ? std::string(e->maxTxn.ptr, e->maxTxn.len) : "<none>") +
           " amounts=" + std::to_string(e->amounts) + " {";
    for (const std::string &v : values[i])
      out += v + ",";
    out += "}\n";
  }
  return out;
}

TEST(StateSerializer, EntriesRoundTripWithEverythingTheyOwn) {
  TestProgram p("/nowhere");
  WeirHashTable *from = filledTable(p.state, 50);
  WeirHashTable *to = createHashTable(&p.state, 0, 0);
  std::vector<bool> all(from->count, true);
  DistinctValuesOf distinct(from, all);
  for (uint64_t i = 0; i < from->count; ++i) {
    std::string bytes, error;
    ASSERT_TRUE(ok(encodeEntry(from, i, &distinct, bytes), error)) << error;
    ASSERT_TRUE(ok(decodeEntry(to, entry(from, i)->h.hash, bytes), error)) << error;
  }
  EXPECT_EQ(describe(to), describe(from));
  EXPECT_NE(describe(to).find("user7 n=7 total=10.500000 max=txn-49 amounts=3 {0,4602678819172646912,4607182418800017408,}"),
            std::string::npos)
      << describe(to);
  // The restored keys are found by probing (slots re-placed by hash).
  EXPECT_EQ(findOrInsert(to, "user42"), 42u);
  EXPECT_EQ(to->count, 50u);
  destroyHashTable(from);
  destroyHashTable(to);
}

TEST(StateSerializer, MalformedBytesAreAnError) {
  TestProgram p("/nowhere");
  WeirHashTable *from = filledTable(p.state, 2);
  WeirHashTable *to = createHashTable(&p.state, 0, 0);
  std::string bytes, error;
  ASSERT_TRUE(ok(encodeEntry(from, 1, nullptr, bytes), error)) << error;
  bytes.pop_back();
  EXPECT_FALSE(ok(decodeEntry(to, 1, bytes), error));
  EXPECT_NE(error.find("per_user.aggregate: a stored entry is malformed"), std::string::npos) << error;
  destroyHashTable(from);
  destroyHashTable(to);
}

TEST(HashTableCompact, RemovesDeadEntriesAndRenumbersDistinctPairs) {
  TestProgram p("/nowhere");
  WeirHashTable *ht = filledTable(p.state, 40);
  WeirHashTable *expected = createHashTable(&p.state, 0, 0);
  std::vector<bool> keep(ht->count, false);
  for (uint64_t i = 0; i < ht->count; ++i)
    if (i % 3 == 1)
      entry(ht, i)->h.next = WEIR_ENTRY_DEAD;
    else
      keep[i] = true;
  {
    DistinctValuesOf distinct(ht, keep);
    for (uint64_t i = 0; i < ht->count; ++i) {
      std::string bytes, error;
      if (keep[i]) {
        ASSERT_TRUE(ok(encodeEntry(ht, i, &distinct, bytes), error));
        ASSERT_TRUE(ok(decodeEntry(expected, entry(ht, i)->h.hash, bytes), error));
      }
    }
  }
  weir_ht_compact(ht);
  EXPECT_EQ(ht->count, 27u);
  EXPECT_EQ(describe(ht), describe(expected));
  EXPECT_EQ(distinctPairCount(ht, 0), distinctPairCount(expected, 0));
  // Dead keys are gone from the slots, live ones still found.
  EXPECT_EQ(findOrInsert(ht, "user3"), 2u);
  EXPECT_EQ(findOrInsert(ht, "user1"), 27u); // inserted anew
  destroyHashTable(ht);
  destroyHashTable(expected);
}

TEST(HashTableCompact, DeletesOnlyWhatTheStoreHoldsAndKeepsIdentities) {
  TestProgram p("/nowhere");
  WeirHashTable *ht = filledTable(p.state, 10);
  DurableTable dt;
  ht->durable = &dt;
  dt.syncNewEntries(ht, 1); // seq 0..9
  for (uint64_t i = 0; i < 10; ++i)
    dt.stored[i] = i < 5; // entries 0-4 were saved by a checkpoint, 5-9 are new since
  for (uint64_t i : {1u, 3u, 6u, 8u})
    entry(ht, i)->h.next = WEIR_ENTRY_DEAD;
  weir_ht_compact(ht);
  ASSERT_EQ(ht->count, 6u);
  // Deletes for the stored dead keys only (1 and 3), by (hash, seq).
  ASSERT_EQ(dt.deleted.size(), 2u);
  EXPECT_EQ(dt.deleted[0].first, weir_hash_bytes("user1", 5, 0));
  EXPECT_EQ(dt.deleted[0].second, 1u);
  EXPECT_EQ(dt.deleted[1].second, 3u);
  // The survivors keep their first-seen numbers and stored flags.
  EXPECT_EQ(dt.seq, (std::vector<uint64_t>{0, 2, 4, 5, 7, 9}));
  EXPECT_EQ(dt.stored, (std::vector<uint8_t>{1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(std::string(entry(ht, 3)->user.ptr, entry(ht, 3)->user.len), "user5");
  ht->durable = nullptr;
  destroyHashTable(ht);
}

// Windowed states are compacted after every firing, with about as many new
// keys coming as went: the slot array keeps its size unless it has become
// more than 8 times what the survivors need (a load under 1/16).
TEST(HashTableCompact, KeepsTheSlotArrayUnlessFarTooBig) {
  TestProgram p("/nowhere");
  WeirHashTable *ht = filledTable(p.state, 100); // 256 slots: load <= 1/2
  ASSERT_EQ(ht->mask + 1, 256u);
  for (uint64_t i = 0; i < 40; ++i)
    entry(ht, i)->h.next = WEIR_ENTRY_DEAD;
  weir_ht_compact(ht); // 60 left need 128 slots: 256 is kept
  ASSERT_EQ(ht->count, 60u);
  EXPECT_EQ(ht->mask + 1, 256u);
  EXPECT_EQ(findOrInsert(ht, "user40"), 0u); // still found
  EXPECT_EQ(findOrInsert(ht, "user99"), 59u);
  for (uint64_t i = 0; i < 55; ++i)
    entry(ht, i)->h.next = WEIR_ENTRY_DEAD;
  weir_ht_compact(ht); // 5 left need 16 slots: 256 is too big
  ASSERT_EQ(ht->count, 5u);
  EXPECT_EQ(ht->mask + 1, 16u);
  EXPECT_EQ(findOrInsert(ht, "user95"), 0u);
  EXPECT_EQ(findOrInsert(ht, "user1"), 5u); // inserted anew
  destroyHashTable(ht);
}

TEST(SpillIndex, HoldsEqualHashesAndGivesThemBack) {
  SpillIndex index;
  for (uint64_t k = 0; k < 1000; ++k)
    index.insert(k % 300, k, static_cast<int64_t>(k) * 10);
  EXPECT_EQ(index.size(), 1000u);
  EXPECT_TRUE(index.contains(7, 307));
  EXPECT_FALSE(index.contains(7, 308));
  std::vector<SpillIndex::Spilled> taken = index.take(7);
  std::vector<uint64_t> got;
  for (const SpillIndex::Spilled &e : taken) {
    got.push_back(e.seq);
    EXPECT_EQ(e.due, static_cast<int64_t>(e.seq) * 10); // each keeps its own timer
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<uint64_t>{7, 307, 607, 907}));
  EXPECT_FALSE(index.mayContain(7));
  EXPECT_FALSE(index.contains(7, 307));
  EXPECT_TRUE(index.mayContain(8));
  for (uint64_t h = 0; h < 300; ++h)
    if (h != 7)
      EXPECT_EQ(index.take(h).size(), h < 100 ? 4u : 3u) << h;
  EXPECT_EQ(index.size(), 0u);
}

// ------------------------------------------------------------ whole runs

TEST(Checkpoint, CompletedRunEqualsUncheckpointedAndRerunKeepsIt) {
  std::string input = makeInput(3000, 211);
  Outcome plain = uninterrupted(input);
  ASSERT_EQ(plain.status, WEIR_OK) << plain.error;
  TempDir dir;
  writeFile(dir.file("txns.jsonl"), input);
  Outcome first = runOnce(dir, checkpointed(dir, 100));
  ASSERT_EQ(first.status, WEIR_OK) << first.error;
  EXPECT_EQ(first.copy, plain.copy);
  EXPECT_EQ(first.perUser, plain.perUser);
  EXPECT_NE(first.report.find("  checkpoints: "), std::string::npos) << first.report;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out/copy.jsonl.inprogress")));
  Outcome again = runOnce(dir, checkpointed(dir, 100));
  ASSERT_EQ(again.status, WEIR_OK) << again.error;
  EXPECT_EQ(again.copy, plain.copy);
  EXPECT_EQ(again.perUser, plain.perUser);
  EXPECT_NE(again.report.find("nothing to do"), std::string::npos) << again.report;
  EXPECT_NE(again.report.find("per_user.csv: 211 rows"), std::string::npos) << again.report;
}

TEST(Checkpoint, RunStoppedAtAnyRowResumesToTheSameOutput) {
  std::string input = makeInput(600, 37);
  Outcome plain = uninterrupted(input);
  ASSERT_EQ(plain.status, WEIR_OK) << plain.error;
  // Rows: 600 copy + 600 aggregate + 37 emitted.
  for (int64_t failAt : {0, 1, 24, 25, 26, 250, 599, 600, 601, 899, 1199, 1200, 1210, 1236}) {
    TempDir dir;
    writeFile(dir.file("txns.jsonl"), input);
    gFailAfter = failAt;
    Outcome broken = runOnce(dir, checkpointed(dir, 25));
    EXPECT_NE(broken.status, WEIR_OK) << failAt;
    EXPECT_FALSE(std::filesystem::exists(dir.file("out/per_user.csv"))) << failAt;
    gFailAfter = -1;
    Outcome resumed = runOnce(dir, checkpointed(dir, 25));
    ASSERT_EQ(resumed.status, WEIR_OK) << failAt << ": " << resumed.error;
    EXPECT_EQ(resumed.copy, plain.copy) << failAt;
    EXPECT_EQ(resumed.perUser, plain.perUser) << failAt;
    EXPECT_NE(resumed.report.find("resumed from the checkpoint"), std::string::npos) << resumed.report;
  }
}

TEST(Checkpoint, ManyStopsInOneRun) {
  std::string input = makeInput(2000, 113);
  Outcome plain = uninterrupted(input);
  TempDir dir;
  writeFile(dir.file("txns.jsonl"), input);
  int stops = 0;
  for (;;) {
    gFailAfter = 97 + stops * 13;
    Outcome o = runOnce(dir, checkpointed(dir, 50));
    if (o.status == WEIR_OK) {
      EXPECT_EQ(o.copy, plain.copy);
      EXPECT_EQ(o.perUser, plain.perUser);
      break;
    }
    ASSERT_LT(++stops, 100) << o.error;
  }
  EXPECT_GT(stops, 10);
  gFailAfter = -1;
}

TEST(Checkpoint, ADifferentLayoutIsAnErrorNamingTheState) {
  TempDir dir;
  writeFile(dir.file("txns.jsonl"), makeInput(100, 10));
  Outcome first = runOnce(dir, checkpointed(dir, 10));
  ASSERT_EQ(first.status, WEIR_OK) << first.error;
  Outcome changed = runOnce(dir, checkpointed(dir, 10), "test layout 2");
  EXPECT_NE(changed.status, WEIR_OK);
  EXPECT_NE(changed.error.find("was written by a different layout of per_user.aggregate"), std::string::npos)
      << changed.error;
}

TEST(Checkpoint, APipelineAddedAfterCompletionRunsAndTheOthersStay) {
  std::string input = makeInput(500, 40);
  Outcome plain = uninterrupted(input);
  TempDir dir;
  writeFile(dir.file("txns.jsonl"), input);
  Outcome first = runOnce(dir, checkpointed(dir, 50), "test layout 1", /*stages=*/1); // copy only
  ASSERT_EQ(first.status, WEIR_OK) << first.error;
  EXPECT_EQ(first.copy, plain.copy);
  EXPECT_EQ(first.perUser, "user,n,total,max_txn,amounts\n");
  Outcome second = runOnce(dir, checkpointed(dir, 50));
  ASSERT_EQ(second.status, WEIR_OK) << second.error;
  EXPECT_EQ(second.copy, plain.copy);
  EXPECT_EQ(second.perUser, plain.perUser);
  EXPECT_NE(second.report.find("resumed for the pipelines it did not have"), std::string::npos) << second.report;
}

TEST(Checkpoint, ResumingWithASinkBoundElsewhereIsAnError) {
  TempDir dir;
  writeFile(dir.file("txns.jsonl"), makeInput(300, 30));
  gFailAfter = 450; // in the aggregate scan: the copy sink is done
  ASSERT_NE(runOnce(dir, checkpointed(dir, 20)).status, WEIR_OK);
  gFailAfter = -1;
  Options moved = checkpointed(dir, 20);
  moved.sinkUris.push_back({"copy", dir.file("elsewhere.jsonl")});
  Outcome o = runOnce(dir, moved);
  EXPECT_EQ(o.status, WEIR_ERR_CONFIG);
  EXPECT_NE(o.error.find("sink 'copy' wrote to "), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("bind it as before"), std::string::npos) << o.error;
}

TEST(Checkpoint, ChangedInputAfterCompletionStartsOver) {
  TempDir dir;
  writeFile(dir.file("txns.jsonl"), makeInput(100, 10));
  ASSERT_EQ(runOnce(dir, checkpointed(dir, 10)).status, WEIR_OK);
  std::string bigger = makeInput(300, 20);
  writeFile(dir.file("txns.jsonl"), bigger);
  Outcome again = runOnce(dir, checkpointed(dir, 10));
  ASSERT_EQ(again.status, WEIR_OK) << again.error;
  Outcome plain = uninterrupted(bigger);
  EXPECT_EQ(again.perUser, plain.perUser);
  EXPECT_NE(again.report.find("started over"), std::string::npos) << again.report;
}

TEST(StateMemory, CappedRunSpillsAndGivesTheSameOutput) {
  std::string input = makeInput(40000, 9000);
  Outcome plain = uninterrupted(input);
  ASSERT_EQ(plain.status, WEIR_OK) << plain.error;
  for (bool durable : {false, true}) {
    TempDir dir;
    writeFile(dir.file("txns.jsonl"), input);
    Options options = durable ? checkpointed(dir, 5000) : Options{};
    options.stateMemory = 256 << 10; // the state is ~2 MiB
    Outcome capped = runOnce(dir, options);
    ASSERT_EQ(capped.status, WEIR_OK) << capped.error;
    EXPECT_EQ(capped.perUser, plain.perUser) << durable;
    EXPECT_EQ(capped.copy, plain.copy);
    size_t at = capped.report.find("state memory: peak ");
    ASSERT_NE(at, std::string::npos) << capped.report;
    uint64_t peak = std::stoull(capped.report.substr(at + 19));
    EXPECT_LE(peak, options.stateMemory) << capped.report;
    EXPECT_GT(peak, options.stateMemory / 4) << capped.report;
    EXPECT_EQ(capped.report.find(" 0 evictions"), std::string::npos) << capped.report;
  }
}

TEST(StateMemory, CappedCheckpointedRunResumes) {
  std::string input = makeInput(20000, 5000);
  Outcome plain = uninterrupted(input);
  TempDir dir;
  writeFile(dir.file("txns.jsonl"), input);
  Options options = checkpointed(dir, 3000);
  options.stateMemory = 200 << 10;
  int stops = 0;
  for (;;) {
    gFailAfter = 7000 + stops * 1111;
    Outcome o = runOnce(dir, options);
    if (o.status == WEIR_OK) {
      EXPECT_EQ(o.perUser, plain.perUser);
      EXPECT_EQ(o.copy, plain.copy);
      break;
    }
    ASSERT_LT(++stops, 50) << o.error;
  }
  EXPECT_GT(stops, 2);
  gFailAfter = -1;
}

} // namespace
