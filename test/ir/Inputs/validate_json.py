#!/usr/bin/env python3
"""Validates JSON documents against a JSON Schema (docs/schemas/*.json).

  validate_json.py SCHEMA [FILE]          one document (default: stdin)
  validate_json.py SCHEMA --lines [FILE]  one document per line

With --plan, also checks what a schema cannot: operator ids are unique and
every edge joins two of them. Prints "valid: N documents"; exits 1 with the
first problem. Uses the jsonschema package (Debian: python3-jsonschema);
when this interpreter lacks it, runs itself with /usr/bin/python3."""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("validate_json.py: the jsonschema package is missing (apt-get install python3-jsonschema)")


def check_plan(plan):
    ids = [op["id"] for stage in plan["stages"] for op in stage["operators"]]
    if len(ids) != len(set(ids)):
        return "operator ids repeat"
    for edge in plan["edges"]:
        if edge["from"] not in ids or edge["to"] not in ids:
            return f"edge {edge} joins an operator that is not listed"
    return None


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    lines = "--lines" in argv
    schema = json.load(open(args[0]))
    text = open(args[1]).read() if len(args) > 1 else sys.stdin.read()
    docs = [json.loads(l) for l in text.splitlines() if l.strip()] if lines else [json.loads(text)]
    validator = jsonschema.Draft202012Validator(schema)
    for i, doc in enumerate(docs):
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            sys.exit(f"document {i + 1}: {'/'.join(map(str, e.path)) or '(root)'}: {e.message}")
        if "--plan" in argv and (problem := check_plan(doc)):
            sys.exit(f"document {i + 1}: {problem}")
    print(f"valid: {len(docs)} document{'s' if len(docs) != 1 else ''}")


if __name__ == "__main__":
    main(sys.argv[1:])
