// The benchmark's input records and lookup table: the one description of
// their shape. The pipelines (query_a/b/c.weir) declare the same fields.
//
// A record is one JSON object of about --record-bytes bytes (1,200 as in the
// published comparison):
//   {"seq":17,"sent_us":1765000000123456,"grp":4242,"lookup_key":917,"payload":"24/01/15 ..."}
//   seq         int64, 0, 1, 2, ... per load run
//   sent_us     int64, the send time (epoch microseconds), taken just before
//               the record is handed to the producer
//   grp         int64 in [0, kGroupKeys): query B's key; also the Kafka
//               record key (as decimal text), so one group stays in one
//               partition
//   lookup_key  int64 in [0, kLookupRows): query C's join key; every value
//               has a row in the lookup table
//   payload     text that fills the record up to its size (log lines, as
//               in the published generator: JSON-safe characters only)
// The lookup table (CSV with a header): lookup_key,lookup_value with
// lookup_value = 2 * lookup_key, like the published benchmark's static table.
#pragma once

#include <cstdint>
#include <string>

namespace rtm {

inline constexpr int64_t kGroupKeys = 5000;
inline constexpr int64_t kLookupRows = 10000;

class RecordBuilder {
public:
  RecordBuilder(size_t recordBytes, uint64_t seed);
  // Writes record `seq` sent at `sentUs` into value and its Kafka key into key
  // (both overwritten; their capacity is reused).
  void build(int64_t seq, int64_t sentUs, std::string &value, std::string &key);

private:
  uint64_t nextRandom();
  size_t recordBytes_;
  uint64_t state_;
  std::string pool_; // payload text; records take slices of it
};

// Writes the lookup table as CSV; returns false (errno set) on an I/O error.
bool writeLookupTable(const std::string &path);

} // namespace rtm
