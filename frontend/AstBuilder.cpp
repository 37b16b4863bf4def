#include "frontend/AstBuilder.h"

#include "frontend/Literals.h"
#include "frontend/ParseSupport.h"

#include <cassert>

namespace weir {

using grammar::WeirParser;
using namespace ast;

namespace {

class AstBuilder {
public:
  explicit AstBuilder(DiagnosticEngine &diags) : diags_(diags) {}

  std::unique_ptr<Module> build(WeirParser::ModuleContext *tree, const std::string &path) {
    auto module = std::make_unique<Module>();
    module->path = path;
    for (WeirParser::DeclContext *decl : tree->decl())
      if (DeclPtr d = buildDecl(decl))
        module->decls.push_back(std::move(d));
    return module;
  }

private:
  static std::string text(WeirParser::IdentContext *ident) {
    return ident ? ident->getText() : std::string();
  }
  static SourceLoc loc(antlr4::ParserRuleContext *ctx) {
    return ctx ? locOf(ctx->getStart()) : SourceLoc{};
  }

  DeclPtr buildDecl(WeirParser::DeclContext *ctx) {
    if (auto *s = ctx->schemaDecl())
      return buildSchema(s);
    if (auto *s = ctx->sourceDecl())
      return buildData(DeclKind::Source, s, s->name, s->schema, s->connector(), s->eventTime());
    if (auto *t = ctx->tableDecl())
      return buildData(DeclKind::Table, t, t->name, t->schema, t->connector(), t->eventTime());
    if (auto *p = ctx->pipelineDecl())
      return buildPipeline(p);
    if (auto *t = ctx->triggerDecl())
      return buildTrigger(t);
    return nullptr;
  }

  DeclPtr buildTrigger(WeirParser::TriggerDeclContext *ctx) {
    auto trigger = std::make_unique<TriggerDecl>(loc(ctx));
    trigger->kindName = text(ctx->kind);
    trigger->kindLoc = loc(ctx->kind);
    if (ctx->interval)
      trigger->interval = buildExpr(ctx->interval);
    return trigger;
  }

  DeclPtr buildSchema(WeirParser::SchemaDeclContext *ctx) {
    auto schema = std::make_unique<SchemaDecl>(loc(ctx));
    schema->name = text(ctx->name);
    schema->nameLoc = loc(ctx->name);
    for (WeirParser::FieldDeclContext *f : ctx->fieldDecl()) {
      FieldDecl field;
      field.name = text(f->name);
      field.loc = loc(f->name);
      field.type.name = text(f->typeRef()->name);
      field.type.loc = loc(f->typeRef());
      field.type.nullable = f->typeRef()->nullable != nullptr;
      schema->fields.push_back(std::move(field));
    }
    return schema;
  }

  DeclPtr buildData(DeclKind kind, antlr4::ParserRuleContext *ctx, WeirParser::IdentContext *name,
                    WeirParser::IdentContext *schemaName, WeirParser::ConnectorContext *conn,
                    WeirParser::EventTimeContext *eventTime) {
    auto decl = std::make_unique<DataDecl>(kind, loc(ctx));
    decl->name = text(name);
    decl->nameLoc = loc(name);
    decl->schemaName = text(schemaName);
    decl->schemaLoc = loc(schemaName);
    decl->connector = buildConnector(conn);
    if (eventTime) {
      decl->eventTimeColumn = text(eventTime->column);
      decl->eventTimeLoc = loc(eventTime);
      decl->eventTimeColumnLoc = loc(eventTime->column);
      if (eventTime->delay)
        decl->watermark = buildExpr(eventTime->delay);
    }
    return decl;
  }

  std::vector<ConnectorArg> buildArgs(const std::vector<WeirParser::ArgumentContext *> &args) {
    std::vector<ConnectorArg> out;
    for (WeirParser::ArgumentContext *a : args) {
      ConnectorArg arg;
      arg.name = text(a->name);
      arg.loc = loc(a);
      arg.value = buildExpr(a->expr());
      out.push_back(std::move(arg));
    }
    return out;
  }

  Connector buildConnector(WeirParser::ConnectorContext *ctx) {
    Connector c;
    c.kind = text(ctx->kind);
    c.loc = loc(ctx);
    c.args = buildArgs(ctx->argument());
    return c;
  }

  DeclPtr buildPipeline(WeirParser::PipelineDeclContext *ctx) {
    auto p = std::make_unique<PipelineDecl>(loc(ctx));
    p->name = text(ctx->name);
    p->nameLoc = loc(ctx->name);
    p->inputName = text(ctx->input);
    p->inputLoc = loc(ctx->input);
    for (WeirParser::StepContext *s : ctx->step())
      if (StepPtr step = buildStep(s))
        p->steps.push_back(std::move(step));
    return p;
  }

  StepPtr buildStep(WeirParser::StepContext *ctx) {
    if (auto *w = dynamic_cast<WeirParser::WhereStepContext *>(ctx)) {
      auto step = std::make_unique<WhereStep>(loc(ctx));
      step->predicate = buildExpr(w->expr());
      return step;
    }
    if (auto *s = dynamic_cast<WeirParser::SelectStepContext *>(ctx))
      return buildItems(StepKind::Select, ctx, s->selectItem());
    if (auto *k = dynamic_cast<WeirParser::KeyByStepContext *>(ctx))
      return buildItems(StepKind::KeyBy, ctx, k->selectItem());
    if (auto *a = dynamic_cast<WeirParser::AggregateStepContext *>(ctx)) {
      auto step = std::make_unique<AggregateStep>(loc(ctx));
      fillItems(*step, a->selectItem());
      if (a->ttl) {
        step->ttl = buildExpr(a->ttl);
        step->ttlLoc = locOf(a->TTL()->getSymbol());
      }
      return step;
    }
    if (auto *w = dynamic_cast<WeirParser::WindowStepContext *>(ctx))
      return buildWindow(w);
    if (auto *j = dynamic_cast<WeirParser::JoinStepContext *>(ctx)) {
      auto step = std::make_unique<JoinStep>(loc(ctx));
      step->left = j->LEFT() != nullptr;
      step->tableName = text(j->table);
      step->tableLoc = loc(j->table);
      step->condition = buildExpr(j->expr());
      return step;
    }
    if (auto *s = dynamic_cast<WeirParser::SinkStepContext *>(ctx)) {
      auto step = std::make_unique<SinkStep>(loc(ctx));
      step->connector = buildConnector(s->connector());
      return step;
    }
    return nullptr;
  }

  StepPtr buildItems(StepKind kind, WeirParser::StepContext *ctx,
                     const std::vector<WeirParser::SelectItemContext *> &items) {
    auto step = std::make_unique<ItemsStep>(kind, loc(ctx));
    fillItems(*step, items);
    return step;
  }

  void fillItems(ItemsStep &step, const std::vector<WeirParser::SelectItemContext *> &items) {
    for (WeirParser::SelectItemContext *i : items) {
      SelectItem item;
      item.name = text(i->name);
      item.nameLoc = i->name ? loc(i->name) : loc(i);
      item.expr = buildExpr(i->expr());
      step.items.push_back(std::move(item));
    }
  }

  // A clause written twice is reported here: the AST keeps one of each.
  StepPtr buildWindow(WeirParser::WindowStepContext *ctx) {
    auto step = std::make_unique<WindowStep>(loc(ctx));
    WeirParser::WindowCallContext *call = ctx->windowCall();
    step->kindName = text(call->kind);
    step->kindLoc = loc(call->kind);
    step->args = buildArgs(call->argument());
    for (WeirParser::WindowClauseContext *clause : ctx->windowClause()) {
      if (auto *e = dynamic_cast<WeirParser::EmitClauseContext *>(clause)) {
        if (!step->emitMode.empty()) {
          diags_.error(loc(e), "the window already has an 'emit' clause");
          diags_.note(step->emitLoc, "the first one is here");
          continue;
        }
        step->emitMode = text(e->policy);
        step->emitLoc = loc(e->policy);
      } else if (auto *l = dynamic_cast<WeirParser::LateClauseContext *>(clause)) {
        if (!step->lateAction.empty()) {
          diags_.error(loc(l), "the window already has a 'late' clause");
          diags_.note(step->lateLoc, "the first one is here");
          continue;
        }
        step->lateAction = text(l->action);
        step->lateLoc = loc(l->action);
        if (l->connector())
          step->lateSink = buildConnector(l->connector());
      }
    }
    return step;
  }

  // ------------------------------------------------------------ expressions

  ExprPtr buildExpr(WeirParser::ExprContext *ctx) {
    ExprPtr e = buildExprNode(ctx);
    if (ctx)
      e->begin = locOf(ctx->getStart());
    return e;
  }

  ExprPtr buildExprNode(WeirParser::ExprContext *ctx) {
    if (auto *p = dynamic_cast<WeirParser::PrimaryExprContext *>(ctx))
      return buildPrimary(p->primary());
    if (auto *n = dynamic_cast<WeirParser::NegateExprContext *>(ctx)) {
      if (ExprPtr folded = buildNegativeInt(n))
        return folded;
      return std::make_unique<UnaryExpr>(locOf(n->op), UnaryOp::Neg, buildExpr(n->expr()));
    }
    if (auto *n = dynamic_cast<WeirParser::NotExprContext *>(ctx))
      return std::make_unique<UnaryExpr>(locOf(n->op), UnaryOp::Not, buildExpr(n->expr()));
    if (auto *b = dynamic_cast<WeirParser::MultiplicativeExprContext *>(ctx))
      return binary(b->op, b->expr(0), b->expr(1));
    if (auto *b = dynamic_cast<WeirParser::AdditiveExprContext *>(ctx))
      return binary(b->op, b->expr(0), b->expr(1));
    if (auto *b = dynamic_cast<WeirParser::ComparisonExprContext *>(ctx))
      return binary(b->op, b->expr(0), b->expr(1));
    if (auto *b = dynamic_cast<WeirParser::AndExprContext *>(ctx))
      return binary(b->op, b->expr(0), b->expr(1));
    if (auto *b = dynamic_cast<WeirParser::OrExprContext *>(ctx))
      return binary(b->op, b->expr(0), b->expr(1));
    return nullLiteral(loc(ctx));
  }

  ExprPtr binary(antlr4::Token *op, WeirParser::ExprContext *lhs, WeirParser::ExprContext *rhs) {
    // The grammar's operator tokens are the spellings in common/Operators.h.
    std::optional<BinaryOp> parsed = parseBinaryOpSpelling(op->getText());
    assert(parsed && "an operator token the grammar has but common/Operators.h lacks");
    BinaryOp kind = parsed.value_or(BinaryOp::Add);
    return std::make_unique<BinaryExpr>(locOf(op), kind, buildExpr(lhs), buildExpr(rhs));
  }

  // `-9223372036854775808` is an int64 even though its digits alone are not.
  ExprPtr buildNegativeInt(WeirParser::NegateExprContext *n) {
    auto *operand = dynamic_cast<WeirParser::PrimaryExprContext *>(n->expr());
    if (!operand)
      return nullptr;
    auto *lit = dynamic_cast<WeirParser::LiteralPrimaryContext *>(operand->primary());
    if (!lit || !lit->literal()->INT())
      return nullptr;
    antlr4::Token *digits = lit->literal()->INT()->getSymbol();
    auto e = std::make_unique<LiteralExpr>(locOf(n->op));
    e->literalKind = LiteralKind::Int;
    e->spelling = "-" + digits->getText();
    auto value = decodeInt(digits->getText(), /*negative=*/true);
    if (!value.value)
      diags_.error(locOf(digits), value.error);
    e->intValue = value.value.value_or(0);
    return e;
  }

  ExprPtr buildPrimary(WeirParser::PrimaryContext *ctx) {
    if (auto *l = dynamic_cast<WeirParser::LiteralPrimaryContext *>(ctx))
      return buildLiteral(l->literal());
    if (auto *c = dynamic_cast<WeirParser::CallPrimaryContext *>(ctx)) {
      std::vector<ExprPtr> args;
      for (WeirParser::ExprContext *a : c->expr())
        args.push_back(buildExpr(a));
      return std::make_unique<CallExpr>(loc(c->callee), text(c->callee), std::move(args));
    }
    if (auto *q = dynamic_cast<WeirParser::QualifiedNamePrimaryContext *>(ctx))
      return std::make_unique<NameExpr>(loc(q), text(q->qualifier), text(q->name));
    if (auto *n = dynamic_cast<WeirParser::NamePrimaryContext *>(ctx))
      return std::make_unique<NameExpr>(loc(n), "", text(n->name));
    if (auto *p = dynamic_cast<WeirParser::ParenPrimaryContext *>(ctx))
      return buildExpr(p->expr());
    if (auto *p = dynamic_cast<WeirParser::PrefixedLiteralPrimaryContext *>(ctx))
      return buildPrefixedLiteral(p);
    return nullLiteral(loc(ctx));
  }

  ExprPtr nullLiteral(SourceLoc at) {
    auto e = std::make_unique<LiteralExpr>(at);
    e->spelling = "null";
    return e;
  }

  ExprPtr buildLiteral(WeirParser::LiteralContext *ctx) {
    antlr4::Token *tok = ctx->getStart();
    auto e = std::make_unique<LiteralExpr>(locOf(tok));
    e->spelling = tok->getText();
    auto fail = [&](const std::string &message, uint32_t offset = 0) {
      SourceLoc at = locOf(tok);
      at.col += offset;
      diags_.error(at, message);
    };
    switch (tok->getType()) {
    case WeirParser::INT: {
      e->literalKind = LiteralKind::Int;
      auto v = decodeInt(e->spelling);
      if (!v.value)
        fail(v.error);
      e->intValue = v.value.value_or(0);
      break;
    }
    case WeirParser::FLOAT: {
      e->literalKind = LiteralKind::Float;
      auto v = decodeFloat(e->spelling);
      if (!v.value)
        fail(v.error);
      e->floatValue = v.value.value_or(0);
      break;
    }
    case WeirParser::DURATION: {
      e->literalKind = LiteralKind::Duration;
      auto v = decodeDuration(e->spelling);
      if (!v.value)
        fail(v.error);
      e->intValue = v.value.value_or(0);
      break;
    }
    case WeirParser::STRING: {
      e->literalKind = LiteralKind::String;
      auto v = decodeString(e->spelling);
      if (!v.value)
        fail(v.error, v.offset);
      e->stringValue = v.value.value_or("");
      break;
    }
    case WeirParser::TRUE_LIT:
    case WeirParser::FALSE_LIT:
      e->literalKind = LiteralKind::Bool;
      e->boolValue = tok->getType() == WeirParser::TRUE_LIT;
      break;
    default:
      e->literalKind = LiteralKind::Null;
      break;
    }
    return e;
  }

  // `timestamp "2024-01-01T00:00:00Z"`; the grammar accepts any word before a
  // string so that a typo gets a precise message.
  ExprPtr buildPrefixedLiteral(WeirParser::PrefixedLiteralPrimaryContext *ctx) {
    antlr4::Token *str = ctx->STRING()->getSymbol();
    auto e = std::make_unique<LiteralExpr>(loc(ctx));
    e->literalKind = LiteralKind::Timestamp;
    e->spelling = text(ctx->prefix) + " " + str->getText();
    if (text(ctx->prefix) != "timestamp") {
      diags_.error(loc(ctx->prefix), "unexpected string after '" + text(ctx->prefix) +
                                         "'; only timestamp literals are written as "
                                         "timestamp \"...\"");
      return e;
    }
    auto s = decodeString(str->getText());
    if (!s.value) {
      SourceLoc at = locOf(str);
      at.col += s.offset;
      diags_.error(at, s.error);
      return e;
    }
    auto ts = decodeTimestamp(*s.value);
    if (!ts.value)
      diags_.error(locOf(str), ts.error);
    e->intValue = ts.value.value_or(0);
    return e;
  }

  DiagnosticEngine &diags_;
};

} // namespace

std::unique_ptr<Module> buildAst(WeirParser::ModuleContext *tree, const std::string &path,
                                 DiagnosticEngine &diags) {
  return AstBuilder(diags).build(tree, path);
}

} // namespace weir
