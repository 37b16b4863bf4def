// Validation of connector calls (`file("x.csv", format = "csv")`,
// `stdout()`): which connectors each role may use, their arguments, and the
// defaults (format from the file extension, on_error = "fail").
#pragma once

#include "frontend/AST.h"
#include "frontend/Diagnostics.h"

namespace weir {

enum class ConnectorRole { Source, Table, Sink };

// Fills `c.uri`, `c.format` and `c.onError`; returns false if it reported
// errors.
bool checkConnector(ast::Connector &c, ConnectorRole role, DiagnosticEngine &diags);

} // namespace weir
