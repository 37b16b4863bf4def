// Semantic analysis: declarations (Sema.cpp), pipelines (SemaPipeline.cpp)
// and event time, windows, ttl and the trigger (SemaTime.cpp). Entry point: checkModule
// in Frontend.h.
#pragma once

#include "frontend/AST.h"
#include "frontend/Diagnostics.h"
#include "frontend/Frontend.h"

#include "llvm/ADT/StringMap.h"

#include <set>

namespace weir {

class ExprChecker;

class Sema {
public:
  Sema(ast::Module &module, DiagnosticEngine &diags, CheckOptions options)
      : module_(module), diags_(diags), options_(options) {}
  bool run();

private:
  // Declarations
  void declare(ast::Decl &decl);
  void checkSchema(ast::SchemaDecl &schema);
  void checkData(ast::DataDecl &data);
  std::optional<Type> resolveType(const ast::TypeRef &ref);

  // Pipelines
  void checkPipeline(ast::PipelineDecl &p);
  void checkSinkFiles();
  bool checkStructure(ast::PipelineDecl &p);
  const ast::DataDecl *resolveData(const std::string &name, SourceLoc loc, bool wantTable);
  bool checkWhere(ast::WhereStep &step, ast::RowShape &row);
  bool checkSelect(ast::ItemsStep &step, ast::RowShape &row);
  bool checkKeyBy(ast::ItemsStep &step, const ast::RowShape &row);
  bool checkAggregate(ast::AggregateStep &step, const ast::ItemsStep *keyBy,
                      const ast::WindowStep *window, ast::RowShape &row);
  bool checkAggregateOutputName(const ast::SelectItem &item, const ast::WindowStep *window,
                                const ast::RowShape &input);
  bool checkJoin(ast::JoinStep &step, ast::RowShape &row);
  bool extractJoinKeys(ast::JoinStep &step, size_t inputColumns);
  bool checkItemExpr(ast::SelectItem &item, ExprChecker &checker, const char *stepName);
  bool checkUniqueNames(const std::vector<const ast::SelectItem *> &items);

  // Event time, windows and ttl (SemaTime.cpp)
  void checkEventTime(ast::DataDecl &data);
  void checkTrigger(ast::TriggerDecl &t);
  bool checkWindow(ast::WindowStep &step);
  void checkWindowArgs(ast::WindowStep &step);
  void checkWindowClauses(ast::WindowStep &step);
  void checkAggregateTime(ast::AggregateStep &step, const ast::PipelineDecl &p,
                          const ast::RowShape &input, const ast::Step *eventTimeLostAt);
  void warnUnboundedState(const ast::AggregateStep &step, const ast::PipelineDecl &p);

  ast::Module &module_;
  DiagnosticEngine &diags_;
  CheckOptions options_;
  llvm::StringMap<ast::SchemaDecl *> schemas_;
  llvm::StringMap<ast::DataDecl *> datas_; // sources and tables share one namespace
  llvm::StringMap<ast::PipelineDecl *> pipelines_;
  std::set<std::string> dataNames_;
  std::set<const ast::DataDecl *> notedNoEventTime_; // sources a warning's note named
  const ast::TriggerDecl *trigger_ = nullptr;         // the file's (first) trigger
};

} // namespace weir
