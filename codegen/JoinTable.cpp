#include "codegen/JoinTable.h"

#include "codegen/ExprCodegen.h"
#include "codegen/StateAccess.h"

using namespace llvm;

namespace weir::codegen {

std::vector<CgValue> requireNonNullKeys(FunctionContext &fc, std::vector<CgValue> keys,
                                        BasicBlock *onNullKey) {
  ExprCodegen expr(fc);
  Value *anyNull = nullptr;
  for (CgValue &key : keys) {
    anyNull = expr.orNull(anyNull, key.isNull);
    key.isNull = nullptr;
    key.type.nullable = false;
  }
  if (anyNull) {
    BasicBlock *keysPresent = fc.newBlock("join.keys");
    fc.builder().CreateCondBr(anyNull, onNullKey, keysPresent);
    fc.builder().SetInsertPoint(keysPresent);
  }
  return keys;
}

ProbeResult probeJoinTable(FunctionContext &fc, const ir::Node &table, const std::vector<int> &buildKeys,
                           Value *ht, const std::vector<CgValue> &keys) {
  ExprCodegen expr(fc);
  StateAccess state(fc, table.layout);
  Value *hash = emitKeyHash(fc, keys);
  return emitProbe(fc, ht, hash, table.layout.entrySize, [&](Value *entry) {
    Value *all = ConstantInt::getTrue(fc.context());
    for (size_t k = 0; k < keys.size(); ++k) {
      CgValue stored = state.load(entry, table.layout.keySlots[buildKeys[k]], keys[k].type);
      all = fc.builder().CreateAnd(all, expr.equal(stored, keys[k]));
    }
    return all;
  });
}

} // namespace weir::codegen
