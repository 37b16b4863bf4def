// What the build and the probe side of a stream-static join share: keys that
// must not be null, and the probe of the table's hash table on its key
// columns. Both sides use these, so they always agree on hashing and equality.
#pragma once

#include "codegen/CgValue.h"
#include "codegen/FunctionContext.h"
#include "codegen/HashProbe.h"
#include "ir/IR.h"

#include <vector>

namespace weir::codegen {

// A null key never matches: branches to `onNullKey` when any key is null and
// continues (in a new block) with the keys known to be non-null.
std::vector<CgValue> requireNonNullKeys(FunctionContext &fc, std::vector<CgValue> keys,
                                        llvm::BasicBlock *onNullKey);

// Probes `table`'s hash table `ht` for an entry whose `buildKeys` columns equal `keys`.
ProbeResult probeJoinTable(FunctionContext &fc, const ir::Node &table,
                           const std::vector<int> &buildKeys, llvm::Value *ht,
                           const std::vector<CgValue> &keys);

} // namespace weir::codegen
