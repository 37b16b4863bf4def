// Lowers a typed IR expression over a row in flight to SSA values.
#pragma once

#include "codegen/CgValue.h"
#include "codegen/FunctionContext.h"
#include "ir/IR.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

namespace weir::codegen {

class ExprCodegen {
public:
  explicit ExprCodegen(FunctionContext &fc) : fc_(fc), b_(fc.builder()) {}

  CgValue emit(const ir::Expr &expr, llvm::ArrayRef<CgValue> row);

  // i1 that is true when `v` is true and not null (the `where` rule).
  llvm::Value *isTrue(const CgValue &v);
  // Converts between numeric kinds (int64 -> float64) and widens nullability.
  CgValue coerce(const CgValue &v, Type to);
  // A null of `type` (the payload is zero).
  CgValue nullOf(Type type);
  // The LLVM type of a value's payload.
  llvm::Type *payloadType(TypeKind kind);

  // Null helpers: nullptr stands for "never null".
  llvm::Value *orNull(llvm::Value *a, llvm::Value *b);
  llvm::Value *nullFlag(const CgValue &v); // i1, false when never null

  // Equality of two values of the same kind (not null-aware).
  llvm::Value *equal(const CgValue &a, const CgValue &b);
  // Bytes of `v` (its length already equal to the literal's) against a
  // literal of up to 16 bytes, inline; nullptr when `literal` is not one.
  llvm::Value *equalToShortLiteral(const CgValue &v, const CgValue &literal);
  // Three-way string comparison: i32 <0, 0, >0.
  llvm::Value *compareStrings(const CgValue &a, const CgValue &b);

private:
  CgValue emitLiteral(const ir::Expr &e);
  CgValue emitUnary(const ir::Expr &e, llvm::ArrayRef<CgValue> row);
  CgValue emitBinary(const ir::Expr &e, llvm::ArrayRef<CgValue> row);
  CgValue emitLogic(ir::BinaryOp op, const CgValue &a, const CgValue &b);
  CgValue emitCompare(ir::BinaryOp op, const CgValue &a, const CgValue &b);
  CgValue emitArithmetic(const ir::Expr &e, const CgValue &a, const CgValue &b);
  // Built-in calls (BuiltinCallCodegen.cpp): emitCall dispatches on the
  // Emitter column of stdlib/Builtins.def.
  struct Call;
  CgValue emitCall(const ir::Expr &e, llvm::ArrayRef<CgValue> row);
  CgValue emitIf(const Call &c);
  CgValue emitCoalesce(const Call &c);
  CgValue emitIsNull(const Call &c);
  CgValue emitCast(const Call &c);
  CgValue emitRetype(const Call &c);
  CgValue emitRuntimeCall(const Call &c);
  CgValue emitRuntimeStringCall(const Call &c);
  CgValue emitSubstr(const Call &c);
  CgValue emitConcat(const Call &c);
  CgValue emitAbs(const Call &c);
  CgValue emitRounding(const Call &c);
  CgValue emitFloatIntrinsic(const Call &c);
  CgValue emitHash(const Call &c);
  CgValue typedResult(const Call &c, llvm::Value *v, llvm::Value *isNull);
  llvm::SmallVector<llvm::Value *, 6> abiArguments(const Call &c);
  CgValue castValue(ScalarFn fn, const CgValue &a, Type to);
  CgValue toStringValue(const CgValue &a);
  CgValue callStringResult(llvm::StringRef fn, llvm::ArrayRef<llvm::Value *> argsBeforeOut,
                           llvm::Value *isNull);
  CgValue makeString(llvm::StringRef text);
  llvm::Value *intrinsic(llvm::Intrinsic::ID id, llvm::ArrayRef<llvm::Value *> args);

  FunctionContext &fc_;
  llvm::IRBuilder<> &b_;
};

} // namespace weir::codegen
