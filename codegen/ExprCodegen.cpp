#include "codegen/ExprCodegen.h"

#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Intrinsics.h"

#include <cassert>

using namespace llvm;

namespace weir::codegen {

using ir::BinaryOp;
using ir::ExprKind;

// ------------------------------------------------------------------ helpers

llvm::Type *ExprCodegen::payloadType(TypeKind kind) {
  RuntimeABI &abi = fc_.abi();
  switch (kind) {
  case TypeKind::Bool: return abi.i1();
  case TypeKind::Float64: return abi.f64();
  case TypeKind::String: return abi.ptr();
  default: return abi.i64();
  }
}

Value *ExprCodegen::orNull(Value *a, Value *b) {
  if (!a)
    return b;
  if (!b)
    return a;
  return b_.CreateOr(a, b);
}

Value *ExprCodegen::nullFlag(const CgValue &v) {
  return v.isNull ? v.isNull : ConstantInt::getFalse(fc_.context());
}

Value *ExprCodegen::isTrue(const CgValue &v) {
  if (!v.isNull)
    return v.value;
  return b_.CreateAnd(v.value, b_.CreateNot(v.isNull));
}

CgValue ExprCodegen::nullOf(Type type) {
  CgValue v;
  v.type = type.withNullable(true);
  TypeKind kind = type.kind == TypeKind::Null ? TypeKind::Int64 : type.kind;
  v.value = Constant::getNullValue(payloadType(kind));
  if (kind == TypeKind::String)
    v.length = ConstantInt::get(fc_.abi().i64(), 0);
  v.isNull = ConstantInt::getTrue(fc_.context());
  return v;
}

CgValue ExprCodegen::coerce(const CgValue &v, Type to) {
  if (v.type.kind == TypeKind::Null)
    return nullOf(to);
  CgValue out = v;
  if (v.type.kind == TypeKind::Int64 && to.kind == TypeKind::Float64)
    out.value = b_.CreateSIToFP(v.value, fc_.abi().f64());
  else if (v.type.kind == TypeKind::Float64 && to.kind == TypeKind::Int64)
    out.value = intrinsic(Intrinsic::fptosi_sat, {v.value});
  TypeKind kind = to.kind == TypeKind::Null ? v.type.kind : to.kind;
  if ((kind == TypeKind::Float64 || kind == TypeKind::Int64) != v.type.isNumeric())
    kind = v.type.kind; // only numeric kinds convert implicitly
  out.type = Type::of(kind, v.isNull != nullptr);
  return out;
}

Value *ExprCodegen::intrinsic(Intrinsic::ID id, ArrayRef<Value *> args) {
  llvm::Type *overload = id == Intrinsic::fptosi_sat ? (llvm::Type *)fc_.abi().i64() : args[0]->getType();
  SmallVector<llvm::Type *, 2> types{overload};
  if (id == Intrinsic::fptosi_sat)
    types.push_back(args[0]->getType());
  Function *f = Intrinsic::getDeclaration(&fc_.abi().module(), id, types);
  return b_.CreateCall(f, args);
}

CgValue ExprCodegen::makeString(StringRef text) {
  CgValue v;
  v.type = Type::of(TypeKind::String);
  v.value = b_.CreateGlobalStringPtr(text, "str");
  v.length = ConstantInt::get(fc_.abi().i64(), text.size());
  return v;
}

Value *ExprCodegen::equal(const CgValue &a, const CgValue &b) {
  if (a.type.kind == TypeKind::String) {
    // Lengths first: memcmp only runs when they agree.
    Value *sameLength = b_.CreateICmpEQ(a.length, b.length);
    BasicBlock *from = b_.GetInsertBlock();
    BasicBlock *compare = fc_.newBlock("str.eq.bytes");
    BasicBlock *done = fc_.newBlock("str.eq.done");
    b_.CreateCondBr(sameLength, compare, done);
    b_.SetInsertPoint(compare);
    Value *bytesEqual = equalToShortLiteral(a, b);
    if (!bytesEqual)
      bytesEqual = equalToShortLiteral(b, a);
    if (!bytesEqual) {
      Value *cmp = b_.CreateCall(fc_.abi().fn("memcmp"), {a.value, b.value, a.length});
      bytesEqual = b_.CreateICmpEQ(cmp, ConstantInt::get(fc_.abi().i32(), 0));
    }
    BasicBlock *compareEnd = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    PHINode *phi = b_.CreatePHI(fc_.abi().i1(), 2);
    phi->addIncoming(ConstantInt::getFalse(fc_.context()), from);
    phi->addIncoming(bytesEqual, compareEnd);
    return phi;
  }
  if (a.type.kind == TypeKind::Float64)
    return b_.CreateFCmpOEQ(a.value, b.value);
  return b_.CreateICmpEQ(a.value, b.value);
}

// `where event_type == "view"`: once the lengths agree, a literal of up to
// 16 bytes is compared as a few integer loads, not a memcmp call (which the
// JIT's fast instruction selector would not expand).
Value *ExprCodegen::equalToShortLiteral(const CgValue &v, const CgValue &literal) {
  StringRef text;
  auto *length = dyn_cast<ConstantInt>(literal.length);
  if (!length || !getConstantStringInfo(literal.value, text) || text.size() != length->getZExtValue() ||
      text.size() > 16)
    return nullptr;
  Value *all = ConstantInt::getTrue(fc_.context());
  size_t at = 0;
  while (at < text.size()) {
    size_t chunk = text.size() - at >= 8 ? 8 : text.size() - at >= 4 ? 4 : text.size() - at >= 2 ? 2 : 1;
    uint64_t expected = 0;
    for (size_t i = 0; i < chunk; ++i) // little-endian, as the load reads it
      expected |= uint64_t(uint8_t(text[at + i])) << (8 * i);
    llvm::Type *type = IntegerType::get(fc_.context(), 8 * chunk);
    Value *bytes = b_.CreateAlignedLoad(type, b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), v.value, at), Align(1));
    all = b_.CreateAnd(all, b_.CreateICmpEQ(bytes, ConstantInt::get(type, expected)));
    at += chunk;
  }
  return all;
}

Value *ExprCodegen::compareStrings(const CgValue &a, const CgValue &b) {
  return b_.CreateCall(fc_.abi().fn("weir_str_compare"), {a.value, a.length, b.value, b.length});
}

// -------------------------------------------------------------- expressions

CgValue ExprCodegen::emit(const ir::Expr &e, ArrayRef<CgValue> row) {
  switch (e.kind) {
  case ExprKind::Column:
    assert(e.column >= 0 && (size_t)e.column < row.size() && "column out of range");
    return row[e.column];
  case ExprKind::Literal: return emitLiteral(e);
  case ExprKind::Unary: return emitUnary(e, row);
  case ExprKind::Binary: return emitBinary(e, row);
  case ExprKind::Call: return emitCall(e, row);
  }
  return nullOf(e.type);
}

CgValue ExprCodegen::emitLiteral(const ir::Expr &e) {
  if (std::holds_alternative<std::monostate>(e.literal))
    return nullOf(e.type);
  CgValue v;
  v.type = e.type.withNullable(false);
  if (auto *s = std::get_if<std::string>(&e.literal))
    return makeString(*s);
  if (auto *bv = std::get_if<bool>(&e.literal))
    v.value = ConstantInt::get(fc_.abi().i1(), *bv);
  else if (auto *iv = std::get_if<int64_t>(&e.literal))
    v.value = e.type.kind == TypeKind::Float64 ? (Value *)ConstantFP::get(fc_.abi().f64(), (double)*iv)
                                               : ConstantInt::get(fc_.abi().i64(), *iv, true);
  else if (auto *dv = std::get_if<double>(&e.literal))
    v.value = ConstantFP::get(fc_.abi().f64(), *dv);
  return v;
}

CgValue ExprCodegen::emitUnary(const ir::Expr &e, ArrayRef<CgValue> row) {
  CgValue a = emit(*e.args[0], row);
  CgValue out = a;
  out.type = e.type;
  if (e.unaryOp == ir::UnaryOp::Not)
    out.value = b_.CreateNot(a.value);
  else if (a.type.kind == TypeKind::Float64)
    out.value = b_.CreateFNeg(a.value);
  else
    out.value = b_.CreateNeg(a.value);
  return out;
}

CgValue ExprCodegen::emitBinary(const ir::Expr &e, ArrayRef<CgValue> row) {
  CgValue a = emit(*e.args[0], row);
  CgValue b = emit(*e.args[1], row);
  switch (e.binaryOp) {
  case BinaryOp::And:
  case BinaryOp::Or: return emitLogic(e.binaryOp, a, b);
  case BinaryOp::Eq: case BinaryOp::Ne: case BinaryOp::Lt:
  case BinaryOp::Le: case BinaryOp::Gt: case BinaryOp::Ge:
    return emitCompare(e.binaryOp, a, b);
  default: return emitArithmetic(e, a, b);
  }
}

// SQL three-valued logic: false AND null = false, true OR null = true.
CgValue ExprCodegen::emitLogic(BinaryOp op, const CgValue &a, const CgValue &b) {
  CgValue out;
  out.type = Type::of(TypeKind::Bool, a.type.nullable || b.type.nullable);
  if (a.type.kind == TypeKind::Null && b.type.kind == TypeKind::Null)
    return nullOf(out.type);
  CgValue x = a.type.kind == TypeKind::Null ? nullOf(Type::of(TypeKind::Bool)) : a;
  CgValue y = b.type.kind == TypeKind::Null ? nullOf(Type::of(TypeKind::Bool)) : b;
  if (!x.isNull && !y.isNull) {
    out.value = op == BinaryOp::And ? b_.CreateAnd(x.value, y.value) : b_.CreateOr(x.value, y.value);
    return out;
  }
  Value *xn = nullFlag(x), *yn = nullFlag(y);
  if (op == BinaryOp::And) {
    Value *decidedFalse = b_.CreateOr(b_.CreateAnd(b_.CreateNot(xn), b_.CreateNot(x.value)),
                                      b_.CreateAnd(b_.CreateNot(yn), b_.CreateNot(y.value)));
    out.value = b_.CreateNot(decidedFalse);
    out.isNull = b_.CreateAnd(b_.CreateNot(decidedFalse), b_.CreateOr(xn, yn));
  } else {
    Value *decidedTrue = b_.CreateOr(b_.CreateAnd(b_.CreateNot(xn), x.value),
                                     b_.CreateAnd(b_.CreateNot(yn), y.value));
    out.value = decidedTrue;
    out.isNull = b_.CreateAnd(b_.CreateNot(decidedTrue), b_.CreateOr(xn, yn));
  }
  return out;
}

CgValue ExprCodegen::emitCompare(BinaryOp op, const CgValue &a0, const CgValue &b0) {
  CgValue out;
  out.type = Type::of(TypeKind::Bool, a0.type.nullable || b0.type.nullable);
  if (a0.type.kind == TypeKind::Null || b0.type.kind == TypeKind::Null)
    return nullOf(out.type);
  CgValue a = a0, b = b0;
  if (a.type.kind != b.type.kind && a.type.isNumeric() && b.type.isNumeric()) {
    a = coerce(a, Type::of(TypeKind::Float64));
    b = coerce(b, Type::of(TypeKind::Float64));
  }
  out.isNull = orNull(a.isNull, b.isNull);
  if (a.type.kind == TypeKind::String && (op == BinaryOp::Eq || op == BinaryOp::Ne)) {
    Value *eq = equal(a, b);
    out.value = op == BinaryOp::Eq ? eq : b_.CreateNot(eq);
    return out;
  }
  Value *lhs = a.value, *rhs = b.value;
  if (a.type.kind == TypeKind::String) {
    lhs = compareStrings(a, b);
    rhs = ConstantInt::get(fc_.abi().i32(), 0);
  }
  if (a.type.kind == TypeKind::Float64) {
    CmpInst::Predicate p = op == BinaryOp::Eq   ? CmpInst::FCMP_OEQ
                           : op == BinaryOp::Ne ? CmpInst::FCMP_UNE
                           : op == BinaryOp::Lt ? CmpInst::FCMP_OLT
                           : op == BinaryOp::Le ? CmpInst::FCMP_OLE
                           : op == BinaryOp::Gt ? CmpInst::FCMP_OGT
                                                : CmpInst::FCMP_OGE;
    out.value = b_.CreateFCmp(p, lhs, rhs);
    return out;
  }
  bool isUnsigned = a.type.kind == TypeKind::Bool;
  CmpInst::Predicate p =
      op == BinaryOp::Eq   ? CmpInst::ICMP_EQ
      : op == BinaryOp::Ne ? CmpInst::ICMP_NE
      : op == BinaryOp::Lt ? (isUnsigned ? CmpInst::ICMP_ULT : CmpInst::ICMP_SLT)
      : op == BinaryOp::Le ? (isUnsigned ? CmpInst::ICMP_ULE : CmpInst::ICMP_SLE)
      : op == BinaryOp::Gt ? (isUnsigned ? CmpInst::ICMP_UGT : CmpInst::ICMP_SGT)
                           : (isUnsigned ? CmpInst::ICMP_UGE : CmpInst::ICMP_SGE);
  out.value = b_.CreateICmp(p, lhs, rhs);
  return out;
}

CgValue ExprCodegen::emitArithmetic(const ir::Expr &e, const CgValue &a0, const CgValue &b0) {
  if (a0.type.kind == TypeKind::Null || b0.type.kind == TypeKind::Null)
    return nullOf(e.type);
  bool isFloat = e.type.kind == TypeKind::Float64;
  CgValue a = isFloat ? coerce(a0, e.type) : a0;
  CgValue b = isFloat ? coerce(b0, e.type) : b0;
  CgValue out;
  out.type = e.type;
  out.isNull = orNull(a.isNull, b.isNull);
  Value *x = a.value, *y = b.value;
  switch (e.binaryOp) {
  case BinaryOp::Add: out.value = isFloat ? b_.CreateFAdd(x, y) : b_.CreateAdd(x, y); break;
  case BinaryOp::Sub: out.value = isFloat ? b_.CreateFSub(x, y) : b_.CreateSub(x, y); break;
  case BinaryOp::Mul: out.value = isFloat ? b_.CreateFMul(x, y) : b_.CreateMul(x, y); break;
  case BinaryOp::Div:
  case BinaryOp::Mod: {
    bool isDiv = e.binaryOp == BinaryOp::Div;
    if (isFloat) {
      out.value = isDiv ? b_.CreateFDiv(x, y) : b_.CreateFRem(x, y);
      break;
    }
    // Integer division never traps: x / 0 is null (0 if the type is not
    // nullable), and INT64_MIN / -1 wraps like the other operators.
    llvm::Type *i64 = fc_.abi().i64();
    Value *byZero = b_.CreateICmpEQ(y, ConstantInt::get(i64, 0));
    Value *byMinusOne = b_.CreateICmpEQ(y, ConstantInt::get(i64, -1, true));
    Value *safe = b_.CreateSelect(b_.CreateOr(byZero, byMinusOne), ConstantInt::get(i64, 1), y);
    Value *q = isDiv ? b_.CreateSDiv(x, safe) : b_.CreateSRem(x, safe);
    Value *special = isDiv ? b_.CreateNeg(x) : ConstantInt::get(i64, 0);
    q = b_.CreateSelect(byMinusOne, special, q);
    out.value = b_.CreateSelect(byZero, ConstantInt::get(i64, 0), q);
    if (e.type.nullable)
      out.isNull = orNull(out.isNull, byZero);
    break;
  }
  default: assert(false && "not an arithmetic operator");
  }
  return out;
}

// -------------------------------------------------------------------- calls

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

CgValue ExprCodegen::emitCast(ScalarFn fn, const CgValue &a, Type to) {
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

CgValue ExprCodegen::emitCall(const ir::Expr &e, ArrayRef<CgValue> row) {
  SmallVector<CgValue, 4> args;
  for (const auto &arg : e.args)
    args.push_back(emit(*arg, row));
  RuntimeABI &abi = fc_.abi();
  Value *anyNull = nullptr;
  for (const CgValue &a : args)
    anyNull = orNull(anyNull, a.isNull);
  auto typed = [&](Value *v, Value *isNull) {
    CgValue out;
    out.type = e.type;
    out.value = v;
    out.isNull = e.type.nullable ? isNull : nullptr;
    return out;
  };
  auto asDouble = [&](const CgValue &a) { return coerce(a, Type::of(TypeKind::Float64)).value; };
  auto asBool = [&](Value *byte) { return b_.CreateICmpNE(byte, ConstantInt::get(abi.i8(), 0)); };
  for (const CgValue &a : args)
    if (a.type.kind == TypeKind::Null && e.fn != ScalarFn::Coalesce && e.fn != ScalarFn::IsNull &&
        e.fn != ScalarFn::If)
      return nullOf(e.type);

  switch (e.fn) {
  case ScalarFn::If: {
    Value *cond = isTrue(args[0]);
    CgValue t = coerce(args[1], e.type), f = coerce(args[2], e.type);
    CgValue out;
    out.type = e.type;
    out.value = b_.CreateSelect(cond, t.value, f.value);
    if (e.type.kind == TypeKind::String)
      out.length = b_.CreateSelect(cond, t.length, f.length);
    if (e.type.nullable)
      out.isNull = b_.CreateSelect(cond, nullFlag(t), nullFlag(f));
    return out;
  }
  case ScalarFn::Coalesce: {
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
  case ScalarFn::IsNull: return typed(nullFlag(args[0]), nullptr);
  case ScalarFn::ToInt64: case ScalarFn::ToFloat64: case ScalarFn::ToString:
  case ScalarFn::ToBool: case ScalarFn::ToTimestamp: case ScalarFn::ToDuration: {
    CgValue out = emitCast(e.fn, args[0], e.type);
    out.type = e.type;
    if (!e.type.nullable)
      out.isNull = nullptr;
    return out;
  }
  case ScalarFn::Length:
    return typed(b_.CreateCall(abi.fn("weir_str_length"), {args[0].value, args[0].length}), anyNull);
  case ScalarFn::Substr: {
    Value *len = args.size() > 2 ? args[2].value : ConstantInt::get(abi.i64(), -1, true);
    return callStringResult("weir_str_substr", {args[0].value, args[0].length, args[1].value, len},
                            e.type.nullable ? anyNull : nullptr);
  }
  case ScalarFn::Upper: case ScalarFn::Lower: case ScalarFn::Base64: {
    const char *fn = e.fn == ScalarFn::Upper   ? "weir_str_upper"
                     : e.fn == ScalarFn::Lower ? "weir_str_lower"
                                               : "weir_str_base64";
    return callStringResult(fn, {args[0].value, args[0].length}, e.type.nullable ? anyNull : nullptr);
  }
  case ScalarFn::Concat: {
    // Null in, null out (the type rule in stdlib/Builtins.cpp is strict).
    AllocaInst *parts = fc_.entryAlloca(abi.strType(), "parts", args.size());
    for (size_t i = 0; i < args.size(); ++i) {
      CgValue s = toStringValue(args[i]);
      Value *ptr = s.value, *len = s.length;
      if (s.isNull)
        len = b_.CreateSelect(s.isNull, ConstantInt::get(abi.i64(), 0), len);
      Value *slot = b_.CreateConstGEP1_64(abi.strType(), parts, i);
      b_.CreateStore(ptr, b_.CreateStructGEP(abi.strType(), slot, 0));
      b_.CreateStore(len, b_.CreateStructGEP(abi.strType(), slot, 1));
    }
    return callStringResult("weir_str_concat", {parts, ConstantInt::get(abi.i64(), args.size())},
                            e.type.nullable ? anyNull : nullptr);
  }
  case ScalarFn::Contains: case ScalarFn::StartsWith: case ScalarFn::EndsWith: {
    const char *fn = e.fn == ScalarFn::Contains     ? "weir_str_contains"
                     : e.fn == ScalarFn::StartsWith ? "weir_str_starts_with"
                                                    : "weir_str_ends_with";
    Value *r = b_.CreateCall(abi.fn(fn), {args[0].value, args[0].length, args[1].value, args[1].length});
    return typed(asBool(r), anyNull);
  }
  case ScalarFn::Abs:
    if (args[0].type.kind == TypeKind::Float64)
      return typed(intrinsic(Intrinsic::fabs, {args[0].value}), anyNull);
    return typed(intrinsic(Intrinsic::abs, {args[0].value, ConstantInt::getFalse(fc_.context())}), anyNull);
  case ScalarFn::Round: case ScalarFn::Floor: case ScalarFn::Ceil: {
    if (args[0].type.kind != TypeKind::Float64 && e.type.kind != TypeKind::Float64)
      return typed(args[0].value, anyNull); // rounding an integer is the identity
    Value *x = asDouble(args[0]);
    Value *r;
    if (e.fn == ScalarFn::Round && args.size() > 1)
      r = b_.CreateCall(abi.fn("weir_round"), {x, args[1].value});
    else
      r = intrinsic(e.fn == ScalarFn::Round   ? Intrinsic::round
                    : e.fn == ScalarFn::Floor ? Intrinsic::floor
                                              : Intrinsic::ceil,
                    {x});
    if (e.type.kind == TypeKind::Int64)
      r = intrinsic(Intrinsic::fptosi_sat, {r});
    return typed(r, anyNull);
  }
  case ScalarFn::Sqrt: return typed(intrinsic(Intrinsic::sqrt, {asDouble(args[0])}), anyNull);
  case ScalarFn::Ln: return typed(intrinsic(Intrinsic::log, {asDouble(args[0])}), anyNull);
  case ScalarFn::Exp: return typed(intrinsic(Intrinsic::exp, {asDouble(args[0])}), anyNull);
  case ScalarFn::Pow:
    return typed(intrinsic(Intrinsic::pow, {asDouble(args[0]), asDouble(args[1])}), anyNull);
  case ScalarFn::FloorTime:
    return typed(b_.CreateCall(abi.fn("weir_ts_floor"), {args[0].value, args[1].value}), anyNull);
  case ScalarFn::Hour: return typed(b_.CreateCall(abi.fn("weir_ts_hour"), {args[0].value}), anyNull);
  case ScalarFn::DayOfWeek:
    return typed(b_.CreateCall(abi.fn("weir_ts_day_of_week"), {args[0].value}), anyNull);
  case ScalarFn::EpochMillis: return typed(args[0].value, anyNull);
  case ScalarFn::Hash: {
    Value *h = ConstantInt::get(abi.i64(), 0x2545F4914F6CDD1DULL);
    for (const CgValue &a : args) {
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
    return typed(h, nullptr);
  }
  }
  return nullOf(e.type);
}

} // namespace weir::codegen
