#!/usr/bin/env python3
"""status_page.test: loads the status page of a running pipeline in headless
Chromium (Debian `chromium`) and reads the DOM the page's script rendered
from /status.json: the program, whether it says running, each pipeline's
row and its rows/s (above zero while it runs).

  status_page.py WEIR PROGRAM WORKDIR [--screenshot PNG] [-- RUNTIME ARGS...]

Prints what it found, for FileCheck; exits 1 when the page did not render."""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

args = sys.argv[1:]
extra = []
if "--" in args:
    extra = args[args.index("--") + 1:]
    args = args[:args.index("--")]
weir, program, workdir = args[:3]
screenshot = args[args.index("--screenshot") + 1] if "--screenshot" in args else None
browser = shutil.which("chromium") or shutil.which("chromium-browser")
if not browser:
    sys.exit("status_page.py: chromium is not installed (apt-get install chromium)")

proc = subprocess.Popen([weir, "run", program, "--metrics", "0", "--metrics-linger", "60s"] + extra, cwd=workdir,
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
line = proc.stderr.readline()
m = re.search(r"status page at (http://\S+/)", line)
if not m:
    proc.kill()
    sys.exit(f"status_page.py: no address on stderr: {line!r}")
page = m.group(1)

# Wait until the run has read something, so the page has rates to show;
# keep that /status.json for the schema check.
while True:
    status = urllib.request.urlopen(page + "status.json", timeout=10).read().decode()
    if '"records":0,' not in status:
        break
    time.sleep(0.1)
with open(os.path.join(workdir, "status.json"), "w") as f:
    f.write(status)

# The page polls /status.json every second; virtual time lets its timers run
# for three seconds of page time before the DOM is dumped (the rates come
# from the run, so they do not depend on the page's clock).
flags = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--virtual-time-budget=3000", "--window-size=1280,760"]
dom = subprocess.run(flags + ["--dump-dom", page], capture_output=True, text=True, timeout=120).stdout
if screenshot:
    subprocess.run(flags + [f"--screenshot={os.path.abspath(screenshot)}", page], capture_output=True, timeout=120)


class Reader(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.pipelines, self.rates, self.stack, self.texts = [], [], [], {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and a.get("class") == "pipeline":
            self.pipelines.append(a.get("data-name"))
        if tag == "td" and a.get("class") == "rate" and self.pipelines:
            self.rates.append(float(a.get("data-value", "0")))
        self.stack.append(a.get("id"))

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for ident in self.stack:
            if ident in ("program", "summary"):
                self.texts[ident] = self.texts.get(ident, "") + data


r = Reader()
r.feed(dom)
print("program:", r.texts.get("program", "").strip())
print("summary says running:", "running" in r.texts.get("summary", ""))
print("pipelines:", " ".join(r.pipelines))
print("a pipeline's rate above zero:", any(v > 0 for v in r.rates))
print("plan drawn:", dom.count("<rect") >= 4)

# End the linger: the final figures, scraped once.
while proc.poll() is None:
    text = urllib.request.urlopen(page + "metrics", timeout=10).read().decode()
    if re.search(r'^weir_run_finished\{[^}]*\} 1$', text, re.M):
        break
    time.sleep(0.2)
proc.wait(timeout=60)
print("exit:", proc.returncode)
