// `key by ... | aggregate`: finds (or inserts) the row's key in the state's
// hash table and folds the row into that key's packed struct. Windowed and
// ttl aggregates have their own translator (WindowUpdateTranslator.cpp).
#include "codegen/AggregateCodegen.h"
#include "codegen/HashProbe.h"
#include "codegen/StageCodegen.h"
#include "codegen/WindowCodegen.h"

using namespace llvm;

namespace weir::codegen {

namespace {
class AggregateUpdateTranslator final : public OperatorTranslator {
public:
  explicit AggregateUpdateTranslator(const TranslatorSite &site)
      : OperatorTranslator(site), stateIndex_(index().stateOf.at(node().id)) {}

  void consume(FunctionContext &fc, const Row &row, BasicBlock *next) override {
    const ir::Node &aggregate = node();
    AggregateCodegen agg(fc, aggregate);
    Value *table = fc.state(stateIndex_);
    std::vector<CgValue> keys = agg.rowKeys(row);
    AggregateCodegen::KeyEntry key = agg.findOrInsert(table, emitKeyHash(fc, keys), keys, /*faultInSpilled=*/true);
    if (aggregate.timeColumn >= 0) // first/last follow event time
      agg.setEventTime(row[aggregate.timeColumn].value);
    agg.update(table, key.entry, key.index, row);
    markDirty(fc, key.entry);
    markChanged(fc, table, key.index);
    fc.builder().CreateBr(next);
  }

private:
  int stateIndex_; // the aggregate's hash table in the program descriptor
};
} // namespace

std::unique_ptr<OperatorTranslator> makeAggregateUpdateTranslator(const TranslatorSite &site) {
  if (WindowCodegen::hasEventTimeState(site.driver.node(site.stage.nodes[site.pos])))
    return nullptr;
  return std::make_unique<AggregateUpdateTranslator>(site);
}

} // namespace weir::codegen
