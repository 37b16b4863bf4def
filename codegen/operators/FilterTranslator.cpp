// `where`: a row whose predicate is not true (false or null) is dropped.
#include "codegen/ExprCodegen.h"
#include "codegen/StageCodegen.h"

using namespace llvm;

namespace weir::codegen {

void StageCodegen::consumeFilter(FunctionContext &fc, const ir::Stage &stage, size_t pos,
                                 const Row &row, BasicBlock *next) {
  ExprCodegen expr(fc);
  const ir::Node &filter = node(stage.nodes[pos]);
  Value *keep = expr.isTrue(expr.emit(*filter.predicate, row));
  BasicBlock *pass = fc.newBlock("where.pass");
  fc.builder().CreateCondBr(keep, pass, next);
  fc.builder().SetInsertPoint(pass);
  consume(fc, stage, pos + 1, row, next);
}

} // namespace weir::codegen
