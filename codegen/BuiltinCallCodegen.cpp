// Calls of the scalar built-ins. Which emitter lowers a function is its row
// in stdlib/Builtins.def (the Emitter column), as is the runtime symbol the
// generic emitters call; what the runtime symbols compute is shared with
// constant folding (common/StringBuiltins.h, common/TimeBuiltins.h).
#include "codegen/ExprCodegen.h"

#include "llvm/IR/Intrinsics.h"

#include <cassert>

using namespace llvm;

namespace weir::codegen {

// A call being lowered: its expression, its row, its evaluated arguments.
struct ExprCodegen::Call {
  const ir::Expr &e;
  const ScalarBuiltin &row;
  SmallVector<CgValue, 4> args;
  Value *anyNull = nullptr; // any argument null; nullptr: never
};

CgValue ExprCodegen::emitCall(const ir::Expr &e, ArrayRef<CgValue> row) {
  Call c{e, scalarBuiltin(e.fn), {}, nullptr};
  for (const auto &arg : e.args)
    c.args.push_back(emit(*arg, row));
  for (const CgValue &a : c.args)
    c.anyNull = orNull(c.anyNull, a.isNull);
  if (c.row.nulls == NullRule::Strict)
    for (const CgValue &a : c.args)
      if (a.type.kind == TypeKind::Null)
        return nullOf(e.type);
  // The Emitter column of stdlib/Builtins.def, indexed by ScalarFn.
  using Emitter = CgValue (ExprCodegen::*)(const Call &);
  static constexpr Emitter kEmitters[] = {
#define WEIR_SCALAR_BUILTIN(Id, Name, Result, Params, Optional, TypeRule, Message, Nulls, Purity, \
                            RuntimeSymbol, Folder, Emitter)                                       \
  &ExprCodegen::Emitter,
#include "stdlib/Builtins.def"
  };
  return (this->*kEmitters[static_cast<size_t>(e.fn)])(c);
}

// A result of the call's type; `isNull` only counts when that type is nullable.
CgValue ExprCodegen::typedResult(const Call &c, Value *v, Value *isNull) {
  CgValue out;
  out.type = c.e.type;
  out.value = v;
  out.isNull = c.e.type.nullable ? isNull : nullptr;
  return out;
}

// The arguments as the C ABI takes them: a string as (bytes, length).
SmallVector<Value *, 6> ExprCodegen::abiArguments(const Call &c) {
  SmallVector<Value *, 6> out;
  for (const CgValue &a : c.args) {
    out.push_back(a.value);
    if (a.type.kind == TypeKind::String)
      out.push_back(a.length);
  }
  return out;
}

// ------------------------------------------------- through the runtime

// A scalar result from the row's runtime symbol (uint8_t booleans become i1).
CgValue ExprCodegen::emitRuntimeCall(const Call &c) {
  assert(c.row.runtimeSymbol && "emitRuntimeCall needs a runtime symbol");
  Value *r = b_.CreateCall(fc_.abi().fn(c.row.runtimeSymbol), abiArguments(c));
  if (c.e.type.kind == TypeKind::Bool)
    r = b_.CreateICmpNE(r, ConstantInt::get(fc_.abi().i8(), 0));
  return typedResult(c, r, c.anyNull);
}

// A string result from the row's runtime symbol, written to the scratch arena.
CgValue ExprCodegen::emitRuntimeStringCall(const Call &c) {
  assert(c.row.runtimeSymbol && "emitRuntimeStringCall needs a runtime symbol");
  return callStringResult(c.row.runtimeSymbol, abiArguments(c), c.e.type.nullable ? c.anyNull : nullptr);
}

// substr(s, start): the length -1 means to the end.
CgValue ExprCodegen::emitSubstr(const Call &c) {
  const auto &args = c.args;
  Value *len = args.size() > 2 ? args[2].value : ConstantInt::get(fc_.abi().i64(), -1, true);
  return callStringResult(c.row.runtimeSymbol, {args[0].value, args[0].length, args[1].value, len},
                          c.e.type.nullable ? c.anyNull : nullptr);
}

CgValue ExprCodegen::emitConcat(const Call &c) {
  // Null in, null out (the type rule in stdlib/Builtins.cpp is strict).
  RuntimeABI &abi = fc_.abi();
  AllocaInst *parts = fc_.entryAlloca(abi.strType(), "parts", c.args.size());
  for (size_t i = 0; i < c.args.size(); ++i) {
    CgValue s = toStringValue(c.args[i]);
    Value *ptr = s.value, *len = s.length;
    if (s.isNull)
      len = b_.CreateSelect(s.isNull, ConstantInt::get(abi.i64(), 0), len);
    Value *slot = b_.CreateConstGEP1_64(abi.strType(), parts, i);
    b_.CreateStore(ptr, b_.CreateStructGEP(abi.strType(), slot, 0));
    b_.CreateStore(len, b_.CreateStructGEP(abi.strType(), slot, 1));
  }
  return callStringResult(c.row.runtimeSymbol, {parts, ConstantInt::get(abi.i64(), c.args.size())},
                          c.e.type.nullable ? c.anyNull : nullptr);
}

CgValue ExprCodegen::emitHash(const Call &c) {
  RuntimeABI &abi = fc_.abi();
  Value *h = ConstantInt::get(abi.i64(), 0x2545F4914F6CDD1DULL);
  for (const CgValue &a : c.args) {
    Value *part;
    if (a.type.kind == TypeKind::String)
      part = b_.CreateCall(abi.fn("weir_hash_bytes"), {a.value, a.length, h});
    else {
      Value *bits = a.type.kind == TypeKind::Float64 ? b_.CreateBitCast(a.value, abi.i64())
                    : a.type.kind == TypeKind::Bool  ? b_.CreateZExt(a.value, abi.i64())
                                                     : a.value;
      part = b_.CreateCall(abi.fn("weir_hash_u64"), {bits, h});
    }
    h = a.isNull ? b_.CreateSelect(a.isNull, b_.CreateAdd(h, ConstantInt::get(abi.i64(), 1)), part) : part;
  }
  return typedResult(c, h, nullptr);
}

// --------------------------------------------------------- inline IR

CgValue ExprCodegen::emitIf(const Call &c) {
  const ir::Expr &e = c.e;
  Value *cond = isTrue(c.args[0]);
  CgValue t = coerce(c.args[1], e.type), f = coerce(c.args[2], e.type);
  CgValue out;
  out.type = e.type;
  out.value = b_.CreateSelect(cond, t.value, f.value);
  if (e.type.kind == TypeKind::String)
    out.length = b_.CreateSelect(cond, t.length, f.length);
  if (e.type.nullable)
    out.isNull = b_.CreateSelect(cond, nullFlag(t), nullFlag(f));
  return out;
}

CgValue ExprCodegen::emitCoalesce(const Call &c) {
  const ir::Expr &e = c.e;
  const auto &args = c.args;
  CgValue acc = coerce(args.back(), e.type);
  for (int i = (int)args.size() - 2; i >= 0; --i) {
    CgValue a = coerce(args[i], e.type);
    if (!a.isNull) {
      acc = a;
      continue;
    }
    CgValue merged;
    merged.type = e.type;
    merged.value = b_.CreateSelect(a.isNull, acc.value, a.value);
    if (e.type.kind == TypeKind::String)
      merged.length = b_.CreateSelect(a.isNull, acc.length, a.length);
    merged.isNull = acc.isNull ? b_.CreateAnd(a.isNull, acc.isNull) : nullptr;
    acc = merged;
  }
  acc.type = e.type;
  if (!e.type.nullable)
    acc.isNull = nullptr;
  return acc;
}

CgValue ExprCodegen::emitIsNull(const Call &c) { return typedResult(c, nullFlag(c.args[0]), nullptr); }

CgValue ExprCodegen::emitCast(const Call &c) {
  CgValue out = castValue(c.e.fn, c.args[0], c.e.type);
  out.type = c.e.type;
  if (!c.e.type.nullable)
    out.isNull = nullptr;
  return out;
}

// epoch_millis(ts): the same milliseconds, retyped.
CgValue ExprCodegen::emitRetype(const Call &c) { return typedResult(c, c.args[0].value, c.anyNull); }

CgValue ExprCodegen::emitAbs(const Call &c) {
  const CgValue &a = c.args[0];
  if (a.type.kind == TypeKind::Float64)
    return typedResult(c, intrinsic(Intrinsic::fabs, {a.value}), c.anyNull);
  return typedResult(c, intrinsic(Intrinsic::abs, {a.value, ConstantInt::getFalse(fc_.context())}),
                     c.anyNull);
}

// round, floor, ceil; round with digits calls the row's runtime symbol.
CgValue ExprCodegen::emitRounding(const Call &c) {
  const ir::Expr &e = c.e;
  const auto &args = c.args;
  if (args[0].type.kind != TypeKind::Float64 && e.type.kind != TypeKind::Float64)
    return typedResult(c, args[0].value, c.anyNull); // rounding an integer is the identity
  Value *x = coerce(args[0], Type::of(TypeKind::Float64)).value;
  Value *r;
  if (e.fn == ScalarFn::Round && args.size() > 1)
    r = b_.CreateCall(fc_.abi().fn(c.row.runtimeSymbol), {x, args[1].value});
  else
    r = intrinsic(e.fn == ScalarFn::Round   ? Intrinsic::round
                  : e.fn == ScalarFn::Floor ? Intrinsic::floor
                                            : Intrinsic::ceil,
                  {x});
  if (e.type.kind == TypeKind::Int64)
    r = intrinsic(Intrinsic::fptosi_sat, {r});
  return typedResult(c, r, c.anyNull);
}

// sqrt, ln, exp, pow over float64 arguments: the C library's functions, as
// constant folding calls them.
CgValue ExprCodegen::emitFloatIntrinsic(const Call &c) {
  Intrinsic::ID id = c.e.fn == ScalarFn::Sqrt ? Intrinsic::sqrt
                     : c.e.fn == ScalarFn::Ln ? Intrinsic::log
                     : c.e.fn == ScalarFn::Exp ? Intrinsic::exp
                                               : Intrinsic::pow;
  SmallVector<Value *, 2> xs;
  for (const CgValue &a : c.args)
    xs.push_back(coerce(a, Type::of(TypeKind::Float64)).value);
  return typedResult(c, intrinsic(id, xs), c.anyNull);
}

// ------------------------------------------------------------ helpers

CgValue ExprCodegen::callStringResult(StringRef fn, ArrayRef<Value *> argsBeforeOut, Value *isNull) {
  AllocaInst *out = fc_.entryAlloca(fc_.abi().strType(), "strout");
  SmallVector<Value *, 6> args{fc_.scratch()};
  args.append(argsBeforeOut.begin(), argsBeforeOut.end());
  args.push_back(out);
  b_.CreateCall(fc_.abi().fn(fn), args);
  CgValue v;
  v.type = Type::of(TypeKind::String, isNull != nullptr);
  v.value = b_.CreateLoad(fc_.abi().ptr(), b_.CreateStructGEP(fc_.abi().strType(), out, 0));
  v.length = b_.CreateLoad(fc_.abi().i64(), b_.CreateStructGEP(fc_.abi().strType(), out, 1));
  v.isNull = isNull;
  return v;
}

CgValue ExprCodegen::toStringValue(const CgValue &a) {
  switch (a.type.kind) {
  case TypeKind::String: return a;
  case TypeKind::Bool: {
    CgValue t = makeString("true"), f = makeString("false");
    CgValue v = t;
    v.value = b_.CreateSelect(a.value, t.value, f.value);
    v.length = b_.CreateSelect(a.value, t.length, f.length);
    v.isNull = a.isNull;
    v.type.nullable = a.type.nullable;
    return v;
  }
  case TypeKind::Int64: return callStringResult("weir_i64_to_str", {a.value}, a.isNull);
  case TypeKind::Float64: return callStringResult("weir_f64_to_str", {a.value}, a.isNull);
  case TypeKind::Timestamp: return callStringResult("weir_ts_to_str", {a.value}, a.isNull);
  case TypeKind::Duration: return callStringResult("weir_dur_to_str", {a.value}, a.isNull);
  case TypeKind::Null: return nullOf(Type::of(TypeKind::String));
  }
  return a;
}

CgValue ExprCodegen::castValue(ScalarFn fn, const CgValue &a, Type to) {
  if (a.type.kind == TypeKind::Null)
    return nullOf(to);
  CgValue out;
  out.type = to;
  out.isNull = a.isNull;
  RuntimeABI &abi = fc_.abi();
  if (fn == ScalarFn::ToString)
    return toStringValue(a);
  if (a.type.kind == TypeKind::String) {
    // Parse: an unparsable string is null.
    const char *parser = fn == ScalarFn::ToInt64 || fn == ScalarFn::ToDuration ? "weir_str_to_i64"
                         : fn == ScalarFn::ToFloat64                           ? "weir_str_to_f64"
                         : fn == ScalarFn::ToTimestamp                         ? "weir_str_to_ts"
                                                                               : "weir_str_to_bool";
    llvm::Type *slotType = fn == ScalarFn::ToFloat64 ? abi.f64() : fn == ScalarFn::ToBool ? (llvm::Type *)abi.i8() : abi.i64();
    AllocaInst *slot = fc_.entryAlloca(slotType, "parsed");
    b_.CreateStore(Constant::getNullValue(slotType), slot);
    Value *ok = b_.CreateCall(abi.fn(parser), {a.value, a.length, slot});
    out.value = b_.CreateLoad(slotType, slot);
    if (fn == ScalarFn::ToBool)
      out.value = b_.CreateICmpNE(out.value, ConstantInt::get(abi.i8(), 0));
    if (to.nullable)
      out.isNull = orNull(a.isNull, b_.CreateICmpEQ(ok, ConstantInt::get(abi.i8(), 0)));
    return out;
  }
  switch (fn) {
  case ScalarFn::ToInt64: case ScalarFn::ToTimestamp: case ScalarFn::ToDuration:
    if (a.type.kind == TypeKind::Float64)
      out.value = intrinsic(Intrinsic::fptosi_sat, {a.value});
    else if (a.type.kind == TypeKind::Bool)
      out.value = b_.CreateZExt(a.value, abi.i64());
    else
      out.value = a.value;
    break;
  case ScalarFn::ToFloat64:
    out.value = a.type.kind == TypeKind::Float64 ? a.value
                : a.type.kind == TypeKind::Bool  ? b_.CreateUIToFP(a.value, abi.f64())
                                                 : b_.CreateSIToFP(a.value, abi.f64());
    break;
  case ScalarFn::ToBool:
    out.value = a.type.kind == TypeKind::Bool      ? a.value
                : a.type.kind == TypeKind::Float64 ? b_.CreateFCmpUNE(a.value, ConstantFP::get(abi.f64(), 0.0))
                                                   : b_.CreateICmpNE(a.value, ConstantInt::get(abi.i64(), 0));
    break;
  default: assert(false && "not a cast");
  }
  return out;
}

} // namespace weir::codegen
