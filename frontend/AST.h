// The Weir abstract syntax tree, built from the ANTLR parse tree by AstBuilder
// (the parse tree never leaves the frontend). Every node carries a SourceLoc.
// Sema annotates it in place (expression types, resolved columns and
// functions, resolved declarations); Lowering reads those annotations.
#pragma once

#include "common/Operators.h"
#include "common/SourceLoc.h"
#include "common/Trigger.h"
#include "common/Type.h"
#include "stdlib/Builtins.h"

#include "llvm/Support/Casting.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace weir::ast {

// ---------------------------------------------------------------- expressions

enum class ExprKind : uint8_t { Literal, Name, Unary, Binary, Call };

struct Expr {
  const ExprKind kind;
  SourceLoc loc;   // the operator of a unary or binary expression, else the start
  SourceLoc begin; // where the whole expression starts (for messages about all of it)
  // Set by Sema. A `null` literal whose context gives it no type keeps Null.
  Type type;

  virtual ~Expr() = default;

protected:
  Expr(ExprKind kind, SourceLoc loc) : kind(kind), loc(loc), begin(loc) {}
};
using ExprPtr = std::unique_ptr<Expr>;

enum class LiteralKind : uint8_t { Null, Bool, Int, Float, String, Duration, Timestamp };

struct LiteralExpr : Expr {
  LiteralKind literalKind = LiteralKind::Null;
  bool boolValue = false;
  int64_t intValue = 0; // Int; Duration and Timestamp in milliseconds
  double floatValue = 0;
  std::string stringValue; // String: the unescaped text
  std::string spelling;    // as written, for the AST dump and messages

  explicit LiteralExpr(SourceLoc loc) : Expr(ExprKind::Literal, loc) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Literal; }
};

// `amount` or `merchants.name`.
struct NameExpr : Expr {
  std::string qualifier; // empty when unqualified
  std::string name;
  int column = -1; // Sema: index into the row the expression is evaluated over

  NameExpr(SourceLoc loc, std::string qualifier, std::string name)
      : Expr(ExprKind::Name, loc), qualifier(std::move(qualifier)), name(std::move(name)) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Name; }
  std::string spelling() const { return qualifier.empty() ? name : qualifier + "." + name; }
};

// The operators and window kinds are shared with the IR (common/Operators.h).
using weir::BinaryOp;
using weir::UnaryOp;
using weir::WindowKind;
using weir::binaryOpSpelling;
using weir::windowKindName;

struct UnaryExpr : Expr {
  UnaryOp op;
  ExprPtr operand;

  UnaryExpr(SourceLoc loc, UnaryOp op, ExprPtr operand)
      : Expr(ExprKind::Unary, loc), op(op), operand(std::move(operand)) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Unary; }
};

struct BinaryExpr : Expr {
  BinaryOp op;
  ExprPtr lhs, rhs;

  BinaryExpr(SourceLoc loc, BinaryOp op, ExprPtr lhs, ExprPtr rhs)
      : Expr(ExprKind::Binary, loc), op(op), lhs(std::move(lhs)), rhs(std::move(rhs)) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Binary; }
};

struct CallExpr : Expr {
  std::string callee;
  std::vector<ExprPtr> args;
  // Sema: what the callee resolved to (one of them, in the right context).
  std::optional<ScalarFn> scalarFn;
  std::optional<AggFn> aggFn;
  double aggParam = 0; // Sema: approx_percentile's fraction p (its second argument)

  CallExpr(SourceLoc loc, std::string callee, std::vector<ExprPtr> args)
      : Expr(ExprKind::Call, loc), callee(std::move(callee)), args(std::move(args)) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Call; }
};

// ---------------------------------------------------------------- connectors

// `file("data/txns.jsonl", format = "json")`: positional arguments have an
// empty name. Window calls (`hopping(size = 10m, slide = 1m)`) take the same.
struct ConnectorArg {
  std::string name;
  SourceLoc loc;
  ExprPtr value;
};

struct Connector {
  std::string kind; // "file", "stdout", "discard", "generator", "kafka"
  SourceLoc loc;
  std::vector<ConnectorArg> args;
  // Sema: the validated settings, defaults filled in.
  std::string uri;     // "file:PATH", "stdout:", "discard:", "generator:NAME?k1=v1&k2=v2" or
                       // "kafka:TOPIC[?start=S]" / "kafka:TOPIC[?key=COL&timestamp=COL]"
  std::string format;  // "json", "csv", "raw" (kafka) or "generator"
  std::string onError; // "fail", "skip" or "dead_letter:PATH"; file sources and tables
  // kafka sinks: the columns `key = COL` and `timestamp = COL` name (Sema
  // resolves them against the sink's rows); null when not given.
  NameExpr *keyColumn = nullptr;
  NameExpr *timestampColumn = nullptr;
};

// ---------------------------------------------------------------- steps

enum class StepKind : uint8_t { Where, Select, KeyBy, Window, Aggregate, Join, Sink };
const char *stepKindName(StepKind k);

// `name = expr`, or just `expr` when it names a column.
struct SelectItem {
  std::string name; // empty when implied
  SourceLoc nameLoc;
  ExprPtr expr;
  std::string outputName; // Sema: `name`, or the implied column name
};

// A column of the rows flowing between steps (Sema's view; Lowering turns it
// into an ir::Column).
struct RowColumn {
  std::string name;
  Type type;
  std::string qualifier; // the source or table it came from; empty if computed
  std::string baseName;  // its name in that source or table
  // The pipeline source's event-time column, unchanged and under its own name
  // (joins and filters keep it; a select keeps it only as a bare `ts`).
  bool eventTime = false;
};
using RowShape = std::vector<RowColumn>;

struct DataDecl;

struct Step {
  StepKind kind;
  SourceLoc loc;
  RowShape output; // Sema: the rows this step produces

  Step(StepKind kind, SourceLoc loc) : kind(kind), loc(loc) {}
  virtual ~Step() = default;
};
using StepPtr = std::unique_ptr<Step>;

struct WhereStep : Step {
  ExprPtr predicate;
  explicit WhereStep(SourceLoc loc) : Step(StepKind::Where, loc) {}
  static bool classof(const Step *s) { return s->kind == StepKind::Where; }
};

// `select`, `key by` and `aggregate` all take a list of items.
struct ItemsStep : Step {
  std::vector<SelectItem> items;
  ItemsStep(StepKind kind, SourceLoc loc) : Step(kind, loc) {}
  static bool classof(const Step *s) {
    return s->kind == StepKind::Select || s->kind == StepKind::KeyBy ||
           s->kind == StepKind::Aggregate;
  }
};

// `window KIND(args) [emit MODE] [late ACTION [connector]]`; Sema resolves it
// and its aggregate (the next step) lowers it.
struct WindowStep : Step {
  std::string kindName;
  SourceLoc kindLoc;
  std::vector<ConnectorArg> args;
  std::string emitMode; // "final", "updates", ...; empty when not written
  SourceLoc emitLoc;    // the mode word
  std::string lateAction; // "drop", "to", ...; empty when not written
  SourceLoc lateLoc;      // the action word
  std::optional<Connector> lateSink;
  // Sema
  WindowKind windowKind = WindowKind::Tumbling; // never None
  int64_t sizeMs = 0;  // tumbling, hopping, rolling
  int64_t slideMs = 0; // hopping (tumbling: sizeMs)
  int64_t gapMs = 0;   // session
  bool emitUpdates = false;

  explicit WindowStep(SourceLoc loc) : Step(StepKind::Window, loc) {}
  static bool classof(const Step *s) { return s->kind == StepKind::Window; }
};

// `aggregate items [ttl D]`, after an optional `key by` and `window`.
struct AggregateStep : ItemsStep {
  ExprPtr ttl; // null when not written
  SourceLoc ttlLoc; // the `ttl` word
  // Sema
  const ItemsStep *keyBy = nullptr;
  const WindowStep *window = nullptr;
  int64_t ttlMs = 0;
  // The event-time column in the input row, when a window or ttl needs it.
  int timeColumn = -1;
  int64_t watermarkMs = 0; // the source's watermark delay

  explicit AggregateStep(SourceLoc loc) : ItemsStep(StepKind::Aggregate, loc) {}
  static bool classof(const Step *s) { return s->kind == StepKind::Aggregate; }
};

struct JoinStep : Step {
  bool left = false;
  std::string tableName;
  SourceLoc tableLoc;
  ExprPtr condition;
  // Sema: the resolved table and the key pairs of the `on` condition.
  const DataDecl *table = nullptr;
  std::vector<const Expr *> probeKeys; // over the stream row
  std::vector<int> buildKeys;          // table column indices
  explicit JoinStep(SourceLoc loc) : Step(StepKind::Join, loc) {}
  static bool classof(const Step *s) { return s->kind == StepKind::Join; }
};

struct SinkStep : Step {
  Connector connector;
  explicit SinkStep(SourceLoc loc) : Step(StepKind::Sink, loc) {}
  static bool classof(const Step *s) { return s->kind == StepKind::Sink; }
};

// ---------------------------------------------------------------- declarations

enum class DeclKind : uint8_t { Schema, Source, Table, Pipeline, Trigger };

struct Decl {
  DeclKind kind;
  SourceLoc loc;
  std::string name;
  SourceLoc nameLoc;

  Decl(DeclKind kind, SourceLoc loc) : kind(kind), loc(loc) {}
  virtual ~Decl() = default;
};
using DeclPtr = std::unique_ptr<Decl>;

struct TypeRef {
  std::string name;
  bool nullable = false;
  SourceLoc loc;
};

struct FieldDecl {
  std::string name;
  SourceLoc loc;
  TypeRef type;
  Type resolved; // Sema
};

struct SchemaDecl : Decl {
  std::vector<FieldDecl> fields;
  explicit SchemaDecl(SourceLoc loc) : Decl(DeclKind::Schema, loc) {}
  static bool classof(const Decl *d) { return d->kind == DeclKind::Schema; }
};

// `source NAME: SCHEMA = connector [event_time COL [watermark D]];` or
// `table NAME: SCHEMA = connector;`.
struct DataDecl : Decl {
  std::string schemaName;
  SourceLoc schemaLoc;
  Connector connector;
  std::string eventTimeColumn; // empty without an event_time clause
  SourceLoc eventTimeLoc;      // the `event_time` word
  SourceLoc eventTimeColumnLoc;
  ExprPtr watermark; // null when not written (0s)
  const SchemaDecl *schema = nullptr; // Sema
  int eventTimeField = -1;            // Sema: index into the schema's fields
  int64_t watermarkMs = 0;            // Sema
  DataDecl(DeclKind kind, SourceLoc loc) : Decl(kind, loc) {}
  static bool classof(const Decl *d) {
    return d->kind == DeclKind::Source || d->kind == DeclKind::Table;
  }
  bool isTable() const { return kind == DeclKind::Table; }
  bool hasEventTime() const { return !eventTimeColumn.empty(); }
};

struct PipelineDecl : Decl {
  std::string inputName;
  SourceLoc inputLoc;
  std::vector<StepPtr> steps;
  const DataDecl *input = nullptr; // Sema
  explicit PipelineDecl(SourceLoc loc) : Decl(DeclKind::Pipeline, loc) {}
  static bool classof(const Decl *d) { return d->kind == DeclKind::Pipeline; }
};

// `trigger available_now;`, `trigger realtime;` or `trigger every 30s;`: at
// most one per file. Its Decl::name is empty (it declares no name).
struct TriggerDecl : Decl {
  std::string kindName; // as written; Sema checks it
  SourceLoc kindLoc;
  ExprPtr interval;     // `every`'s duration; null when not written
  Trigger resolved;     // Sema
  explicit TriggerDecl(SourceLoc loc) : Decl(DeclKind::Trigger, loc) {}
  static bool classof(const Decl *d) { return d->kind == DeclKind::Trigger; }
};

struct Module {
  std::string path;
  bool checked = false; // set by a successful checkModule
  std::vector<DeclPtr> decls; // in source order
};

} // namespace weir::ast
