#include "runtime/src/generators/GeneratorSource.h"
#include "runtime/src/ValueText.h"

#include <charconv>
#include <string_view>

namespace weir::rt {

namespace {

constexpr std::string_view kScheme = "generator:";

const GeneratorKind *findKind(std::string_view name, std::string &known) {
  const GeneratorKind *found = nullptr;
  for (auto list : {nexmarkGenerators, ysbGenerators}) {
    size_t n = 0;
    const GeneratorKind *kinds = list(n);
    for (size_t i = 0; i < n; ++i) {
      known += (known.empty() ? "" : ", ") + std::string(kinds[i].name);
      if (name == kinds[i].name)
        found = &kinds[i];
    }
  }
  return found;
}

bool parseUnsigned(std::string_view text, uint64_t &out) {
  std::string digits;
  for (char c : text) // 50_000_000 reads like the language's literals
    if (c != '_')
      digits.push_back(c);
  auto r = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return !digits.empty() && r.ec == std::errc() && r.ptr == digits.data() + digits.size();
}

Status parseOption(std::string_view key, std::string_view value, const GeneratorKind &kind,
                   GeneratorSpec &spec) {
  uint64_t v = 0;
  if (!kind.hasStreamOptions)
    return Status::config("generator '" + spec.name + "' takes no options (got '" + std::string(key) +
                          "')");
  if (key != "events" && key != "rate" && key != "seed" && key != "base_time")
    return Status::config("generator '" + spec.name + "': unknown option '" + std::string(key) +
                          "' (options: events, rate, seed, base_time)");
  if (!parseUnsigned(value, v))
    return Status::config("generator '" + spec.name + "': option '" + std::string(key) +
                          "' must be a non-negative integer, got '" + std::string(value) + "'");
  if (key == "events") {
    spec.events = v;
  } else if (key == "rate") {
    if (v == 0)
      return Status::config("generator '" + spec.name + "': rate must be at least 1 event per second");
    spec.rate = v;
  } else if (key == "seed") {
    spec.seed = v;
  } else {
    spec.baseTimeMs = static_cast<int64_t>(v);
    spec.hasBaseTime = true;
  }
  return {};
}

std::string fieldList(const GeneratorKind &kind) {
  std::string s;
  for (uint32_t i = 0; i < kind.nfields; ++i)
    s += (i ? ", " : "") + std::string(kind.fields[i].name) + ": " + typeName(kind.fields[i].type);
  return s;
}

} // namespace

bool isGeneratorUri(const std::string &uri) { return uri.rfind(kScheme, 0) == 0; }

Status openGenerator(const std::string &uri, const SchemaView &schema,
                     std::unique_ptr<GeneratorSource> &out) {
  std::string_view rest = std::string_view(uri).substr(kScheme.size());
  size_t q = rest.find('?');
  GeneratorSpec spec;
  spec.name = std::string(rest.substr(0, q));
  std::string known;
  const GeneratorKind *kind = findKind(spec.name, known);
  if (!kind)
    return Status::config("unknown generator '" + spec.name + "' (generators: " + known + ")");
  if (q != std::string_view::npos) {
    std::string_view query = rest.substr(q + 1);
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string_view item = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (item.empty())
        continue;
      size_t eq = item.find('=');
      if (eq == std::string_view::npos)
        return Status::config("generator '" + spec.name + "': expected key=value, got '" +
                              std::string(item) + "'");
      if (Status s = parseOption(item.substr(0, eq), item.substr(eq + 1), *kind, spec); !s.ok())
        return s;
    }
  }
  // Every declared field must be the generator's; only used ones are filled.
  std::vector<int32_t> fieldOf(schema.nfields, -1);
  for (uint32_t i = 0; i < schema.nfields; ++i) {
    const WeirFieldDesc &d = schema.fields[i];
    for (uint32_t f = 0; f < kind->nfields; ++f)
      if (std::string_view(d.name) == kind->fields[f].name)
        fieldOf[i] = static_cast<int32_t>(f);
    if (fieldOf[i] < 0)
      return Status::config("generator '" + spec.name + "' has no field '" + d.name +
                            "' (its fields: " + fieldList(*kind) + ")");
    uint8_t type = kind->fields[fieldOf[i]].type;
    if (d.type != type)
      return Status::config("field '" + std::string(d.name) + "' is declared " + typeName(d.type) +
                            ", but generator '" + spec.name + "' makes it " + typeName(type));
  }
  for (uint32_t k = 0; k < schema.nused; ++k) {
    uint32_t i = schema.used[k];
    spec.bindings.push_back({i, static_cast<uint32_t>(fieldOf[i])});
  }
  out = std::make_unique<GeneratorSource>(std::move(spec), kind->factory);
  return {};
}

} // namespace weir::rt
