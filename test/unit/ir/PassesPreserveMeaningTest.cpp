// Randomized check that the passes keep a program's meaning: generate small
// filter/project/join/aggregate programs with random expressions (nulls, literals that
// fold, division by zero, and/or chains, pass-through columns), run them in
// the test interpreter before and after runPasses on random rows, and require
// identical sink output; after the passes, sources and tables fill only the
// fields pruning kept. Deterministic seeds, so a failure reproduces.
#include "Interpreter.h"
#include "ProgramBuilders.h"

#include "ir/PassManager.h"
#include "ir/Printer.h"

#include <gtest/gtest.h>

#include <random>

using namespace weir;
using namespace weir::ir;
using namespace weir::ir::test;

namespace {

using K = TypeKind;

class ProgramGenerator {
public:
  explicit ProgramGenerator(unsigned seed) : rng_(seed) {}

  std::unique_ptr<Program> program() {
    auto p = std::make_unique<Program>();
    int src = addSource(*p, "src", sourceSchema());
    table_ = addSource(*p, "t", tableSchema(), /*table=*/true);
    int pipelines = 1 + pick(2);
    for (int i = 0; i < pipelines; ++i)
      addPipelineFrom(*p, src, "p" + std::to_string(i));
    return p;
  }

  static Schema sourceSchema() {
    return {{"s", Str}, {"i", I64}, {"f", F64}, {"n", ty(K::Int64, true)},
            {"ns", ty(K::String, true)}};
  }
  static Schema tableSchema() { return {{"k", Str}, {"v", I64}, {"w", ty(K::String, true)}}; }

  Rows sourceRows(int count) {
    Rows rows;
    for (int r = 0; r < count; ++r)
      rows.push_back({strings()[pick(4)], int64_t(pick(11)) - 5, floats()[pick(4)],
                      chance(3) ? Value{} : Value{int64_t(pick(7)) - 3},
                      chance(3) ? Value{} : Value{strings()[pick(4)]}});
    return rows;
  }
  Rows tableRows() {
    // "a" twice (a join fans out), "" once, "xY" missing (left joins pad).
    return {{std::string("a"), int64_t(1), std::string("w1")},
            {std::string("a"), int64_t(2), Value{}},
            {std::string("Ab"), int64_t(3), std::string("w3")},
            {std::string(""), int64_t(4), Value{}}};
  }

private:
  std::mt19937 rng_;
  int table_ = -1;

  static const std::vector<std::string> &strings() {
    static const std::vector<std::string> s{"", "a", "Ab", "xY"};
    return s;
  }
  static const std::vector<double> &floats() {
    static const std::vector<double> f{0.0, 1.5, -2.0, 3.25};
    return f;
  }

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int oneIn) { return pick(oneIn) == 0; }

  void addPipelineFrom(Program &p, int src, const std::string &name) {
    int current = src;
    bool joined = false;
    int steps = 1 + pick(4);
    for (int s = 0; s < steps; ++s) {
      const Schema in = p.node(current).schema;
      int kind = pick(3);
      if (kind == 0) {
        current = addFilter(p, current, expr(K::Bool, in, 3));
      } else if (kind == 1 || joined) {
        std::vector<std::string> names;
        std::vector<ExprPtr> exprs;
        int width = 1 + pick(4);
        for (int c = 0; c < width; ++c) {
          names.push_back("c" + std::to_string(c));
          if (chance(2)) {
            exprs.push_back(col(in, pick(static_cast<int>(in.size()))));
          } else {
            static const K kinds[] = {K::Bool, K::Int64, K::Float64, K::String};
            exprs.push_back(expr(kinds[pick(4)], in, 2));
          }
        }
        current = addProject(p, current, names, std::move(exprs));
      } else {
        int key = columnOf(K::String, in);
        if (key < 0)
          continue;
        current = addJoin(p, current, table_, col(in, key), 0, /*left=*/chance(2));
        joined = true; // column names of a second join would repeat
      }
    }
    if (chance(3)) {
      current = addRandomAggregate(p, current);
      if (chance(2))
        current = addFilter(p, current, expr(K::Bool, p.node(current).schema, 2));
    }
    addPipeline(p, name, addSink(p, current, name));
  }

  // key by 0-2 columns or expressions | aggregate a few of count, sum, min,
  // max, first, last.
  int addRandomAggregate(Program &p, int input) {
    const Schema in = p.node(input).schema;
    std::vector<std::string> keyNames;
    std::vector<ExprPtr> keys;
    int nkeys = pick(3);
    for (int k = 0; k < nkeys; ++k) {
      keyNames.push_back("k" + std::to_string(k));
      static const K kinds[] = {K::Bool, K::Int64, K::String};
      keys.push_back(chance(2) ? col(in, pick(static_cast<int>(in.size())))
                               : expr(kinds[pick(3)], in, 1));
    }
    std::vector<Agg> aggs;
    int naggs = 1 + pick(3);
    for (int a = 0; a < naggs; ++a) {
      std::string name = "a" + std::to_string(a);
      switch (pick(5)) {
      case 0: aggs.push_back({AggFn::Count, chance(2) ? nullptr : leaf(K::String, in), name}); break;
      case 1: aggs.push_back({AggFn::Sum, expr(pick(2) ? K::Int64 : K::Float64, in, 1), name}); break;
      case 2: aggs.push_back({pick(2) ? AggFn::Min : AggFn::Max,
                              expr(pick(2) ? K::Int64 : K::String, in, 1), name});
        break;
      default:
        aggs.push_back({pick(2) ? AggFn::First : AggFn::Last, expr(K::Bool, in, 1), name});
      }
    }
    return addAggregate(p, input, keyNames, std::move(keys), std::move(aggs));
  }

  int columnOf(K kind, const Schema &in) {
    std::vector<int> matching;
    for (size_t c = 0; c < in.size(); ++c)
      if (in[c].type.kind == kind)
        matching.push_back(static_cast<int>(c));
    return matching.empty() ? -1 : matching[pick(static_cast<int>(matching.size()))];
  }

  ExprPtr literal(K kind) {
    if (chance(6))
      return nullLit(ty(kind, true));
    switch (kind) {
    case K::Bool: return lit(chance(2));
    case K::Int64: return lit(int64_t(pick(7)) - 3);
    case K::Float64: return lit(floats()[pick(4)]);
    default: return lit(strings()[pick(4)].c_str());
    }
  }

  ExprPtr leaf(K kind, const Schema &in) {
    int c = columnOf(kind, in);
    if (c >= 0 && !chance(3))
      return col(in, c);
    return literal(kind);
  }

  static bool nullableAny(const ExprPtr &a, const ExprPtr &b) {
    return a->type.nullable || b->type.nullable;
  }

  ExprPtr arith(BinaryOp op, ExprPtr a, ExprPtr b, K kind) {
    bool nullable = nullableAny(a, b);
    // Sema: integer division by anything but a non-zero literal may be null.
    if ((op == BinaryOp::Div || op == BinaryOp::Mod) && kind == K::Int64) {
      auto *lit = b->kind == ExprKind::Literal ? std::get_if<int64_t>(&b->literal) : nullptr;
      nullable = nullable || !lit || *lit == 0;
    }
    return bin(op, std::move(a), std::move(b), ty(kind, nullable));
  }

  ExprPtr expr(K kind, const Schema &in, int depth) {
    if (depth == 0 || chance(4))
      return leaf(kind, in);
    --depth;
    switch (kind) {
    case K::Bool:
      switch (pick(5)) {
      case 0: {
        static const BinaryOp ops[] = {BinaryOp::Eq, BinaryOp::Ne, BinaryOp::Lt,
                                       BinaryOp::Le, BinaryOp::Gt, BinaryOp::Ge};
        static const K operands[] = {K::Int64, K::Float64, K::String, K::Bool};
        K k = operands[pick(4)];
        return cmp(ops[pick(6)], expr(k, in, depth), expr(k, in, depth));
      }
      case 1:
      case 2: {
        ExprPtr a = expr(K::Bool, in, depth), b = expr(K::Bool, in, depth);
        bool nullable = nullableAny(a, b);
        return bin(pick(2) ? BinaryOp::And : BinaryOp::Or, std::move(a), std::move(b),
                   ty(K::Bool, nullable));
      }
      case 3: {
        ExprPtr a = expr(K::Bool, in, depth);
        Type t = a->type;
        return Expr::makeUnary(UnaryOp::Not, std::move(a), t);
      }
      default:
        return call(ScalarFn::IsNull, list(leaf(pick(2) ? K::Int64 : K::String, in)));
      }
    case K::Int64:
      switch (pick(5)) {
      case 0: {
        static const BinaryOp ops[] = {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul,
                                       BinaryOp::Div, BinaryOp::Mod};
        return arith(ops[pick(5)], expr(K::Int64, in, depth), expr(K::Int64, in, depth),
                     K::Int64);
      }
      case 1: return call(ScalarFn::Abs, list(expr(K::Int64, in, depth)));
      case 2: return call(ScalarFn::Length, list(expr(K::String, in, depth)));
      case 3:
        return call(ScalarFn::If, list(expr(K::Bool, in, depth), expr(K::Int64, in, depth),
                                       expr(K::Int64, in, depth)));
      default:
        return call(ScalarFn::Coalesce, list(expr(K::Int64, in, depth), expr(K::Int64, in, depth)));
      }
    case K::Float64:
      switch (pick(3)) {
      case 0: {
        static const BinaryOp ops[] = {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul};
        return arith(ops[pick(3)], expr(K::Float64, in, depth), expr(K::Float64, in, depth),
                     K::Float64);
      }
      case 1: return call(ScalarFn::ToFloat64, list(expr(K::Int64, in, depth)));
      default: return call(ScalarFn::Abs, list(expr(K::Float64, in, depth)));
      }
    default:
      switch (pick(3)) {
      case 0: return call(ScalarFn::Upper, list(expr(K::String, in, depth)));
      case 1: return call(ScalarFn::Lower, list(expr(K::String, in, depth)));
      default:
        return call(ScalarFn::Concat, list(expr(K::String, in, depth), expr(K::String, in, depth)));
      }
    }
  }
};

} // namespace

TEST(PassesPreserveMeaningTest, RandomPrograms) {
  int optimized = 0;
  for (unsigned seed = 1; seed <= 400; ++seed) {
    ProgramGenerator gen(seed);
    auto program = gen.program();
    ASSERT_EQ(verifyMessage(*program), "") << "seed " << seed << "\n" << programToString(*program);
    Interpreter interp({{"src", gen.sourceRows(40)}, {"t", gen.tableRows()}});
    auto before = interp.run(*program);
    std::string original = programToString(*program);
    auto unoptimized = program->clone();
    PassOptions noOpt;
    noOpt.optimize = false;
    ASSERT_FALSE(llvm::errorToBool(runPasses(*unoptimized, noOpt))) << "seed " << seed;
    ASSERT_FALSE(llvm::errorToBool(runPasses(*program, PassOptions{}))) << "seed " << seed;
    auto after = interp.run(*program, /*onlyUsedFields=*/true);
    ASSERT_EQ(before, after) << "seed " << seed << "\nbefore:\n" << original << "after:\n"
                             << programToString(*program);
    optimized += programToString(*unoptimized) != programToString(*program);
  }
  // Folding and pushdown must actually have rewritten many of the programs.
  EXPECT_GT(optimized, 150);
}
