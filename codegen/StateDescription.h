// What the runtime must know about an aggregate's entries to save and restore
// them (--checkpoint): its key slots, every slot that points out of line, and
// a fingerprint of the layout. Plain data; ModuleCodegen turns it into the
// WeirStateDesc constants.
#pragma once

#include "ir/IR.h"

#include <cstdint>
#include <string>
#include <vector>

namespace weir::codegen {

struct SlotDescription {
  uint32_t offset;
  uint8_t kind; // WeirSlotKind
  uint8_t type; // WeirTypeCode
  int16_t nullBit;
};

std::vector<SlotDescription> describeKeySlots(const ir::Node &aggregate);
// Ring slices included: one description per slot per slice.
std::vector<SlotDescription> describeOwnedSlots(const ir::Node &aggregate);
// Changes whenever a saved entry would be read differently: window kind and
// sizes, key types, aggregate functions and argument types, offsets.
// Names do not count (renaming an output column keeps the state).
std::string layoutFingerprint(const ir::Node &aggregate);

} // namespace weir::codegen
