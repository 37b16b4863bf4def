// Validation of connector calls (`file("x.csv", format = "csv")`,
// `stdout()`, `kafka(topic = "t")`): which connectors each role may use,
// their arguments, and the defaults (format from the file extension,
// on_error = "fail"). Kafka's own rules live in SemaKafka.cpp.
#pragma once

#include "frontend/AST.h"
#include "frontend/Diagnostics.h"

#include <map>
#include <string>

namespace weir {

enum class ConnectorRole { Source, Table, Sink };

// Fills `c.uri`, `c.format` and `c.onError`; returns false if it reported
// errors.
bool checkConnector(ast::Connector &c, ConnectorRole role, DiagnosticEngine &diags);

// A sink's rules that depend on the rows it writes (`row`, known once the
// pipeline before it checked): kafka's `key = COL` and `timestamp = COL` name
// columns of them (resolving the NameExprs), a "raw" sink writes exactly one.
void checkSinkRows(ast::Connector &c, const ast::RowShape &row, DiagnosticEngine &diags);

// A kafka source's schema: the metadata columns (_key, _partition, _offset,
// _timestamp) have their fixed types, and a "raw" source has exactly one other
// field, a string.
void checkKafkaSourceSchema(const ast::Connector &c, const ast::SchemaDecl &schema,
                            SourceLoc schemaLoc, DiagnosticEngine &diags);

// ---- shared by SemaConnector.cpp and SemaKafka.cpp

// kafka(...)'s arguments: fills uri, format and onError.
bool checkKafkaConnector(ast::Connector &c, ConnectorRole role, DiagnosticEngine &diags);
// Records a named argument; false after reporting a second value for a name.
bool recordNamedArg(std::map<std::string, const ast::ConnectorArg *> &named,
                    const ast::ConnectorArg &arg, DiagnosticEngine &diags);
// The argument's value as a string literal (typed for the AST dump), or null
// after an error naming `what`.
const ast::LiteralExpr *stringArg(ast::ConnectorArg &arg, const char *what,
                                  DiagnosticEngine &diags);
// `format = "..."`: "json" or "csv", and "raw" where `allowRaw` (kafka).
bool checkFormatArg(ast::ConnectorArg &arg, ast::Connector &c, bool allowRaw,
                    DiagnosticEngine &diags);
bool checkOnErrorArg(ast::ConnectorArg &arg, ast::Connector &c, DiagnosticEngine &diags);

} // namespace weir
