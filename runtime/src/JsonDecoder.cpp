// JSON lines with simdjson's On Demand API: each line is its own document
// (so a malformed line cannot disturb the next), parsed in place in the file
// buffer, whose padding lets simdjson read past a line's end safely. Only the
// schema's used fields are decoded; other keys are skipped unparsed.
#include "runtime/src/RecordDecoder.h"
#include "runtime/src/ValueText.h"
#include "stdlib/runtime/TimeFormat.h"

#include <cstring>

namespace weir::rt {

namespace {

namespace ondemand = simdjson::ondemand;

const char *jsonTypeName(ondemand::json_type t) {
  switch (t) {
  case ondemand::json_type::array: return "array";
  case ondemand::json_type::object: return "object";
  case ondemand::json_type::number: return "number";
  case ondemand::json_type::string: return "string";
  case ondemand::json_type::boolean: return "bool";
  case ondemand::json_type::null: return "null";
  }
  return "value";
}

// simdjson reports integers beyond int64 as a type error; say what it is.
bool looksLikeInteger(std::string_view raw) {
  size_t i = !raw.empty() && raw[0] == '-';
  size_t digits = 0;
  while (i < raw.size() && raw[i] >= '0' && raw[i] <= '9') {
    ++i;
    ++digits;
  }
  while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' || raw[i] == '\n'))
    ++i;
  return digits > 0 && i == raw.size();
}

class JsonDecoder final : public RecordDecoder {
public:
  JsonDecoder(const SchemaView &schema, const ByteRange &range)
      : pos_(range.begin), end_(range.end), readableEnd_(range.readableEnd) {
    for (uint32_t k = 0; k < schema.nused; ++k) {
      const WeirFieldDesc &f = schema.fields[schema.used[k]];
      used_.push_back({f.name, static_cast<uint32_t>(std::strlen(f.name)), schema.used[k], f.type,
                       f.nullable});
    }
    seen_.assign(used_.size(), 0);
    // Room for typical lines up front; iterate() grows it for longer ones.
    (void)parser_.allocate(64 * 1024);
  }

  DecodeOutcome next(WeirValue *row) override {
    while (pos_ < end_) {
      const char *start = pos_;
      const char *nl = static_cast<const char *>(std::memchr(start, '\n', end_ - start));
      const char *lineEnd = nl ? nl : end_;
      pos_ = nl ? nl + 1 : end_;
      uint64_t line = line_;
      line_ += nl != nullptr;
      const char *p = start;
      while (p < lineEnd && (*p == ' ' || *p == '\t' || *p == '\r'))
        ++p;
      if (p == lineEnd)
        continue; // blank line
      const char *textEnd = lineEnd > start && lineEnd[-1] == '\r' ? lineEnd - 1 : lineEnd;
      recordText_ = std::string_view(start, static_cast<size_t>(textEnd - start));
      recordLine_ = line;
      return decodeLine(p, lineEnd, row);
    }
    return DecodeOutcome::End;
  }

private:
  struct UsedField {
    const char *name;
    uint32_t nameLen;
    uint32_t index; // into the row
    uint8_t type;
    uint8_t nullable;
  };

  DecodeOutcome decodeLine(const char *p, const char *lineEnd, WeirValue *row) {
    ondemand::document doc;
    auto err = parser_.iterate(p, static_cast<size_t>(lineEnd - p),
                               static_cast<size_t>(readableEnd_ - p))
                   .get(doc);
    if (err)
      return malformed(err);
    ondemand::object obj;
    err = doc.get_object().get(obj);
    if (err)
      return err == simdjson::INCORRECT_TYPE ? bad("expected a JSON object") : malformed(err);
    ++stamp_;
    for (auto fieldResult : obj) {
      ondemand::field field;
      if ((err = std::move(fieldResult).get(field)))
        return malformed(err);
      int k = match(field.key().raw());
      if (k < 0)
        continue; // not a field this program uses
      const UsedField &f = used_[k];
      if (!decodeValue(field.value(), f, row[f.index]))
        return DecodeOutcome::Bad;
      seen_[k] = stamp_;
    }
    // current_location() is out of bounds exactly when the document is used up.
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS)
      return bad("malformed JSON: unexpected content after the object");
    for (size_t k = 0; k < used_.size(); ++k) {
      if (seen_[k] == stamp_)
        continue;
      const UsedField &f = used_[k];
      if (!f.nullable)
        return bad(fieldPrefix(f) + "missing (the field is not nullable)");
      setNull(row[f.index]);
    }
    return DecodeOutcome::Row;
  }

  // Keys usually come in the same order on every line: try the field after
  // the last match first.
  int match(const char *key) {
    size_t n = used_.size();
    size_t k = predicted_;
    for (size_t i = 0; i < n; ++i) {
      const UsedField &f = used_[k];
      if (key + f.nameLen < readableEnd_ && std::memcmp(key, f.name, f.nameLen) == 0 &&
          key[f.nameLen] == '"') {
        predicted_ = k + 1 == n ? 0 : k + 1;
        return static_cast<int>(k);
      }
      k = k + 1 == n ? 0 : k + 1;
    }
    return -1;
  }

  // Tries the expected type first (the common case costs one call); only on
  // failure looks at what the value is, for null or for the message.
  bool decodeValue(ondemand::value v, const UsedField &f, WeirValue &out) {
    simdjson::error_code err = simdjson::SUCCESS;
    switch (f.type) {
    case WEIR_FLOAT64:
      err = v.get_double().get(out.v.f64);
      break;
    case WEIR_INT64:
    case WEIR_DURATION:
      err = v.get_int64().get(out.v.i64);
      break;
    case WEIR_STRING: {
      std::string_view s;
      err = v.get_string().get(s);
      if (!err) {
        if (s.size() > UINT32_MAX)
          return failField(f, "string longer than 4 GiB");
        out.v.str = s.data();
        out.len = static_cast<uint32_t>(s.size());
      }
      break;
    }
    case WEIR_BOOL: {
      bool b = false;
      err = v.get_bool().get(b);
      out.v.b = b;
      break;
    }
    case WEIR_TIMESTAMP: {
      std::string_view s;
      err = v.get_string().get(s);
      if (!err) {
        if (!parseTimestamp(s.data(), s.size(), out.v.i64))
          return failField(f, "cannot parse timestamp " + quoteForMessage(s));
        break;
      }
      if (err == simdjson::INCORRECT_TYPE) {
        ondemand::json_type t;
        if (!v.type().get(t) && t == ondemand::json_type::number)
          err = v.get_int64().get(out.v.i64); // epoch milliseconds
      }
      break;
    }
    }
    if (!err) {
      out.is_null = 0;
      return true;
    }
    ondemand::json_type t;
    if (v.type().get(t)) {
      malformed(err);
      return false;
    }
    if (t == ondemand::json_type::null) {
      if (!f.nullable)
        return failField(f, std::string("null, but the field is a non-nullable ") + typeName(f.type));
      setNull(out);
      return true;
    }
    if (err != simdjson::INCORRECT_TYPE && err != simdjson::NUMBER_OUT_OF_RANGE &&
        t == ondemand::json_type::string) {
      return failField(f, std::string("invalid string (") + simdjson::error_message(err) + ")");
    }
    std::string got = std::string("expected ") + typeName(f.type) + ", got " + jsonTypeName(t);
    if (t != ondemand::json_type::object && t != ondemand::json_type::array) {
      std::string_view raw = v.raw_json_token();
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r' ||
                              raw.back() == '\n'))
        raw.remove_suffix(1);
      got += " " + truncateForMessage(raw);
    }
    bool integerField = f.type == WEIR_INT64 || f.type == WEIR_DURATION || f.type == WEIR_TIMESTAMP;
    if (err == simdjson::NUMBER_OUT_OF_RANGE || (integerField && looksLikeInteger(v.raw_json_token())))
      got += " (out of range)";
    return failField(f, got);
  }

  static void setNull(WeirValue &v) {
    v.v.i64 = 0;
    v.len = 0;
    v.is_null = 1;
  }
  static std::string fieldPrefix(const UsedField &f) {
    return std::string("field '") + f.name + "': ";
  }
  bool failField(const UsedField &f, const std::string &what) {
    bad(fieldPrefix(f) + what);
    return false;
  }
  DecodeOutcome malformed(simdjson::error_code err) {
    return bad(std::string("malformed JSON (") + simdjson::error_message(err) + ")");
  }

  std::vector<UsedField> used_;
  std::vector<uint64_t> seen_; // per used field: the stamp of the last record that had it
  uint64_t stamp_ = 0;
  size_t predicted_ = 0;
  ondemand::parser parser_;
  const char *pos_, *end_, *readableEnd_;
  uint64_t line_ = 0;
};

} // namespace

std::unique_ptr<RecordDecoder> makeJsonDecoder(const SchemaView &schema, const ByteRange &range) {
  return std::make_unique<JsonDecoder>(schema, range);
}

} // namespace weir::rt
