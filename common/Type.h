// Scalar types of the Weir language: the vocabulary every stage shares (the
// frontend, the IR, codegen; the runtime mirrors TypeKind as WeirTypeCode).
#pragma once

#include <cstdint>
#include <string>

namespace weir {

// The order is ABI: runtime.h's WeirTypeCode (static_asserted in codegen/RuntimeABI.cpp).
enum class TypeKind : uint8_t {
  Bool = 0,
  Int64 = 1,
  Float64 = 2,
  String = 3,
  Timestamp = 4, // milliseconds since the Unix epoch, UTC
  Duration = 5,  // milliseconds
  Null = 6,      // the type of the literal `null` before it meets another type
};

struct Type {
  TypeKind kind = TypeKind::Null;
  bool nullable = false;

  static Type of(TypeKind k, bool nullable = false) { return {k, nullable}; }
  Type withNullable(bool n) const { return {kind, n}; }
  bool isNumeric() const { return kind == TypeKind::Int64 || kind == TypeKind::Float64; }
  bool isTemporal() const {
    return kind == TypeKind::Timestamp || kind == TypeKind::Duration;
  }
  // Values stored as a 64-bit integer in a slot.
  bool isIntegerLike() const {
    return kind == TypeKind::Int64 || kind == TypeKind::Timestamp ||
           kind == TypeKind::Duration;
  }
  bool operator==(const Type &o) const {
    return kind == o.kind && nullable == o.nullable;
  }
  bool operator!=(const Type &o) const { return !(*this == o); }
};

inline const char *typeKindName(TypeKind k) {
  switch (k) {
  case TypeKind::Bool: return "bool";
  case TypeKind::Int64: return "int64";
  case TypeKind::Float64: return "float64";
  case TypeKind::String: return "string";
  case TypeKind::Timestamp: return "timestamp";
  case TypeKind::Duration: return "duration";
  case TypeKind::Null: return "null";
  }
  return "?";
}

inline std::string typeName(Type t) {
  std::string s = typeKindName(t.kind);
  if (t.nullable && t.kind != TypeKind::Null)
    s += '?';
  return s;
}

} // namespace weir
