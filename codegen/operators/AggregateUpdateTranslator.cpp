// `key by ... | aggregate`: finds (or inserts) the row's key in the state's
// hash table and folds the row into that key's packed struct.
#include "codegen/AggregateCodegen.h"
#include "codegen/HashProbe.h"
#include "codegen/StageCodegen.h"
#include "codegen/WindowCodegen.h"

using namespace llvm;

namespace weir::codegen {

StageCodegen::KeyEntry StageCodegen::findOrInsertKey(FunctionContext &fc, const ir::Node &aggregate,
                                                     const Row &row,
                                                     const std::function<void(Value *entry)> &initNew) {
  IRBuilder<> &b = fc.builder();
  ExprCodegen expr(fc);
  AggregateCodegen agg(fc, aggregate);
  Value *ht = fc.state(index_.stateOf.at(aggregate.id));

  Row keys;
  for (size_t k = 0; k < aggregate.keys.size(); ++k) {
    CgValue key = expr.coerce(expr.emit(*aggregate.keys[k], row), aggregate.schema[k].type);
    keys.push_back(key);
  }
  Value *hash = emitKeyHash(fc, keys);
  BasicBlock *probeStart = fc.newBlock("agg.probe");
  b.CreateBr(probeStart);
  b.SetInsertPoint(probeStart);
  ProbeResult probe = emitProbe(fc, ht, hash, aggregate.layout.entrySize,
                                [&](Value *entry) { return agg.keysEqual(entry, keys); });

  BasicBlock *found = fc.newBlock("agg.found");
  b.SetInsertPoint(probe.found);
  b.CreateBr(found);
  // A miss may be a key whose entry was spilled (--state-memory): bring it
  // back and probe again.
  b.SetInsertPoint(probe.notFound);
  BasicBlock *faultIn = fc.newBlock("agg.faultin"), *insert = fc.newBlock("agg.insert");
  Value *spill = b.CreateLoad(abi_.ptr(), b.CreateStructGEP(abi_.hashTableType(), ht, RuntimeABI::HT_Spill));
  b.CreateCondBr(b.CreateIsNotNull(spill), faultIn, insert);
  b.SetInsertPoint(faultIn);
  Value *loaded = b.CreateCall(abi_.fn("weir_ht_fault_in"), {ht, hash});
  b.CreateCondBr(b.CreateIsNotNull(loaded), probeStart, insert);
  b.SetInsertPoint(insert);
  Value *fresh = b.CreateCall(abi_.fn("weir_ht_insert"), {ht, hash, probe.slot}, "newkey");
  Value *count = b.CreateLoad(abi_.i64(), b.CreateStructGEP(abi_.hashTableType(), ht, RuntimeABI::HT_Count));
  Value *freshIndex = b.CreateSub(count, ConstantInt::get(abi_.i64(), 1));
  agg.initEntry(ht, fresh, keys);
  if (initNew)
    initNew(fresh);
  BasicBlock *insertedEnd = b.GetInsertBlock();
  b.CreateBr(found);

  b.SetInsertPoint(found);
  PHINode *entry = b.CreatePHI(abi_.ptr(), 2, "state");
  entry->addIncoming(probe.entry, probe.found);
  entry->addIncoming(fresh, insertedEnd);
  PHINode *index = b.CreatePHI(abi_.i64(), 2, "index");
  index->addIncoming(probe.entryIndex, probe.found);
  index->addIncoming(freshIndex, insertedEnd);
  return {ht, entry, index};
}

void StageCodegen::consumeAggregateUpdate(FunctionContext &fc, const ir::Node &aggregate,
                                          const Row &row, BasicBlock *next) {
  if (WindowCodegen::hasEventTimeState(aggregate))
    return consumeWindowedUpdate(fc, aggregate, row, next);
  KeyEntry key = findOrInsertKey(fc, aggregate, row);
  AggregateCodegen agg(fc, aggregate);
  if (aggregate.timeColumn >= 0) // first/last follow event time
    agg.setEventTime(row[aggregate.timeColumn].value);
  agg.update(key.table, key.entry, key.index, row);
  markDirty(fc, key.entry);
  fc.builder().CreateBr(next);
}

} // namespace weir::codegen
