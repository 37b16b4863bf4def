// The LLVM type of a C type of the runtime's ABI, for mirrors derived from
// runtime.h's declarations (RuntimeABI.cpp): a struct member's type, a
// function's signature. Covers what runtime.h uses (integers and enums,
// double, pointers of any kind, byte arrays, the WeirValue payload union); any
// other type is a compile error, not a guess.
#pragma once

#include "llvm/IR/Attributes.h"
#include "llvm/IR/DerivedTypes.h"

#include <type_traits>

namespace weir::codegen {

template <class> inline constexpr bool kNoLLVMMirror = false;

template <class T> llvm::Type *llvmTypeOf(llvm::LLVMContext &ctx) {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_void_v<U>)
    return llvm::Type::getVoidTy(ctx);
  else if constexpr (std::is_pointer_v<U>) // data and function pointers alike
    return llvm::PointerType::getUnqual(ctx);
  else if constexpr (std::is_same_v<U, double>)
    return llvm::Type::getDoubleTy(ctx);
  else if constexpr (std::is_integral_v<U> || std::is_enum_v<U>)
    return llvm::IntegerType::get(ctx, 8 * sizeof(U));
  else if constexpr (std::is_array_v<U>)
    return llvm::ArrayType::get(llvmTypeOf<std::remove_extent_t<U>>(ctx), std::extent_v<U>);
  else if constexpr (std::is_union_v<U>) {
    // A union is accessed through its widest member: an integer of its size
    // keeps its size and alignment (WeirValue's payload).
    static_assert(alignof(U) == sizeof(U), "a union mirrored as an integer must be aligned to its size");
    return llvm::IntegerType::get(ctx, 8 * sizeof(U));
  } else
    static_assert(kNoLLVMMirror<T>, "no LLVM mirror for this C type of the runtime ABI");
}

// The extension the C ABI expects for an integer narrower than 32 bits passed
// or returned by value (clang relies on the caller extending arguments).
template <class T> llvm::Attribute::AttrKind extensionOf() {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_integral_v<U> || std::is_enum_v<U>) {
    if constexpr (sizeof(U) < 4)
      return std::is_signed_v<U> ? llvm::Attribute::SExt : llvm::Attribute::ZExt;
  }
  return llvm::Attribute::None;
}

// The function type of a C function, from a pointer to it:
// llvmFunctionTypeOf<decltype(&weir_cursor_next)>.
template <class F> struct LLVMFunctionTypeOf;
template <class R, class... Args> struct LLVMFunctionTypeOf<R (*)(Args...)> {
  static llvm::FunctionType *get(llvm::LLVMContext &ctx) {
    return llvm::FunctionType::get(llvmTypeOf<R>(ctx), {llvmTypeOf<Args>(ctx)...}, false);
  }
  // Sign/zero extension attributes of the return value and each parameter.
  static llvm::AttributeList extensions(llvm::LLVMContext &ctx) {
    llvm::AttributeList list;
    if (auto ext = extensionOf<R>(); ext != llvm::Attribute::None)
      list = list.addRetAttribute(ctx, ext);
    unsigned index = 0;
    ((list = extensionOf<Args>() == llvm::Attribute::None
                 ? list
                 : list.addParamAttribute(ctx, index, extensionOf<Args>()),
      ++index),
     ...);
    return list;
  }
};
// C library functions are noexcept in C++; their LLVM types are the same.
template <class R, class... Args>
struct LLVMFunctionTypeOf<R (*)(Args...) noexcept> : LLVMFunctionTypeOf<R (*)(Args...)> {};

} // namespace weir::codegen
