#include "codegen/AggregateCodegen.h"

using namespace llvm;

namespace weir::codegen {

AggregateCodegen::AggregateCodegen(FunctionContext &fc, const ir::Node &aggregate)
    : fc_(fc), node_(aggregate), expr_(fc), state_(fc, aggregate.layout) {}

Type AggregateCodegen::accumulatorType(const ir::AggCall &agg) {
  switch (agg.fn) {
  case AggFn::Count: case AggFn::CountDistinct: return Type::of(TypeKind::Int64);
  case AggFn::Avg: return Type::of(TypeKind::Float64, true);
  case AggFn::Sum: return agg.resultType.withNullable(true);
  default: return agg.arg->type.withNullable(true);
  }
}

void AggregateCodegen::when(Value *cond, const std::function<void()> &body) {
  IRBuilder<> &b = fc_.builder();
  BasicBlock *then = fc_.newBlock("agg.then");
  BasicBlock *done = fc_.newBlock("agg.done");
  b.CreateCondBr(cond, then, done);
  b.SetInsertPoint(then);
  body();
  b.CreateBr(done);
  b.SetInsertPoint(done);
}

// ------------------------------------------------------------------- keys

void AggregateCodegen::initEntry(Value *table, Value *entry, ArrayRef<CgValue> keys) {
  const ir::StateLayout &layout = node_.layout;
  std::vector<int> unset;
  for (const ir::StateSlot &slot : layout.aggSlots)
    if (slot.nullBit >= 0)
      unset.push_back(slot.nullBit);
  state_.initBitmap(entry, unset);
  IRBuilder<> &b = fc_.builder();
  for (size_t k = 0; k < keys.size(); ++k) {
    CgValue key = keys[k];
    if (key.type.kind == TypeKind::String) // the row's bytes go away with the row
      key.value = b.CreateCall(fc_.abi().fn("weir_ht_copy_str"), {table, key.value, key.length});
    state_.storePayload(entry, layout.keySlots[k], key);
    if (key.isNull && layout.keySlots[k].nullBit >= 0)
      state_.setNullBit(entry, layout.keySlots[k].nullBit, key.isNull);
  }
}

SmallVector<CgValue, 4> AggregateCodegen::loadKeys(Value *entry) {
  SmallVector<CgValue, 4> keys;
  for (size_t k = 0; k < node_.keys.size(); ++k)
    keys.push_back(state_.load(entry, node_.layout.keySlots[k], node_.keys[k]->type));
  return keys;
}

Value *AggregateCodegen::keysEqual(Value *entry, ArrayRef<CgValue> keys) {
  IRBuilder<> &b = fc_.builder();
  Value *all = ConstantInt::getTrue(fc_.context());
  SmallVector<CgValue, 4> stored = loadKeys(entry);
  for (size_t k = 0; k < keys.size(); ++k) {
    Value *eq = expr_.equal(stored[k], keys[k]);
    if (keys[k].isNull || stored[k].isNull) {
      // Group by puts all nulls in one group.
      Value *an = expr_.nullFlag(stored[k]), *bn = expr_.nullFlag(keys[k]);
      Value *bothNull = b.CreateAnd(an, bn);
      Value *neitherNull = b.CreateNot(b.CreateOr(an, bn));
      eq = b.CreateOr(bothNull, b.CreateAnd(neitherNull, eq));
    }
    all = b.CreateAnd(all, eq);
  }
  return all;
}

// ----------------------------------------------------------- accumulators

CgValue AggregateCodegen::accumulator(Value *entry, size_t i) {
  return state_.load(entry, node_.layout.aggSlots[i], accumulatorType(node_.aggs[i]));
}

Value *AggregateCodegen::isUnset(Value *entry, size_t i) {
  int bit = node_.layout.aggSlots[i].nullBit;
  return bit >= 0 ? state_.nullBitSet(entry, bit) : ConstantInt::getFalse(fc_.context());
}

void AggregateCodegen::markSet(Value *entry, size_t i) {
  int bit = node_.layout.aggSlots[i].nullBit;
  if (bit >= 0)
    state_.setNullBit(entry, bit, ConstantInt::getFalse(fc_.context()));
}

void AggregateCodegen::assign(Value *entry, size_t i, const CgValue &v) {
  const ir::StateSlot &slot = node_.layout.aggSlots[i];
  if (v.type.kind == TypeKind::String) {
    Value *dst = state_.fieldPtr(entry, slot.offset);
    fc_.builder().CreateCall(fc_.abi().fn("weir_owned_str_assign"), {dst, v.value, v.length});
  } else {
    state_.storePayload(entry, slot, v);
  }
  markSet(entry, i);
}

int AggregateCodegen::distinctOrdinal(const ir::Node &aggregate, size_t i) {
  if (aggregate.aggs[i].fn != AggFn::CountDistinct)
    return -1;
  int ordinal = 0;
  for (size_t j = 0; j < i; ++j)
    ordinal += aggregate.aggs[j].fn == AggFn::CountDistinct;
  return ordinal;
}

size_t AggregateCodegen::distinctCount(const ir::Node &aggregate) {
  size_t n = 0;
  for (const ir::AggCall &agg : aggregate.aggs)
    n += agg.fn == AggFn::CountDistinct;
  return n;
}

void AggregateCodegen::update(Value *table, Value *entry, Value *entryIndex, ArrayRef<CgValue> row) {
  IRBuilder<> &b = fc_.builder();
  RuntimeABI &abi = fc_.abi();
  for (size_t i = 0; i < node_.aggs.size(); ++i) {
    const ir::AggCall &agg = node_.aggs[i];
    const ir::StateSlot &slot = node_.layout.aggSlots[i];
    if (!agg.arg) { // count()
      Value *at = state_.fieldPtr(entry, slot.offset);
      b.CreateStore(b.CreateAdd(b.CreateLoad(abi.i64(), at), ConstantInt::get(abi.i64(), 1)), at);
      continue;
    }
    CgValue x = expr_.emit(*agg.arg, row);
    if (x.type.kind == TypeKind::Null)
      continue; // a null literal never contributes
    Value *present = x.isNull ? b.CreateNot(x.isNull) : ConstantInt::getTrue(fc_.context());
    when(present, [&] {
      CgValue acc = accumulator(entry, i);
      switch (agg.fn) {
      case AggFn::Count: {
        Value *at = state_.fieldPtr(entry, slot.offset);
        b.CreateStore(b.CreateAdd(b.CreateLoad(abi.i64(), at), ConstantInt::get(abi.i64(), 1)), at);
        break;
      }
      case AggFn::Sum: case AggFn::Avg: {
        CgValue v = expr_.coerce(x, acc.type);
        CgValue sum = acc;
        sum.value = acc.type.kind == TypeKind::Float64 ? b.CreateFAdd(acc.value, v.value)
                                                       : b.CreateAdd(acc.value, v.value);
        assign(entry, i, sum);
        if (agg.fn == AggFn::Avg) {
          Value *at = state_.fieldPtr(entry, node_.layout.aggAuxSlots[i].offset);
          b.CreateStore(b.CreateAdd(b.CreateLoad(abi.i64(), at), ConstantInt::get(abi.i64(), 1)), at);
        }
        break;
      }
      case AggFn::Min: case AggFn::Max: {
        CgValue v = expr_.coerce(x, acc.type);
        Value *better;
        bool isMin = agg.fn == AggFn::Min;
        if (v.type.kind == TypeKind::String) {
          Value *c = expr_.compareStrings(v, acc);
          better = isMin ? b.CreateICmpSLT(c, ConstantInt::get(abi.i32(), 0))
                         : b.CreateICmpSGT(c, ConstantInt::get(abi.i32(), 0));
        } else if (v.type.kind == TypeKind::Float64) {
          better = isMin ? b.CreateFCmpOLT(v.value, acc.value) : b.CreateFCmpOGT(v.value, acc.value);
        } else if (v.type.kind == TypeKind::Bool) {
          better = isMin ? b.CreateICmpULT(v.value, acc.value) : b.CreateICmpUGT(v.value, acc.value);
        } else {
          better = isMin ? b.CreateICmpSLT(v.value, acc.value) : b.CreateICmpSGT(v.value, acc.value);
        }
        when(b.CreateOr(isUnset(entry, i), better), [&] { assign(entry, i, v); });
        break;
      }
      case AggFn::First:
        when(isUnset(entry, i), [&] { assign(entry, i, expr_.coerce(x, acc.type)); });
        break;
      case AggFn::Last: assign(entry, i, expr_.coerce(x, acc.type)); break;
      case AggFn::CountDistinct: {
        // The table's pair set says whether (this key, x) is new.
        Value *ordinal = ConstantInt::get(abi.i32(), distinctOrdinal(node_, i));
        Value *isNew;
        if (x.type.kind == TypeKind::String)
          isNew = b.CreateCall(abi.fn("weir_distinct_pair_add_str"), {table, ordinal, entryIndex, x.value, x.length});
        else if (x.type.kind == TypeKind::Float64)
          isNew = b.CreateCall(abi.fn("weir_distinct_pair_add_f64"), {table, ordinal, entryIndex, x.value});
        else {
          Value *bits = x.type.kind == TypeKind::Bool ? b.CreateZExt(x.value, abi.i64()) : x.value;
          isNew = b.CreateCall(abi.fn("weir_distinct_pair_add_i64"), {table, ordinal, entryIndex, bits});
        }
        Value *at = state_.fieldPtr(entry, slot.offset);
        Value *increment = b.CreateZExt(isNew, abi.i64());
        b.CreateStore(b.CreateAdd(b.CreateLoad(abi.i64(), at), increment), at);
        break;
      }
      }
    });
  }
}

std::vector<CgValue> AggregateCodegen::outputRow(Value *entry) {
  IRBuilder<> &b = fc_.builder();
  RuntimeABI &abi = fc_.abi();
  SmallVector<CgValue, 4> keys = loadKeys(entry);
  std::vector<CgValue> row(keys.begin(), keys.end());
  for (size_t i = 0; i < node_.aggs.size(); ++i) {
    const ir::AggCall &agg = node_.aggs[i];
    const ir::StateSlot &slot = node_.layout.aggSlots[i];
    CgValue out;
    out.type = agg.resultType;
    if (agg.fn == AggFn::CountDistinct) {
      out.value = b.CreateLoad(abi.i64(), state_.fieldPtr(entry, slot.offset));
    } else if (agg.fn == AggFn::Avg) {
      CgValue sum = accumulator(entry, i);
      Value *n = b.CreateLoad(abi.i64(), state_.fieldPtr(entry, node_.layout.aggAuxSlots[i].offset));
      out.value = b.CreateFDiv(sum.value, b.CreateSIToFP(n, abi.f64()));
      out.isNull = sum.isNull;
    } else {
      CgValue acc = accumulator(entry, i);
      out = expr_.coerce(acc, agg.resultType);
    }
    out.type = agg.resultType;
    if (!agg.resultType.nullable)
      out.isNull = nullptr;
    else if (!out.isNull)
      out.isNull = ConstantInt::getFalse(fc_.context());
    row.push_back(out);
  }
  return row;
}

void AggregateCodegen::combine(Value *dst, Value *src) {
  IRBuilder<> &b = fc_.builder();
  RuntimeABI &abi = fc_.abi();
  for (size_t i = 0; i < node_.aggs.size(); ++i) {
    const ir::AggCall &agg = node_.aggs[i];
    const ir::StateSlot &slot = node_.layout.aggSlots[i];
    if (agg.fn == AggFn::Count) {
      Value *d = state_.fieldPtr(dst, slot.offset);
      Value *s = b.CreateLoad(abi.i64(), state_.fieldPtr(src, slot.offset));
      b.CreateStore(b.CreateAdd(b.CreateLoad(abi.i64(), d), s), d);
      continue;
    }
    if (agg.fn == AggFn::CountDistinct)
      continue; // the runtime merges the pair sets and counts

    Value *srcSet = b.CreateNot(isUnset(src, i));
    when(srcSet, [&] {
      CgValue s = accumulator(src, i), d = accumulator(dst, i);
      s.isNull = d.isNull = nullptr;
      switch (agg.fn) {
      case AggFn::Sum: case AggFn::Avg: {
        CgValue sum = d;
        sum.value = d.type.kind == TypeKind::Float64 ? b.CreateFAdd(d.value, s.value) : b.CreateAdd(d.value, s.value);
        assign(dst, i, sum);
        if (agg.fn == AggFn::Avg) {
          Value *dn = state_.fieldPtr(dst, node_.layout.aggAuxSlots[i].offset);
          Value *sn = b.CreateLoad(abi.i64(), state_.fieldPtr(src, node_.layout.aggAuxSlots[i].offset));
          b.CreateStore(b.CreateAdd(b.CreateLoad(abi.i64(), dn), sn), dn);
        }
        break;
      }
      case AggFn::Min: case AggFn::Max: {
        bool isMin = agg.fn == AggFn::Min;
        Value *better;
        if (s.type.kind == TypeKind::String) {
          Value *c = expr_.compareStrings(s, d);
          better = isMin ? b.CreateICmpSLT(c, ConstantInt::get(abi.i32(), 0)) : b.CreateICmpSGT(c, ConstantInt::get(abi.i32(), 0));
        } else if (s.type.kind == TypeKind::Float64) {
          better = isMin ? b.CreateFCmpOLT(s.value, d.value) : b.CreateFCmpOGT(s.value, d.value);
        } else if (s.type.kind == TypeKind::Bool) {
          better = isMin ? b.CreateICmpULT(s.value, d.value) : b.CreateICmpUGT(s.value, d.value);
        } else {
          better = isMin ? b.CreateICmpSLT(s.value, d.value) : b.CreateICmpSGT(s.value, d.value);
        }
        when(b.CreateOr(isUnset(dst, i), better), [&] { assign(dst, i, s); });
        break;
      }
      case AggFn::First: when(isUnset(dst, i), [&] { assign(dst, i, s); }); break;
      case AggFn::Last: assign(dst, i, s); break;
      default: break;
      }
    });
  }
}

bool AggregateCodegen::needsDestroy(const ir::Node &aggregate) {
  for (const ir::AggCall &agg : aggregate.aggs) {
    bool keepsValue = agg.fn == AggFn::Min || agg.fn == AggFn::Max || agg.fn == AggFn::First ||
                      agg.fn == AggFn::Last;
    if (keepsValue && accumulatorType(agg).kind == TypeKind::String)
      return true;
  }
  return false;
}

void AggregateCodegen::destroy(Value *entry) {
  for (size_t i = 0; i < node_.aggs.size(); ++i) {
    AggFn fn = node_.aggs[i].fn;
    bool keepsValue = fn == AggFn::Min || fn == AggFn::Max || fn == AggFn::First || fn == AggFn::Last;
    if (keepsValue && accumulatorType(node_.aggs[i]).kind == TypeKind::String)
      fc_.builder().CreateCall(fc_.abi().fn("weir_owned_str_free"),
                               {state_.fieldPtr(entry, node_.layout.aggSlots[i].offset)});
  }
}

} // namespace weir::codegen
