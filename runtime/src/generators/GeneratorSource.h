// Built-in generator sources: a source whose URI is
// "generator:NAME?key=value&..." reads records made on the fly instead of a
// file (the connector `generator("NAME", key = value, ...)`). Generators:
// nexmark_persons, nexmark_auctions, nexmark_bids (Nexmark.h), ysb and
// ysb_campaigns (Ysb.h). Options: events=N (the length of the full event
// stream; default 1,000,000), rate=R (events per second of event time),
// seed=S, base_time=MS (event time of event 0, epoch ms).
//
// A generator cursor's position is the number of the next event of the full
// stream (an integer; seek() restores it), so a checkpoint can resume it.
#pragma once

#include "runtime/src/RecordDecoder.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace weir::rt {

// A generated record's values: never null; strings point at the
// generator's static pools.
inline WeirValue intValue(int64_t v) {
  WeirValue w;
  w.v.i64 = v;
  w.len = 0;
  w.is_null = 0;
  return w;
}
inline WeirValue strValue(const char *p, uint32_t len) {
  WeirValue w;
  w.v.str = p;
  w.len = len;
  w.is_null = 0;
  return w;
}

// A decoder over a generated event stream.
class GeneratorDecoder : public RecordDecoder {
public:
  const char *consumedUpTo() const override { return nullptr; } // no file pages
  // The number of the next event of the full stream the decoder looks at.
  uint64_t position() const { return next_; }
  // Continues with the first event of this generator's kind at or after `event`.
  virtual void seek(uint64_t event) = 0;

protected:
  uint64_t next_ = 0;
};

// One generator's field as the runtime fills it.
struct GeneratorField {
  const char *name;
  uint8_t type; // WeirTypeCode
};

// What the generator's decoders need to know: the options and, per used
// declared field, its row index and the generator's field number.
struct GeneratorSpec {
  std::string name;
  uint64_t events = 1000000;
  uint64_t rate = 0;       // 0: the generator's default
  uint64_t seed = 0;
  int64_t baseTimeMs = 0;  // with hasBaseTime
  bool hasBaseTime = false;
  struct Binding {
    uint32_t rowIndex;
    uint32_t field;
  };
  std::vector<Binding> bindings;

  // The generator family's stream configuration (a gen::StreamConfig) for
  // this spec.
  template <class StreamConfig> StreamConfig streamConfig() const {
    return StreamConfig::make(events, seed, rate, hasBaseTime ? &baseTimeMs : nullptr);
  }
};

class GeneratorSource {
public:
  using Factory = std::unique_ptr<GeneratorDecoder> (*)(const GeneratorSpec &);
  GeneratorSource(GeneratorSpec spec, Factory factory) : spec_(std::move(spec)), factory_(factory) {}
  std::unique_ptr<GeneratorDecoder> makeDecoder() const { return factory_(spec_); }
  const GeneratorSpec &spec() const { return spec_; }

private:
  GeneratorSpec spec_;
  Factory factory_;
};

bool isGeneratorUri(const std::string &uri);

// Parses the URI and checks the declared schema against the generator's
// fields: every declared field must be one of them, by name, with the same
// type (nullable is allowed); any subset in any order.
Status openGenerator(const std::string &uri, const SchemaView &schema,
                     std::unique_ptr<GeneratorSource> &out);

// The generators (NexmarkSource.cpp, YsbSource.cpp).
struct GeneratorKind {
  const char *name;
  const GeneratorField *fields;
  uint32_t nfields;
  bool hasStreamOptions; // events / rate / seed / base_time apply
  GeneratorSource::Factory factory;
};
const GeneratorKind *nexmarkGenerators(size_t &count);
const GeneratorKind *ysbGenerators(size_t &count);

} // namespace weir::rt
