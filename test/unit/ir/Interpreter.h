// A reference interpreter for filter/project/join/aggregate/sink programs, for tests
// only: runs a Program over in-memory rows and returns what each sink would
// write. It follows the language's semantics as the generated code does
// (SQL three-valued logic, strict built-ins, wrapping integer arithmetic,
// integer division by zero giving null) but shares no code with the passes,
// so running it before and after the passes checks that they preserve
// meaning. Aggregates: count, sum, min, max, first, last.
#pragma once

#include "ir/IR.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace weir::ir::test {

using Value = LiteralValue;
using Row = std::vector<Value>;
using Rows = std::vector<Row>;

inline bool isNull(const Value &v) { return std::holds_alternative<std::monostate>(v); }

class Interpreter {
public:
  // Rows for each Source and Table, by node name.
  explicit Interpreter(std::map<std::string, Rows> inputs) : inputs_(std::move(inputs)) {}

  // Sink name -> the rows it writes, in order. With `onlyUsedFields`, sources
  // and tables fill only their `usedFields` (the rest read as null), as the
  // generated code's decoding does after projection pruning.
  std::map<std::string, Rows> run(const Program &p, bool onlyUsedFields = false) {
    onlyUsedFields_ = onlyUsedFields;
    std::map<std::string, Rows> out;
    for (const auto &n : p.nodes)
      if (n->kind == NodeKind::Sink)
        out[n->name] = rowsOf(p, n->input);
    return out;
  }

  Value eval(const Expr &e, const Row &row) {
    switch (e.kind) {
    case ExprKind::Column: return row.at(e.column);
    case ExprKind::Literal: return e.literal;
    case ExprKind::Unary: {
      Value a = eval(*e.args[0], row);
      if (isNull(a))
        return a;
      if (e.unaryOp == UnaryOp::Not)
        return !std::get<bool>(a);
      if (auto *i = std::get_if<int64_t>(&a))
        return static_cast<int64_t>(0 - static_cast<uint64_t>(*i));
      return -std::get<double>(a);
    }
    case ExprKind::Binary: return binary(e, eval(*e.args[0], row), eval(*e.args[1], row));
    case ExprKind::Call: return call(e, row);
    }
    throw std::logic_error("bad expression");
  }

private:
  std::map<std::string, Rows> inputs_;
  bool onlyUsedFields_ = false;

  Rows decoded(const Node &n) {
    Rows rows = inputs_.at(n.name);
    if (!onlyUsedFields_)
      return rows;
    for (Row &r : rows)
      for (size_t c = 0; c < r.size(); ++c)
        if (std::find(n.usedFields.begin(), n.usedFields.end(), int(c)) == n.usedFields.end())
          r[c] = Value{};
    return rows;
  }

  Rows rowsOf(const Program &p, int id) {
    const Node &n = p.node(id);
    switch (n.kind) {
    case NodeKind::Source:
    case NodeKind::Table: return decoded(n);
    case NodeKind::Filter: {
      Rows out;
      for (Row &r : rowsOf(p, n.input)) {
        Value v = eval(*n.predicate, r);
        if (!isNull(v) && std::get<bool>(v))
          out.push_back(std::move(r));
      }
      return out;
    }
    case NodeKind::Project: {
      Rows out;
      for (const Row &r : rowsOf(p, n.input)) {
        Row o;
        for (const ExprPtr &e : n.exprs)
          o.push_back(eval(*e, r));
        out.push_back(std::move(o));
      }
      return out;
    }
    case NodeKind::Join: {
      const Node &table = p.node(n.table);
      const Rows build = decoded(table);
      Rows out;
      for (const Row &r : rowsOf(p, n.input)) {
        bool matched = false;
        for (const Row &t : build) {
          bool equal = true;
          for (size_t k = 0; k < n.probeKeys.size(); ++k) {
            Value probe = eval(*n.probeKeys[k], r);
            const Value &stored = t.at(n.buildKeys[k]);
            equal = equal && !isNull(probe) && !isNull(stored) && probe == stored;
          }
          if (!equal)
            continue;
          matched = true;
          Row o = r;
          o.insert(o.end(), t.begin(), t.end());
          out.push_back(std::move(o));
        }
        if (!matched && n.leftJoin) {
          Row o = r;
          o.resize(r.size() + table.schema.size());
          out.push_back(std::move(o));
        }
      }
      return out;
    }
    case NodeKind::Sink: return rowsOf(p, n.input);
    case NodeKind::Aggregate: return aggregate(n, rowsOf(p, n.input));
    }
    throw std::logic_error("bad node");
  }

  // One row per key tuple (null keys group together), in first-seen order.
  Rows aggregate(const Node &n, const Rows &input) {
    std::vector<Row> keys;
    std::vector<Row> accs; // one value per aggregate, null until set
    std::vector<std::vector<int64_t>> counts;
    for (const Row &r : input) {
      Row key;
      for (const ExprPtr &k : n.keys)
        key.push_back(eval(*k, r));
      size_t g = std::find(keys.begin(), keys.end(), key) - keys.begin();
      if (g == keys.size()) {
        keys.push_back(key);
        accs.emplace_back(n.aggs.size());
        counts.emplace_back(n.aggs.size(), 0);
      }
      for (size_t j = 0; j < n.aggs.size(); ++j) {
        const AggCall &a = n.aggs[j];
        Value v = a.arg ? eval(*a.arg, r) : Value{true};
        if (isNull(v))
          continue;
        Value &acc = accs[g][j];
        ++counts[g][j];
        switch (a.fn) {
        case AggFn::Count: acc = counts[g][j]; break;
        case AggFn::Sum:
          if (isNull(acc))
            acc = v;
          else if (auto *i = std::get_if<int64_t>(&acc))
            *i = static_cast<int64_t>(static_cast<uint64_t>(*i) +
                                      static_cast<uint64_t>(std::get<int64_t>(v)));
          else
            acc = std::get<double>(acc) + std::get<double>(v);
          break;
        case AggFn::Min:
          if (isNull(acc) || compare(v, acc) < 0)
            acc = v;
          break;
        case AggFn::Max:
          if (isNull(acc) || compare(v, acc) > 0)
            acc = v;
          break;
        case AggFn::First:
          if (isNull(acc))
            acc = v;
          break;
        case AggFn::Last: acc = v; break;
        default: throw std::logic_error("the test interpreter lacks this aggregate");
        }
      }
    }
    Rows out;
    for (size_t g = 0; g < keys.size(); ++g) {
      Row o = keys[g];
      for (size_t j = 0; j < n.aggs.size(); ++j)
        o.push_back(n.aggs[j].fn == AggFn::Count ? Value{counts[g][j]} : accs[g][j]);
      out.push_back(std::move(o));
    }
    return out;
  }

  static double asDouble(const Value &v) {
    if (auto *i = std::get_if<int64_t>(&v))
      return static_cast<double>(*i);
    return std::get<double>(v);
  }

  Value binary(const Expr &e, const Value &a, const Value &b) {
    BinaryOp op = e.binaryOp;
    if (op == BinaryOp::And || op == BinaryOp::Or) {
      bool absorbing = op == BinaryOp::Or; // or: true wins; and: false wins
      if ((!isNull(a) && std::get<bool>(a) == absorbing) ||
          (!isNull(b) && std::get<bool>(b) == absorbing))
        return absorbing;
      if (isNull(a) || isNull(b))
        return Value{};
      return !absorbing;
    }
    if (isNull(a) || isNull(b))
      return Value{};
    switch (op) {
    case BinaryOp::Eq: return compare(a, b) == 0;
    case BinaryOp::Ne: return compare(a, b) != 0;
    case BinaryOp::Lt: return compare(a, b) < 0;
    case BinaryOp::Le: return compare(a, b) <= 0;
    case BinaryOp::Gt: return compare(a, b) > 0;
    case BinaryOp::Ge: return compare(a, b) >= 0;
    default: break;
    }
    if (e.type.kind == TypeKind::Float64) {
      double x = asDouble(a), y = asDouble(b);
      switch (op) {
      case BinaryOp::Add: return x + y;
      case BinaryOp::Sub: return x - y;
      case BinaryOp::Mul: return x * y;
      case BinaryOp::Div: return x / y;
      default: return std::fmod(x, y);
      }
    }
    int64_t x = std::get<int64_t>(a), y = std::get<int64_t>(b);
    uint64_t ux = static_cast<uint64_t>(x), uy = static_cast<uint64_t>(y);
    switch (op) {
    case BinaryOp::Add: return static_cast<int64_t>(ux + uy);
    case BinaryOp::Sub: return static_cast<int64_t>(ux - uy);
    case BinaryOp::Mul: return static_cast<int64_t>(ux * uy);
    default: break;
    }
    if (y == 0)
      return e.type.nullable ? Value{} : Value{int64_t(0)};
    if (y == -1)
      return op == BinaryOp::Div ? static_cast<int64_t>(0 - ux) : int64_t(0);
    return op == BinaryOp::Div ? x / y : x % y;
  }

  static int compare(const Value &a, const Value &b) {
    if (auto *s = std::get_if<std::string>(&a)) {
      int c = s->compare(std::get<std::string>(b));
      return c < 0 ? -1 : c > 0;
    }
    if (auto *x = std::get_if<bool>(&a))
      return int(*x) - int(std::get<bool>(b));
    if (std::holds_alternative<int64_t>(a) && std::holds_alternative<int64_t>(b)) {
      int64_t x = std::get<int64_t>(a), y = std::get<int64_t>(b);
      return x < y ? -1 : x > y;
    }
    double x = asDouble(a), y = asDouble(b);
    return x < y ? -1 : x > y;
  }

  Value call(const Expr &e, const Row &row) {
    std::vector<Value> args;
    for (const ExprPtr &a : e.args)
      args.push_back(eval(*a, row));
    switch (e.fn) {
    case ScalarFn::If: return !isNull(args[0]) && std::get<bool>(args[0]) ? args[1] : args[2];
    case ScalarFn::Coalesce:
      for (const Value &v : args)
        if (!isNull(v))
          return v;
      return Value{};
    case ScalarFn::IsNull: return isNull(args[0]);
    default: break;
    }
    for (const Value &v : args)
      if (isNull(v))
        return Value{};
    switch (e.fn) {
    case ScalarFn::Upper:
    case ScalarFn::Lower: {
      std::string s = std::get<std::string>(args[0]);
      for (char &c : s) {
        if (e.fn == ScalarFn::Upper && c >= 'a' && c <= 'z')
          c = static_cast<char>(c - 32);
        if (e.fn == ScalarFn::Lower && c >= 'A' && c <= 'Z')
          c = static_cast<char>(c + 32);
      }
      return s;
    }
    case ScalarFn::Length: return static_cast<int64_t>(std::get<std::string>(args[0]).size());
    case ScalarFn::Concat: {
      std::string s;
      for (const Value &v : args)
        s += std::get<std::string>(v);
      return s;
    }
    case ScalarFn::Abs:
      if (auto *i = std::get_if<int64_t>(&args[0]))
        return *i < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(*i)) : *i;
      return std::fabs(std::get<double>(args[0]));
    case ScalarFn::ToFloat64: return asDouble(args[0]);
    default: throw std::logic_error("the test interpreter lacks this function");
    }
  }
};

} // namespace weir::ir::test
