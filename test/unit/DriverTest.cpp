// The driver with a hand-written program: C stage functions over the C ABI,
// as generated code would call it.
#include "RuntimeTestUtil.h"
#include "runtime/src/Run.h"

#include <cstring>

using namespace weir::rt;
using namespace weir::rt::test;

namespace {

// ---- the "compiled" program: copy positive-amount rows; count and sum per user.
const WeirFieldDesc kTxnFields[] = {
    {"txn_id", WEIR_STRING, 0}, {"user_id", WEIR_INT64, 0}, {"amount", WEIR_FLOAT64, 0}};
const uint32_t kUsed[] = {0, 1, 2};
const WeirFieldDesc kPerUserFields[] = {
    {"user_id", WEIR_INT64, 0}, {"n", WEIR_INT64, 0}, {"total", WEIR_FLOAT64, 0}};

struct UserEntry {
  WeirEntryHeader h;
  int64_t user;
  int64_t n;
  double total;
};

UserEntry *findOrInsert(WeirHashTable *ht, int64_t user) {
  uint64_t hash = weir_hash_u64(static_cast<uint64_t>(user), 0);
  for (uint64_t s = hash & ht->mask;; s = (s + 1) & ht->mask) {
    uint64_t slot = ht->slots[s];
    if (slot == 0) {
      auto *e = reinterpret_cast<UserEntry *>(weir_ht_insert(ht, hash, s));
      e->user = user;
      return e;
    }
    auto *e = reinterpret_cast<UserEntry *>(ht->entries + ((slot & 0xffffffffu) - 1) * ht->entry_size);
    if ((slot >> 32) == (hash >> 32) && e->user == user)
      return e;
  }
}

WeirStatus mergeUsers(WeirHashTable *dst, WeirHashTable *src) {
  for (uint64_t i = 0; i < src->count; ++i) {
    auto *from = reinterpret_cast<UserEntry *>(src->entries + i * src->entry_size);
    UserEntry *to = findOrInsert(dst, from->user);
    to->n += from->n;
    to->total += from->total;
  }
  return WEIR_OK;
}

WeirStatus copyStage(WeirTask *task) {
  WeirCursor *cursor = weir_task_cursor(task);
  WeirSinkWriter *sink = weir_task_sink(task, 0);
  WeirValue row[3];
  WeirStatus s;
  while ((s = weir_cursor_next(cursor, row)) == WEIR_ROW) {
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
    UserEntry *e = findOrInsert(ht, row[1].v.i64);
    ++e->n;
    e->total += row[2].v.f64;
  }
  return s == WEIR_END ? WEIR_OK : s;
}

WeirStatus emitStage(WeirTask *task) {
  WeirHashTable *ht = weir_task_state(task, 0);
  WeirSinkWriter *sink = weir_task_sink(task, 1);
  for (uint64_t i = 0; i < ht->count; ++i) {
    auto *e = reinterpret_cast<UserEntry *>(ht->entries + i * ht->entry_size);
    WeirValue row[3] = {};
    row[0].v.i64 = e->user;
    row[1].v.i64 = e->n;
    row[2].v.f64 = e->total;
    if (WeirStatus w = weir_sink_write(sink, row); w != WEIR_OK)
      return w;
  }
  return WEIR_OK;
}

struct TestProgram {
  std::string sourceUri, copyUri, perUserUri, onError;
  WeirSourceDesc source{};
  WeirSinkDesc sinks[2]{};
  WeirStateDesc state{};
  WeirStageDesc stages[3]{};
  WeirProgramDesc program{};

  TestProgram(const std::string &dir, const std::string &policy = "fail") {
    sourceUri = "file:" + dir + "/txns.jsonl";
    copyUri = "file:" + dir + "/out/copy.jsonl";
    perUserUri = dir + "/out/per_user.csv";
    onError = policy;
    source = {"txns", sourceUri.c_str(), "json", onError.c_str(), 0, 3, kTxnFields, 3, kUsed};
    sinks[0] = {"copy", copyUri.c_str(), "json", 3, kTxnFields};
    sinks[1] = {"per_user", perUserUri.c_str(), "csv", 3, kPerUserFields};
    state = {"per_user.aggregate", sizeof(UserEntry), 0, mergeUsers, nullptr, 0, nullptr};
    stages[0] = {"copy", WEIR_STAGE_SCAN, 0, -1, -1, 0, 1, copyStage};
    stages[1] = {"per_user.scan", WEIR_STAGE_SCAN, 0, -1, 0, -1, 1, aggregateStage};
    stages[2] = {"per_user.emit", WEIR_STAGE_EMIT, -1, 0, -1, 1, 0, emitStage};
    program = {WEIR_ABI_VERSION, "test_program", 1, &source, 2, sinks, 1, &state, 3, stages};
  }
};

std::string makeInput(int lines, int badEvery) {
  std::string in;
  for (int i = 0; i < lines; ++i) {
    if (badEvery > 0 && i % badEvery == badEvery - 1) {
      in += "{\"txn_id\":\"bad" + std::to_string(i) + "\",\"user_id\":\"oops\",\"amount\":1}\n";
      continue;
    }
    char amount[32];
    std::snprintf(amount, sizeof amount, "%.2f", (i % 17) - 3 + 0.25);
    in += "{\"txn_id\":\"t" + std::to_string(i) + "\",\"user_id\":" + std::to_string(i * 31 % 97) +
          ",\"amount\":" + amount + ",\"note\":\"x\"}\n";
  }
  return in;
}

struct Outcome {
  WeirStatus status;
  std::string error, copy, perUser, deadLetters;
  RunReport report;
};

Outcome runWith(const std::string &input, const std::string &policy, unsigned threads) {
  TempDir dir;
  writeFile(dir.file("txns.jsonl"), input);
  std::string policyText = policy;
  if (policy == "dead_letter")
    policyText = "dead_letter:" + dir.file("dead/letters.jsonl");
  TestProgram p(dir.path.string(), policyText);
  Options options;
  options.threads = threads;
  options.minBytesPerThread = 1;
  Outcome o;
  Status run = runProgram(p.program, options, o.report);
  o.status = run.code();
  o.error = run.message();
  o.copy = readFile(dir.file("out/copy.jsonl"));
  o.perUser = readFile(dir.file("out/per_user.csv"));
  o.deadLetters = readFile(dir.file("dead/letters.jsonl"));
  // Error messages name the temporary directory; make them comparable.
  for (size_t at; (at = o.error.find(dir.path.string())) != std::string::npos;)
    o.error.replace(at, dir.path.string().size(), "DIR");
  for (size_t at; (at = o.deadLetters.find(dir.path.string())) != std::string::npos;)
    o.deadLetters.replace(at, dir.path.string().size(), "DIR");
  return o;
}

TEST(Driver, RunsStagesAndWritesSinks) {
  std::string input = "{\"txn_id\":\"a\",\"user_id\":1,\"amount\":2.5}\n"
                      "{\"txn_id\":\"b\",\"user_id\":2,\"amount\":-1}\n"
                      "{\"txn_id\":\"c\",\"user_id\":1,\"amount\":0.5}\n";
  Outcome o = runWith(input, "fail", 1);
  ASSERT_EQ(o.status, WEIR_OK) << o.error;
  EXPECT_EQ(o.copy, "{\"txn_id\":\"a\",\"user_id\":1,\"amount\":2.5}\n"
                    "{\"txn_id\":\"c\",\"user_id\":1,\"amount\":0.5}\n");
  EXPECT_EQ(o.perUser, "user_id,n,total\n1,2,3.0\n2,1,-1.0\n");
  ASSERT_EQ(o.report.sources.size(), 1u);
  EXPECT_EQ(o.report.sources[0].read, 3u); // counted once, though scanned twice
  EXPECT_EQ(o.report.sinks[0].rows, 2u);
  EXPECT_EQ(o.report.sinks[1].rows, 2u);
  std::string text = formatReport(o.report);
  EXPECT_NE(text.find("test_program: finished in "), std::string::npos) << text;
  EXPECT_NE(text.find("  source txns ("), std::string::npos) << text;
  EXPECT_NE(text.find("): 3 records read\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  sink per_user -> "), std::string::npos) << text;
  EXPECT_NE(text.find("per_user.csv: 2 rows\n"), std::string::npos) << text;
}

TEST(Driver, ThreadsGiveByteIdenticalOutput) {
  std::string input = makeInput(5000, 0);
  Outcome one = runWith(input, "fail", 1);
  ASSERT_EQ(one.status, WEIR_OK) << one.error;
  EXPECT_GT(one.copy.size(), 100000u);
  for (unsigned threads : {2u, 3u, 8u}) {
    Outcome many = runWith(input, "fail", threads);
    ASSERT_EQ(many.status, WEIR_OK) << many.error;
    EXPECT_EQ(many.copy, one.copy) << threads;
    EXPECT_EQ(many.perUser, one.perUser) << threads;
    EXPECT_EQ(many.report.sources[0].read, 5000u);
  }
}

TEST(Driver, ThreadsGiveIdenticalDeadLettersAndCounts) {
  std::string input = makeInput(3000, 101);
  Outcome one = runWith(input, "dead_letter", 1);
  ASSERT_EQ(one.status, WEIR_OK) << one.error;
  EXPECT_EQ(one.report.sources[0].bad, 29u);
  EXPECT_EQ(static_cast<size_t>(std::count(one.deadLetters.begin(), one.deadLetters.end(), '\n')), 29u);
  EXPECT_NE(one.deadLetters.find("\"line\":101,"), std::string::npos);
  Outcome many = runWith(input, "dead_letter", 4);
  ASSERT_EQ(many.status, WEIR_OK) << many.error;
  EXPECT_EQ(many.deadLetters, one.deadLetters);
  EXPECT_EQ(many.copy, one.copy);
  EXPECT_EQ(many.perUser, one.perUser);
  EXPECT_EQ(many.report.sources[0].bad, 29u);

  Outcome skipped = runWith(input, "skip", 3);
  ASSERT_EQ(skipped.status, WEIR_OK);
  EXPECT_EQ(skipped.copy, one.copy);
  EXPECT_EQ(skipped.deadLetters, "");
  EXPECT_EQ(skipped.report.sources[0].bad, 29u);
}

TEST(Driver, FailureKeepsTheRowsBeforeItIdenticallyWithThreads) {
  std::string input = makeInput(4000, 0);
  // A bad line at line 2500 of 4000.
  size_t at = 0;
  for (int i = 0; i < 2499; ++i)
    at = input.find('\n', at) + 1;
  input.insert(at, "{\"txn_id\":\"x\",\"user_id\":1,\"amount\":\"abc\"}\n");
  Outcome one = runWith(input, "fail", 1);
  EXPECT_EQ(one.status, WEIR_ERR_RECORD);
  EXPECT_EQ(one.error, "DIR/txns.jsonl:2500: field 'amount': expected float64, got string \"abc\"");
  EXPECT_FALSE(one.copy.empty()); // rows before the error are kept
  EXPECT_EQ(one.copy.back(), '\n');
  EXPECT_EQ(one.perUser, ""); // never written: the run stopped before it
  for (unsigned threads : {2u, 5u}) {
    Outcome many = runWith(input, "fail", threads);
    EXPECT_EQ(many.status, WEIR_ERR_RECORD);
    EXPECT_EQ(many.error, one.error);
    EXPECT_EQ(many.copy, one.copy) << threads;
  }
}

TEST(Driver, MissingSourceFileIsAnIoError) {
  TempDir dir;
  TestProgram p(dir.path.string());
  Options options;
  RunReport report;
  Status run = runProgram(p.program, options, report);
  EXPECT_EQ(run.code(), WEIR_ERR_IO);
  EXPECT_EQ(run.message(), "source 'txns': cannot open " + dir.file("txns.jsonl") +
                       ": No such file or directory");
  EXPECT_FALSE(std::filesystem::exists(dir.file("out/copy.jsonl")));
}

TEST(Driver, EmptyInputStillCreatesEverySink) {
  Outcome o = runWith("", "fail", 2);
  ASSERT_EQ(o.status, WEIR_OK) << o.error;
  EXPECT_EQ(o.copy, "");
  EXPECT_EQ(o.perUser, "user_id,n,total\n");
}

// ---- weir_main: options, exit codes, messages.

struct MainResult {
  int code;
  std::string out, err;
};

MainResult callMain(const WeirProgramDesc &program, std::vector<std::string> args) {
  args.insert(args.begin(), "prog");
  std::vector<char *> argv;
  for (std::string &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  int code = weir_main(&program, static_cast<int>(args.size()), argv.data());
  MainResult r{code, testing::internal::GetCapturedStdout(), testing::internal::GetCapturedStderr()};
  return r;
}

TEST(WeirMain, BadOptionsExitTwoWithClearMessages) {
  TempDir dir;
  TestProgram p(dir.path.string());
  MainResult r = callMain(p.program, {"--source", "nope=x.jsonl"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: unknown source 'nope' in --source nope=x.jsonl; valid sources: txns\n");
  r = callMain(p.program, {"--sink", "clean=out.jsonl"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: unknown sink 'clean' in --sink clean=out.jsonl; valid sinks: copy, per_user\n");
  r = callMain(p.program, {"-O2"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: -O2 is fixed at build time; rebuild with weir build -O2 ...\n");
  r = callMain(p.program, {"--no-fuse"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--no-fuse is fixed at build time"), std::string::npos);
  r = callMain(p.program, {"--trigger", "every"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: --trigger: trigger 'every' needs an interval, as in --trigger every 30s; got "
                   "'every'\n");
  r = callMain(p.program, {"--trigger", "soon"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown trigger 'soon': expected available_now, every <duration> or realtime"),
            std::string::npos) << r.err;
  r = callMain(p.program, {"--guarantee", "maybe_once"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: --guarantee expects exactly_once or at_least_once, got 'maybe_once'\n");
  // A setting without '=' may be a secret: only its key part is echoed.
  r = callMain(p.program, {"--kafka-config", "sasl.password"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: --kafka-config expects KEY=VALUE, got 'sasl.password'\n");
  r = callMain(p.program, {"--commit-interval", "often"});
  EXPECT_EQ(r.code, 2);
  r = callMain(p.program, {"--checkpoint", "ck", "--threads", "2"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: --checkpoint runs scans on one thread: drop --threads 2\n");
  r = callMain(p.program, {"--checkpoint-interval", "1s"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "error: --checkpoint-interval needs --checkpoint DIR\n");
  r = callMain(p.program, {"--checkpoint", "ck", "--checkpoint-interval", "soon"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--checkpoint-interval expects a duration (250ms, 1s, 2m) or a record count"),
            std::string::npos) << r.err;
  r = callMain(p.program, {"--state-memory", "lots"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--state-memory expects a byte count"), std::string::npos) << r.err;
  r = callMain(p.program, {"--threads", "0"});
  EXPECT_EQ(r.code, 2);
  r = callMain(p.program, {"--bogus"});
  EXPECT_EQ(r.code, 2);
  r = callMain(p.program, {"--source", "txns=kafka:no such topic"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("invalid Kafka topic in 'kafka:no such topic'"), std::string::npos) << r.err;
  r = callMain(p.program, {"--source", "txns=kafka:t?key=user"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown Kafka source option 'key=user'"), std::string::npos) << r.err;
  r = callMain(p.program, {"--source", "txns=s3:bucket"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unsupported URI 's3:bucket'"), std::string::npos) << r.err;
  r = callMain(p.program, {"--source", "txns=stdout:"});
  EXPECT_EQ(r.code, 2);
}

TEST(WeirMain, HelpListsOptionsAndNames) {
  TempDir dir;
  TestProgram p(dir.path.string());
  MainResult r = callMain(p.program, {"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--source"), std::string::npos);
  EXPECT_NE(r.out.find("--threads"), std::string::npos);
  EXPECT_NE(r.out.find("txns"), std::string::npos);
  EXPECT_NE(r.out.find("copy, per_user"), std::string::npos);
}

TEST(WeirMain, RebindsSourcesAndSinksAndReports) {
  TempDir dir;
  TestProgram p(dir.path.string());
  writeFile(dir.file("other.jsonl"), "{\"txn_id\":\"z\",\"user_id\":9,\"amount\":1}\n"
                                     "{\"txn_id\":\"y\",\"user_id\":9,\"amount\":2}\n");
  MainResult r = callMain(p.program, {"--source", "txns=" + dir.file("other.jsonl"), "--sink",
                                      "copy=file:" + dir.file("new/copy.jsonl"), "--sink",
                                      "per_user=stdout:", "--threads", "2"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(readFile(dir.file("new/copy.jsonl")),
            "{\"txn_id\":\"z\",\"user_id\":9,\"amount\":1.0}\n"
            "{\"txn_id\":\"y\",\"user_id\":9,\"amount\":2.0}\n");
  EXPECT_EQ(r.out, "user_id,n,total\n9,2,3.0\n");
  EXPECT_NE(r.err.find("source txns (" + dir.file("other.jsonl") + "): 2 records read"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("sink per_user -> stdout: 1 row\n"), std::string::npos) << r.err;
  // No temporary files are left next to the output.
  int files = 0;
  for (auto &e : std::filesystem::directory_iterator(dir.file("new")))
    files += e.is_regular_file();
  EXPECT_EQ(files, 1);

  r = callMain(p.program, {"--quiet", "--source", "txns=" + dir.file("other.jsonl")});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
}

// Exit code 3: a malformed record stopped the run (docs/operations.md).
TEST(WeirMain, RecordErrorExitsThreeWithTheMessage) {
  TempDir dir;
  TestProgram p(dir.path.string());
  writeFile(dir.file("txns.jsonl"), "{\"txn_id\":\"a\",\"user_id\":1,\"amount\":1}\n"
                                    "{\"txn_id\":\"b\",\"user_id\":1,\"amount\":\"abc\"}\n");
  MainResult r = callMain(p.program, {"--quiet"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, "error: " + dir.file("txns.jsonl") +
                       ":2: field 'amount': expected float64, got string \"abc\"\n");
  EXPECT_EQ(readFile(dir.file("out/copy.jsonl")), "{\"txn_id\":\"a\",\"user_id\":1,\"amount\":1.0}\n");
}

} // namespace
