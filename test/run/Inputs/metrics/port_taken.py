#!/usr/bin/env python3
"""metrics.test: holds a loopback port, then runs weir with --metrics on it
and prints its exit code and error line."""
import socket
import subprocess
import sys

weir, program, workdir = sys.argv[1:4]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
port = s.getsockname()[1]
p = subprocess.run([weir, "run", program, "--metrics", str(port)], cwd=workdir, capture_output=True, text=True)
print(f"exit {p.returncode}: {p.stderr.strip().splitlines()[0] if p.stderr.strip() else ''}")
