// `select`: computes the output columns; nothing is materialized.
#include "codegen/ExprCodegen.h"
#include "codegen/operators/OperatorTranslator.h"

using namespace llvm;

namespace weir::codegen {

namespace {
class ProjectTranslator final : public OperatorTranslator {
public:
  using OperatorTranslator::OperatorTranslator;

  void consume(FunctionContext &fc, const Row &row, BasicBlock *next) override {
    ExprCodegen expr(fc);
    const ir::Node &project = node();
    Row out;
    for (size_t c = 0; c < project.exprs.size(); ++c) {
      CgValue v = expr.coerce(expr.emit(*project.exprs[c], row), project.schema[c].type);
      v.type = project.schema[c].type;
      if (v.type.nullable && !v.isNull)
        v.isNull = ConstantInt::getFalse(fc.context());
      out.push_back(v);
    }
    consumeNext(fc, out, next);
  }
};
} // namespace

std::unique_ptr<OperatorTranslator> makeProjectTranslator(const TranslatorSite &site) {
  return std::make_unique<ProjectTranslator>(site);
}

} // namespace weir::codegen
