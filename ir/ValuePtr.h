// A std::unique_ptr whose copy copies the object it owns. The IR's trees
// (Expr's arguments, a Node's expressions, a Program's nodes) hold their
// children through it, so Expr, AggCall, Node and Program have compiler-made
// copy constructors: a field added later is copied with the rest instead of
// being silently dropped by a hand-written clone.
#pragma once

#include <memory>
#include <utility>

namespace weir::ir {

template <typename T> class ValuePtr : public std::unique_ptr<T> {
  using Base = std::unique_ptr<T>;

public:
  using Base::Base; // nullptr, raw pointer
  ValuePtr() = default;
  ValuePtr(Base &&owned) noexcept : Base(std::move(owned)) {}
  ValuePtr(ValuePtr &&) noexcept = default;
  ValuePtr &operator=(ValuePtr &&) noexcept = default;
  ValuePtr(const ValuePtr &other) : Base(other ? std::make_unique<T>(*other) : nullptr) {}
  ValuePtr &operator=(const ValuePtr &other) {
    if (this != &other)
      Base::operator=(other ? std::make_unique<T>(*other) : nullptr);
    return *this;
  }
  ~ValuePtr() = default;
};

} // namespace weir::ir
