// `where`: a row whose predicate is not true (false or null) is dropped.
#include "codegen/ExprCodegen.h"
#include "codegen/operators/OperatorTranslator.h"

using namespace llvm;

namespace weir::codegen {

namespace {
class FilterTranslator final : public OperatorTranslator {
public:
  using OperatorTranslator::OperatorTranslator;

  void consume(FunctionContext &fc, const Row &row, BasicBlock *next) override {
    ExprCodegen expr(fc);
    Value *keep = expr.isTrue(expr.emit(*node().predicate, row));
    BasicBlock *pass = fc.newBlock("where.pass");
    fc.builder().CreateCondBr(keep, pass, next);
    fc.builder().SetInsertPoint(pass);
    consumeNext(fc, row, next);
  }
};
} // namespace

std::unique_ptr<OperatorTranslator> makeFilterTranslator(const TranslatorSite &site) {
  return std::make_unique<FilterTranslator>(site);
}

} // namespace weir::codegen
