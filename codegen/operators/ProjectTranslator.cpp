// `select`: computes the output columns; nothing is materialized.
#include "codegen/ExprCodegen.h"
#include "codegen/StageCodegen.h"

using namespace llvm;

namespace weir::codegen {

void StageCodegen::consumeProject(FunctionContext &fc, const ir::Stage &stage, size_t pos,
                                  const Row &row, BasicBlock *next) {
  ExprCodegen expr(fc);
  const ir::Node &project = node(stage.nodes[pos]);
  Row out;
  for (size_t c = 0; c < project.exprs.size(); ++c) {
    CgValue v = expr.coerce(expr.emit(*project.exprs[c], row), project.schema[c].type);
    v.type = project.schema[c].type;
    if (v.type.nullable && !v.isNull)
      v.isNull = ConstantInt::getFalse(fc.context());
    out.push_back(v);
  }
  consume(fc, stage, pos + 1, out, next);
}

} // namespace weir::codegen
