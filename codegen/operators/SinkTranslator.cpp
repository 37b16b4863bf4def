// `sink`: materializes the row once, for the runtime's writer.
#include "codegen/RowBuffer.h"
#include "codegen/StageCodegen.h"

using namespace llvm;

namespace weir::codegen {

void StageCodegen::consumeSink(FunctionContext &fc, const ir::Node &sink, const Row &row,
                               BasicBlock *next) {
  IRBuilder<> &b = fc.builder();
  Value *writer = fc.sink(index_.sinkOf.at(sink.id));
  Value *buffer = fc.entryAlloca(abi_.valueType(), "sinkrow", std::max<size_t>(row.size(), 1));
  storeRow(fc, buffer, row);
  fc.exitOnError(b.CreateCall(abi_.fn("weir_sink_write"), {writer, buffer}));
  b.CreateBr(next);
}

} // namespace weir::codegen
