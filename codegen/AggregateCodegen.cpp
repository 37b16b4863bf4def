#include "codegen/AggregateCodegen.h"

#include "codegen/SketchAggregates.h"

#include <cassert>

using namespace llvm;

namespace weir::codegen {

AggregateCodegen::AggregateCodegen(FunctionContext &fc, const ir::Node &aggregate)
    : fc_(fc), node_(aggregate), expr_(fc), state_(fc, aggregate.layout),
      keyState_(fc, aggregate.layout, aggregate.layout.keyNullBitmapOffset),
      windowed_(aggregate.window.kind != ir::WindowKind::None || aggregate.ttlMs > 0) {}

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
  if (!windowed_) // the accumulators share the entry (windowed: initSlice)
    initAccumulators(entry);
  IRBuilder<> &b = fc_.builder();
  for (size_t k = 0; k < keys.size(); ++k) {
    CgValue key = keys[k];
    if (key.type.kind == TypeKind::String && windowed_) {
      // The row's bytes go away with the row; windowed keys go away with
      // their windows, so the entry owns its copy.
      Value *slot = keyState_.fieldPtr(entry, layout.keySlots[k].offset);
      b.CreateCall(fc_.abi().fn("weir_owned_str_assign"), {slot, key.value, key.length});
    } else {
      if (key.type.kind == TypeKind::String) // the row's bytes go away with the row
        key.value = b.CreateCall(fc_.abi().fn("weir_ht_copy_str"), {table, key.value, key.length});
      keyState_.storePayload(entry, layout.keySlots[k], key);
    }
    if (key.isNull && layout.keySlots[k].nullBit >= 0)
      keyState_.setNullBit(entry, layout.keySlots[k].nullBit, key.isNull);
  }
}

void AggregateCodegen::initAccumulators(Value *slice) {
  std::vector<int> unset;
  for (const ir::StateSlot &slot : node_.layout.aggSlots)
    if (slot.nullBit >= 0)
      unset.push_back(slot.nullBit);
  state_.initBitmap(slice, unset);
}

void AggregateCodegen::initSlice(Value *slice) {
  IRBuilder<> &b = fc_.builder();
  b.CreateMemSet(slice, b.getInt8(0), node_.layout.sliceSize, MaybeAlign(8));
  initAccumulators(slice);
}

SmallVector<CgValue, 4> AggregateCodegen::loadKeys(Value *entry) {
  SmallVector<CgValue, 4> keys;
  for (size_t k = 0; k < node_.keys.size(); ++k)
    keys.push_back(keyState_.load(entry, node_.layout.keySlots[k], node_.keys[k]->type));
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

// The step a row's value and a partial's accumulator both take: fold a
// present (non-null) value `v` into accumulator i of `entry`.
void AggregateCodegen::foldValue(Value *entry, size_t i, const CgValue &v0) {
  if (SketchAggregates::handles(node_.aggs[i].fn)) { // stddev, var, approx_*
    SketchAggregates(fc_, node_).fold(entry, i, v0);
    return;
  }
  IRBuilder<> &b = fc_.builder();
  RuntimeABI &abi = fc_.abi();
  CgValue acc = accumulator(entry, i);
  CgValue v = expr_.coerce(v0, acc.type);
  v.isNull = nullptr;
  switch (node_.aggs[i].fn) {
  case AggFn::Sum: case AggFn::Avg: {
    CgValue sum = acc;
    sum.value = acc.type.kind == TypeKind::Float64 ? b.CreateFAdd(acc.value, v.value)
                                                   : b.CreateAdd(acc.value, v.value);
    assign(entry, i, sum);
    break;
  }
  case AggFn::Min: case AggFn::Max: {
    bool isMin = node_.aggs[i].fn == AggFn::Min;
    Value *lhs = v.value, *rhs = acc.value;
    if (v.type.kind == TypeKind::String) {
      lhs = expr_.compareStrings(v, acc);
      rhs = ConstantInt::get(abi.i32(), 0);
    }
    Value *better;
    if (v.type.kind == TypeKind::Float64)
      better = isMin ? b.CreateFCmpOLT(lhs, rhs) : b.CreateFCmpOGT(lhs, rhs);
    else if (v.type.kind == TypeKind::Bool)
      better = isMin ? b.CreateICmpULT(lhs, rhs) : b.CreateICmpUGT(lhs, rhs);
    else
      better = isMin ? b.CreateICmpSLT(lhs, rhs) : b.CreateICmpSGT(lhs, rhs);
    when(b.CreateOr(isUnset(entry, i), better), [&] { assign(entry, i, v); });
    break;
  }
  case AggFn::First: when(isUnset(entry, i), [&] { assign(entry, i, v); }); break;
  case AggFn::Last: assign(entry, i, v); break;
  case AggFn::Count: case AggFn::CountDistinct: assert(false && "not a value-keeping aggregate");
  case AggFn::StdDev: case AggFn::Var: case AggFn::ApproxCountDistinct: case AggFn::ApproxPercentile:
    break; // SketchAggregates, above
  }
}

bool AggregateCodegen::byEventTime(size_t i) const {
  AggFn fn = node_.aggs[i].fn;
  return node_.timeColumn >= 0 && (fn == AggFn::First || fn == AggFn::Last);
}

// first/last of a window: the value with the earliest (latest) event time;
// of equal times, the first (last) to arrive.
void AggregateCodegen::foldAt(Value *entry, size_t i, const CgValue &v0, Value *at) {
  assert(at && "windowed first/last need the row's event time (setEventTime)");
  IRBuilder<> &b = fc_.builder();
  CgValue v = expr_.coerce(v0, accumulator(entry, i).type);
  v.isNull = nullptr;
  Value *atSlot = state_.fieldPtr(entry, node_.layout.aggAuxSlots[i].offset);
  Value *current = b.CreateLoad(fc_.abi().i64(), atSlot);
  Value *better = node_.aggs[i].fn == AggFn::First ? b.CreateICmpSLT(at, current) : b.CreateICmpSGE(at, current);
  when(b.CreateOr(isUnset(entry, i), better), [&] {
    assign(entry, i, v);
    b.CreateStore(at, atSlot);
  });
}

void AggregateCodegen::addToCount(Value *at, Value *increment) {
  IRBuilder<> &b = fc_.builder();
  b.CreateStore(b.CreateAdd(b.CreateLoad(fc_.abi().i64(), at), increment), at);
}

void AggregateCodegen::update(Value *table, Value *entry, Value *entryIndex, ArrayRef<CgValue> row) {
  IRBuilder<> &b = fc_.builder();
  RuntimeABI &abi = fc_.abi();
  Value *one = ConstantInt::get(abi.i64(), 1);
  for (size_t i = 0; i < node_.aggs.size(); ++i) {
    const ir::AggCall &agg = node_.aggs[i];
    Value *slot = state_.fieldPtr(entry, node_.layout.aggSlots[i].offset);
    if (!agg.arg) { // count()
      addToCount(slot, one);
      continue;
    }
    CgValue x = expr_.emit(*agg.arg, row);
    if (x.type.kind == TypeKind::Null)
      continue; // a null literal never contributes
    Value *present = x.isNull ? b.CreateNot(x.isNull) : ConstantInt::getTrue(fc_.context());
    when(present, [&] {
      switch (agg.fn) {
      case AggFn::Count: addToCount(slot, one); break;
      case AggFn::CountDistinct: {
        if (windowed_) { // the slice's own value set
          if (x.type.kind == TypeKind::String)
            b.CreateCall(abi.fn("weir_distinct_add_str"), {slot, x.value, x.length});
          else if (x.type.kind == TypeKind::Float64)
            b.CreateCall(abi.fn("weir_distinct_add_f64"), {slot, x.value});
          else
            b.CreateCall(abi.fn("weir_distinct_add_i64"),
                         {slot, x.type.kind == TypeKind::Bool ? b.CreateZExt(x.value, abi.i64()) : x.value});
          break;
        }
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
        addToCount(slot, b.CreateZExt(isNew, abi.i64()));
        break;
      }
      default:
        if (byEventTime(i)) {
          foldAt(entry, i, x, eventTime_);
          break;
        }
        foldValue(entry, i, x);
        if (agg.fn == AggFn::Avg)
          addToCount(state_.fieldPtr(entry, node_.layout.aggAuxSlots[i].offset), one);
      }
    });
  }
}

std::vector<CgValue> AggregateCodegen::outputRow(Value *entry) {
  SmallVector<CgValue, 4> keys = loadKeys(entry);
  std::vector<CgValue> row(keys.begin(), keys.end());
  std::vector<CgValue> values = aggregateValues(entry);
  row.insert(row.end(), values.begin(), values.end());
  return row;
}

std::vector<CgValue> AggregateCodegen::aggregateValues(Value *slice) {
  IRBuilder<> &b = fc_.builder();
  RuntimeABI &abi = fc_.abi();
  Value *entry = slice;
  std::vector<CgValue> row;
  for (size_t i = 0; i < node_.aggs.size(); ++i) {
    const ir::AggCall &agg = node_.aggs[i];
    const ir::StateSlot &slot = node_.layout.aggSlots[i];
    CgValue out;
    out.type = agg.resultType;
    if (agg.fn == AggFn::CountDistinct && windowed_) {
      out.value = b.CreateCall(abi.fn("weir_distinct_count"),
                               {b.CreateLoad(abi.ptr(), state_.fieldPtr(entry, slot.offset))});
    } else if (agg.fn == AggFn::CountDistinct) {
      out.value = b.CreateLoad(abi.i64(), state_.fieldPtr(entry, slot.offset));
    } else if (agg.fn == AggFn::Avg) {
      CgValue sum = accumulator(entry, i);
      Value *n = b.CreateLoad(abi.i64(), state_.fieldPtr(entry, node_.layout.aggAuxSlots[i].offset));
      out.value = b.CreateFDiv(sum.value, b.CreateSIToFP(n, abi.f64()));
      out.isNull = sum.isNull;
    } else if (SketchAggregates::handles(agg.fn)) {
      out = SketchAggregates(fc_, node_).output(entry, i);
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
  auto countAt = [&](Value *entry, const ir::StateSlot &slot) { return state_.fieldPtr(entry, slot.offset); };
  for (size_t i = 0; i < node_.aggs.size(); ++i) {
    const ir::AggCall &agg = node_.aggs[i];
    const ir::StateSlot &slot = node_.layout.aggSlots[i];
    if (agg.fn == AggFn::CountDistinct && windowed_) { // slices: union of the value sets
      b.CreateCall(abi.fn("weir_distinct_merge"),
                   {countAt(dst, slot), b.CreateLoad(abi.ptr(), countAt(src, slot))});
      continue;
    }
    if (agg.fn == AggFn::CountDistinct)
      continue; // the runtime merges the pair sets and counts
    if (SketchAggregates::handles(agg.fn)) {
      SketchAggregates(fc_, node_).combine(dst, src, i);
      continue;
    }
    if (agg.fn == AggFn::Count) {
      addToCount(countAt(dst, slot), b.CreateLoad(abi.i64(), countAt(src, slot)));
      continue;
    }
    if (byEventTime(i)) {
      when(b.CreateNot(isUnset(src, i)), [&] {
        foldAt(dst, i, accumulator(src, i),
               b.CreateLoad(abi.i64(), countAt(src, node_.layout.aggAuxSlots[i])));
      });
      continue;
    }
    when(b.CreateNot(isUnset(src, i)), [&] {
      foldValue(dst, i, accumulator(src, i));
      if (agg.fn == AggFn::Avg) {
        const ir::StateSlot &aux = node_.layout.aggAuxSlots[i];
        addToCount(countAt(dst, aux), b.CreateLoad(abi.i64(), countAt(src, aux)));
      }
    });
  }
}

bool AggregateCodegen::needsDestroy(const ir::Node &aggregate) {
  if (aggregate.window.kind == ir::WindowKind::Rolling)
    return true; // the row buffer
  if (aggregate.layout.sliceOverflowOffset)
    return true; // the out-of-line slices
  bool windowed = aggregate.window.kind != ir::WindowKind::None || aggregate.ttlMs > 0;
  for (const ir::ExprPtr &key : aggregate.keys)
    if (windowed && key->type.kind == TypeKind::String)
      return true; // owned key strings
  return slicesOwnMemory(aggregate);
}

bool AggregateCodegen::slicesOwnMemory(const ir::Node &aggregate) {
  bool windowed = aggregate.window.kind != ir::WindowKind::None || aggregate.ttlMs > 0;
  for (const ir::AggCall &agg : aggregate.aggs) {
    if (windowed && agg.fn == AggFn::CountDistinct)
      return true;
    if (SketchAggregates::ownsMemory(agg.fn))
      return true;
    bool keepsValue = agg.fn == AggFn::Min || agg.fn == AggFn::Max || agg.fn == AggFn::First ||
                      agg.fn == AggFn::Last;
    if (keepsValue && accumulatorType(agg).kind == TypeKind::String)
      return true;
  }
  return false;
}

void AggregateCodegen::destroy(Value *entry) {
  if (node_.window.kind == ir::WindowKind::Rolling) {
    fc_.builder().CreateCall(fc_.abi().fn("weir_event_buffer_free"),
                             {state_.fieldPtr(entry, node_.layout.rowBufferOffset)});
    destroyOwnedKeys(entry);
    return;
  }
  for (uint32_t k = 0; k < node_.layout.ringSlices; ++k)
    destroySlice(state_.fieldPtr(entry, node_.layout.sliceOffset + k * node_.layout.sliceSize));
  // Out-of-line slices own nothing themselves (StateLayout: only then).
  assert((!node_.layout.sliceOverflowOffset || !slicesOwnMemory(node_)) &&
         "out-of-line slices that own memory");
  if (node_.layout.sliceOverflowOffset)
    fc_.builder().CreateCall(fc_.abi().fn("weir_slice_overflow_free"),
                             {state_.fieldPtr(entry, node_.layout.sliceOverflowOffset)});
  destroyOwnedKeys(entry);
}

void AggregateCodegen::destroyOwnedKeys(Value *entry) {
  if (!windowed_)
    return;
  for (size_t k = 0; k < node_.keys.size(); ++k)
    if (node_.keys[k]->type.kind == TypeKind::String)
      fc_.builder().CreateCall(fc_.abi().fn("weir_owned_str_free"),
                               {keyState_.fieldPtr(entry, node_.layout.keySlots[k].offset)});
}

void AggregateCodegen::destroySlice(Value *entry) {
  for (size_t i = 0; i < node_.aggs.size(); ++i) {
    AggFn fn = node_.aggs[i].fn;
    if (windowed_ && fn == AggFn::CountDistinct)
      fc_.builder().CreateCall(fc_.abi().fn("weir_distinct_free"),
                               {state_.fieldPtr(entry, node_.layout.aggSlots[i].offset)});
    if (SketchAggregates::ownsMemory(fn))
      SketchAggregates(fc_, node_).destroy(entry, i);
    bool keepsValue = fn == AggFn::Min || fn == AggFn::Max || fn == AggFn::First || fn == AggFn::Last;
    if (keepsValue && accumulatorType(node_.aggs[i]).kind == TypeKind::String)
      fc_.builder().CreateCall(fc_.abi().fn("weir_owned_str_free"),
                               {state_.fieldPtr(entry, node_.layout.aggSlots[i].offset)});
  }
}

} // namespace weir::codegen
