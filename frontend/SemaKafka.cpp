// kafka(...) as a source or a sink: its arguments and the connector URI the
// runtime reads ("kafka:TOPIC?start=earliest", "kafka:TOPIC?key=COL&timestamp=COL"),
// a source's metadata columns, and the "raw" format's one-column rule.
#include "frontend/SemaConnector.h"

#include "frontend/SemaExpr.h"
#include "frontend/Suggest.h"

#include <algorithm>
#include <cctype>

namespace weir {

using namespace ast;

namespace {

// Fields of a kafka source's schema filled from the record, not the payload.
struct MetadataColumn {
  const char *name;
  TypeKind type;
  bool mayBeNull; // a record need not have a key (nor, with old brokers, a timestamp)
  const char *what;
};

constexpr MetadataColumn kMetadataColumns[] = {
    {"_key", TypeKind::String, true, "the record's key"},
    {"_partition", TypeKind::Int64, false, "the record's partition"},
    {"_offset", TypeKind::Int64, false, "the record's offset"},
    {"_timestamp", TypeKind::Timestamp, true, "the record's timestamp"},
};

const MetadataColumn *metadataColumn(const std::string &name) {
  for (const MetadataColumn &m : kMetadataColumns)
    if (name == m.name)
      return &m;
  return nullptr;
}

// Kafka's own rule for topic names (kafka.common.internals.Topic): it also
// keeps the URI free of '?', '&' and '='.
bool validTopic(const std::string &topic) {
  if (topic.empty() || topic.size() > 249 || topic == "." || topic == "..")
    return false;
  return std::all_of(topic.begin(), topic.end(), [](unsigned char ch) {
    return std::isalnum(ch) || ch == '.' || ch == '_' || ch == '-';
  });
}

// `key = user_id`: a bare column name, checked against the rows later.
NameExpr *columnArg(ConnectorArg &arg, DiagnosticEngine &diags) {
  auto *name = llvm::dyn_cast<NameExpr>(arg.value.get());
  if (!name || !name->qualifier.empty()) {
    diags.error(arg.value->begin, "'" + arg.name + "' names a column of the sink's rows, as in " +
                                      arg.name + (arg.name == "key" ? " = user_id" : " = ts"));
    return nullptr;
  }
  return name;
}

std::string columnNames(const RowShape &row) {
  std::string names;
  for (size_t i = 0; i < row.size() && i < 6; ++i)
    names += (i ? ", " : "") + row[i].name;
  return row.size() > 6 ? names + ", ..." : names;
}

} // namespace

bool checkKafkaConnector(Connector &c, ConnectorRole role, DiagnosticEngine &diags) {
  bool sink = role == ConnectorRole::Sink;
  std::vector<std::string> options =
      sink ? std::vector<std::string>{"topic", "format", "key", "timestamp"}
           : std::vector<std::string>{"topic", "format", "on_error", "start"};
  bool ok = true, positional = false;
  std::map<std::string, const ConnectorArg *> named;
  std::string topic, start;
  c.format = "json";
  c.onError = sink ? "" : "fail";
  for (ConnectorArg &arg : c.args) {
    if (arg.name.empty()) {
      diags.error(arg.loc, "kafka() takes named arguments, as in kafka(topic = \"events\")");
      ok = false;
      positional = true;
      continue;
    }
    if (!recordNamedArg(named, arg, diags)) {
      ok = false;
      continue;
    }
    if (std::find(options.begin(), options.end(), arg.name) == options.end()) {
      std::string hint = didYouMean(arg.name, options);
      if (hint.empty() && (arg.name == "key" || arg.name == "timestamp"))
        hint = "; key and timestamp apply to sinks";
      if (hint.empty() && (arg.name == "on_error" || arg.name == "start"))
        hint = "; on_error and start apply to sources";
      diags.error(arg.loc, "unknown argument '" + arg.name + "' for kafka()" + hint);
      ok = false;
      continue;
    }
    if (arg.name == "key" || arg.name == "timestamp") {
      NameExpr *column = columnArg(arg, diags);
      (arg.name == "key" ? c.keyColumn : c.timestampColumn) = column;
      ok = column && ok;
    } else if (arg.name == "format") {
      ok = checkFormatArg(arg, c, /*allowRaw=*/true, diags) && ok;
    } else if (arg.name == "on_error") {
      ok = checkOnErrorArg(arg, c, diags) && ok;
    } else if (const LiteralExpr *lit = stringArg(arg, ("'" + arg.name + "'").c_str(), diags)) {
      if (arg.name == "topic") {
        topic = lit->stringValue;
        if (!validTopic(topic)) {
          diags.error(lit->loc, "invalid topic name \"" + topic +
                                    "\": Kafka topics are 1 to 249 letters, digits, '.', '_' or '-'");
          ok = false;
        }
      } else { // start
        start = lit->stringValue;
        if (start != "earliest" && start != "latest") {
          diags.error(lit->loc,
                      "invalid start \"" + start + "\"; expected \"earliest\" or \"latest\"");
          ok = false;
        }
      }
    } else {
      ok = false;
    }
  }
  if (!named.count("topic") && !positional) {
    diags.error(c.loc, "kafka() needs a topic: kafka(topic = \"events\")");
    ok = false;
  }
  std::string query;
  auto add = [&](const char *key, const std::string &value) {
    query += (query.empty() ? "?" : "&") + std::string(key) + "=" + value;
  };
  if (!start.empty())
    add("start", start);
  if (c.keyColumn)
    add("key", c.keyColumn->name);
  if (c.timestampColumn)
    add("timestamp", c.timestampColumn->name);
  c.uri = "kafka:" + topic + query;
  return ok;
}

void checkSinkRows(Connector &c, const RowShape &row, DiagnosticEngine &diags) {
  if (c.format == "raw" && row.size() != 1)
    diags.error(c.loc, "format \"raw\" writes one column's text, but these rows have " +
                           std::to_string(row.size()) + " columns (" + columnNames(row) +
                           "); select the one to write");
  std::vector<std::string> names;
  for (const RowColumn &col : row)
    names.push_back(col.name);
  for (NameExpr *column : {c.keyColumn, c.timestampColumn}) {
    if (!column)
      continue;
    const char *what = column == c.keyColumn ? "key" : "timestamp";
    auto it = std::find(names.begin(), names.end(), column->name);
    if (it == names.end()) {
      diags.error(column->begin, std::string("the ") + what + " column '" + column->name +
                                     "' is not a column of the rows this sink writes" +
                                     didYouMean(column->name, names));
      continue;
    }
    const RowColumn &col = row[it - names.begin()];
    column->column = int(it - names.begin());
    column->type = col.type;
    if (column == c.timestampColumn && col.type.kind != TypeKind::Timestamp)
      diags.error(column->begin, "the timestamp column '" + column->name + "' is " +
                                     typeName(col.type) + ", not a timestamp");
  }
}

void checkKafkaSourceSchema(const Connector &c, const SchemaDecl &schema, SourceLoc schemaLoc,
                            DiagnosticEngine &diags) {
  std::vector<std::string> metadataNames;
  for (const MetadataColumn &m : kMetadataColumns)
    metadataNames.push_back(m.name);
  std::vector<const FieldDecl *> payload;
  for (const FieldDecl &f : schema.fields) {
    const MetadataColumn *m = metadataColumn(f.name);
    if (!m) {
      payload.push_back(&f);
      if (f.name.size() > 1 && f.name[0] == '_')
        if (std::string hint = didYouMean(f.name, metadataNames); !hint.empty())
          diags.warning(f.loc, "field '" + f.name + "' is read from the record's value, not its "
                                   "metadata" + hint);
      continue;
    }
    if (f.resolved.kind == TypeKind::Null) // unknown type: already reported
      continue;
    Type expected = Type::of(m->type, m->mayBeNull && f.resolved.nullable);
    if (f.resolved != expected)
      diags.error(f.type.loc, "'" + f.name + "' of a kafka source is " + m->what + ": declare it " +
                                  typeName(Type::of(m->type, false)) + (m->mayBeNull ? " or " +
                                  typeName(Type::of(m->type, true)) : std::string()) + ", not " +
                                  typeName(f.resolved));
  }
  if (c.format != "raw")
    return;
  if (payload.size() != 1) {
    std::string names;
    for (size_t i = 0; i < payload.size(); ++i)
      names += (i ? ", " : "") + payload[i]->name;
    diags.error(schemaLoc, "format \"raw\" reads each record's value as one string field, but "
                           "schema '" + schema.name + "' has " + std::to_string(payload.size()) +
                           " fields besides the metadata columns" +
                           (names.empty() ? std::string() : " (" + names + ")"));
  } else if (payload[0]->resolved.kind != TypeKind::String &&
             payload[0]->resolved.kind != TypeKind::Null) {
    diags.error(payload[0]->type.loc, "format \"raw\" reads the record's value as a string: "
                                      "declare '" + payload[0]->name + "' string, not " +
                                      typeName(payload[0]->resolved));
  }
}

} // namespace weir
