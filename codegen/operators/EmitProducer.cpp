// Produces an aggregation's results: a loop over its state's entries in
// insertion order (keys in first-seen order), one output row per key; under
// change tracking (streaming triggers), over the keys changed since the last
// emit, in first-change order.
#include "codegen/AggregateCodegen.h"
#include "codegen/HashProbe.h"
#include "codegen/StageCodegen.h"
#include "codegen/WindowCodegen.h"

using namespace llvm;

namespace weir::codegen {

namespace {
class EmitProducer final : public OperatorTranslator {
public:
  using OperatorTranslator::OperatorTranslator;

  void produce(FunctionContext &fc) override {
    const ir::Node &aggregate = node();
    Value *table = fc.state(index().stateOf.at(aggregate.id));
    AggregateCodegen agg(fc, aggregate);
    emitChangedOrAllEntriesLoop(
        fc, table, aggregate.layout.entrySize,
        [&](Value *entry, Value *, BasicBlock *next) { consumeNext(fc, agg.outputRow(entry), next); },
        [&] { // computed strings live until the row is done
          if (fc.scratchUsed() || !driver_.fused())
            fc.builder().CreateCall(abi_.fn("weir_arena_reset"), {fc.scratch()});
        });
    fc.exitWith(ConstantInt::get(abi_.i32(), 0));
  }
};
} // namespace

// Windowed aggregates emit through their fire function (WindowEmitProducer).
std::unique_ptr<OperatorTranslator> makeEmitProducer(const TranslatorSite &site) {
  if (WindowCodegen::hasEventTimeState(site.driver.node(site.stage.nodes[0])))
    return nullptr;
  return std::make_unique<EmitProducer>(site);
}

} // namespace weir::codegen
