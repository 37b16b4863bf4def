#include "runtime/src/SinkWriter.h"

#include "runtime/src/ValueText.h"

using namespace weir::rt;

WeirSinkWriter::WeirSinkWriter(const WeirSinkDesc &desc, SinkFormat format, Output *out)
    : desc(desc), format(format), out(out) {
  for (uint32_t i = 0; i < desc.nfields; ++i) {
    ByteBuffer key;
    key.push(i == 0 ? '{' : ',');
    const char *name = desc.fields[i].name;
    appendJsonString(key, name, std::strlen(name));
    key.push(':');
    jsonKeys_.emplace_back(key.view());
  }
}

WeirStatus WeirSinkWriter::write(const WeirValue *row) {
  if (error.failed())
    return error.code();
  if (discard) {
    ++rows;
    return WEIR_OK;
  }
  if (records)
    return writeRecord(row);
  if (background_) {
    if (background_->failed())
      return flush(); // returns the formatter thread's error
    background_->add(row);
    ++rows;
    return WEIR_OK;
  }
  if (format == SinkFormat::Json)
    writeJsonRow(row);
  else
    writeCsvRow(row);
  ++rows;
  if (buffer.size() >= flushThreshold)
    return flush();
  return WEIR_OK;
}

WeirStatus WeirSinkWriter::writeRecord(const WeirValue *row) {
  buffer.clear();
  if (format == SinkFormat::Json)
    writeJsonRow(row);
  else if (format == SinkFormat::Csv)
    writeCsvRow(row);
  else
    writeRawRow(row);
  size_t n = buffer.size();
  if (format != SinkFormat::Raw && n > 0 && buffer.data()[n - 1] == '\n')
    --n;
  ++rows;
  Status s = records->writeRecord(row, buffer.data(), n);
  buffer.clear();
  if (!s.ok())
    return error.set(std::move(s).withContext("sink " + std::string(desc.name)));
  return WEIR_OK;
}

void WeirSinkWriter::writeRawRow(const WeirValue *row) {
  if (desc.nfields == 0 || row[0].is_null)
    return;
  if (desc.fields[0].type == WEIR_STRING) {
    buffer.append(row[0].v.str, row[0].len);
    return;
  }
  char text[kMaxValueTextChars];
  buffer.append(text, formatValueText(row[0], desc.fields[0].type, text));
}

bool WeirSinkWriter::formatInBackground(FormatterThread &thread) {
  if (background_ || records || discard || !out)
    return background_ != nullptr;
  auto formatRow = [this](const WeirValue *row) {
    if (format == SinkFormat::Json)
      writeJsonRow(row);
    else
      writeCsvRow(row);
  };
  auto writeOut = [this]() -> Status {
    if (buffer.size() < flushThreshold)
      return {};
    Status s = out->write(buffer.data(), buffer.size());
    buffer.clear();
    return s;
  };
  background_ = std::make_unique<BackgroundFormatter>(thread, desc, formatRow, writeOut);
  return true;
}

WeirStatus WeirSinkWriter::flush() {
  if (records)
    return error.failed() ? error.code() : WEIR_OK;
  if (error.failed())
    return error.code();
  if (background_)
    if (Status s = background_->drain(); !s.ok())
      return error.set(std::move(s).withContext("sink " + std::string(desc.name)));
  if (buffer.empty())
    return WEIR_OK;
  if (Status s = out->write(buffer.data(), buffer.size()); !s.ok())
    return error.set(std::move(s).withContext("sink " + std::string(desc.name)));
  buffer.clear();
  return WEIR_OK;
}

WeirStatus WeirSinkWriter::append(WeirSinkWriter &part, SpillOutput *partSpill) {
  if (part.error.failed())
    return error.set(part.error.status());
  if (background_) // `buffer` is this thread's again once the formatter is idle
    if (WeirStatus s = flush(); s != WEIR_OK)
      return s;
  if (partSpill && !discard) {
    if (WeirStatus s = flush(); s != WEIR_OK)
      return s;
    if (Status s = partSpill->copyTo(*out); !s.ok())
      return error.set(std::move(s).withContext("sink " + std::string(desc.name)));
  }
  buffer.append(part.buffer.view());
  part.buffer.clear();
  rows += part.rows;
  if (buffer.size() >= flushThreshold)
    return flush();
  return WEIR_OK;
}

extern "C" WeirStatus weir_sink_write(WeirSinkWriter *sink, const WeirValue *row) {
  return sink->write(row);
}
