// The RocksDB database behind --checkpoint (and --state-memory): typed keys,
// atomic write batches, prefix scans. Every checkpoint is one WriteBatch, so
// the database always holds exactly one consistent checkpoint.
//
// Keys:
//   "m/..."                                   metadata (Durability*.cpp)
//   'e' u32 state id, u64 hash, u64 seq (BE)   one aggregate entry (StateSerializer.h)
#pragma once

#include "runtime/src/Status.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace rocksdb {
class DB;
class WriteBatch;
} // namespace rocksdb

namespace weir::rt {

class CheckpointStore {
public:
  ~CheckpointStore();
  // Opens (creating) the database in `dir`. `durable`: every write is synced
  // to disk; otherwise (a scratch store for spilled state) nothing is.
  // `memtableBytes`: RocksDB's write buffer (smaller under --state-memory,
  // where it holds recently evicted entries in memory).
  static Status open(const std::string &dir, bool durable, uint64_t memtableBytes,
                     std::unique_ptr<CheckpointStore> &out);
  // Deletes the database in `dir` (a checkpoint that is started over).
  static Status destroy(const std::string &dir);

  // found=false when the key is absent.
  Status get(std::string_view key, std::string &value, bool &found);
  // Calls fn(key, value) for each key starting with `prefix`, in key order,
  // until it returns false.
  Status scan(std::string_view prefix, const std::function<bool(std::string_view, std::string_view)> &fn);
  Status write(rocksdb::WriteBatch &batch);

  const std::string &dir() const { return dir_; }

private:
  CheckpointStore() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::string dir_;
  bool durable_ = false;
};

// Key encoding.
std::string entryKey(uint32_t stateId, uint64_t hash, uint64_t seq);
std::string entryPrefix(uint32_t stateId);
std::string entryPrefix(uint32_t stateId, uint64_t hash);
// Decodes an entry key; false when `key` is not one.
bool parseEntryKey(std::string_view key, uint32_t &stateId, uint64_t &hash, uint64_t &seq);

} // namespace weir::rt
