// A JSON object written field by field ("key": value, commas between), for
// the run report (ReportJson.cpp) and the status endpoint (observe/).
#pragma once

#include "common/TimeFormat.h"
#include "runtime/src/ByteBuffer.h"

#include <climits>
#include <cstdint>
#include <cstdio>
#include <string>

namespace weir::rt {

class JsonLine {
public:
  void open() {
    put("{");
    first_ = true;
  }
  void close() {
    put("}");
    first_ = false;
  }
  void openArray(const char *key) {
    keyOf(key);
    put("[");
    first_ = true;
  }
  void closeArray() {
    put("]");
    first_ = false;
  }
  void openObject(const char *key) { // "key": { ... close()
    keyOf(key);
    put("{");
    first_ = true;
  }
  void integer(const char *key, int64_t v) {
    keyOf(key);
    put(std::to_string(v));
  }
  void element() { // an object inside an array
    comma();
    put("{");
    first_ = true;
  }
  void str(const char *key, const std::string &v) {
    keyOf(key);
    appendJsonString(out_, v.data(), v.size());
  }
  void null(const char *key) {
    keyOf(key);
    put("null");
  }
  void num(const char *key, uint64_t v) {
    keyOf(key);
    put(std::to_string(v));
  }
  void real(const char *key, double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", v == v ? v : 0.0); // JSON has no NaN
    keyOf(key);
    put(buf);
  }
  void boolean(const char *key, bool v) {
    keyOf(key);
    put(v ? "true" : "false");
  }
  // An event time as ISO-8601 UTC, null for none (INT64_MIN).
  void time(const char *key, int64_t ms) {
    if (ms == INT64_MIN)
      return null(key);
    char buf[48];
    size_t n = formatTimestamp(ms, buf);
    str(key, std::string(buf, n));
  }
  std::string text() const { return std::string(out_.view()) + "\n"; }

private:
  void put(const std::string &s) { out_.append(s.data(), s.size()); }
  void comma() {
    if (!first_)
      put(",");
    first_ = false;
  }
  void keyOf(const char *key) {
    comma();
    appendJsonString(out_, key, std::char_traits<char>::length(key));
    put(":");
  }
  ByteBuffer out_;
  bool first_ = true;
};

} // namespace weir::rt
