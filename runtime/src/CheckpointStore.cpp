#include "runtime/src/CheckpointStore.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

namespace weir::rt {

namespace {

void putBE(std::string &out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t getBE(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = v << 8 | static_cast<uint8_t>(in[at + i]);
  return v;
}

rocksdb::Options storeOptions(bool durable, uint64_t memtableBytes) {
  rocksdb::Options o;
  o.create_if_missing = true;
  // Checkpoints arrive as large batches: a larger memtable means fewer,
  // larger flushes.
  o.write_buffer_size = memtableBytes;
  o.max_background_jobs = 2;
  o.keep_log_file_num = 2;
  // Spilled entries come back by point lookups (weir_ht_fault_in): a Bloom
  // filter per table file spares the files that do not hold the key.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (!durable)
    o.max_log_file_size = 1 << 20;
  return o;
}

} // namespace

CheckpointStore::~CheckpointStore() {
  if (db_)
    db_->Close();
}

Status CheckpointStore::open(const std::string &dir, bool durable, uint64_t memtableBytes,
                             std::unique_ptr<CheckpointStore> &out) {
  rocksdb::DB *db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(storeOptions(durable, memtableBytes), dir, &db);
  if (!s.ok())
    return Status::io("cannot open the checkpoint store in " + dir + ": " + s.ToString());
  std::unique_ptr<CheckpointStore> store(new CheckpointStore);
  store->db_.reset(db);
  store->dir_ = dir;
  store->durable_ = durable;
  out = std::move(store);
  return {};
}

Status CheckpointStore::destroy(const std::string &dir) {
  rocksdb::Status s = rocksdb::DestroyDB(dir, rocksdb::Options());
  if (!s.ok())
    return Status::io("cannot delete the checkpoint in " + dir + ": " + s.ToString());
  return {};
}

Status CheckpointStore::get(std::string_view key, std::string &value, bool &found) {
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  found = s.ok();
  if (s.ok() || s.IsNotFound())
    return {};
  return Status::io("reading the checkpoint store in " + dir_ + ": " + s.ToString());
}

Status CheckpointStore::scan(std::string_view prefix,
                             const std::function<bool(std::string_view, std::string_view)> &fn) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  rocksdb::Slice p(prefix.data(), prefix.size());
  for (it->Seek(p); it->Valid() && it->key().starts_with(p); it->Next())
    if (!fn(std::string_view(it->key().data(), it->key().size()),
            std::string_view(it->value().data(), it->value().size())))
      break;
  if (!it->status().ok())
    return Status::io("reading the checkpoint store in " + dir_ + ": " + it->status().ToString());
  return {};
}

Status CheckpointStore::write(rocksdb::WriteBatch &batch) {
  rocksdb::WriteOptions w;
  w.sync = durable_;
  w.disableWAL = !durable_;
  rocksdb::Status s = db_->Write(w, &batch);
  if (!s.ok())
    return Status::io("writing the checkpoint store in " + dir_ + ": " + s.ToString());
  return {};
}

std::string entryPrefix(uint32_t stateId) {
  std::string k(1, 'e');
  putBE(k, stateId, 4);
  return k;
}

std::string entryPrefix(uint32_t stateId, uint64_t hash) {
  std::string k = entryPrefix(stateId);
  putBE(k, hash, 8);
  return k;
}

std::string entryKey(uint32_t stateId, uint64_t hash, uint64_t seq) {
  std::string k = entryPrefix(stateId, hash);
  putBE(k, seq, 8);
  return k;
}

bool parseEntryKey(std::string_view key, uint32_t &stateId, uint64_t &hash, uint64_t &seq) {
  if (key.size() != 21 || key[0] != 'e')
    return false;
  stateId = static_cast<uint32_t>(getBE(key, 1, 4));
  hash = getBE(key, 5, 8);
  seq = getBE(key, 13, 8);
  return true;
}

} // namespace weir::rt
