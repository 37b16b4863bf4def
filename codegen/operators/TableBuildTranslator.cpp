// Builds a join's hash table from a static table: one entry per table row,
// rows with equal keys chained behind the first. Rows with a null key can
// never match and are left out.
#include "codegen/ExprCodegen.h"
#include "codegen/JoinTable.h"
#include "codegen/StageCodegen.h"
#include "codegen/StateAccess.h"

using namespace llvm;

namespace weir::codegen {

// The build keys of a table: those of the joins that read it (all the same;
// the code generator checks this before generating anything).
static const std::vector<int> &buildKeysOf(const ir::Program &program, const ir::Node &table) {
  for (const auto &n : program.nodes)
    if (n->kind == ir::NodeKind::Join && n->table == table.id)
      return n->buildKeys;
  static const std::vector<int> none;
  return none;
}

namespace {
class TableBuildTranslator final : public OperatorTranslator {
public:
  explicit TableBuildTranslator(const TranslatorSite &site)
      : OperatorTranslator(site), table_(node()), stateIndex_(index().stateOf.at(table_.id)),
        buildKeys_(buildKeysOf(driver_.program(), table_)) {}

  void consume(FunctionContext &fc, const Row &row, BasicBlock *next) override;

private:
  const ir::Node &table_;
  int stateIndex_; // the table's hash table in the program descriptor
  const std::vector<int> &buildKeys_;
};
} // namespace

void TableBuildTranslator::consume(FunctionContext &fc, const Row &row, BasicBlock *next) {
  IRBuilder<> &b = fc.builder();
  const ir::Node &table = table_;
  StateAccess state(fc, table.layout);
  Value *ht = fc.state(stateIndex_);
  const std::vector<int> &buildKeys = buildKeys_;

  Row keys;
  for (int column : buildKeys)
    keys.push_back(row[column]);
  keys = requireNonNullKeys(fc, std::move(keys), next); // a row with a null key can never match
  ProbeResult probe = probeJoinTable(fc, table, buildKeys, ht, keys);
  BasicBlock *store = fc.newBlock("build.store");
  b.SetInsertPoint(probe.found);
  Value *duplicate = b.CreateCall(abi_.fn("weir_ht_insert_duplicate"), {ht, probe.entryIndex});
  b.CreateBr(store);
  BasicBlock *foundEnd = b.GetInsertBlock();
  b.SetInsertPoint(probe.notFound);
  Value *fresh = b.CreateCall(abi_.fn("weir_ht_insert"), {ht, probe.hash, probe.slot});
  BasicBlock *notFoundEnd = b.GetInsertBlock();
  b.CreateBr(store);

  b.SetInsertPoint(store);
  PHINode *entry = b.CreatePHI(abi_.ptr(), 2, "row");
  entry->addIncoming(duplicate, foundEnd);
  entry->addIncoming(fresh, notFoundEnd);
  std::vector<int> nullBits;
  state.initBitmap(entry, nullBits);
  for (size_t c = 0; c < table.schema.size(); ++c) {
    const ir::StateSlot &slot = table.layout.keySlots[c];
    if (!slot.size)
      continue;
    CgValue v = row[c];
    if (v.type.kind == TypeKind::String) // records go away; the table stays
      v.value = b.CreateCall(abi_.fn("weir_ht_copy_str"), {ht, v.value, v.length});
    state.storePayload(entry, slot, v);
    if (v.isNull && slot.nullBit >= 0)
      state.setNullBit(entry, slot.nullBit, v.isNull);
  }
  b.CreateBr(next);
}

std::unique_ptr<OperatorTranslator> makeTableBuildTranslator(const TranslatorSite &site) {
  return std::make_unique<TableBuildTranslator>(site);
}

} // namespace weir::codegen
