// JSON lines with simdjson's On Demand API: each line is its own document
// (so a malformed line cannot disturb the next), parsed in place in the file
// buffer, whose padding lets simdjson read past a line's end safely. Only the
// schema's used fields are decoded; other keys are skipped unparsed. JSON
// values carry their type (a bool field takes true/false, a number field a
// number); the one field read from text, a timestamp in a string, follows
// the scalar text rule (common/ScalarText.h) like CSV fields and casts.
#include "runtime/src/RecordDecoder.h"
#include "runtime/src/ValueText.h"

#include <algorithm>
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

// Two ways through the input, with the same results:
//  * fast: simdjson's document stream (iterate_many) over chunks of many
//    lines, which runs simdjson's stage 1 once per chunk instead of once per
//    line (per-line parsing is about half as fast on typical records);
//  * careful: one document per line (parser.iterate on the line).
// The fast path accepts a document only when it is exactly one line's
// content and decodes without any problem. Anything else (a malformed line,
// a type error, two documents on a line, one spanning lines) abandons the
// stream and decodes that line the careful way, which produces the record or
// the error message; the stream restarts after it with a smaller chunk that
// grows again while the input is clean.
class JsonDecoder final : public RecordDecoder {
public:
  JsonDecoder(const SchemaView &schema, const ByteRange &range, bool linesOnly, size_t chunkBytes)
      : minChunk_(chunkBytes ? chunkBytes : kMinChunk), chunkBytes_(chunkBytes ? chunkBytes : 1024 * 1024),
        pos_(range.begin), end_(range.end), readableEnd_(range.readableEnd),
        carefulUntil_(linesOnly ? range.end : nullptr), countedUpTo_(range.begin) {
    for (uint32_t k = 0; k < schema.nused; ++k) {
      const WeirFieldDesc &f = schema.fields[schema.used[k]];
      used_.push_back({f.name, static_cast<uint32_t>(std::strlen(f.name)), schema.used[k], f.type,
                       f.nullable});
    }
    seen_.assign(used_.size(), 0);
    // A small input gets small buffers.
    batchBytes_ = std::clamp(static_cast<size_t>(range.end - range.begin), minChunk_, kBatchBytes);
  }

  // A chunk's document stream reads from its start until it is done.
  const char *consumedUpTo() const override { return streaming_ ? chunkBegin_ : pos_; }
  // Both ways through the input move pos_ past a record's line once it is returned.
  const char *nextRecordStart() const override { return pos_; }

  // One message at a time: the careful way only (a message is one line).
  bool reset(const ByteRange &range) override {
    pos_ = countedUpTo_ = range.begin;
    end_ = carefulUntil_ = range.end;
    readableEnd_ = range.readableEnd;
    streaming_ = advancePending_ = lastInChunk_ = false;
    linesBefore_ = 0;
    return true;
  }

  DecodeOutcome next(WeirValue *row) override {
    for (;;) {
      if (advancePending_) { // deferred so the last row's strings stayed valid
        advancePending_ = false;
        ++it_;
      }
      if (pos_ >= end_)
        return DecodeOutcome::End;
      if (pos_ < carefulUntil_)
        return nextLine(row);
      if (!streaming_ && !startChunk())
        continue;
      if (!(it_ != stream_.end())) {
        streaming_ = false;
        carefulUntil_ = chunkEnd_; // whatever the stream did not deliver (e.g. a truncated line)
        continue;
      }
      if (nextFromStream(row))
        return DecodeOutcome::Row;
      streaming_ = false;
      if (!lastInChunk_)
        chunkBytes_ = minChunk_;
      lastInChunk_ = false;
      carefulUntil_ = pos_ + 1; // the line at pos_ (after blank lines)
      return nextLine(row);
    }
  }

private:
  static constexpr size_t kMinChunk = 64 * 1024;
  static constexpr size_t kMaxChunk = 2 * 1024 * 1024;
  // simdjson reallocates its buffers whenever the batch size changes, so it
  // stays fixed (chunks end at the first newline after their target size).
  static constexpr size_t kBatchBytes = 2 * kMaxChunk;

  struct UsedField {
    const char *name;
    uint32_t nameLen;
    uint32_t index; // into the row
    uint8_t type;
    uint8_t nullable;
  };

  static bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
  static const char *skipSpace(const char *p, const char *end) {
    while (p < end && isSpace(*p))
      ++p;
    return p;
  }

  // Starts a document stream over the next chunk of whole lines.
  bool startChunk() {
    const char *target = pos_ + std::min<size_t>(chunkBytes_, static_cast<size_t>(end_ - pos_));
    const char *nl = target < end_ ? static_cast<const char *>(std::memchr(target, '\n', end_ - target))
                                   : nullptr;
    chunkEnd_ = nl ? nl + 1 : end_;
    chunkBegin_ = pos_;
    size_t len = static_cast<size_t>(chunkEnd_ - chunkBegin_);
    if (streamParser_.iterate_many(chunkBegin_, len, std::max(len, batchBytes_)).get(stream_)) {
      carefulUntil_ = chunkEnd_;
      return false;
    }
    it_ = stream_.begin();
    streaming_ = true;
    firstInChunk_ = true;
    chunkBytes_ = std::min(chunkBytes_ * 2, kMaxChunk);
    return true;
  }

  // Decodes the stream's current document if it is exactly the next line's
  // content and decodes cleanly; false means "take the careful way".
  bool nextFromStream(WeirValue *row) {
    ondemand::document_reference doc;
    if ((*it_).get(doc))
      return false;
    const char *docStart = chunkBegin_ + it_.current_index();
    if (firstInChunk_) {
      if (skipSpace(pos_, chunkEnd_) != docStart)
        return false;
      firstInChunk_ = false;
    }
    const char *nl = static_cast<const char *>(std::memchr(docStart, '\n', chunkEnd_ - docStart));
    // The document, as the stream's structure sees it, must be exactly this
    // line's text: simdjson's object iteration can stop quietly at a token
    // it does not expect (e.g. the next line's '{' after an unclosed object).
    const char *textEnd = nl ? nl : chunkEnd_;
    while (textEnd > docStart && isSpace(textEnd[-1]))
      --textEnd;
    std::string_view extent = it_.source();
    if (extent.data() != docStart || extent.data() + extent.size() != textEnd)
      return false;
    if (!decodeFields(doc, row))
      return false;
    // The next token must be the first one after this line: then the
    // document ended on this line and nothing else is on it.
    const char *afterLine = nl ? nl + 1 : chunkEnd_;
    const char *nextToken = skipSpace(afterLine, chunkEnd_);
    auto location = doc.current_location();
    if (location.error() == simdjson::OUT_OF_BOUNDS) {
      // The stream's last document: nothing tells where it ended (the rest
      // of its line may be something the stream dropped), so its line goes
      // the careful way (once per chunk; not a reason to shrink chunks).
      lastInChunk_ = true;
      return false;
    }
    if (location.error() || location.value_unsafe() != nextToken)
      return false;
    // Only a next record's '{' in this chunk vouches: when an object breaks
    // off mid-way (`{"s":"","":"":}`), simdjson skips to the end by depth
    // and can stop at a stray '}' on the next line, or at the chunk's end
    // (a last document otherwise says OUT_OF_BOUNDS, above).
    if (nextToken >= chunkEnd_ || *nextToken != '{')
      return false;
    pos_ = nl ? nl + 1 : chunkEnd_;
    advancePending_ = true;
    return true;
  }

  // The careful way: the next non-blank line as its own document.
  DecodeOutcome nextLine(WeirValue *row) {
    while (pos_ < end_) {
      const char *start = pos_;
      const char *nl = static_cast<const char *>(std::memchr(start, '\n', end_ - start));
      const char *lineEnd = nl ? nl : end_;
      pos_ = nl ? nl + 1 : end_;
      const char *p = start;
      while (p < lineEnd && (*p == ' ' || *p == '\t' || *p == '\r'))
        ++p;
      if (p == lineEnd)
        continue; // blank line
      const char *textEnd = lineEnd > start && lineEnd[-1] == '\r' ? lineEnd - 1 : lineEnd;
      recordText_ = std::string_view(start, static_cast<size_t>(textEnd - start));
      DecodeOutcome o = decodeLine(p, lineEnd, row);
      if (o == DecodeOutcome::Bad) {
        // Line numbers are needed only for bad records: count lazily.
        linesBefore_ += countNewlines(countedUpTo_, start);
        countedUpTo_ = start;
        recordLine_ = linesBefore_;
      }
      return o;
    }
    return DecodeOutcome::End;
  }

  DecodeOutcome decodeLine(const char *p, const char *lineEnd, WeirValue *row) {
    ondemand::document doc;
    auto err = lineParser_.iterate(p, static_cast<size_t>(lineEnd - p),
                                   static_cast<size_t>(readableEnd_ - p))
                   .get(doc);
    if (err)
      return malformed(err);
    DecodeOutcome o = decodeDocument(doc, row);
    if (o != DecodeOutcome::Row)
      return o;
    // current_location() is out of bounds exactly when the document is used up.
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS)
      return bad("malformed JSON: unexpected content after the object");
    return o;
  }

  // The fast path's decoding: looks each used field up by name (simdjson
  // resumes the search where the last one ended, so fields in schema order
  // cost one pass). Any problem means "take the careful way".
  bool decodeFields(ondemand::document_reference &doc, WeirValue *row) {
    ondemand::object obj;
    if (doc.get_object().get(obj))
      return false;
    ++stamp_;
    for (auto fieldResult : obj) {
      ondemand::field field;
      if (std::move(fieldResult).get(field))
        return false;
      int k = match(field.key().raw());
      if (k >= 0 && seen_[k] == stamp_)
        return false; // a repeated key: rare, and the careful way is stricter with what follows
      if (k < 0) {
        // simdjson skips the value; a stream document is checked less than a
        // line document, so at least the value must start like one.
        ondemand::json_type t;
        if (field.value().type().get(t))
          return false;
        continue;
      }
      const UsedField &f = used_[k];
      if (!decodeValueQuietly(field.value(), f, row[f.index]))
        return false;
      seen_[k] = stamp_;
    }
    for (size_t k = 0; k < used_.size(); ++k) {
      if (seen_[k] == stamp_)
        continue;
      if (!used_[k].nullable)
        return false;
      setNull(row[used_[k].index]);
    }
    return true;
  }

  template <typename Doc> DecodeOutcome decodeDocument(Doc &doc, WeirValue *row) {
    ondemand::object obj;
    auto err = doc.get_object().get(obj);
    if (err)
      return err == simdjson::INCORRECT_TYPE ? bad("expected a JSON object") : malformed(err);
    ++stamp_;
    for (auto fieldResult : obj) {
      ondemand::field field;
      if ((err = std::move(fieldResult).get(field)))
        return malformed(err);
      int k = match(field.key().raw());
      if (k < 0 || seen_[k] == stamp_)
        continue; // not a field this program uses, or a repeated key (the first counts)
      const UsedField &f = used_[k];
      if (!decodeValue(field.value(), f, row[f.index]))
        return DecodeOutcome::Bad;
      seen_[k] = stamp_;
    }
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

  // An inline loop: names are short, and a memcmp call per key showed up in
  // profiles.
  static bool keyEquals(const char *key, const UsedField &f) {
    for (uint32_t i = 0; i < f.nameLen; ++i)
      if (key[i] != f.name[i])
        return false;
    return key[f.nameLen] == '"';
  }

  // Keys usually come in the same order on every line: try the field after
  // the last match first.
  int match(const char *key) {
    size_t n = used_.size();
    size_t k = predicted_;
    for (size_t i = 0; i < n; ++i) {
      const UsedField &f = used_[k];
      if (key + f.nameLen < readableEnd_ && keyEquals(key, f)) {
        predicted_ = k + 1 == n ? 0 : k + 1;
        return static_cast<int>(k);
      }
      k = k + 1 == n ? 0 : k + 1;
    }
    return -1;
  }

  // What reading a value as its field's type came to. One reader serves both
  // paths: the fast path only asks whether the value was Read; the careful
  // path turns each other outcome into its message.
  enum class ValueRead : uint8_t { Read, WrongType, StringTooLong, BadTimestamp };

  // Tries the expected type first (the common case costs one call). On
  // WrongType, `err` is simdjson's error; on BadTimestamp, `text` is the
  // string that did not parse. Always inlined: both callers are hot, and
  // after inlining the fast path drops what only the messages use.
  // (By reference: copying simdjson's value struct into an argument slot
  // stalled on store forwarding and cost a third of the decode time.)
  [[gnu::always_inline]] static inline ValueRead readAsFieldType(ondemand::value &v,
                                                                const UsedField &f, WeirValue &out,
                                                                simdjson::error_code &err,
                                                                std::string_view &text) {
    err = simdjson::SUCCESS;
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
          return ValueRead::StringTooLong;
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
        if (!parseTimestampText(s, out.v.i64)) {
          text = s;
          return ValueRead::BadTimestamp;
        }
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
    if (err)
      return ValueRead::WrongType;
    out.is_null = 0;
    return ValueRead::Read;
  }

  // The fast path's value decoding: the expected type, or null for a
  // nullable field; false for anything else (the careful way explains it).
  static bool decodeValueQuietly(ondemand::value &v, const UsedField &f, WeirValue &out) {
    simdjson::error_code err;
    std::string_view text;
    switch (readAsFieldType(v, f, out, err, text)) {
    case ValueRead::Read:
      return true;
    case ValueRead::WrongType: {
      bool isNull = false;
      if (f.nullable && !v.is_null().get(isNull) && isNull) {
        setNull(out);
        return true;
      }
      return false;
    }
    case ValueRead::StringTooLong:
    case ValueRead::BadTimestamp:
      return false;
    }
    return false;
  }

  // The careful path's value decoding: the same reading, and on failure
  // looks at what the value is, for null or for the message.
  bool decodeValue(ondemand::value &v, const UsedField &f, WeirValue &out) {
    simdjson::error_code err;
    std::string_view text;
    switch (readAsFieldType(v, f, out, err, text)) {
    case ValueRead::Read:
      return true;
    case ValueRead::StringTooLong:
      return failField(f, "string longer than 4 GiB");
    case ValueRead::BadTimestamp:
      return failField(f, "cannot parse timestamp " + quoteForMessage(text));
    case ValueRead::WrongType:
      break;
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

  size_t minChunk_;   // chunk size after a problem
  size_t chunkBytes_; // the next chunk's size: doubles up to kMaxChunk while clean
  std::vector<UsedField> used_;
  std::vector<uint64_t> seen_; // per used field: the stamp of the last record that had it
  uint64_t stamp_ = 0;
  size_t predicted_ = 0;
  const char *pos_, *end_, *readableEnd_; // pos_: the next line not yet delivered

  // The fast path.
  ondemand::parser streamParser_;
  ondemand::document_stream stream_;
  ondemand::document_stream::iterator it_;
  bool streaming_ = false, firstInChunk_ = false, advancePending_ = false, lastInChunk_ = false;
  const char *chunkBegin_ = nullptr, *chunkEnd_ = nullptr;
  size_t batchBytes_;

  // The careful way, for lines before carefulUntil_.
  ondemand::parser lineParser_;
  const char *carefulUntil_;

  // Lazy line numbers: newlines in [range begin, countedUpTo_).
  const char *countedUpTo_;
  uint64_t linesBefore_ = 0;
};

} // namespace

std::unique_ptr<RecordDecoder> makeJsonDecoder(const SchemaView &schema, const ByteRange &range,
                                               bool linesOnly, size_t chunkBytes) {
  return std::make_unique<JsonDecoder>(schema, range, linesOnly, chunkBytes);
}

} // namespace weir::rt
