#include "runtime/src/FileCursor.h"

using namespace weir::rt;

uint64_t WeirCursor::lastRecordLine() {
  if (lineBase_ < 0)
    lineBase_ = static_cast<int64_t>(countNewlines(range.fileBegin, range.begin));
  return static_cast<uint64_t>(lineBase_) + decoder->recordLine() + 1;
}

WeirStatus WeirCursor::next(WeirValue *row) {
  for (;;) {
    if (firstFailedRange && firstFailedRange->load(std::memory_order_relaxed) < rangeIndex)
      return error.set(WEIR_ERR_INTERNAL, "cancelled: an earlier part of the input failed");
    DecodeOutcome outcome = decoder->next(row);
    if (outcome == DecodeOutcome::Row) {
      ++recordsRead;
      return WEIR_ROW;
    }
    if (outcome == DecodeOutcome::End)
      return WEIR_END;
    ++recordsRead;
    ++recordsBad;
    switch (source.policy.mode) {
    case OnError::Fail:
      return error.set(WEIR_ERR_RECORD, source.path + ":" + std::to_string(lastRecordLine()) +
                                            ": " + decoder->reason());
    case OnError::Skip:
      break;
    case OnError::DeadLetter:
      if (logBadRecords)
        appendDeadLetter(deadLetters, source.name, source.path, lastRecordLine(),
                         decoder->reason(), decoder->recordText());
      break;
    }
  }
}

extern "C" WeirStatus weir_cursor_next(WeirCursor *cursor, WeirValue *row) {
  return cursor->next(row);
}
