// WeirTask: what one stage function invocation works with (runtime.h "task
// access"): its cursor, the states and sinks it reads and writes (private
// copies on the threads of a parallel scan), its scratch arena and the slot
// for its error message.
#pragma once

#include "runtime/src/Arena.h"
#include "runtime/src/Cursor.h"
#include "runtime/src/SinkWriter.h"
#include "runtime/src/Status.h"

#include <utility>
#include <vector>

namespace weir::rt {
class Run;

// Every state and every sink a stage writes: its target_state and sink, and
// a shared scan's further ones (more_states, more_sinks), in that order.
std::vector<uint32_t> stageStates(const WeirStageDesc &stage);
std::vector<uint32_t> stageSinks(const WeirStageDesc &stage);
} // namespace weir::rt

struct WeirTask {
  WeirTask(weir::rt::Run &run, const WeirStageDesc &stage) : run(run), stage(stage) {}

  weir::rt::Run &run;
  const WeirStageDesc &stage;
  WeirCursor *cursor = nullptr;
  // A thread of a parallel scan: private copies of the stage's states and
  // sinks (stageStates, stageSinks), by index; they replace the run's.
  std::vector<std::pair<uint32_t, WeirHashTable *>> privateStates;
  std::vector<std::pair<uint32_t, WeirSinkWriter *>> privateSinks;
  WeirArena scratch{64 * 1024};
  weir::rt::ErrorSlot error;
};
