#include "runtime/src/Run.h"

#include "runtime/src/Progress.h"
#include "runtime/src/StopSignal.h"

#include "runtime/src/Durability.h"
#include "runtime/src/DistinctPairs.h"
#include "runtime/src/HashTable.h"
#include "runtime/src/CommittedFileOutput.h"
#include "runtime/src/Task.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

namespace weir::rt {

namespace {

using Clock = std::chrono::steady_clock;


double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

const char *stageKindName(uint32_t kind) {
  switch (kind) {
  case WEIR_STAGE_TABLE_BUILD: return "table build";
  case WEIR_STAGE_SCAN: return "scan";
  case WEIR_STAGE_EMIT: return "emit";
  }
  return "stage";
}

std::string uriFor(const std::vector<std::pair<std::string, std::string>> &overrides,
                   const char *name, const char *declared) {
  std::string uri = declared ? declared : "";
  for (const auto &[n, u] : overrides) // the last --source/--sink for a name wins
    if (n == name)
      uri = u;
  return uri;
}

} // namespace

Run::Run(const WeirProgramDesc &program, const Options &options, Telemetry *telemetry)
    : program_(program), options_(options), telemetry_(telemetry) {}

Run::~Run() {
  durability_.reset(); // it points into the states
  for (WeirHashTable *ht : states_)
    destroyHashTable(ht);
}

Status Run::start() {
  if (program_.abi_version != WEIR_ABI_VERSION)
    return Status::config("the program was compiled for runtime ABI version " +
                          std::to_string(program_.abi_version) + ", this runtime has version " +
                          std::to_string(WEIR_ABI_VERSION));
  std::string error; // of the option parsers below
  sources_.resize(program_.nsources);
  for (uint32_t i = 0; i < program_.nsources; ++i) {
    const WeirSourceDesc &d = program_.sources[i];
    SourceRuntime &s = sources_[i];
    s.desc = &d;
    s.info.name = d.name;
    std::string uri = uriFor(options_.sourceUris, d.name, d.uri);
    Location loc;
    if (Status st = parseLocation(uri, false, loc); !st.ok())
      return std::move(st).withContext("source '" + s.info.name + "'");
    s.info.path = loc.path;
    s.schema = {d.nfields, d.fields, d.nused, d.used};
    std::string format = d.format ? d.format : "json";
    if (loc.kafka) {
      if (d.is_table)
        return Status::config("table '" + s.info.name + "' cannot read Kafka: a table is read whole "
                              "before the streams start; give it a file");
      s.kafka = std::make_unique<KafkaSource>(s.info.name, options_);
      if (format == "json" || format == "csv" || format == "raw")
        s.payload = format == "json" ? KafkaSource::Payload::Json
                    : format == "csv" ? KafkaSource::Payload::Csv
                                      : KafkaSource::Payload::Raw;
      else
        return Status::config("source '" + s.info.name + "': unknown format '" + format + "' (json, csv or raw)");
    } else if (isGeneratorUri(uri)) { // whatever the declared format
      if (Status st = openGenerator(uri, s.schema, s.generator); !st.ok())
        return std::move(st).withContext("source '" + s.info.name + "'");
    } else if (format == "json") {
      s.format = Format::Json;
    } else if (format == "csv") {
      s.format = Format::Csv;
    } else {
      return Status::config("source '" + s.info.name + "': unknown format '" + format + "' (json or csv)");
    }
    if (!parseErrorPolicy(d.on_error, s.info.policy, error))
      return Status::config("source '" + s.info.name + "': " + error);
  }
  sinks_.resize(program_.nsinks);
  for (uint32_t i = 0; i < program_.nsinks; ++i) {
    const WeirSinkDesc &d = program_.sinks[i];
    SinkRuntime &s = sinks_[i];
    s.desc = &d;
    if (Status st = parseLocation(uriFor(options_.sinkUris, d.name, d.uri), true, s.location); !st.ok())
      return std::move(st).withContext("sink '" + std::string(d.name) + "'");
    std::string format = d.format ? d.format : "json";
    if (format == "raw" && s.location.kafka) {
      if (d.nfields != 1)
        return Status::config("sink '" + std::string(d.name) + "': format raw writes one column, this sink has " +
                              std::to_string(d.nfields));
      s.format = SinkFormat::Raw;
    } else if (format != "json" && format != "csv") {
      return Status::config("sink '" + std::string(d.name) + "': unknown format '" + format +
                            "' (json or csv" + (s.location.kafka ? ", or raw" : "") + ")");
    } else {
      s.format = format == "csv" ? SinkFormat::Csv : SinkFormat::Json;
    }
  }
  // The trigger: --trigger, else the program's own.
  if (Status st = parseTrigger(options_.trigger.empty() ? programTrigger(program_) : options_.trigger, trigger_);
      !st.ok())
    return st;
  for (const SourceRuntime &src : sources_)
    streaming_ |= src.kafka != nullptr;
  if (streaming_)
    if (Status st = bindKafka(); !st.ok())
      return st;
  for (uint32_t i = 0; i < program_.nstates; ++i)
    states_.push_back(createHashTable(&program_.states[i], i, 0));
  clocks_.assign(program_.nstates, WeirClock{INT64_MIN, INT64_MIN, INT64_MAX, INT64_MIN, INT64_MIN, 0});
  for (uint32_t i = 0; i < program_.nstages; ++i) {
    const WeirStageDesc &st = program_.stages[i];
    bool reads = st.kind == WEIR_STAGE_SCAN || st.kind == WEIR_STAGE_TABLE_BUILD;
    auto badIndex = [&](int32_t v, uint32_t n) { return v < -1 || (v >= 0 && uint32_t(v) >= n); };
    bool badMore = (st.nmore_states && !st.more_states) || (st.nmore_sinks && !st.more_sinks);
    for (uint32_t k = 0; !badMore && k < st.nmore_states; ++k)
      badMore = st.more_states[k] < 0 || badIndex(st.more_states[k], program_.nstates);
    for (uint32_t k = 0; !badMore && k < st.nmore_sinks; ++k)
      badMore = st.more_sinks[k] < 0 || badIndex(st.more_sinks[k], program_.nsinks);
    if ((reads && (st.source < 0 || uint32_t(st.source) >= program_.nsources)) ||
        badIndex(st.state, program_.nstates) || badIndex(st.target_state, program_.nstates) ||
        badIndex(st.sink, program_.nsinks) || badMore || !st.fn)
      return Status::error(WEIR_ERR_INTERNAL,
                           "stage '" + std::string(st.name ? st.name : "?") + "' is malformed");
    if (reads)
      sources_[st.source].lastStage = static_cast<int>(i);
  }
  if (!options_.checkpointDir.empty() || options_.stateMemory > 0) {
    durability_ = std::make_unique<Durability>(*this, program_, options_);
    if (streaming_)
      durability_->setStreamParticipant(streamParticipant());
    Status status = durability_->open();
    // Said at once: a run killed later prints no report (kill -9 tests).
    if (status.ok() && options_.trace && !durability_->startNote().empty())
      std::fprintf(stderr, "trace: checkpoint: %s\n", durability_->startNote().c_str());
    if (!status.ok())
      return status;
  }
  // A run on a terminal shows its progress: a batch run per scan, a
  // streaming run one line for the whole run.
  if (progressWanted(options_.quiet, options_.reportJson && options_.reportFile.empty())) {
    if (streaming_)
      streamProgress_ = true; // a line the run thread rewrites (RunLive.cpp)
    else
      progress_ = std::make_unique<ProgressLine>();
  }
  return streaming_ ? assignKafka() : Status();
}

std::string Run::stageLabel(const WeirStageDesc &stage) const {
  const char *kind = stage.kind == WEIR_STAGE_TABLE_BUILD ? "table" : "scan";
  return std::string(kind) + " \"" + (stage.name ? stage.name : "?") + "\"";
}

Status Run::loadSource(SourceRuntime &src) {
  if (src.data)
    return {};
  auto data = std::make_unique<SourceData>();
  if (src.generator) { // no bytes: one empty range, never split
    src.data = std::move(data);
    return {};
  }
  if (Status s = loadSourceFile(src.info.path, *data); !s.ok())
    return std::move(s).withContext("source '" + src.info.name + "'");
  if (src.format == Format::Csv) {
    size_t headerBytes = 0;
    if (Status s = readCsvHeader(src.schema, data->whole(), src.csv, headerBytes); !s.ok())
      return std::move(s).withContext(src.info.path + ":1");
    data->dataStart += headerBytes;
  }
  src.data = std::move(data);
  return {};
}

bool Run::pipelinesOverThreads() const {
  return options_.threads > 1 && !streaming_ && trigger_.kind == Trigger::Kind::AvailableNow;
}

Status Run::openSink(uint32_t index) {
  SinkRuntime &s = sinks_[index];
  if (s.writer)
    return {};
  uint64_t resumeLength = 0, resumeRows = 0;
  bool resume = false;
  if (s.location.kafka) {
    s.kafka = std::make_unique<KafkaSink>(*producer_);
    if (Status st = s.kafka->open(s.location.path, *s.desc); !st.ok())
      return std::move(st).withContext("sink '" + std::string(s.desc->name) + "'");
    s.writer = std::make_unique<WeirSinkWriter>(*s.desc, s.format, nullptr);
    s.writer->records = s.kafka.get();
    return {};
  }
  if (s.location.discard) { // no output: rows are only counted
    s.writer = std::make_unique<WeirSinkWriter>(*s.desc, s.format, nullptr);
    s.writer->discard = true;
    if (durability_ && !options_.checkpointDir.empty() && durability_->sinkResume(index, resumeLength, resumeRows))
      s.writer->rows = resumeRows; // the count goes on after a restart
    return {};
  }
  if (s.location.toStdout) {
    s.out = std::make_unique<StdoutOutput>();
  } else if (durability_ && !options_.checkpointDir.empty()) {
    // Committed with each checkpoint, resumed after a restart.
    resume = durability_->sinkResume(index, resumeLength, resumeRows);
    // A streaming run's file sink is put in place at the end of every run
    // and taken back to be appended to by the next.
    if (resume && streaming_ && fileSize(inProgressPath(s.location.path)) < 0 &&
        fileSize(s.location.path) >= 0)
      std::filesystem::rename(s.location.path, inProgressPath(s.location.path));
    auto file = std::make_unique<CommittedFileOutput>();
    if (Status st = file->open(s.location.path, resume ? &resumeLength : nullptr); !st.ok())
      return std::move(st).withContext("sink '" + std::string(s.desc->name) + "'");
    s.out = std::move(file);
  } else {
    auto file = std::make_unique<FileOutput>();
    if (Status st = file->open(s.location.path); !st.ok())
      return std::move(st).withContext("sink '" + std::string(s.desc->name) + "'");
    s.out = std::move(file);
  }
  s.writer = std::make_unique<WeirSinkWriter>(*s.desc, s.format, s.out.get());
  if (resume)
    s.writer->rows = resumeRows; // the header is in the file already
  else
    s.writer->writeHeader();
  // A batch run given a second core formats and writes its rows there. Not
  // streaming runs: their sinks flush every batch, latency matters more.
  if (pipelinesOverThreads() && !formatter_)
    formatter_ = std::make_unique<FormatterThread>();
  if (formatter_ && s.writer->formatInBackground(*formatter_)) {
    if (options_.trace) // --threads tests
      std::fprintf(stderr, "trace: sink '%s' formatted and written on a thread of its own\n", s.desc->name);
  }
  return {};
}

WeirSinkWriter *Run::sinkWriter(uint32_t index, ErrorSlot &error) {
  if (Status st = openSink(index); !st.ok()) {
    // Still hand out a writer (generated code does not check for null); its
    // writes fail with the message.
    SinkRuntime &s = sinks_[index];
    s.writer = std::make_unique<WeirSinkWriter>(*s.desc, s.format, nullptr);
    s.writer->error.set(WEIR_ERR_IO, st.message());
    error.set(WEIR_ERR_IO, st.message());
  }
  return sinks_[index].writer.get();
}

std::unique_ptr<WeirCursor> Run::makeCursor(SourceRuntime &src, const ByteRange &range,
                                            ErrorSlot &error) {
  std::unique_ptr<RecordDecoder> decoder = src.generator             ? src.generator->makeDecoder()
                                          : src.format == Format::Json ? makeJsonDecoder(src.schema, range)
                                                                       : makeCsvDecoder(src.schema, src.csv, range);
  auto cursor = std::make_unique<WeirCursor>(src.info, std::move(decoder), range, error);
  cursor->logBadRecords = !src.scanned;
  return cursor;
}

// Adds a finished cursor's counts to its source (first scan only) and
// appends its dead letters.
Status Run::collectScan(SourceRuntime &src, WeirCursor &cursor) {
  if (!cursor.logBadRecords)
    return {};
  src.read += cursor.recordsRead;
  src.bad += cursor.recordsBad;
  if (!cursor.deadLetters.empty()) {
    if (Status s = appendToFile(src.info.policy.deadLetterPath, cursor.deadLetters.view()); !s.ok())
      return std::move(s).withContext("source '" + src.info.name + "': dead letters");
    cursor.deadLetters.clear();
  }
  return {};
}

// A failed stage's Status: the error its task or its sink recorded, else
// the status code alone.
Status Run::taskError(const WeirStageDesc &stage, WeirStatus status, const WeirTask &task,
                      const WeirSinkWriter *sink) {
  if (task.error.failed())
    return Status::error(status, task.error.message());
  if (sink && sink->error.failed())
    return Status::error(status, sink->error.message());
  return Status::error(status, "stage '" + std::string(stage.name ? stage.name : "?") +
                                   "' failed with status " + std::to_string(status));
}

// The stage's sink (the task's private copy, for a thread) that recorded an
// error, if any.
const WeirSinkWriter *Run::failedSink(const WeirStageDesc &stage, const WeirTask *task) const {
  if (task)
    for (const auto &[index, writer] : task->privateSinks)
      if (writer->error.failed())
        return writer;
  for (uint32_t index : stageSinks(stage))
    if (sinks_[index].writer && sinks_[index].writer->error.failed())
      return sinks_[index].writer.get();
  // A scan also writes the sinks of the windows its records fire (a rolling
  // pipeline's rows, sharing the scan), which belong to their emit stages.
  // A run stops at its first error, so a failed sink is this stage's.
  for (const SinkRuntime &s : sinks_)
    if (s.writer && s.writer->error.failed())
      return s.writer.get();
  return nullptr;
}

Status Run::runStage(uint32_t index) {
  const WeirStageDesc &stage = program_.stages[index];
  if (durability_ && (durability_->alreadyComplete() ||
                      (stage.kind != WEIR_STAGE_TABLE_BUILD && durability_->stageDone(index))))
    return {}; // done by an earlier run (static tables are always rebuilt)
  if (telemetry_) {
    runningStage_ = stageLabel(stage);
    publishLive(/*force=*/true);
  }
  Status status = runStageOnce(index);
  if (status.ok() && durability_)
    status = durability_->stageFinished(index);
  if (telemetry_) {
    runningStage_.clear();
    publishLive(/*force=*/true);
  }
  return status;
}

Status Run::runStageOnce(uint32_t index) {
  const WeirStageDesc &stage = program_.stages[index];
  auto t0 = Clock::now();
  // The sinks are opened once the input is there: a missing input file must
  // not replace an earlier run's output with an empty one.
  auto openStageSink = [&]() -> Status {
    for (uint32_t sink : stageSinks(stage))
      if (Status s = openSink(sink); !s.ok())
        return s;
    return {};
  };
  SourceRuntime *src = nullptr;
  Status status;
  unsigned threadsUsed = 1;
  if (stage.kind == WEIR_STAGE_SCAN || stage.kind == WEIR_STAGE_TABLE_BUILD) {
    src = &sources_[stage.source];
    if (!(status = loadSource(*src)).ok() || !(status = openStageSink()).ok())
      return status;
    ByteRange whole = src->data->whole();
    std::vector<ByteRange> ranges{whole};
    // Partial states need a merge function to be combined.
    bool mergeable = true;
    for (uint32_t state : stageStates(stage))
      mergeable &= program_.states[state].merge != nullptr;
    if (stage.kind == WEIR_STAGE_SCAN && stage.splittable && mergeable && options_.threads > 1) {
      size_t bytes = static_cast<size_t>(whole.end - whole.begin);
      size_t byBytes = std::max<size_t>(1, bytes / std::max<size_t>(1, options_.minBytesPerThread));
      unsigned parts = static_cast<unsigned>(std::min<size_t>(options_.threads, byBytes));
      ranges = splitAtRecordBoundaries(whole, src->format, parts);
    }
    for (size_t r = 0; options_.trace && ranges.size() > 1 && r < ranges.size(); ++r) // --threads tests
      std::fprintf(stderr, "trace: stage %u range %zu: bytes %td-%td\n", index, r,
                   ranges[r].begin - whole.fileBegin, ranges[r].end - whole.fileBegin);
    threadsUsed = static_cast<unsigned>(ranges.size());
    status = ranges.size() > 1 ? runParallel(stage, *src, ranges) : runSingle(stage, src);
    src->scanned = true;
    if (src->lastStage == static_cast<int>(index))
      src->data.reset(); // nothing reads this file any more
  } else {
    if (!(status = openStageSink()).ok())
      return status;
    status = runSingle(stage, nullptr);
  }
  if (options_.trace) {
    std::fprintf(stderr, "trace: stage %u '%s' (%s, %u thread%s): %.3f s\n", index,
                 stage.name ? stage.name : "?", stageKindName(stage.kind), threadsUsed,
                 threadsUsed == 1 ? "" : "s", secondsSince(t0));
    // A shared scan's other pipelines, by the state or sink each writes
    // (named after its pipeline).
    bool shared = stage.nmore_states + stage.nmore_sinks > 0;
    std::vector<std::string> fed;
    for (uint32_t state : stageStates(stage))
      fed.push_back(program_.states[state].name);
    for (uint32_t sink : stageSinks(stage))
      fed.push_back(program_.sinks[sink].name);
    for (const std::string &name : fed)
      if (shared && name != stage.name)
        std::fprintf(stderr, "trace: stage %u '%s' shares its scan with '%s'\n", index, stage.name,
                     name.c_str());
  }
  return status;
}

// Realtime over a generator: while its paced scan waits, what it wrote so
// far goes out and the unwindowed aggregates it feeds emit the keys that
// changed (their emit stages run from inside the scan, at a consistent point).
void Run::whileIdle(uint32_t scanStage) {
  publishLive(/*force=*/false);
  std::vector<uint32_t> fed = stageStates(program_.stages[scanStage]);
  for (uint32_t i = scanStage + 1; i < program_.nstages; ++i) {
    const WeirStageDesc &emit = program_.stages[i];
    if (emit.kind != WEIR_STAGE_EMIT || emit.state < 0 ||
        std::find(fed.begin(), fed.end(), uint32_t(emit.state)) == fed.end() || !states_[emit.state]->changed)
      continue;
    if (emit.sink >= 0 && !openSink(static_cast<uint32_t>(emit.sink)).ok())
      continue;
    WeirTask task(*this, emit);
    emit.fn(&task);
  }
  for (SinkRuntime &s : sinks_)
    if (s.writer)
      s.writer->flush();
}

Status Run::runSingle(const WeirStageDesc &stage, SourceRuntime *src) {
  WeirTask task(*this, stage);
  std::unique_ptr<WeirCursor> cursor;
  uint32_t stageIndex = static_cast<uint32_t>(&stage - program_.stages);
  if (src) {
    ByteRange range = src->data->whole();
    uint64_t skip = 0, read = 0, bad = 0;
    // Scans resume; static tables are rebuilt whole (no checkpoint inside).
    bool resumable = durability_ && stage.kind == WEIR_STAGE_SCAN;
    if (resumable)
      durability_->prepareScan(stageIndex, range, skip, read, bad);
    cursor = makeCursor(*src, range, task.error);
    task.cursor = cursor.get();
    if (src->generator && stage.kind == WEIR_STAGE_SCAN && trigger_.kind == Trigger::Kind::Realtime) {
      cursor->pacedRate = src->generator->spec().rate ? src->generator->spec().rate : kPacedDefaultRate;
      // Its unwindowed aggregates emit, while the scan waits, the keys that changed.
      for (uint32_t state : stageStates(stage))
        if (!program_.states[state].windowed && !states_[state]->changed)
          enableChangeTracking(states_[state]);
      cursor->onIdle = [this, stageIndex] { whileIdle(stageIndex); };
    }
    if (resumable) {
      // A resumed scan: skip what the checkpoint had read (sources without
      // byte positions), keep its counts.
      std::vector<WeirValue> row(std::max<uint32_t>(src->schema.nfields, 1));
      for (uint64_t k = 0; k < skip && cursor->decoder->next(row.data()) != DecodeOutcome::End; ++k) {
      }
      cursor->recordsRead = read;
      cursor->recordsBad = bad;
      durability_->attach(*cursor, stageIndex);
    }
    // A file scan that was not split (a windowed one) is decoded on a
    // second thread. Not with a checkpoint hook (it works per record), nor
    // for generators (they decode batches inline) or Kafka.
    if (pipelinesOverThreads() && !durability_ && !src->generator && !src->kafka && !cursor->pacedRate &&
        stage.kind == WEIR_STAGE_SCAN) {
      std::vector<uint32_t> strings;
      for (uint32_t k = 0; k < src->schema.nused; ++k)
        if (src->schema.fields[src->schema.used[k]].type == WEIR_STRING)
          strings.push_back(src->schema.used[k]);
      cursor->decodeAhead(src->schema.nfields, std::move(strings));
      if (options_.trace) // --threads tests
        std::fprintf(stderr, "trace: stage %u '%s' decodes ahead on a thread of its own\n", stageIndex,
                     stage.name ? stage.name : "?");
    }
  }
  if (cursor)
    scanBegins(stage, *src, {cursor.get()}, /*tick=*/true);
  WeirStatus status = durability_ && durability_->emitsInBatches(stage)
                          ? durability_->runEmitInBatches(stage, task)
                          : stage.fn(&task);
  if (status >= 0 && task.error.failed())
    status = task.error.code(); // an error the stage did not pass on
  Status result;
  if (status < 0)
    result = taskError(stage, status, task, failedSink(stage, nullptr));
  if (cursor) {
    cursor->stopDecodeAhead();
    if (Status s = collectScan(*src, *cursor); !s.ok() && result.ok())
      result = std::move(s);
    scanEnds(status >= 0);
  }
  return result;
}

// Each range gets its own task with a private cursor, sink writer and
// target state; the results are appended and merged in range order, so the
// output is what one thread would have produced. On a failure, the first
// failing range decides: the ranges before it and its own partial output are
// kept (as a single thread would have written them), later ranges are
// dropped.
Status Run::runParallel(const WeirStageDesc &stage, SourceRuntime &src,
                        const std::vector<ByteRange> &ranges) {
  size_t n = ranges.size();
  std::vector<uint32_t> stateIndices = stageStates(stage), sinkIndices = stageSinks(stage);
  std::atomic<uint32_t> firstFailed{UINT32_MAX};
  std::vector<std::unique_ptr<WeirTask>> tasks;
  std::vector<std::unique_ptr<WeirCursor>> cursors;
  // Per range, one per sink / state of the stage, in stageSinks / stageStates order.
  std::vector<std::vector<std::unique_ptr<SpillOutput>>> spills(n);
  std::vector<std::vector<std::unique_ptr<WeirSinkWriter>>> writers(n);
  std::vector<std::vector<WeirHashTable *>> privateStates(n);
  std::vector<WeirStatus> results(n, WEIR_OK);
  for (size_t i = 0; i < n; ++i) {
    tasks.push_back(std::make_unique<WeirTask>(*this, stage));
    WeirTask &task = *tasks.back();
    cursors.push_back(makeCursor(src, ranges[i], task.error));
    cursors.back()->firstFailedRange = &firstFailed;
    cursors.back()->rangeIndex = static_cast<uint32_t>(i);
    task.cursor = cursors.back().get();
    for (uint32_t index : sinkIndices) {
      SinkRuntime &sink = sinks_[index];
      spills[i].push_back(std::make_unique<SpillOutput>());
      writers[i].push_back(std::make_unique<WeirSinkWriter>(*sink.desc, sink.format, spills[i].back().get()));
      writers[i].back()->flushThreshold = 16 << 20;
      writers[i].back()->discard = sink.location.discard;
      task.privateSinks.emplace_back(index, writers[i].back().get());
    }
    for (uint32_t index : stateIndices) {
      privateStates[i].push_back(createHashTable(&program_.states[index], index, 0));
      task.privateStates.emplace_back(index, privateStates[i].back());
    }
  }
  auto work = [&](size_t i) {
    WeirTask &task = *tasks[i];
    WeirStatus s = stage.fn(&task);
    if (s >= 0 && task.error.failed())
      s = task.error.code();
    results[i] = s;
    if (s < 0) {
      uint32_t mine = static_cast<uint32_t>(i), seen = firstFailed.load();
      while (mine < seen && !firstFailed.compare_exchange_weak(seen, mine)) {
      }
    }
  };
  {
    std::vector<WeirCursor *> all;
    for (const auto &cursor : cursors)
      all.push_back(cursor.get());
    // No ticks: the ranges' threads do not own the run's figures.
    scanBegins(stage, src, std::move(all), /*tick=*/false);
  }
  std::vector<std::thread> threads;
  for (size_t i = 1; i < n; ++i)
    threads.emplace_back(work, i);
  work(0);
  for (std::thread &t : threads)
    t.join();
  bool completed = firstFailed.load() == UINT32_MAX;

  size_t failed = firstFailed.load();
  size_t keep = failed == UINT32_MAX ? n : failed + 1;
  Status status;
  if (failed != UINT32_MAX)
    status = taskError(stage, results[failed], *tasks[failed], failedSink(stage, tasks[failed].get()));
  for (size_t i = 0; i < keep; ++i) {
    for (size_t k = 0; k < sinkIndices.size(); ++k) {
      WeirSinkWriter &real = *sinks_[sinkIndices[k]].writer;
      if (WeirStatus s = real.append(*writers[i][k], spills[i][k].get()); s != WEIR_OK && status.ok())
        status = Status::error(s, real.error.message());
    }
    if (Status s = collectScan(src, *cursors[i]); !s.ok() && status.ok())
      status = std::move(s);
  }
  for (size_t k = 0; k < stateIndices.size(); ++k) {
    WeirHashTable *&real = states_[stateIndices[k]];
    for (size_t i = 0; i < n; ++i) {
      WeirHashTable *&partial = privateStates[i][k];
      if (status.ok()) {
        if (real->count == 0) {
          // The first partial becomes the state: no need to merge into nothing.
          std::swap(real, partial);
        } else if (WeirStatus s = mergePartialState(real, partial); s < 0) {
          status = Status::error(s, "merging the partial states of '" + std::string(real->desc->name) +
                                        "' failed with status " + std::to_string(s));
        }
      }
      destroyHashTable(partial);
    }
  }
  scanEnds(completed);
  return status;
}

Status Run::finish(bool succeeded) {
  Status status;
  if (durability_ && durability_->alreadyComplete())
    succeeded = false; // nothing to open: the outputs are in place
  if (succeeded) // every sink exists after a successful run, if only with a header
    for (uint32_t i = 0; i < sinks_.size(); ++i)
      if (Status s = openSink(i); !s.ok())
        return s;
  for (SinkRuntime &s : sinks_) {
    if (!s.writer || !s.out)
      continue;
    WeirStatus flushed = s.writer->flush();
    if (flushed != WEIR_OK && status.ok())
      status = Status::error(flushed, s.writer->error.message());
  }
  // A durable run's output is renamed into place only after the checkpoint
  // that marks the run complete; a failed one stays .inprogress to resume.
  // A stream is never complete: its last checkpoint was its last commit point.
  if (durability_ && succeeded && status.ok() && !streaming_)
    status = durability_->finalCheckpoint();
  for (SinkRuntime &s : sinks_) {
    if (!s.writer || !s.out)
      continue;
    std::string context = "sink '" + std::string(s.desc->name) + "'";
    if (auto *file = dynamic_cast<CommittedFileOutput *>(s.out.get())) {
      if (succeeded && status.ok())
        status = file->commit().withContext(context);
      continue;
    }
    if (auto *file = dynamic_cast<FileOutput *>(s.out.get()))
      if (Status committed = file->commit(); !committed.ok() && status.ok())
        status = std::move(committed).withContext(context);
  }
  publishLive(/*force=*/true); // --metrics: the states' and checkpoints' last figures, before they go
  if (durability_) {
    durabilityReport_ = durability_->reportText();
    durableFigures_ = durability_->figures();
    durability_.reset();
  }
  for (WeirHashTable *&ht : states_) {
    destroyHashTable(ht);
    ht = nullptr;
  }
  states_.clear();
  return status;
}

RunSource Run::sourceInfo(uint32_t index) const {
  const SourceRuntime &s = sources_[index];
  return {s.info.path, s.info.policy, s.read, s.bad, s.scanned, s.generator != nullptr};
}

void Run::restoreSourceCounts(uint32_t index, uint64_t read, uint64_t bad, bool scanned) {
  SourceRuntime &s = sources_[index];
  if (s.kafka)
    return; // a Kafka run reports what it read itself
  s.read = read;
  s.bad = bad;
  s.scanned = scanned;
}

void Run::restoreSinkRows(uint32_t index, uint64_t rows) { sinks_[index].completedRows = rows; }

std::string Run::sinkPath(uint32_t index) const {
  const SinkRuntime &s = sinks_[index];
  return s.location.toStdout ? std::string() : s.location.discard ? std::string("discard:") : s.location.path;
}

Status Run::syncSink(uint32_t index, uint64_t &length, uint64_t &rows) {
  SinkRuntime &s = sinks_[index];
  length = UINT64_MAX;
  rows = s.writer ? s.writer->rows : 0;
  if (!s.writer || !s.out)
    return {};
  if (s.writer->flush() != WEIR_OK)
    return Status::io(s.writer->error.message());
  if (auto *file = dynamic_cast<CommittedFileOutput *>(s.out.get())) {
    if (Status st = file->sync(); !st.ok())
      return std::move(st).withContext("sink '" + std::string(s.desc->name) + "'");
    length = file->length();
  }
  return {};
}

void Run::fillReport(RunReport &report) const {
  report.programName = program_.program_name ? program_.program_name : "program";
  report.sources.clear();
  for (const SourceRuntime &s : sources_)
    report.sources.push_back({s.info.name, s.info.path, s.read, s.bad, s.info.policy.mode,
                              s.info.policy.deadLetterPath, s.scanned});
  report.sinks.clear();
  for (const SinkRuntime &s : sinks_)
    report.sinks.push_back({s.desc->name, s.location.toStdout ? "stdout" : s.location.discard ? "discard" : s.location.path,
                            s.writer ? s.writer->rows : s.completedRows == UINT64_MAX ? 0 : s.completedRows,
                            s.writer != nullptr || s.completedRows != UINT64_MAX});
  report.durability = durabilityReport_;
  report.durable = durability_ ? durability_->figures() : durableFigures_;
  report.streaming = streamingReport();
  report.lateRows.clear();
  report.clocks.clear();
  for (uint32_t i = 0; i < program_.nstates && i < clocks_.size(); ++i) {
    if (clocks_[i].late_rows > 0)
      report.lateRows.emplace_back(program_.states[i].name, static_cast<uint64_t>(clocks_[i].late_rows));
    if (program_.states[i].windowed)
      report.clocks.push_back({program_.states[i].name, clocks_[i].watermark, clocks_[i].max_event_time,
                               static_cast<uint64_t>(clocks_[i].late_rows)});
  }
  report.commits = commits_;
  report.batches = batches_;
}

Status runProgram(const WeirProgramDesc &program, const Options &options, RunReport &report,
                  Telemetry *telemetry) {
  auto t0 = Clock::now();
  Run run(program, options, telemetry);
  Status status = run.start();
  if (telemetry)
    run.publishLive(/*force=*/true);
  if (status.ok() && run.streaming())
    status = run.runStreaming();
  // Streaming runs handle SIGINT/SIGTERM themselves (RunStreaming.cpp).
  std::unique_ptr<StopSignals> stopSignals;
  if (status.ok() && !run.streaming()) {
    stopSignals = std::make_unique<StopSignals>();
    if (options.trace) // the signal test waits for it
      std::fprintf(stderr, "trace: SIGINT and SIGTERM now stop the run at a record boundary\n");
  }
  for (uint32_t i = 0; status.ok() && !run.streaming() && i < program.nstages; ++i)
    status = run.runStage(i);
  Status finished = run.finish(status.ok());
  if (status.ok() && !finished.ok())
    status = std::move(finished);
  run.fillReport(report);
  report.ok = status.ok();
  report.seconds = secondsSince(t0);
  return status;
}

std::string formatReport(const RunReport &r) {
  char line[512];
  std::string out;
  std::snprintf(line, sizeof line, "%s: %s in %.3f s\n", r.programName.c_str(),
                r.ok ? "finished" : "failed", r.seconds);
  out += line;
  for (const RunReport::Source &s : r.sources) {
    if (!s.scanned)
      continue;
    out += "  source " + s.name + " (" + s.path + "): " + std::to_string(s.read) + " record" +
           (s.read == 1 ? "" : "s") + " read";
    if (s.bad > 0 || s.mode != OnError::Fail) {
      if (s.mode == OnError::DeadLetter)
        out += ", " + std::to_string(s.bad) + " dead-lettered to " + s.deadLetterPath;
      else if (s.mode == OnError::Fail) // the run stopped at it
        out += ", " + std::to_string(s.bad) + " malformed (on_error = \"fail\")";
      else
        out += ", " + std::to_string(s.bad) + " skipped";
    }
    out += "\n";
  }
  for (const RunReport::Sink &s : r.sinks) {
    if (!s.written)
      continue;
    out += "  sink " + s.name + " -> " + s.where + ": " + std::to_string(s.rows) + " row" +
           (s.rows == 1 ? "" : "s") + "\n";
  }
  for (const auto &[name, rows] : r.lateRows)
    out += "  " + name + ": " + std::to_string(rows) + " late row" + (rows == 1 ? "" : "s") + " dropped\n";
  out += r.streaming;
  out += r.durability;
  return out;
}

} // namespace weir::rt
