#include "codegen/RuntimeABI.h"

#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Module.h"

#include <cassert>

using namespace llvm;

namespace weir::codegen {

namespace {
struct RuntimeFnSig {
  const char *name;
  const char *ret;
  const char *params;
};
constexpr RuntimeFnSig kRuntimeFunctions[] = {
#define WEIR_RUNTIME_FN(name, ret, params) {#name, ret, params},
#include "codegen/RuntimeFunctions.def"
};

llvm::Type *typeFromCode(LLVMContext &ctx, char code) {
  switch (code) {
  case 'v': return llvm::Type::getVoidTy(ctx);
  case 'b': return llvm::Type::getInt8Ty(ctx);
  case 'i': return llvm::Type::getInt32Ty(ctx);
  case 'l': return llvm::Type::getInt64Ty(ctx);
  case 'd': return llvm::Type::getDoubleTy(ctx);
  case 'p': return PointerType::getUnqual(ctx);
  }
  assert(false && "bad runtime signature code");
  return nullptr;
}
} // namespace

RuntimeABI::RuntimeABI(Module &module) : module_(module) {
  LLVMContext &ctx = module.getContext();
  llvm::Type *p = PointerType::getUnqual(ctx), *i8 = llvm::Type::getInt8Ty(ctx),
       *i32 = llvm::Type::getInt32Ty(ctx), *i64 = llvm::Type::getInt64Ty(ctx);
  valueType_ = StructType::create(ctx, {i64, i32, i8, ArrayType::get(i8, 3)}, "WeirValue");
  strType_ = StructType::create(ctx, {p, i64}, "WeirStr");
  hashTableType_ = StructType::create(ctx, {p, i64, p, i64, i64, i32, i32, p, p, p, p, p}, "WeirHashTable");
  slotDescType_ = StructType::create(ctx, {i32, i8, i8, llvm::Type::getInt16Ty(ctx)}, "WeirSlotDesc");
  clockType_ = StructType::create(ctx, {i64, i64, i64, i64, i64, i64}, "WeirClock");
  fieldDescType_ = StructType::create(ctx, {p, i8, i8}, "WeirFieldDesc");
  sourceDescType_ =
      StructType::create(ctx, {p, p, p, p, i32, i32, p, i32, p}, "WeirSourceDesc");
  sinkDescType_ = StructType::create(ctx, {p, p, p, i32, p}, "WeirSinkDesc");
  stateDescType_ = StructType::create(ctx, {p, i32, i32, p, p, i32, p, i32, p, i32, i32, p, p, i32},
                                      "WeirStateDesc");
  stageDescType_ = StructType::create(ctx, {p, i32, i32, i32, i32, i32, i32, p}, "WeirStageDesc");
  programDescType_ =
      StructType::create(ctx, {i32, p, i32, p, i32, p, i32, p, i32, p}, "WeirProgramDesc");
}

LLVMContext &RuntimeABI::context() const { return module_.getContext(); }
PointerType *RuntimeABI::ptr() const { return PointerType::getUnqual(context()); }
IntegerType *RuntimeABI::i1() const { return llvm::Type::getInt1Ty(context()); }
IntegerType *RuntimeABI::i8() const { return llvm::Type::getInt8Ty(context()); }
IntegerType *RuntimeABI::i32() const { return llvm::Type::getInt32Ty(context()); }
IntegerType *RuntimeABI::i64() const { return llvm::Type::getInt64Ty(context()); }
llvm::Type *RuntimeABI::f64() const { return llvm::Type::getDoubleTy(context()); }

Function *RuntimeABI::fn(std::string_view name) {
  if (Function *existing = module_.getFunction(name))
    return existing;
  for (const RuntimeFnSig &sig : kRuntimeFunctions) {
    if (name != sig.name)
      continue;
    std::vector<llvm::Type *> params;
    for (const char *c = sig.params; *c; ++c)
      params.push_back(typeFromCode(context(), *c));
    auto *type = FunctionType::get(typeFromCode(context(), sig.ret[0]), params, false);
    Function *f = Function::Create(type, Function::ExternalLinkage, sig.name, module_);
    f->addFnAttr(Attribute::NoUnwind);
    return f;
  }
  assert(false && "unknown runtime function");
  return nullptr;
}

} // namespace weir::codegen
