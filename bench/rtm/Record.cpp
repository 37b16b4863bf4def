#include "bench/rtm/Record.h"

#include <charconv>
#include <cstdio>

namespace rtm {

namespace {

// Log lines like the published generator's payload (Spark driver start-up),
// without quotes or backslashes so they need no JSON escaping.
const char *const kLogLines[] = {
    "24/01/15 10:30:01 INFO SparkContext: Running Spark version 4.0.0",
    "24/01/15 10:30:01 INFO ResourceUtils: No custom resources configured for spark.driver.",
    "24/01/15 10:30:02 INFO SecurityManager: Changing view acls to: sparkuser",
    "24/01/15 10:30:02 INFO SparkEnv: Registering BlockManagerMaster",
    "24/01/15 10:30:02 INFO DiskBlockManager: Created local directory at /tmp/blockmgr-a1b2c3d4",
    "24/01/15 10:30:02 INFO MemoryStore: MemoryStore started with capacity 4.0 GiB",
    "24/01/15 10:30:03 INFO Utils: Successfully started service SparkUI on port 4040.",
    "24/01/15 10:30:03 INFO TransportClientFactory: Successfully created connection to master/10.0.0.1:7077",
    "24/01/15 10:30:04 INFO SharedState: Warehouse path is file:/opt/spark/spark-warehouse.",
    "24/01/15 10:30:05 INFO KafkaSourceProvider: Setting kafka consumer configuration: subscribe = input",
    "24/01/15 10:30:06 INFO MicroBatchExecution: Starting new streaming query",
};

void appendInt(std::string &s, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, end);
}

} // namespace

RecordBuilder::RecordBuilder(size_t recordBytes, uint64_t seed) : recordBytes_(recordBytes), state_(seed) {
  // Enough text for any record size plus a random starting offset.
  while (pool_.size() < 2 * recordBytes + 4096)
    for (const char *line : kLogLines)
      (pool_ += line) += " | ";
}

// splitmix64
uint64_t RecordBuilder::nextRandom() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void RecordBuilder::build(int64_t seq, int64_t sentUs, std::string &value, std::string &key) {
  int64_t grp = int64_t(nextRandom() % kGroupKeys);
  int64_t lookupKey = int64_t(nextRandom() % kLookupRows);
  value.clear();
  value += "{\"seq\":";
  appendInt(value, seq);
  value += ",\"sent_us\":";
  appendInt(value, sentUs);
  value += ",\"grp\":";
  appendInt(value, grp);
  value += ",\"lookup_key\":";
  appendInt(value, lookupKey);
  value += ",\"payload\":\"";
  size_t closing = 2; // "}
  size_t fill = value.size() + closing < recordBytes_ ? recordBytes_ - value.size() - closing : 1;
  // Eight varying characters first (as the published generator does), then
  // a slice of the log text at a random offset.
  for (int i = 0; i < 8 && fill > 0; ++i, --fill)
    value += char('a' + nextRandom() % 26);
  value.append(pool_, nextRandom() % (pool_.size() - recordBytes_), fill);
  value += "\"}";
  key.clear();
  appendInt(key, grp);
}

bool writeLookupTable(const std::string &path) {
  FILE *f = std::fopen(path.c_str(), "w");
  if (!f)
    return false;
  std::fputs("lookup_key,lookup_value\n", f);
  for (int64_t k = 0; k < kLookupRows; ++k)
    std::fprintf(f, "%lld,%lld\n", (long long)k, (long long)(2 * k));
  return std::fclose(f) == 0;
}

} // namespace rtm
