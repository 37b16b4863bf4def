// Type checking of expressions over a row shape: resolves column names,
// applies the operator rules (numeric promotion, time arithmetic, SQL null
// semantics) and checks calls against stdlib/Builtins.
#pragma once

#include "frontend/AST.h"
#include "frontend/Diagnostics.h"

#include "llvm/ADT/StringMap.h"

#include <set>
#include <string>

namespace weir {

class ExprChecker {
public:
  // `dataNames`: declared sources and tables, to explain `t.col` when t is
  // declared but not part of this row.
  ExprChecker(DiagnosticEngine &diags, const ast::RowShape &row,
              const std::set<std::string> &dataNames);

  // Sets `e.type` throughout; returns false if it reported an error.
  bool check(ast::Expr &e);

  // An aggregate item's call: `sum(amount)`.
  bool checkAggregateCall(ast::CallExpr &call);

  // Gives a `null` literal the type its context implies (nullable).
  static void coerceNull(ast::Expr &e, Type to);

private:
  bool checkLiteral(ast::LiteralExpr &e);
  bool checkName(ast::NameExpr &e);
  bool checkUnary(ast::UnaryExpr &e);
  bool checkBinary(ast::BinaryExpr &e);
  bool checkArithmetic(ast::BinaryExpr &e);
  bool checkComparison(ast::BinaryExpr &e);
  bool checkLogical(ast::BinaryExpr &e);
  bool checkCall(ast::CallExpr &e);
  bool checkArgs(ast::CallExpr &e, std::vector<Type> &types);
  bool unifyNullOperands(ast::BinaryExpr &e);
  void operandError(ast::BinaryExpr &e, const std::string &extra = "");

  DiagnosticEngine &diags_;
  const ast::RowShape &row_;
  const std::set<std::string> &dataNames_;
  // Column lookup: "name" and "qualifier.baseName" -> the first such column.
  llvm::StringMap<int> byName_, byQualifiedName_;
};

// "(int64, string)": argument types for messages.
std::string describeTypes(const std::vector<Type> &types);

} // namespace weir
