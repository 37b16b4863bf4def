# lit configuration for Weir's end-to-end suites. Each suite is a directory
# of .weir/.test files with RUN lines:
#   frontend/  parsing, name resolution and type errors (weir check, --emit=ast)
#   ir/        lowering and IR passes (--emit=ir, --emit=ir-opt, weir explain)
#   codegen/   LLVM IR and machine code (--emit=llvm, --emit=asm)
#   run/       programs run end to end on data, compared with expected outputs
#   kafka/     programs run against a real Kafka broker (REQUIRES: kafka)
# Substitutions: %weir (the compiler driver: RUN lines always call it so, never
# as a bare `weir` found on PATH), %examples (the repo's examples/),
# %python, %reference (test/reference/, the independent Python model); for
# the Kafka tests %kafka_brokers, %kcat and %kafka_admin (kafka/lit.local.cfg).
import os
import shutil

import lit.formats
import lit.util

config.name = "weir"
# External bash: tests use `cd`, `$?` and subshells freely. Each RUN line still
# fails the test when it exits non-zero, and pipelines fail on any stage.
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".weir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.suites = ["frontend", "ir", "codegen", "run", "kafka"]
# Inputs/ hold data and helper programs, reference/ the Python model; only the
# suite directories contain tests.
config.excludes = ["Inputs", "reference", "unit", "fuzz", "CMakeLists.txt",
                   "lit.cfg.py", "lit.site.cfg.py.in", "run_all.sh"]

if not hasattr(config, "weir_bin_dir"):
    lit_config.fatal("run lit on the build's test directory (it has lit.site.cfg.py), "
                     "e.g. `lit build/test`, not on the source tree")

config.environment["PATH"] = os.pathsep.join(
    [config.weir_bin_dir, config.llvm_tools_dir, "/usr/lib/llvm-19/bin",
     config.environment.get("PATH", os.environ.get("PATH", ""))])
# Deterministic, locale-independent output for diffs.
config.environment["LC_ALL"] = "C.UTF-8"
config.environment["TZ"] = "UTC"

# Under the sanitizers, a report must fail the test whatever the RUN line
# expects of the exit status: by default ASan and LSan exit 1 and 23, which
# `not weir ...` and "exit 1" checks would accept on an error path. Aborting
# makes every report a crash (SIGABRT), which `not` and exit-status checks
# reject; UBSan stops at its first report too.
if getattr(config, "weir_sanitized", False):
    abort = "abort_on_error=1:halt_on_error=1:print_stacktrace=1"
    config.environment["ASAN_OPTIONS"] = abort + ":detect_leaks=1"
    config.environment["UBSAN_OPTIONS"] = abort
    config.environment["LSAN_OPTIONS"] = abort

weir = os.path.join(config.weir_bin_dir, "weir")
config.substitutions.append(("%weir", weir))
# ASan's shadow memory and allocator quarantine raise peak RSS: memory-bound
# tests scale their limit by this factor.
config.substitutions.append(("%rss_factor", "1.5" if getattr(config, "weir_sanitized", False) else "1"))
config.substitutions.append(("%examples", config.weir_examples_dir))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(
    ("%reference", os.path.join(config.test_source_root, "reference")))
config.substitutions.append(
    ("%docs", os.path.normpath(os.path.join(config.test_source_root, "..", "docs"))))

# Informational features. Tests do not `REQUIRES: weir`: a missing driver
# must make them fail, not quietly skip.
if os.path.exists(weir):
    config.available_features.add("weir")
for suite in config.suites:
    if os.path.isdir(os.path.join(config.test_source_root, suite)):
        config.available_features.add("suite-" + suite)

# Every top-level directory that is not a suite is not searched for tests.
for entry in os.listdir(config.test_source_root):
    path = os.path.join(config.test_source_root, entry)
    if os.path.isdir(path) and entry not in config.suites and entry not in config.excludes:
        config.excludes.append(entry)
