#include "codegen/RowBuffer.h"

#include "codegen/ExprCodegen.h"

using namespace llvm;

namespace weir::codegen {

std::vector<CgValue> loadRow(FunctionContext &fc, Value *buffer, const ir::Schema &schema,
                             const std::vector<int> *used) {
  IRBuilder<> &b = fc.builder();
  RuntimeABI &abi = fc.abi();
  ExprCodegen expr(fc);
  std::vector<bool> wanted(schema.size(), used == nullptr);
  if (used)
    for (int i : *used)
      wanted[i] = true;
  std::vector<CgValue> row;
  for (size_t c = 0; c < schema.size(); ++c) {
    Type type = schema[c].type;
    if (!wanted[c]) {
      CgValue unused = expr.nullOf(type);
      unused.type = type;
      unused.isNull = type.nullable ? unused.isNull : nullptr;
      row.push_back(unused);
      continue;
    }
    Value *slot = b.CreateConstGEP1_64(abi.valueType(), buffer, c);
    Value *payload = b.CreateStructGEP(abi.valueType(), slot, RuntimeABI::V_Payload);
    CgValue v;
    v.type = type;
    switch (type.kind) {
    case TypeKind::Bool:
      v.value = b.CreateICmpNE(b.CreateLoad(abi.i8(), payload), ConstantInt::get(abi.i8(), 0));
      break;
    case TypeKind::Float64: v.value = b.CreateLoad(abi.f64(), payload); break;
    case TypeKind::String:
      v.value = b.CreateLoad(abi.ptr(), payload);
      v.length = b.CreateZExt(
          b.CreateLoad(abi.i32(), b.CreateStructGEP(abi.valueType(), slot, RuntimeABI::V_Len)), abi.i64());
      break;
    default: v.value = b.CreateLoad(abi.i64(), payload); break;
    }
    if (type.nullable)
      v.isNull = b.CreateICmpNE(
          b.CreateLoad(abi.i8(), b.CreateStructGEP(abi.valueType(), slot, RuntimeABI::V_IsNull)),
          ConstantInt::get(abi.i8(), 0));
    row.push_back(v);
  }
  return row;
}

void storeRow(FunctionContext &fc, Value *buffer, ArrayRef<CgValue> row) {
  IRBuilder<> &b = fc.builder();
  RuntimeABI &abi = fc.abi();
  for (size_t c = 0; c < row.size(); ++c) {
    const CgValue &v = row[c];
    Value *slot = b.CreateConstGEP1_64(abi.valueType(), buffer, c);
    Value *payload = b.CreateStructGEP(abi.valueType(), slot, RuntimeABI::V_Payload);
    Value *stored = v.value;
    if (v.type.kind == TypeKind::Bool)
      stored = b.CreateZExt(v.value, abi.i8());
    else if (v.type.kind == TypeKind::Null)
      stored = ConstantInt::get(abi.i64(), 0);
    b.CreateStore(stored, payload);
    if (v.type.kind == TypeKind::String)
      b.CreateStore(b.CreateTrunc(v.length, abi.i32()),
                    b.CreateStructGEP(abi.valueType(), slot, RuntimeABI::V_Len));
    Value *isNull = v.isNull ? b.CreateZExt(v.isNull, abi.i8()) : ConstantInt::get(abi.i8(), 0);
    b.CreateStore(isNull, b.CreateStructGEP(abi.valueType(), slot, RuntimeABI::V_IsNull));
  }
}

} // namespace weir::codegen
