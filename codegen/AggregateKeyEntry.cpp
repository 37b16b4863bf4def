// Finding (or inserting) a key's entry in an aggregate's hash table: the one
// probe-then-insert sequence behind a row's update (operators/
// AggregateUpdateTranslator.cpp, WindowUpdateTranslator.cpp) and the merge of
// thread partials (ModuleCodegen.cpp).
#include "codegen/AggregateCodegen.h"
#include "codegen/HashProbe.h"

using namespace llvm;

namespace weir::codegen {

std::vector<CgValue> AggregateCodegen::rowKeys(ArrayRef<CgValue> row) {
  std::vector<CgValue> keys;
  for (size_t k = 0; k < node_.keys.size(); ++k)
    keys.push_back(expr_.coerce(expr_.emit(*node_.keys[k], row), node_.schema[k].type));
  return keys;
}

AggregateCodegen::KeyEntry AggregateCodegen::findOrInsert(Value *table, Value *hash, ArrayRef<CgValue> keys,
                                                          bool faultInSpilled,
                                                          const std::function<void(Value *entry)> &initNew) {
  IRBuilder<> &b = fc_.builder();
  RuntimeABI &abi = fc_.abi();
  BasicBlock *probeStart = nullptr;
  if (faultInSpilled) { // the probe is entered again after a fault-in
    probeStart = fc_.newBlock("agg.probe");
    b.CreateBr(probeStart);
    b.SetInsertPoint(probeStart);
  }
  ProbeResult probe = emitProbe(fc_, table, hash, node_.layout.entrySize,
                                [&](Value *entry) { return keysEqual(entry, keys); });

  BasicBlock *found = fc_.newBlock("agg.found");
  b.SetInsertPoint(probe.found);
  b.CreateBr(found);
  b.SetInsertPoint(probe.notFound);
  if (faultInSpilled) {
    // A miss may be a key whose entry was spilled: bring it back and probe again.
    BasicBlock *faultIn = fc_.newBlock("agg.faultin"), *insert = fc_.newBlock("agg.insert");
    Value *spill = b.CreateLoad(abi.ptr(), b.CreateStructGEP(abi.hashTableType(), table, RuntimeABI::HT_Spill));
    b.CreateCondBr(b.CreateIsNotNull(spill), faultIn, insert);
    b.SetInsertPoint(faultIn);
    Value *loaded = b.CreateCall(abi.fn("weir_ht_fault_in"), {table, hash});
    b.CreateCondBr(b.CreateIsNotNull(loaded), probeStart, insert);
    b.SetInsertPoint(insert);
  }
  Value *fresh = b.CreateCall(abi.fn("weir_ht_insert"), {table, hash, probe.slot}, "newkey");
  Value *count = b.CreateLoad(abi.i64(), b.CreateStructGEP(abi.hashTableType(), table, RuntimeABI::HT_Count));
  Value *freshIndex = b.CreateSub(count, ConstantInt::get(abi.i64(), 1));
  initEntry(table, fresh, keys);
  if (initNew)
    initNew(fresh);
  BasicBlock *insertedEnd = b.GetInsertBlock();
  b.CreateBr(found);

  b.SetInsertPoint(found);
  PHINode *entry = b.CreatePHI(abi.ptr(), 2, "state");
  entry->addIncoming(probe.entry, probe.found);
  entry->addIncoming(fresh, insertedEnd);
  PHINode *index = b.CreatePHI(abi.i64(), 2, "index");
  index->addIncoming(probe.entryIndex, probe.found);
  index->addIncoming(freshIndex, insertedEnd);
  return {entry, index};
}

} // namespace weir::codegen
