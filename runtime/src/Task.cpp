#include "runtime/src/Task.h"

#include "runtime/src/Run.h"

extern "C" {

WeirCursor *weir_task_cursor(WeirTask *task) { return task->cursor; }

WeirHashTable *weir_task_state(WeirTask *task, uint32_t stateIndex) {
  if (task->privateState && static_cast<int32_t>(stateIndex) == task->stage.target_state)
    return task->privateState;
  return task->run.state(stateIndex);
}

WeirSinkWriter *weir_task_sink(WeirTask *task, uint32_t sinkIndex) {
  if (task->privateSink && static_cast<int32_t>(sinkIndex) == task->stage.sink)
    return task->privateSink;
  return task->run.sinkWriter(sinkIndex, task->error);
}

WeirClock *weir_task_clock(WeirTask *task, uint32_t stateIndex) {
  return task->run.clock(stateIndex);
}

WeirArena *weir_task_scratch(WeirTask *task) { return &task->scratch; }

} // extern "C"
