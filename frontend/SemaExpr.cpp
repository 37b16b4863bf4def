#include "frontend/SemaExpr.h"

#include "frontend/Suggest.h"

namespace weir {

using namespace ast;
using K = TypeKind;

namespace {

bool isNullLiteral(const Expr &e) {
  auto *lit = llvm::dyn_cast<LiteralExpr>(&e);
  return lit && lit->literalKind == LiteralKind::Null;
}

bool isNonZeroIntLiteral(const Expr &e) {
  auto *lit = llvm::dyn_cast<LiteralExpr>(&e);
  return lit && lit->literalKind == LiteralKind::Int && lit->intValue != 0;
}

std::vector<std::string> allScalarNames() {
  std::vector<std::string> names;
  for (int i = 0; i <= static_cast<int>(ScalarFn::Hash); ++i)
    names.push_back(scalarFnName(static_cast<ScalarFn>(i)));
  return names;
}

std::vector<std::string> allAggNames() {
  std::vector<std::string> names;
  for (int i = 0; i <= static_cast<int>(AggFn::ApproxPercentile); ++i)
    names.push_back(aggFnName(static_cast<AggFn>(i)));
  return names;
}

// "count, sum, ... or approx_percentile".
std::string aggNameList() {
  std::vector<std::string> names = allAggNames();
  std::string list;
  for (size_t i = 0; i < names.size(); ++i)
    list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return list;
}

// approx_percentile's fraction: a float literal in [0, 1] (the sketch is
// queried for it when results are emitted).
std::optional<double> percentileFraction(const Expr &p) {
  auto *lit = llvm::dyn_cast<LiteralExpr>(&p);
  if (!lit || lit->literalKind != LiteralKind::Float || !(lit->floatValue >= 0.0) ||
      lit->floatValue > 1.0)
    return std::nullopt;
  return lit->floatValue;
}

} // namespace

std::string describeTypes(const std::vector<Type> &types) {
  std::string s = "(";
  for (size_t i = 0; i < types.size(); ++i)
    s += (i ? ", " : "") + typeName(types[i]);
  return s + ")";
}

ExprChecker::ExprChecker(DiagnosticEngine &diags, const RowShape &row,
                         const std::set<std::string> &dataNames)
    : diags_(diags), row_(row), dataNames_(dataNames) {
  for (size_t i = 0; i < row.size(); ++i) {
    byName_.try_emplace(row[i].name, static_cast<int>(i));
    if (!row[i].qualifier.empty())
      byQualifiedName_.try_emplace(row[i].qualifier + "." + row[i].baseName, static_cast<int>(i));
  }
}

void ExprChecker::coerceNull(Expr &e, Type to) {
  if (isNullLiteral(e) && to.kind != K::Null)
    e.type = to.withNullable(true);
}

bool ExprChecker::check(Expr &e) {
  switch (e.kind) {
  case ExprKind::Literal: return checkLiteral(llvm::cast<LiteralExpr>(e));
  case ExprKind::Name: return checkName(llvm::cast<NameExpr>(e));
  case ExprKind::Unary: return checkUnary(llvm::cast<UnaryExpr>(e));
  case ExprKind::Binary: return checkBinary(llvm::cast<BinaryExpr>(e));
  case ExprKind::Call: return checkCall(llvm::cast<CallExpr>(e));
  }
  return false;
}

bool ExprChecker::checkLiteral(LiteralExpr &e) {
  switch (e.literalKind) {
  case LiteralKind::Null: e.type = Type::of(K::Null, true); break;
  case LiteralKind::Bool: e.type = Type::of(K::Bool); break;
  case LiteralKind::Int: e.type = Type::of(K::Int64); break;
  case LiteralKind::Float: e.type = Type::of(K::Float64); break;
  case LiteralKind::String: e.type = Type::of(K::String); break;
  case LiteralKind::Duration: e.type = Type::of(K::Duration); break;
  case LiteralKind::Timestamp: e.type = Type::of(K::Timestamp); break;
  }
  return true;
}

bool ExprChecker::checkName(NameExpr &e) {
  const llvm::StringMap<int> &index = e.qualifier.empty() ? byName_ : byQualifiedName_;
  if (auto it = index.find(e.spelling()); it != index.end()) {
    const RowColumn &c = row_[it->second];
    if (c.type.kind == K::Null)
      return false; // a field of an unknown type, reported at its declaration
    e.column = it->second;
    e.type = c.type;
    return true;
  }
  if (!e.qualifier.empty()) {
    bool qualifierKnown = false;
    std::vector<std::string> fields;
    for (const RowColumn &c : row_)
      if (c.qualifier == e.qualifier) {
        qualifierKnown = true;
        fields.push_back(c.baseName);
      }
    if (qualifierKnown)
      diags_.error(e.loc, "'" + e.qualifier + "' has no column '" + e.name + "'" +
                              didYouMean(e.name, fields));
    else if (dataNames_.count(e.qualifier))
      diags_.error(e.loc, "'" + e.qualifier + "' is not joined at this point of the pipeline");
    else
      diags_.error(e.loc, "unknown name '" + e.qualifier + "' in '" + e.spelling() + "'");
    return false;
  }
  std::vector<std::string> names;
  for (const RowColumn &c : row_)
    names.push_back(c.name);
  diags_.error(e.loc, "unknown column '" + e.name + "'" + didYouMean(e.name, names));
  return false;
}

bool ExprChecker::checkUnary(UnaryExpr &e) {
  if (!check(*e.operand))
    return false;
  Type t = e.operand->type;
  if (e.op == UnaryOp::Not) {
    coerceNull(*e.operand, Type::of(K::Bool));
    t = e.operand->type;
    if (t.kind != K::Bool) {
      diags_.error(e.loc, "'not' expects bool, not " + typeName(t));
      return false;
    }
    e.type = t;
    return true;
  }
  if (t.kind == K::Null) {
    diags_.error(e.loc, "cannot negate null");
    return false;
  }
  if (!t.isNumeric() && t.kind != K::Duration) {
    diags_.error(e.loc, "cannot negate a value of type " + typeName(t));
    return false;
  }
  e.type = t;
  return true;
}

bool ExprChecker::checkBinary(BinaryExpr &e) {
  bool lhsOk = check(*e.lhs);
  bool rhsOk = check(*e.rhs);
  if (!lhsOk || !rhsOk)
    return false;
  if (!unifyNullOperands(e))
    return false;
  switch (e.op) {
  case BinaryOp::And:
  case BinaryOp::Or:
    return checkLogical(e);
  case BinaryOp::Eq: case BinaryOp::Ne: case BinaryOp::Lt:
  case BinaryOp::Le: case BinaryOp::Gt: case BinaryOp::Ge:
    return checkComparison(e);
  default:
    return checkArithmetic(e);
  }
}

// `x + null`: the null takes the other operand's type.
bool ExprChecker::unifyNullOperands(BinaryExpr &e) {
  bool lhsNull = e.lhs->type.kind == K::Null, rhsNull = e.rhs->type.kind == K::Null;
  if (lhsNull && rhsNull) {
    if (e.op == BinaryOp::And || e.op == BinaryOp::Or) {
      coerceNull(*e.lhs, Type::of(K::Bool));
      coerceNull(*e.rhs, Type::of(K::Bool));
      return true;
    }
    diags_.error(e.loc, std::string("cannot determine the type of 'null ") +
                            binaryOpSpelling(e.op) + " null'");
    return false;
  }
  if (lhsNull)
    coerceNull(*e.lhs, e.rhs->type);
  if (rhsNull)
    coerceNull(*e.rhs, e.lhs->type);
  return true;
}

void ExprChecker::operandError(BinaryExpr &e, const std::string &extra) {
  diags_.error(e.loc, std::string("invalid operands to '") + binaryOpSpelling(e.op) + "' (" +
                          typeName(e.lhs->type) + " and " + typeName(e.rhs->type) + ")" + extra);
}

bool ExprChecker::checkLogical(BinaryExpr &e) {
  Type a = e.lhs->type, b = e.rhs->type;
  if (a.kind != K::Bool || b.kind != K::Bool) {
    operandError(e);
    return false;
  }
  // Three-valued: `false and null` is false, `true and null` is null.
  e.type = Type::of(K::Bool, a.nullable || b.nullable);
  return true;
}

bool ExprChecker::checkComparison(BinaryExpr &e) {
  Type a = e.lhs->type, b = e.rhs->type;
  bool equality = e.op == BinaryOp::Eq || e.op == BinaryOp::Ne;
  bool comparable = (a.isNumeric() && b.isNumeric()) ||
                    (a.kind == b.kind && (equality || a.kind != K::Bool));
  if (!comparable) {
    operandError(e);
    return false;
  }
  if (isNullLiteral(*e.lhs) || isNullLiteral(*e.rhs))
    diags_.warning(e.loc, std::string("comparison with null is always null") +
                              (equality ? "; use is_null(...) to test for null" : ""));
  e.type = Type::of(K::Bool, a.nullable || b.nullable);
  return true;
}

bool ExprChecker::checkArithmetic(BinaryExpr &e) {
  Type a = e.lhs->type, b = e.rhs->type;
  std::optional<TypeKind> result;
  if (a.isNumeric() && b.isNumeric()) {
    result = a.kind == K::Int64 && b.kind == K::Int64 ? K::Int64 : K::Float64;
  } else {
    K ak = a.kind, bk = b.kind;
    switch (e.op) {
    case BinaryOp::Add:
      if ((ak == K::Timestamp && bk == K::Duration) || (ak == K::Duration && bk == K::Timestamp))
        result = K::Timestamp;
      else if (ak == K::Duration && bk == K::Duration)
        result = K::Duration;
      break;
    case BinaryOp::Sub:
      if (ak == K::Timestamp && bk == K::Duration)
        result = K::Timestamp;
      else if ((ak == K::Timestamp && bk == K::Timestamp) || (ak == K::Duration && bk == K::Duration))
        result = K::Duration;
      break;
    case BinaryOp::Mul:
      if ((ak == K::Duration && bk == K::Int64) || (ak == K::Int64 && bk == K::Duration))
        result = K::Duration;
      break;
    case BinaryOp::Div:
      if (ak == K::Duration && bk == K::Int64)
        result = K::Duration;
      break;
    default:
      break;
    }
  }
  if (!result) {
    bool strings = a.kind == K::String && b.kind == K::String && e.op == BinaryOp::Add;
    operandError(e, strings ? "; use concat(a, b) to join strings" : "");
    return false;
  }
  bool nullable = a.nullable || b.nullable;
  // Integer division or remainder by zero yields null, unless the divisor is
  // a non-zero literal.
  bool integerDivision = (e.op == BinaryOp::Div || e.op == BinaryOp::Mod) && b.kind == K::Int64 &&
                         (a.kind == K::Int64 || a.kind == K::Duration);
  if (integerDivision && !isNonZeroIntLiteral(*e.rhs))
    nullable = true;
  e.type = Type::of(*result, nullable);
  return true;
}

bool ExprChecker::checkArgs(CallExpr &e, std::vector<Type> &types) {
  bool ok = true;
  for (ExprPtr &arg : e.args) {
    ok = check(*arg) && ok;
    types.push_back(arg->type);
  }
  return ok;
}

bool ExprChecker::checkCall(CallExpr &e) {
  std::optional<ScalarFn> fn = lookupScalarFn(e.callee);
  if (!fn) {
    if (lookupAggFn(e.callee))
      diags_.error(e.loc, "aggregate function '" + e.callee +
                              "' can only be used as an item of 'aggregate', as in "
                              "`aggregate n = " + e.callee + "(...)`");
    else
      diags_.error(e.loc, "unknown function '" + e.callee + "'" +
                              didYouMean(e.callee, allScalarNames()));
    return false;
  }
  e.scalarFn = fn;
  std::vector<Type> types;
  if (!checkArgs(e, types))
    return false;
  ScalarCallResult result = checkScalarCall(*fn, types);
  if (!result.type) {
    int i = result.error.argIndex;
    SourceLoc at = i >= 0 && size_t(i) < e.args.size() ? e.args[i]->begin : e.loc;
    // Signature messages ("'f' expects (...)") say what was given too.
    bool signature = result.error.message.find(" expects ") != std::string::npos;
    diags_.error(at, result.error.message + (signature ? ", but got " + describeTypes(types) : ""));
    return false;
  }
  if (result.type->kind == K::Null) {
    diags_.error(e.loc, "cannot determine the type of this '" + e.callee +
                            "': all its values are null");
    return false;
  }
  // The nulls of if/coalesce take the result's type; an if's condition is bool.
  if (*fn == ScalarFn::If) {
    coerceNull(*e.args[0], Type::of(K::Bool));
    coerceNull(*e.args[1], *result.type);
    coerceNull(*e.args[2], *result.type);
  } else if (*fn == ScalarFn::Coalesce) {
    for (ExprPtr &arg : e.args)
      coerceNull(*arg, *result.type);
  }
  e.type = *result.type;
  return true;
}

bool ExprChecker::checkAggregateCall(CallExpr &e) {
  std::optional<AggFn> fn = lookupAggFn(e.callee);
  if (!fn) {
    if (lookupScalarFn(e.callee))
      diags_.error(e.loc, "'" + e.callee +
                              "' is not an aggregate function; aggregate items are calls of " +
                              aggNameList());
    else
      diags_.error(e.loc, "unknown aggregate function '" + e.callee + "'" +
                              didYouMean(e.callee, allAggNames()));
    return false;
  }
  e.aggFn = fn;
  std::vector<Type> types;
  if (!checkArgs(e, types))
    return false;
  if (*fn == AggFn::ApproxPercentile && e.args.size() == 2) {
    std::optional<double> p = percentileFraction(*e.args[1]);
    if (!p) {
      diags_.error(e.args[1]->begin, "the percentile of 'approx_percentile' must be a float "
                                     "literal between 0.0 and 1.0, as in 0.99");
      return false;
    }
    e.aggParam = *p;
  }
  AggCallResult result = weir::checkAggregateCall(*fn, types);
  if (!result.type) {
    int i = result.error.argIndex;
    SourceLoc at = i >= 0 && size_t(i) < e.args.size() ? e.args[i]->begin : e.loc;
    diags_.error(at, result.error.message);
    return false;
  }
  e.type = *result.type;
  return true;
}

} // namespace weir
