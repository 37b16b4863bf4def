#include "frontend/AST.h"

namespace weir::ast {

const char *stepKindName(StepKind k) {
  switch (k) {
  case StepKind::Where: return "where";
  case StepKind::Select: return "select";
  case StepKind::KeyBy: return "key by";
  case StepKind::Window: return "window";
  case StepKind::Aggregate: return "aggregate";
  case StepKind::Join: return "join";
  case StepKind::Sink: return "sink";
  }
  return "?";
}

} // namespace weir::ast
