// Internals shared by the Durability*.cpp files: the store's metadata keys
// and record encoding, and small helpers. Not an interface.
#pragma once

#include <rocksdb/slice.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <sys/stat.h>

namespace weir::rt::checkpoint_detail {

// Metadata keys ("m/...").
constexpr const char *kVersionKey = "m/version";
// 2: a timed state's entries carry their earliest timer (appendTimer).
constexpr const char *kVersion = "weir-checkpoint-2";
constexpr const char *kCompleteKey = "m/complete";
constexpr const char *kPositionKey = "m/position";
// Exactly-once: a checkpoint's batch stored before its Kafka transaction
// commits (Durability.h, StreamCheckpointParticipant).
constexpr const char *kPendingKey = "m/pending";
inline std::string kafkaPositionKey(const std::string &source) { return "m/kafka/" + source; }
constexpr const char *kNextStoreIdKey = "m/next-state-id";
inline std::string stateKey(const std::string &name) { return "m/state/" + name; }
inline std::string clockKey(uint32_t storeId) { return "m/clock/" + std::to_string(storeId); }
inline std::string sourceKey(const std::string &name) { return "m/source/" + name; }
inline std::string sinkKey(const std::string &name) { return "m/sink/" + name; }
inline std::string doneKey(const std::string &stage) { return "m/done/" + stage; }

// A timed state's (windowed, ttl) stored entry ends with the time of its
// earliest event-time timer, INT64_MAX for none: timers are part of the
// checkpoint, and a spilled entry knows when the watermark needs it back.
inline void appendTimer(std::string &value, int64_t due) {
  value.append(reinterpret_cast<const char *>(&due), sizeof due);
}
// The entry's bytes without the timer; `due` gets the timer (INT64_MAX when
// the value is too short, which decoding the entry then reports).
inline std::string_view splitTimer(std::string_view value, int64_t &due) {
  due = INT64_MAX;
  if (value.size() < sizeof due)
    return value;
  std::memcpy(&due, value.data() + value.size() - sizeof due, sizeof due);
  return value.substr(0, value.size() - sizeof due);
}

// Metadata values: a few integers and strings, length-prefixed.
class Record {
public:
  Record &num(uint64_t v) {
    bytes_.append(reinterpret_cast<const char *>(&v), sizeof v);
    return *this;
  }
  Record &str(const std::string &s) {
    num(s.size());
    bytes_.append(s);
    return *this;
  }
  rocksdb::Slice slice() const { return rocksdb::Slice(bytes_); }

private:
  std::string bytes_;
};

class RecordReader {
public:
  explicit RecordReader(std::string_view b) : b_(b) {}
  uint64_t num() {
    uint64_t v = 0;
    if (b_.size() - at_ >= sizeof v) {
      std::memcpy(&v, b_.data() + at_, sizeof v);
      at_ += sizeof v;
    } else {
      ok_ = false;
    }
    return v;
  }
  std::string str() {
    uint64_t n = num();
    if (!ok_ || b_.size() - at_ < n) {
      ok_ = false;
      return {};
    }
    std::string s(b_.substr(at_, n));
    at_ += n;
    return s;
  }
  bool ok() const { return ok_; }

private:
  std::string_view b_;
  size_t at_ = 0;
  bool ok_ = true;
};

inline double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline bool fileIdentity(const std::string &path, int64_t &size, int64_t &mtimeNs) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return false;
  size = static_cast<int64_t>(st.st_size);
  mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

inline std::string describeBytes(uint64_t b) {
  char buf[64];
  if (b >= (1u << 20))
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(b) / (1 << 20));
  else if (b >= 1024)
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(b) / 1024);
  else
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(b));
  return buf;
}

// Records between clock reads when checkpoints are timed.
constexpr uint64_t kClockEvery = 1024;
// Eviction brings the states down to this share of --state-memory, so that
// it does not run again for the next few records.
constexpr double kEvictTarget = 0.7;

} // namespace weir::rt::checkpoint_detail
