#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The nightly page in a browser: Debian's chromium, headless, driven by chromedriver.

usage: check-page.py SITE_DIR SCREENSHOT.png [--subject TEXT] [--alerts N]

Every page of SITE_DIR (index.html, alerts.html, series/*.html) is opened from disk and must
load with no console error, every image on it must be there and drawn (naturalWidth > 0),
everything it links or loads must be a file of the site (nothing from the network), and
the index must show TEXT (an alert's commit subject). feed.xml must parse as Atom 1.0 (with
N entries). The index is kept as a screenshot in SCREENSHOT.png.

chromedriver is spoken to through its W3C WebDriver HTTP API (the standard library only:
urllib, json); chromium runs with a new empty profile and nothing that reaches the network.
Each check prints "ok   - what" or "FAIL - what: why"; the last line is
"page: N passed, N failed", and the exit status is 1 when any failed.
"""
import argparse
import base64
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what, why=""):
        if ok:
            print("ok   - " + what)
            self.passed += 1
        else:
            print("FAIL - " + what + (": " + why if why else ""))
            self.failed += 1
        sys.stdout.flush()
        return ok


class WebDriver:
    """the few W3C WebDriver commands the check needs"""

    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port
        # never a proxy: chromedriver is on this machine
        self.http = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.session = None

    def call(self, method, path, body=None, timeout=60):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with self.http.open(req, timeout=timeout) as r:
                return json.load(r).get("value")
        except urllib.error.HTTPError as e:
            raise RuntimeError("%s %s: %s" % (method, path, e.read().decode(errors="replace")[:400]))

    def ready(self):
        try:
            return bool(self.call("GET", "/status", timeout=2).get("ready"))
        except (OSError, RuntimeError, ValueError):
            return False

    def start(self, binary, profile):
        args = ["--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1280,1000"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {"binary": binary, "args": args}}}}
        self.session = self.call("POST", "/session", caps, timeout=120)["sessionId"]

    def s(self, path):
        return "/session/%s%s" % (self.session, path)

    def open(self, url):
        self.call("POST", self.s("/url"), {"url": url})

    def js(self, script):
        return self.call("POST", self.s("/execute/sync"), {"script": script, "args": []})

    def console(self):
        """the browser's console since the last call (chromedriver's log endpoint)"""
        return self.call("POST", self.s("/se/log"), {"type": "browser"})

    def screenshot(self, path, height):
        self.call("POST", self.s("/window/rect"), {"width": 1280, "height": height})
        png = base64.b64decode(self.call("GET", self.s("/screenshot")))
        with open(path, "wb") as f:
            f.write(png)
        return png

    def quit(self):
        if self.session:
            try:
                self.call("DELETE", self.s(""), timeout=30)
            except (OSError, RuntimeError):
                pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_feed(c, site, alerts):
    path = os.path.join(site, "feed.xml")
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        c.check(False, "feed.xml parses as XML", str(e))
        return
    c.check(True, "feed.xml parses as XML")
    c.check(root.tag == ATOM + "feed", "feed.xml is an Atom feed (the Atom namespace)", root.tag)
    for el in ("id", "title", "updated"):
        c.check(root.find(ATOM + el) is not None and (root.find(ATOM + el).text or "").strip(),
                "the feed has its %s" % el)
    c.check(RFC3339.match(root.findtext(ATOM + "updated") or ""), "the feed's updated is RFC 3339",
            root.findtext(ATOM + "updated") or "none")
    c.check(root.find(ATOM + "author/" + ATOM + "name") is not None, "the feed has an author")
    entries = root.findall(ATOM + "entry")
    if alerts is not None:
        c.check(len(entries) == alerts, "the feed has %d entr%s (one an alert)"
                % (alerts, "y" if alerts == 1 else "ies"), "%d" % len(entries))
    ids = set()
    for i, e in enumerate(entries):
        eid = e.findtext(ATOM + "id") or ""
        link = e.find(ATOM + "link")
        href = link.get("href", "") if link is not None else ""
        target = os.path.join(site, href.split("#")[0])
        ok = (eid.startswith("urn:uuid:") and eid not in ids and (e.findtext(ATOM + "title") or "")
              and RFC3339.match(e.findtext(ATOM + "updated") or "") and
              (e.findtext(ATOM + "content") or "") and href and os.path.isfile(target))
        ids.add(eid)
        c.check(ok, "feed entry %d: id, title, updated, content, a link to the site" % (i + 1),
                "id %r, link %r" % (eid, href))


def url_ok(site, url):
    """a URL the page may use: a file of the site, a data: URL, or an anchor"""
    if url.startswith("data:"):
        return True
    p = urllib.parse.urlparse(url)
    if p.scheme != "file":
        return False
    path = urllib.parse.unquote(p.path)
    return os.path.realpath(path).startswith(os.path.realpath(site)) and os.path.exists(path)


def check_page(c, wd, site, path, subject):
    rel = os.path.relpath(path, site)
    try:
        wd.open(pathlib.Path(path).resolve().as_uri())
        state = wd.js("return document.readyState")
    except RuntimeError as e:
        c.check(False, "%s loads" % rel, str(e))
        return
    c.check(state == "complete" and wd.js("return document.title"), "%s loads (with a title)" % rel)
    errors = [m.get("message", "") for m in wd.console() if m.get("level") == "SEVERE"]
    c.check(not errors, "%s: no console error" % rel, "; ".join(errors)[:400])
    images = wd.js("return Array.from(document.images).map(i => [i.getAttribute('src'), "
                   "i.complete, i.naturalWidth])")
    bad = [src for src, done, width in images if not done or width <= 0]
    c.check(not bad, "%s: its %d plot image%s drawn (naturalWidth > 0)"
            % (rel, len(images), "" if len(images) == 1 else "s"), ", ".join(bad))
    if rel.startswith("series" + os.sep):
        # a benchmark no night measured (papr-hcall under QEMU) says why instead
        said = wd.js("return document.getElementById('not-measured') !== null")
        c.check(len(images) >= 2 or said, "%s: its trend and histogram are shown (or why "
                "there are none)" % rel, "%d images" % len(images))
    urls = wd.js("return Array.from(document.querySelectorAll('a[href], link[href], img[src], "
                 "script[src]')).map(e => e.href || e.src).concat(performance"
                 ".getEntriesByType('resource').map(e => e.name))")
    outside = sorted({u for u in urls if not url_ok(site, u)})
    c.check(not outside, "%s: everything it links and loads is a file of the site" % rel,
            ", ".join(outside)[:400])
    if subject is not None and rel == "index.html":
        text = wd.js("return document.body.innerText")
        c.check(subject in text, "index.html shows the alert's commit subject", subject)


def main():
    ap = argparse.ArgumentParser(description="the nightly page in headless chromium")
    ap.add_argument("site")
    ap.add_argument("screenshot")
    ap.add_argument("--subject", help="text the index must show (an alert's commit subject)")
    ap.add_argument("--alerts", type=int, help="the alerts the feed must hold")
    a = ap.parse_args()
    c = Checks()
    site = os.path.abspath(a.site)
    pages = [os.path.join(site, p) for p in ("index.html", "alerts.html")]
    series = sorted(pathlib.Path(site, "series").glob("*.html"))
    pages += [str(p) for p in series]
    for p in pages:
        c.check(os.path.isfile(p) and os.path.getsize(p) > 0, "%s is there" % os.path.relpath(p, site))
    c.check(series, "a page a series under series/")
    check_feed(c, site, a.alerts)

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not c.check(browser and driver, "chromium and chromedriver are installed",
                   "apt-get install chromium chromium-driver (make deps)"):
        print("page: %d passed, %d failed" % (c.passed, c.failed))
        return 1
    profile = tempfile.mkdtemp(prefix="exitbench-chromium-")
    port = free_port()
    log = open(os.path.join(profile, "chromedriver.log"), "w")
    proc = subprocess.Popen([driver, "--port=%d" % port], stdout=log, stderr=subprocess.STDOUT)
    wd = WebDriver(port)
    try:
        deadline = time.time() + 30
        while not wd.ready() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
        try:
            wd.start(browser, os.path.join(profile, "profile"))
            started = True
        except (OSError, RuntimeError) as e:
            started = c.check(False, "chromium starts headless", str(e))
        if started:
            c.check(True, "chromium starts headless")
            for p in pages:
                if os.path.isfile(p):
                    check_page(c, wd, site, p, a.subject if p == pages[0] else None)
            wd.open(pathlib.Path(pages[0]).resolve().as_uri())
            height = min(int(wd.js("return document.documentElement.scrollHeight")) + 40, 8000)
            os.makedirs(os.path.dirname(os.path.abspath(a.screenshot)), exist_ok=True)
            png = wd.screenshot(a.screenshot, max(height, 600))
            c.check(png[:8] == b"\x89PNG\r\n\x1a\n", "a screenshot of the index in %s" % a.screenshot)
    finally:
        wd.quit()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(profile, ignore_errors=True)
    print("page: %d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
