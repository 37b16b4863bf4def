#include "codegen/SketchAggregates.h"

#include "llvm/IR/Intrinsics.h"

#include <cassert>
#include <limits>

using namespace llvm;

namespace weir::codegen {
namespace {
// Seeds the value hashes apart from the hash tables' (seed 0), so a key's
// hash and its values' hashes are independent.
constexpr uint64_t kHllSeed = 0x9E3779B97F4A7C15ull;
} // namespace

SketchAggregates::SketchAggregates(FunctionContext &fc, const ir::Node &aggregate)
    : fc_(fc), node_(aggregate), state_(fc, aggregate.layout) {}

bool SketchAggregates::handles(AggFn fn) {
  return fn == AggFn::StdDev || fn == AggFn::Var || ownsMemory(fn);
}

bool SketchAggregates::ownsMemory(AggFn fn) {
  return fn == AggFn::ApproxCountDistinct || fn == AggFn::ApproxPercentile;
}

Value *SketchAggregates::asDouble(const CgValue &v) {
  return v.type.kind == TypeKind::Float64 ? v.value : fc_.builder().CreateSIToFP(v.value, fc_.abi().f64());
}

Value *SketchAggregates::sketchSlot(Value *entry, size_t i) {
  return state_.fieldPtr(entry, node_.layout.aggSlots[i].offset);
}

// ------------------------------------------------------------ stddev, var

SketchAggregates::Welford SketchAggregates::loadWelford(Value *entry, size_t i) {
  IRBuilder<> &b = fc_.builder();
  RuntimeABI &abi = fc_.abi();
  uint32_t at = node_.layout.aggSlots[i].offset;
  return {b.CreateLoad(abi.i64(), state_.fieldPtr(entry, node_.layout.aggAuxSlots[i].offset)),
          b.CreateLoad(abi.f64(), state_.fieldPtr(entry, at)),
          b.CreateLoad(abi.f64(), state_.fieldPtr(entry, at + 8))};
}

void SketchAggregates::storeWelford(Value *entry, size_t i, const Welford &w) {
  IRBuilder<> &b = fc_.builder();
  uint32_t at = node_.layout.aggSlots[i].offset;
  b.CreateStore(w.count, state_.fieldPtr(entry, node_.layout.aggAuxSlots[i].offset));
  b.CreateStore(w.mean, state_.fieldPtr(entry, at));
  b.CreateStore(w.m2, state_.fieldPtr(entry, at + 8));
}

// ------------------------------------------------------------------- fold

Value *SketchAggregates::valueHash(const CgValue &v) {
  IRBuilder<> &b = fc_.builder();
  RuntimeABI &abi = fc_.abi();
  Value *seed = ConstantInt::get(abi.i64(), kHllSeed);
  switch (v.type.kind) {
  case TypeKind::String:
    return b.CreateCall(abi.fn("weir_hash_bytes"), {v.value, v.length, seed});
  case TypeKind::Float64: {
    // One bit pattern per value: -0.0 hashes as 0.0, every NaN as one NaN.
    Value *x = b.CreateSelect(b.CreateFCmpOEQ(v.value, ConstantFP::get(abi.f64(), 0.0)),
                              ConstantFP::get(abi.f64(), 0.0), v.value);
    x = b.CreateSelect(b.CreateFCmpUNO(x, x),
                       ConstantFP::get(abi.f64(), std::numeric_limits<double>::quiet_NaN()), x);
    return b.CreateCall(abi.fn("weir_hash_u64"), {b.CreateBitCast(x, abi.i64()), seed});
  }
  case TypeKind::Bool:
    return b.CreateCall(abi.fn("weir_hash_u64"), {b.CreateZExt(v.value, abi.i64()), seed});
  default: // int64, timestamp, duration
    return b.CreateCall(abi.fn("weir_hash_u64"), {v.value, seed});
  }
}

void SketchAggregates::fold(Value *entry, size_t i, const CgValue &v) {
  IRBuilder<> &b = fc_.builder();
  RuntimeABI &abi = fc_.abi();
  switch (node_.aggs[i].fn) {
  case AggFn::StdDev:
  case AggFn::Var: {
    // Welford: n += 1; delta = x - mean; mean += delta / n; M2 += delta * (x - mean).
    Welford w = loadWelford(entry, i);
    Value *x = asDouble(v);
    Value *n = b.CreateAdd(w.count, ConstantInt::get(abi.i64(), 1));
    Value *delta = b.CreateFSub(x, w.mean);
    Value *mean = b.CreateFAdd(w.mean, b.CreateFDiv(delta, b.CreateSIToFP(n, abi.f64())));
    Value *m2 = b.CreateFAdd(w.m2, b.CreateFMul(delta, b.CreateFSub(x, mean)));
    storeWelford(entry, i, {n, mean, m2});
    break;
  }
  case AggFn::ApproxCountDistinct:
    b.CreateCall(abi.fn("weir_hll_add"), {sketchSlot(entry, i), valueHash(v)});
    break;
  case AggFn::ApproxPercentile:
    b.CreateCall(abi.fn("weir_quantiles_add"), {sketchSlot(entry, i), asDouble(v)});
    break;
  default: assert(false && "not a sketch aggregate");
  }
}

// ---------------------------------------------------------------- combine

void SketchAggregates::combine(Value *dst, Value *src, size_t i) {
  IRBuilder<> &b = fc_.builder();
  RuntimeABI &abi = fc_.abi();
  switch (node_.aggs[i].fn) {
  case AggFn::StdDev:
  case AggFn::Var: {
    // Chan, Golub, LeVeque: n = na + nb; delta = mean_b - mean_a;
    // mean = mean_a + delta * nb / n; M2 = M2a + M2b + delta^2 * na * nb / n.
    // An empty src changes nothing (and would divide 0 by 0 when dst is
    // empty too); an empty dst takes src's mean and M2 exactly (nb / n == 1).
    Welford a = loadWelford(dst, i), s = loadWelford(src, i);
    Value *srcEmpty = b.CreateICmpEQ(s.count, ConstantInt::get(abi.i64(), 0));
    Value *n = b.CreateAdd(a.count, s.count);
    Value *nf = b.CreateSIToFP(b.CreateSelect(srcEmpty, ConstantInt::get(abi.i64(), 1), n), abi.f64());
    Value *na = b.CreateSIToFP(a.count, abi.f64()), *nb = b.CreateSIToFP(s.count, abi.f64());
    Value *delta = b.CreateFSub(s.mean, a.mean);
    Value *mean = b.CreateFAdd(a.mean, b.CreateFMul(delta, b.CreateFDiv(nb, nf)));
    Value *cross = b.CreateFMul(b.CreateFMul(delta, delta), b.CreateFMul(na, b.CreateFDiv(nb, nf)));
    Value *m2 = b.CreateFAdd(b.CreateFAdd(a.m2, s.m2), cross);
    storeWelford(dst, i,
                 {n, b.CreateSelect(srcEmpty, a.mean, mean), b.CreateSelect(srcEmpty, a.m2, m2)});
    break;
  }
  case AggFn::ApproxCountDistinct:
  case AggFn::ApproxPercentile: {
    const char *merge = node_.aggs[i].fn == AggFn::ApproxCountDistinct ? "weir_hll_merge" : "weir_quantiles_merge";
    Value *from = b.CreateLoad(abi.ptr(), sketchSlot(src, i));
    b.CreateCall(abi.fn(merge), {sketchSlot(dst, i), from});
    break;
  }
  default: assert(false && "not a sketch aggregate");
  }
}

// ----------------------------------------------------------------- output

CgValue SketchAggregates::output(Value *entry, size_t i) {
  IRBuilder<> &b = fc_.builder();
  RuntimeABI &abi = fc_.abi();
  const ir::AggCall &agg = node_.aggs[i];
  CgValue out;
  out.type = agg.resultType;
  switch (agg.fn) {
  case AggFn::StdDev:
  case AggFn::Var: {
    // The sample variance M2 / (n - 1); null below two values.
    Welford w = loadWelford(entry, i);
    Value *n = w.count;
    Value *var = b.CreateFDiv(w.m2, b.CreateSIToFP(b.CreateSub(n, ConstantInt::get(abi.i64(), 1)), abi.f64()));
    Value *result = agg.fn == AggFn::Var ? var : b.CreateUnaryIntrinsic(Intrinsic::sqrt, var);
    out.isNull = b.CreateICmpSLT(n, ConstantInt::get(abi.i64(), 2));
    out.value = b.CreateSelect(out.isNull, ConstantFP::get(abi.f64(), 0.0), result); // no 0/0 NaN
    break;
  }
  case AggFn::ApproxCountDistinct:
    out.value = b.CreateCall(abi.fn("weir_hll_estimate"), {b.CreateLoad(abi.ptr(), sketchSlot(entry, i))});
    break;
  case AggFn::ApproxPercentile: {
    Value *result = fc_.entryAlloca(abi.f64(), "percentile");
    Value *found = b.CreateCall(abi.fn("weir_quantiles_query"),
                                {b.CreateLoad(abi.ptr(), sketchSlot(entry, i)),
                                 ConstantFP::get(abi.f64(), agg.param), result});
    out.isNull = b.CreateICmpEQ(found, ConstantInt::get(abi.i8(), 0));
    // Not read when null; a defined value keeps the output deterministic.
    out.value = b.CreateSelect(out.isNull, ConstantFP::get(abi.f64(), 0.0), b.CreateLoad(abi.f64(), result));
    break;
  }
  default: assert(false && "not a sketch aggregate");
  }
  if (!agg.resultType.nullable)
    out.isNull = nullptr;
  else if (!out.isNull)
    out.isNull = ConstantInt::getFalse(fc_.context());
  return out;
}

// ---------------------------------------------------------------- destroy

void SketchAggregates::destroy(Value *entry, size_t i) {
  AggFn fn = node_.aggs[i].fn;
  if (!ownsMemory(fn))
    return;
  fc_.builder().CreateCall(fc_.abi().fn(fn == AggFn::ApproxCountDistinct ? "weir_hll_free" : "weir_quantiles_free"),
                           {sketchSlot(entry, i)});
}

} // namespace weir::codegen
