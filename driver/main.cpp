// `weir`: check, compile (--emit=ast|ir|ir-opt|llvm|asm|obj, --passes,
// --print-after-all), run (JIT), build (AOT executable) and explain a .weir
// pipeline file.
#include "codegen/Codegen.h"
#include "codegen/Jit.h"
#include "codegen/Linker.h"
#include "codegen/ObjectCache.h"
#include "codegen/ObjectEmitter.h"
#include "driver/Compilation.h"
#include "ir/Explain.h"
#include "ir/PassManager.h"
#include "ir/PlanGraph.h"
#include "ir/Printer.h"
#include "weir/runtime.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <CLI/CLI.hpp>

using namespace llvm;
using namespace weir;
using namespace weir::driver;

namespace {

ExitOnError exitOnError("weir: error: ");

struct CommonOptions {
  std::string file;
  int optLevel = 2;
  bool noFuse = false;
  bool noShareScans = false;
  bool timePhases = false;
  std::string cacheDir; // run: --cache-dir
  CompileOptions compile() const {
    CompileOptions options;
    options.fuse = !noFuse;
    options.shareScans = !noShareScans;
    options.optLevel = optLevel;
    return options;
  }
};

// `compile`'s IR pass flags.
struct PassFlags {
  std::string passes; // "a,b,c"
  bool printAfterAll = false;
  std::vector<std::string> printAfter;
};

// Checks the pass flags against the pass registry (ir/PassManager.h) before
// the file is read; false after an error message.
bool applyPassFlags(const PassFlags &flags, EmitStage emit, CompileOptions &options) {
  if (!flags.passes.empty()) {
    if (emit != EmitStage::IrOpt) {
      errs() << "weir: error: --passes needs --emit=ir-opt (code generation needs the "
                "default pipeline)\n";
      return false;
    }
    auto names = ir::parsePassList(flags.passes);
    Error err = names ? ir::checkPipeline(*names) : names.takeError();
    if (err) {
      errs() << "weir: error: --passes: " << toString(std::move(err)) << "\n";
      return false;
    }
    options.passes = std::move(*names);
  }
  for (const std::string &name : flags.printAfter) {
    if (!ir::findPass(name)) {
      errs() << "weir: error: --print-after: unknown pass '" << name
             << "' (the passes: " << ir::registeredPassNames() << ")\n";
      return false;
    }
  }
  options.printAfterAll = flags.printAfterAll;
  options.printAfter = flags.printAfter;
  return true;
}

void addCompileFlags(CLI::App *cmd, CommonOptions &o) {
  cmd->add_option("file", o.file, "the .weir pipeline file")->required();
  cmd->add_option("-O", o.optLevel, "optimization level: -O0 or -O2 (default)")
      ->check(CLI::IsMember({0, 2}));
  cmd->add_flag("--no-fuse", o.noFuse, "one function per operator, rows materialized between them");
  cmd->add_flag("--no-share-scans", o.noShareScans,
                "scan a source once per pipeline that reads it, not once for all of them");
  cmd->add_flag("--time-phases", o.timePhases, "print the time each compilation phase took");
}

// Runs the frontend and the IR passes; false after diagnostics.
bool frontAndMiddle(Compilation &c) {
  if (!c.parse() || !c.check() || !c.lower())
    return false;
  exitOnError(c.optimizeIR());
  return true;
}

std::unique_ptr<raw_fd_ostream> openOutput(const std::string &path, bool binary) {
  std::error_code ec;
  auto out = std::make_unique<raw_fd_ostream>(path.empty() ? "-" : path, ec,
                                              binary ? sys::fs::OF_None : sys::fs::OF_Text);
  if (ec) {
    errs() << "weir: error: cannot write '" << path << "': " << ec.message() << "\n";
    return nullptr;
  }
  return out;
}

// Only `check` warns about state that grows without bound: it is advice on
// the program, not a problem with one run of it.
int commandCheck(const CommonOptions &o) {
  Compilation c(o.file, o.compile());
  CheckOptions checkOptions;
  checkOptions.warnUnboundedState = true;
  if (!c.parse() || !c.check(checkOptions))
    return 1;
  return 0;
}

int commandCompile(const CommonOptions &o, const PassFlags &passFlags, const std::string &emitName,
                   const std::string &output) {
  auto emit = parseEmitStage(emitName);
  if (!emit) {
    errs() << "weir: error: unknown --emit stage '" << emitName
           << "' (expected ast, ir, ir-opt, llvm, asm or obj)\n";
    return 2;
  }
  bool binary = *emit == EmitStage::Obj;
  CompileOptions options = o.compile();
  if (!applyPassFlags(passFlags, *emit, options))
    return 1;
  Compilation c(o.file, options);
  if (!c.parse())
    return 1;
  if (*emit == EmitStage::Ast) {
    c.check(); // annotate types where possible; the dump is still useful with errors
    auto out = openOutput(output, false);
    if (!out)
      return 1;
    printAST(c.ast(), *out);
    return 0;
  }
  if (!c.check() || !c.lower())
    return 1;
  if (*emit == EmitStage::Ir) {
    auto out = openOutput(output, false);
    if (!out)
      return 1;
    ir::printProgram(c.program(), *out);
    return 0;
  }
  exitOnError(c.optimizeIR());
  if (*emit == EmitStage::IrOpt) {
    auto out = openOutput(output, false);
    if (!out)
      return 1;
    ir::printProgram(c.program(), *out);
    return 0;
  }
  auto module = exitOnError(c.generateLLVM());
  if (binary && output.empty()) {
    errs() << "weir: error: --emit=obj needs -o FILE\n";
    return 2;
  }
  auto out = openOutput(output, binary);
  if (!out)
    return 1;
  if (*emit == EmitStage::Llvm) {
    module->print(*out, nullptr);
  } else {
    auto machine = exitOnError(codegen::createHostTargetMachine(o.optLevel, /*forObjectFile=*/true));
    exitOnError(codegen::emitMachineCode(*module, *machine,
                                         binary ? codegen::ObjectKind::Object : codegen::ObjectKind::Assembly,
                                         *out));
  }
  if (o.timePhases)
    c.times().print(errs());
  return 0;
}

int commandRun(const CommonOptions &o, const std::vector<std::string> &runtimeArgs) {
  Compilation c(o.file, o.compile());
  if (!frontAndMiddle(c))
    return 1;
  // With --cache-dir an unchanged program's object is loaded, not compiled.
  std::unique_ptr<codegen::StageObjectCache> cache;
  std::unique_ptr<MemoryBuffer> cached;
  if (!o.cacheDir.empty()) {
    auto start = std::chrono::steady_clock::now();
    auto text = MemoryBuffer::getFile(o.file, /*IsText=*/true);
    if (text) {
      // The program is named after its file (the run report says the name).
      std::string options = "O" + std::to_string(o.optLevel) + (o.noFuse ? " no-fuse" : "") +
                            (o.noShareScans ? " no-share-scans" : "") + " name " +
                            sys::path::stem(o.file).str();
      cache = std::make_unique<codegen::StageObjectCache>(o.cacheDir, (*text)->getBuffer(), options);
      cached = cache->lookup();
    }
    c.times().add(cached ? "cache-hit" : "cache-key", start);
  }
  std::unique_ptr<Module> module;
  if (!cached)
    module = exitOnError(c.generateLLVM());
  auto start = std::chrono::steady_clock::now();
  auto jit = exitOnError(codegen::Jit::create(o.optLevel, cached ? nullptr : cache.get()));
  if (cached)
    exitOnError(jit->addObject(std::move(cached)));
  else
    exitOnError(jit->addModule(orc::ThreadSafeModule(std::move(module), c.takeContext())));
  auto *program = static_cast<const WeirProgramDesc *>(exitOnError(jit->lookup("weir_program")));
  // LLJIT compiles the whole module (or links the cached object) at this first lookup.
  c.times().add("jit", start);
  if (o.timePhases)
    c.times().print(errs());
  // --metrics exports them.
  std::vector<const char *> phaseNames;
  std::vector<double> phaseMs;
  for (const auto &[name, ms] : c.times().phases) {
    phaseNames.push_back(name.c_str());
    phaseMs.push_back(ms);
  }
  weir_set_compile_times(static_cast<uint32_t>(phaseNames.size()), phaseNames.data(), phaseMs.data());

  std::vector<std::string> args{o.file};
  args.insert(args.end(), runtimeArgs.begin(), runtimeArgs.end());
  std::vector<char *> argv;
  for (std::string &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  return weir_main(program, (int)args.size(), argv.data());
}

int commandBuild(const CommonOptions &o, const std::string &output) {
  Compilation c(o.file, o.compile());
  if (!frontAndMiddle(c))
    return 1;
  auto module = exitOnError(c.generateLLVM());
  auto machine = exitOnError(codegen::createHostTargetMachine(o.optLevel, /*forObjectFile=*/true));
  SmallString<128> objectPath;
  if (std::error_code ec = sys::fs::createTemporaryFile("weir", "o", objectPath)) {
    errs() << "weir: error: cannot create a temporary file: " << ec.message() << "\n";
    return 1;
  }
  llvm::FileRemover removeObject(objectPath);
  {
    auto out = openOutput(objectPath.str().str(), true);
    if (!out)
      return 1;
    exitOnError(codegen::emitMachineCode(*module, *machine, codegen::ObjectKind::Object, *out));
  }
  auto start = std::chrono::steady_clock::now();
  exitOnError(codegen::linkExecutable(objectPath.str().str(), output));
  c.times().add("link", start);
  if (o.timePhases)
    c.times().print(errs());
  return 0;
}

// --format=svg: the DOT text through Graphviz's `dot -Tsvg`.
int renderSvg(const std::string &dotText, const std::string &output) {
  ErrorOr<std::string> dot = sys::findProgramByName("dot");
  if (!dot) {
    errs() << "weir: error: --format=svg needs Graphviz's 'dot' on the PATH (Debian: apt-get install "
              "graphviz); --format=dot writes the graph for it\n";
    return 1;
  }
  SmallString<128> dotPath, svgPath;
  if (std::error_code ec = sys::fs::createTemporaryFile("weir-plan", "dot", dotPath)) {
    errs() << "weir: error: cannot create a temporary file: " << ec.message() << "\n";
    return 1;
  }
  FileRemover removeDot(dotPath);
  {
    auto out = openOutput(dotPath.str().str(), false);
    if (!out)
      return 1;
    *out << dotText;
  }
  if (!output.empty()) {
    svgPath = output;
  } else if (std::error_code ec = sys::fs::createTemporaryFile("weir-plan", "svg", svgPath)) {
    errs() << "weir: error: cannot create a temporary file: " << ec.message() << "\n";
    return 1;
  }
  FileRemover removeSvg(svgPath, /*deleteIt=*/output.empty());
  std::string message;
  StringRef args[] = {*dot, "-Tsvg", "-o", svgPath.str(), dotPath.str()};
  int status = sys::ExecuteAndWait(*dot, args, std::nullopt, {}, 0, 0, &message);
  if (status != 0) {
    errs() << "weir: error: dot -Tsvg failed" << (message.empty() ? "" : ": " + message) << "\n";
    return 1;
  }
  if (output.empty()) {
    ErrorOr<std::unique_ptr<MemoryBuffer>> svg = MemoryBuffer::getFile(svgPath);
    if (!svg) {
      errs() << "weir: error: cannot read dot's output: " << svg.getError().message() << "\n";
      return 1;
    }
    outs() << (*svg)->getBuffer();
  }
  return 0;
}

int commandExplain(const CommonOptions &o, const std::string &format, const std::string &output) {
  Compilation c(o.file, o.compile());
  if (!frontAndMiddle(c))
    return 1;
  if (format == "text" || format.empty()) {
    auto out = openOutput(output, false);
    if (!out)
      return 1;
    ir::explainProgram(c.program(), *out);
    return 0;
  }
  ir::PlanGraph graph = ir::buildPlanGraph(c.program());
  if (format == "svg") {
    std::string dotText;
    raw_string_ostream dotStream(dotText);
    ir::printPlanDot(graph, dotStream);
    dotStream.flush();
    return renderSvg(dotText, output);
  }
  auto out = openOutput(output, false);
  if (!out)
    return 1;
  if (format == "dot")
    ir::printPlanDot(graph, *out);
  else
    ir::printPlanJson(graph, *out);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  CLI::App app{"weir: a compiler for data pipelines"};
  app.require_subcommand(1);
  CommonOptions o;
  PassFlags passFlags;
  std::string emit, output;

  CLI::App *check = app.add_subcommand("check", "parse and type-check; diagnostics only");
  check->add_option("file", o.file, "the .weir pipeline file")->required();

  CLI::App *compile = app.add_subcommand("compile", "stop after a stage and print or write it");
  addCompileFlags(compile, o);
  compile->add_option("--emit", emit, "ast, ir, ir-opt, llvm, asm or obj")->required();
  compile->add_option("-o", output, "output file (default: standard output)");
  compile->add_option("--passes", passFlags.passes,
                      "with --emit=ir-opt: run just these IR passes, in this order (comma-separated: " +
                          ir::registeredPassNames() + ")");
  compile->add_flag("--print-after-all", passFlags.printAfterAll,
                    "print the IR after each pass, to standard error");
  compile->add_option("--print-after", passFlags.printAfter,
                      "print the IR after the named passes (comma-separated), to standard error")
      ->delimiter(',');

  CLI::App *run = app.add_subcommand("run", "JIT-compile and run; other options go to the runtime");
  addCompileFlags(run, o);
  run->add_option("--cache-dir", o.cacheDir,
                  "keep each compiled program's machine code in DIR, keyed by its generated code, and "
                  "reuse it when the same program runs again (skips LLVM optimization and the JIT)");
  run->allow_extras();
  run->footer("Runtime options: --source NAME=URI, --sink NAME=URI, --threads N, --trigger available_now, "
              "--quiet (see docs/language.md)");

  CLI::App *build = app.add_subcommand("build", "compile into a standalone executable");
  addCompileFlags(build, o);
  build->add_option("-o", output, "the executable to write")->required();

  CLI::App *explain = app.add_subcommand("explain", "the optimized plan: stages, decoded fields, state layout");
  addCompileFlags(explain, o);
  std::string explainFormat = "text";
  explain->add_option("--format", explainFormat,
                      "text (default), dot (Graphviz), svg (through Graphviz's dot) or json (docs/operations.md)")
      ->check(CLI::IsMember({"text", "dot", "svg", "json"}));
  explain->add_option("-o", output, "output file (default: standard output)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  }
  if (check->parsed())
    return commandCheck(o);
  if (compile->parsed())
    return commandCompile(o, passFlags, emit, output);
  if (run->parsed())
    return commandRun(o, run->remaining());
  if (build->parsed())
    return commandBuild(o, output);
  return commandExplain(o, explainFormat, output);
}
