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

} // namespace weir::codegen
