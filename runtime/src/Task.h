// WeirTask: what one stage function invocation works with (runtime.h "task
// access"): its cursor, the states and sinks it reads and writes (private
// copies on the threads of a parallel scan), its scratch arena and the slot
// for its error message.
#pragma once

#include "runtime/src/Arena.h"
#include "runtime/src/Cursor.h"
#include "runtime/src/SinkWriter.h"
#include "runtime/src/Status.h"

namespace weir::rt {
class Run;
}

struct WeirTask {
  WeirTask(weir::rt::Run &run, const WeirStageDesc &stage) : run(run), stage(stage) {}

  weir::rt::Run &run;
  const WeirStageDesc &stage;
  WeirCursor *cursor = nullptr;
  WeirHashTable *privateState = nullptr;  // replaces stage.target_state when set
  WeirSinkWriter *privateSink = nullptr;  // replaces stage.sink when set
  WeirArena scratch{64 * 1024};
  weir::rt::ErrorSlot error;
};
