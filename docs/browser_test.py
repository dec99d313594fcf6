"""Headless Chromium opens the built site from disk and sees what a user sees.

Drives Debian's `chromium` (./configure installs it) over the DevTools
protocol on a pipe (`--remote-debugging-pipe`: no port, no network), at a
1280x900 window:

* index.html: the title is "Sonnet", the heading and the navigation bar
  render with the theme's stylesheet (loaded from file://);
* reference/snt.html: the title is "snt - Sonnet"; the heading of the class
  `Linear`, scrolled to, is on screen and not covered by anything;
* a screenshot of each (saved with the test's outputs, under
  bazel-testlogs/docs/browser_test/test.outputs/) is a 1280x900 PNG with
  more than a handful of colours, i.e. not a blank page.
"""

import base64
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time

import numpy as np
import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SITE = os.path.join(ROOT, "docs", "site")
WIDTH, HEIGHT = 1280, 900
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def find_browser():
  for name in BROWSERS:
    path = shutil.which(name)
    if path:
      return path
  return None


class DevTools:
  """A headless Chromium and its DevTools protocol over fds 3 and 4."""

  def __init__(self, browser, profile_dir, log_path):
    to_browser_r, self._to_browser = os.pipe()
    self._from_browser, from_browser_w = os.pipe()

    def plumb():  # In the child: the protocol's fds are 3 (in) and 4 (out).
      a, b = os.dup(to_browser_r), os.dup(from_browser_w)
      os.dup2(a, 3)
      os.dup2(b, 4)

    env = dict(os.environ, HOME=profile_dir, XDG_CONFIG_HOME=profile_dir,
               XDG_CACHE_HOME=profile_dir)
    self._log = open(log_path, "wb")
    self.proc = subprocess.Popen(  # pylint: disable=subprocess-popen-preexec-fn
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu",
            "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking",
            "--disable-dev-shm-usage", "--hide-scrollbars",
            "--remote-debugging-pipe", "--user-data-dir=" + profile_dir,
            "--window-size=%d,%d" % (WIDTH, HEIGHT), "about:blank"],
        stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, env=env,
        preexec_fn=plumb, pass_fds=(3, 4))
    os.close(to_browser_r)
    os.close(from_browser_w)
    self._buffer = b""
    self._next_id = 0
    self._events = []
    self.session = None

  def close(self):
    """Asks the browser to close, then makes sure its process has ended."""
    try:
      self.send("Browser.close", session=False, timeout=10)
    except Exception:  # pylint: disable=broad-except
      pass
    try:
      self.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
      self.proc.kill()
      self.proc.wait()
    os.close(self._to_browser)
    os.close(self._from_browser)
    self._log.close()

  def _read_message(self, deadline):
    while b"\0" not in self._buffer:
      if time.time() > deadline:
        raise TimeoutError("no answer from the browser")
      if self.proc.poll() is not None:
        raise RuntimeError("the browser exited (status %s)" %
                           self.proc.returncode)
      chunk = os.read(self._from_browser, 1 << 16)
      if not chunk:
        raise RuntimeError("the browser closed its DevTools pipe")
      self._buffer += chunk
    message, self._buffer = self._buffer.split(b"\0", 1)
    return json.loads(message)

  def send(self, method, params=None, session=True, timeout=60):
    """Sends one command; returns its result (raises on a protocol error)."""
    self._next_id += 1
    message = {"id": self._next_id, "method": method, "params": params or {}}
    if session and self.session:
      message["sessionId"] = self.session
    os.write(self._to_browser, json.dumps(message).encode() + b"\0")
    deadline = time.time() + timeout
    while True:
      reply = self._read_message(deadline)
      if reply.get("id") == self._next_id:
        if "error" in reply:
          raise RuntimeError("%s: %s" % (method, reply["error"]))
        return reply.get("result", {})
      self._events.append(reply)

  def wait_for_event(self, method, timeout=60):
    deadline = time.time() + timeout
    while True:
      for i, event in enumerate(self._events):
        if event.get("method") == method:
          del self._events[i]
          return event
      self._events.append(self._read_message(deadline))

  def open_page(self):
    """Attaches to the browser's page; sets the viewport."""
    targets = self.send("Target.getTargets", session=False)["targetInfos"]
    page = [t for t in targets if t["type"] == "page"][0]
    self.session = self.send("Target.attachToTarget",
                             {"targetId": page["targetId"], "flatten": True},
                             session=False)["sessionId"]
    self.send("Page.enable")
    self.send("Emulation.setDeviceMetricsOverride", {
        "width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1,
        "mobile": False})

  def navigate(self, url):
    self._events = []
    result = self.send("Page.navigate", {"url": url})
    if result.get("errorText"):
      raise RuntimeError("%s: %s" % (url, result["errorText"]))
    self.wait_for_event("Page.loadEventFired")

  def evaluate(self, expression):
    result = self.send(
        "Runtime.evaluate",
        {"expression": expression, "returnByValue": True, "awaitPromise": True})
    if "exceptionDetails" in result:
      raise RuntimeError("JavaScript: %s" % result["exceptionDetails"])
    return result["result"].get("value")

  def screenshot(self):
    data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
    return base64.b64decode(data)


def png_size(data):
  """(width, height) from a PNG's IHDR chunk; checks the signature."""
  if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
    raise ValueError("not a PNG")
  return struct.unpack(">II", data[16:24])


_INDEX_PROBE = """(() => {
  const h1 = document.querySelector("h1");
  const nav = document.querySelector(".navbar");
  const links = Array.from(document.querySelectorAll(".navbar a"))
      .map(a => a.innerText.trim());
  return {title: document.title, h1: h1 && h1.innerText.trim(),
          navBackground: nav && getComputedStyle(nav).backgroundColor,
          navLinks: links};
})()"""

# The heading of snt.Linear: scrolled to the middle of the window, then is
# the element drawn at its middle the heading (or inside it)?
_LINEAR_PROBE = """(async () => {
  const el = document.getElementById("sonnet.Linear");
  if (!el) return {found: false, title: document.title};
  // The theme scrolls smoothly; jump, then let two frames render.
  el.scrollIntoView({block: "center", behavior: "instant"});
  await new Promise(done => requestAnimationFrame(
      () => requestAnimationFrame(done)));
  const r = el.getBoundingClientRect();
  const x = r.left + Math.min(r.width / 2, 40), y = r.top + r.height / 2;
  const hit = document.elementFromPoint(x, y);
  const style = getComputedStyle(el);
  return {found: true, title: document.title, tag: el.tagName,
          text: el.innerText.trim(),
          onScreen: r.width > 0 && r.height > 0 && r.top >= 0 &&
                    r.bottom <= window.innerHeight,
          uncovered: hit !== null && (hit === el || el.contains(hit)),
          visible: style.visibility === "visible" &&
                   style.display !== "none" && style.opacity !== "0",
          fontSize: parseFloat(style.fontSize)};
})()"""


class BrowserTest(tf.test.TestCase):

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.browser = find_browser()
    if cls.browser is None:
      raise AssertionError(
          "No Chromium on PATH (looked for %s). ./configure installs "
          "Debian's `chromium` package when run as root; otherwise: "
          "sudo apt-get install chromium" % ", ".join(BROWSERS))
    cls.outputs = os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR") or (
        tempfile.mkdtemp())
    profile = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
    cls.devtools = DevTools(cls.browser, profile,
                            os.path.join(cls.outputs, "chromium.log"))
    cls.devtools.open_page()

  @classmethod
  def tearDownClass(cls):
    cls.devtools.close()
    super().tearDownClass()

  def url(self, page):
    path = os.path.join(SITE, page)
    self.assertTrue(os.path.exists(path), path)
    return "file://" + os.path.abspath(path)

  def check_screenshot(self, name):
    data = self.devtools.screenshot()
    with open(os.path.join(self.outputs, name), "wb") as f:
      f.write(data)
    self.assertEqual(png_size(data), (WIDTH, HEIGHT))
    pixels = self.evaluate(tf.io.decode_png(data, channels=3))
    self.assertEqual(pixels.shape, (HEIGHT, WIDTH, 3))
    colours = np.unique(pixels.reshape(-1, 3), axis=0)
    self.assertGreater(len(colours), 50, "a blank or nearly blank page")
    return pixels

  def test_index(self):
    self.devtools.navigate(self.url("index.html"))
    probe = self.devtools.evaluate(_INDEX_PROBE)
    self.assertEqual(probe["title"], "Sonnet")
    self.assertEqual(probe["h1"], "Sonnet documentation")
    # The theme's stylesheet loaded from disk: the bar has its colour.
    self.assertNotIn(probe["navBackground"],
                     ("rgba(0, 0, 0, 0)", "transparent", None))
    self.assertIn("API reference", probe["navLinks"])
    self.check_screenshot("index.png")

  def test_reference_page_shows_linear(self):
    self.devtools.navigate(self.url("reference/snt.html"))
    probe = self.devtools.evaluate(_LINEAR_PROBE)
    self.assertEqual(probe["title"], "snt - Sonnet")
    self.assertTrue(probe["found"], "no element with id sonnet.Linear")
    self.assertEqual(probe["tag"], "H2")
    self.assertStartsWith(probe["text"], "Linear")
    self.assertTrue(probe["onScreen"], probe)
    self.assertTrue(probe["uncovered"], probe)
    self.assertTrue(probe["visible"], probe)
    self.assertGreaterEqual(probe["fontSize"], 16)
    self.check_screenshot("reference_snt_linear.png")


if __name__ == "__main__":
  tf.test.main()
