/* The main() of built binaries: the generated object file defines
 * weir_program, the runtime does the rest. */
#include "weir/runtime.h"

extern const WeirProgramDesc weir_program;

int main(int argc, char **argv) { return weir_main(&weir_program, argc, argv); }
