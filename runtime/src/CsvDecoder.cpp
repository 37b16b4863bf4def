// CSV per RFC 4180: comma-separated, fields optionally in double quotes, ""
// for a quote inside quotes, quoted fields may hold commas and newlines; LF or
// CRLF line ends. The first row names the columns; they are matched to the
// schema's fields by name, so column order does not matter and extra columns
// are ignored. An empty unquoted field is null (for a non-nullable string:
// the empty string); a quoted "" is the empty string. Quotes inside an
// unquoted field are taken literally (a common deviation from the RFC).
// Field text becomes a typed value by the scalar text rule that the string
// casts share (common/ScalarText.h, through parseTextValue).
#include "runtime/src/RecordDecoder.h"
#include "runtime/src/ValueText.h"

#include <cstring>

namespace weir::rt {

namespace {

struct CsvField {
  const char *ptr = nullptr;
  size_t len = 0;
  bool quoted = false;
  bool hasEscapedQuote = false; // holds "" that must become "
};

enum class CsvParse { Ok, Bad };

bool atLineEnd(const char *p, const char *end) {
  return p == end || *p == '\n' || (*p == '\r' && (p + 1 == end || p[1] == '\n'));
}

const char *skipToLineEnd(const char *p, const char *end, uint64_t &lines) {
  const void *nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
  if (!nl)
    return end;
  ++lines;
  return static_cast<const char *>(nl) + 1;
}

// The common case: a line without quotes is split at its commas with memchr.
// Returns false (and leaves everything alone) when the line has a quote.
bool splitUnquotedLine(const char *&pos, const char *end, std::vector<CsvField> &fields,
                       uint64_t &lines) {
  const char *nl = static_cast<const char *>(std::memchr(pos, '\n', static_cast<size_t>(end - pos)));
  const char *lineEnd = nl ? nl : end;
  if (std::memchr(pos, '"', static_cast<size_t>(lineEnd - pos)))
    return false;
  const char *textEnd = lineEnd > pos && lineEnd[-1] == '\r' ? lineEnd - 1 : lineEnd;
  fields.clear();
  const char *p = pos;
  for (;;) {
    const char *comma = static_cast<const char *>(std::memchr(p, ',', static_cast<size_t>(textEnd - p)));
    CsvField f;
    f.ptr = p;
    f.len = static_cast<size_t>((comma ? comma : textEnd) - p);
    fields.push_back(f);
    if (!comma)
      break;
    p = comma + 1;
  }
  lines += nl != nullptr;
  pos = nl ? nl + 1 : end;
  return true;
}

// Parses the record at `pos` into `fields` and moves `pos` past its line end
// (on Bad: past the line where the problem is). `lines` counts the newlines
// consumed, quoted ones included.
CsvParse parseCsvRecord(const char *&pos, const char *end, std::vector<CsvField> &fields,
                        uint64_t &lines, std::string &why) {
  fields.clear();
  const char *p = pos;
  for (;;) {
    CsvField f;
    if (p < end && *p == '"') {
      f.quoted = true;
      f.ptr = ++p;
      for (;;) {
        const char *q = static_cast<const char *>(std::memchr(p, '"', static_cast<size_t>(end - p)));
        if (!q) {
          lines += countNewlines(p, end);
          pos = end;
          why = "unterminated quoted field";
          return CsvParse::Bad;
        }
        lines += countNewlines(p, q);
        if (q + 1 < end && q[1] == '"') {
          f.hasEscapedQuote = true;
          p = q + 2;
          continue;
        }
        f.len = static_cast<size_t>(q - f.ptr);
        p = q + 1;
        break;
      }
      if (p < end && *p != ',' && !atLineEnd(p, end)) {
        pos = skipToLineEnd(p, end, lines);
        why = "unexpected character after a closing quote";
        return CsvParse::Bad;
      }
      if (p < end && *p == '\r' && atLineEnd(p, end))
        ++p;
    } else {
      f.ptr = p;
      while (p < end && *p != ',' && *p != '\n')
        ++p;
      f.len = static_cast<size_t>(p - f.ptr);
      if (f.len > 0 && f.ptr[f.len - 1] == '\r' && (p == end || *p == '\n'))
        --f.len;
    }
    fields.push_back(f);
    if (p < end && *p == ',') {
      ++p;
      continue;
    }
    if (p < end) { // '\n'
      ++p;
      ++lines;
    }
    pos = p;
    return CsvParse::Ok;
  }
}

bool isBlankLine(const char *p, const char *end) {
  return p < end && (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n'));
}

std::string_view fieldText(const CsvField &f, std::string &unescaped) {
  if (!f.hasEscapedQuote)
    return {f.ptr, f.len};
  // `unescaped` has capacity for the whole record, so earlier views stay valid.
  size_t start = unescaped.size();
  for (size_t i = 0; i < f.len; ++i) {
    unescaped.push_back(f.ptr[i]);
    if (f.ptr[i] == '"')
      ++i; // the second quote of ""
  }
  return {unescaped.data() + start, unescaped.size() - start};
}

class CsvDecoder final : public RecordDecoder {
public:
  CsvDecoder(const SchemaView &schema, const CsvLayout &layout, const ByteRange &range)
      : schema_(schema), layout_(layout), pos_(range.begin), end_(range.end) {}

  const char *consumedUpTo() const override { return pos_; }
  const char *nextRecordStart() const override { return pos_; }
  bool reset(const ByteRange &range) override {
    pos_ = range.begin;
    end_ = range.end;
    lines_ = 0;
    return true;
  }

  DecodeOutcome next(WeirValue *row) override {
    while (pos_ < end_) {
      if (isBlankLine(pos_, end_)) {
        pos_ = skipToLineEnd(pos_, end_, lines_);
        continue;
      }
      const char *start = pos_;
      recordLine_ = lines_;
      why_.clear();
      CsvParse r = splitUnquotedLine(pos_, end_, fields_, lines_)
                       ? CsvParse::Ok
                       : parseCsvRecord(pos_, end_, fields_, lines_, why_);
      const char *textEnd = pos_;
      if (textEnd > start && textEnd[-1] == '\n')
        --textEnd;
      if (textEnd > start && textEnd[-1] == '\r')
        --textEnd;
      recordText_ = std::string_view(start, static_cast<size_t>(textEnd - start));
      if (r == CsvParse::Bad)
        return bad(why_);
      if (fields_.size() != layout_.ncolumns)
        return bad("expected " + std::to_string(layout_.ncolumns) + " columns, got " +
                   std::to_string(fields_.size()));
      unescaped_.clear();
      if (unescaped_.capacity() < recordText_.size())
        unescaped_.reserve(recordText_.size());
      for (uint32_t k = 0; k < schema_.nused; ++k) {
        uint32_t index = schema_.used[k];
        const WeirFieldDesc &f = schema_.fields[index];
        WeirValue &out = row[index];
        int32_t column = layout_.fieldColumn[index];
        if (column < 0) {
          setNull(out);
          continue;
        }
        const CsvField &cell = fields_[static_cast<size_t>(column)];
        bool empty = cell.len == 0;
        if (empty && !(f.type == WEIR_STRING && (cell.quoted || !f.nullable))) {
          if (!f.nullable)
            return bad(std::string("field '") + f.name + "': missing value (the field is not nullable)");
          setNull(out);
          continue;
        }
        std::string_view text = fieldText(cell, unescaped_);
        if (!parseTextValue(text, f.type, out, why_))
          return bad(std::string("field '") + f.name + "': " + why_);
      }
      return DecodeOutcome::Row;
    }
    return DecodeOutcome::End;
  }

private:
  static void setNull(WeirValue &v) {
    v.v.i64 = 0;
    v.len = 0;
    v.is_null = 1;
  }

  SchemaView schema_;
  const CsvLayout &layout_;
  const char *pos_, *end_;
  uint64_t lines_ = 0;
  std::vector<CsvField> fields_;
  std::string unescaped_;
  std::string why_;
};

} // namespace

Status readCsvHeader(const SchemaView &schema, const ByteRange &range, CsvLayout &layout,
                     size_t &headerBytes) {
  const char *pos = range.begin;
  if (pos == range.end)
    return Status::io("empty CSV file: expected a header row naming the columns");
  std::vector<CsvField> fields;
  uint64_t lines = 0;
  std::string why;
  if (parseCsvRecord(pos, range.end, fields, lines, why) != CsvParse::Ok)
    return Status::io("malformed header row: " + why);
  headerBytes = static_cast<size_t>(pos - range.begin);
  layout.ncolumns = static_cast<uint32_t>(fields.size());
  layout.fieldColumn.assign(schema.nfields, -1);
  std::string unescaped;
  unescaped.reserve(headerBytes);
  std::vector<std::string_view> names;
  for (const CsvField &f : fields)
    names.push_back(fieldText(f, unescaped));
  for (uint32_t i = 0; i < schema.nfields; ++i) {
    const WeirFieldDesc &f = schema.fields[i];
    for (size_t c = 0; c < names.size(); ++c) {
      if (names[c] == f.name) {
        layout.fieldColumn[i] = static_cast<int32_t>(c);
        break;
      }
    }
    if (layout.fieldColumn[i] < 0 && !f.nullable) {
      std::string columns;
      for (std::string_view n : names)
        columns += (columns.empty() ? "" : ", ") + std::string(n);
      return Status::io(std::string("no column '") + f.name + "' for the non-nullable field '" +
                        f.name + "' (the header has: " + columns + ")");
    }
  }
  return {};
}

std::unique_ptr<RecordDecoder> makeCsvDecoder(const SchemaView &schema, const CsvLayout &layout,
                                              const ByteRange &range) {
  return std::make_unique<CsvDecoder>(schema, layout, range);
}

} // namespace weir::rt
