#!/usr/bin/env python3
"""Runs the reference model of an example.

  run_reference.py run EXAMPLE DATA_DIR OUT_DIR
      writes OUT_DIR/<pipeline>.jsonl for each of EXAMPLE's pipelines, reading
      its inputs from DATA_DIR (tests use this on generated data)
  run_reference.py expected EXAMPLES_DIR INPUTS_DIR
      regenerates the committed expected outputs:
      INPUTS_DIR/<example>/expected_<pipeline>.jsonl for every example
  run_reference.py window CASE DATA_DIR OUT_DIR
      runs a window test's pipelines (window_cases.py): OUT_DIR/<output>.jsonl
      for each output and OUT_DIR/report.txt, the run report's late-row lines
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from examples import EXAMPLES  # noqa: E402
from window_cases import CASES  # noqa: E402
from weir_ref import write_json_lines  # noqa: E402


def run(example, data_dir, out_dir, prefix=""):
    fn, _ = EXAMPLES[example]
    os.makedirs(out_dir, exist_ok=True)
    for pipeline, rows in fn(data_dir).items():
        write_json_lines(os.path.join(out_dir, f"{prefix}{pipeline}.jsonl"), rows)


def run_window_case(case, data_dir, out_dir):
    outputs = CASES[case](data_dir)
    os.makedirs(out_dir, exist_ok=True)
    for name, rows in outputs.files.items():
        write_json_lines(os.path.join(out_dir, f"{name}.jsonl"), rows)
    with open(os.path.join(out_dir, "report.txt"), "w", encoding="utf-8") as f:
        f.writelines(line + "\n" for line in outputs.report)


def main(argv):
    if len(argv) == 5 and argv[1] == "run":
        run(argv[2], argv[3], argv[4])
    elif len(argv) == 5 and argv[1] == "window":
        run_window_case(argv[2], argv[3], argv[4])
    elif len(argv) == 4 and argv[1] == "expected":
        examples_dir, inputs_dir = argv[2], argv[3]
        for example, (_, data) in EXAMPLES.items():
            run(example, os.path.join(examples_dir, data), os.path.join(inputs_dir, example),
                prefix="expected_")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
