#include "runtime/src/Task.h"

#include "runtime/src/Run.h"

namespace weir::rt {

static std::vector<uint32_t> firstAndMore(int32_t first, uint32_t nmore, const int32_t *more) {
  std::vector<uint32_t> indices;
  if (first >= 0)
    indices.push_back(static_cast<uint32_t>(first));
  for (uint32_t i = 0; i < nmore; ++i)
    indices.push_back(static_cast<uint32_t>(more[i]));
  return indices;
}

std::vector<uint32_t> stageStates(const WeirStageDesc &stage) {
  return firstAndMore(stage.target_state, stage.nmore_states, stage.more_states);
}

std::vector<uint32_t> stageSinks(const WeirStageDesc &stage) {
  return firstAndMore(stage.sink, stage.nmore_sinks, stage.more_sinks);
}

} // namespace weir::rt

extern "C" {

WeirCursor *weir_task_cursor(WeirTask *task) { return task->cursor; }

// Called once per stage function (entry block), so a linear search is fine.
WeirHashTable *weir_task_state(WeirTask *task, uint32_t stateIndex) {
  for (const auto &[index, state] : task->privateStates)
    if (index == stateIndex)
      return state;
  return task->run.state(stateIndex);
}

WeirSinkWriter *weir_task_sink(WeirTask *task, uint32_t sinkIndex) {
  for (const auto &[index, sink] : task->privateSinks)
    if (index == sinkIndex)
      return sink;
  return task->run.sinkWriter(sinkIndex, task->error);
}

WeirClock *weir_task_clock(WeirTask *task, uint32_t stateIndex) {
  return task->run.clock(stateIndex);
}

WeirArena *weir_task_scratch(WeirTask *task) { return &task->scratch; }

} // extern "C"
