r"""The Python code blocks of the Markdown pages, and a runner for one page.

    python docs/code_blocks.py README.md docs/module_system.md   # run them

The rules (docs/documentation.md explains them to writers):

* A fenced block whose info string is `python` (or `py`, `python3`) runs.
  The blocks of one page run in order, in one namespace, in a fresh Python
  process, after `import numpy as np`, `import tensorflow as tf` and
  `import sonnet as snt` (the names the docstring examples use too).
* A line `print(...)  # VALUE`, where VALUE starts like a Python value (a
  digit, a minus sign, a bracket, a quote, True/False/None), must print
  exactly VALUE.
* An HTML comment directly above the block (blank lines between allowed)
  changes how it runs; neither shows on GitHub or on the site:

      <!-- not-runnable: REASON -->
          skips the block. REASON is required: say why it cannot run
          (e.g. "needs a GPU", "a fragment of the example above").

      <!-- runnable-setup:
      x = tf.ones([8, 32])
      -->
          runs these lines first, for a block that uses names the prose
          defines (`x`, `encoder`). They are code, and must run too.

Anything else in an HTML comment directly above a block is left alone.
"""

import argparse
import collections
import contextlib
import io
import os
import re
import sys
import traceback

PYTHON_LANGS = ("python", "py", "python3")

PRELUDE = "import numpy as np\nimport tensorflow as tf\nimport sonnet as snt\n"

NOT_RUNNABLE = "not-runnable:"
SETUP = "runnable-setup:"

# One fenced code block. `line` is the 1-based line of its first code line;
# `setup_line` that of the first setup line (0 when there is no setup).
Block = collections.namedtuple("Block", [
    "path", "line", "lang", "code", "skip_reason", "setup", "setup_line",
    "marker_error"])

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})\s*([^\s`{]*)")
_COMMENT_START = re.compile(r"^\s*<!--")
_PRINT_EXPECT = re.compile(
    r"^(\s*)(print\(.*\))\s*#\s*((?:[-+(\[{'\"0-9]|True\b|False\b|None\b).*?)"
    r"\s*$")


def _comment_above(lines, fence_index):
  """The HTML comment whose end is the last non-blank line above a fence.

  Returns (text inside `<!-- -->`, index of its first line) or (None, None).
  """
  i = fence_index - 1
  while i >= 0 and not lines[i].strip():
    i -= 1
  if i < 0 or not lines[i].rstrip().endswith("-->"):
    return None, None
  end = i
  while i >= 0 and not _COMMENT_START.match(lines[i]):
    i -= 1
  if i < 0:
    return None, None
  text = "\n".join(lines[i:end + 1]).strip()
  return text[len("<!--"):-len("-->")], i


def _parse_marker(comment, comment_index):
  """Returns (skip_reason, setup, setup_line, error) for a comment."""
  if comment is None:
    return None, "", 0, None
  body = comment.strip()
  if body.startswith(NOT_RUNNABLE):
    reason = body[len(NOT_RUNNABLE):].strip()
    if not reason:
      return None, "", 0, "`<!-- not-runnable: -->` needs a reason"
    return reason, "", 0, None
  if body.startswith(SETUP):
    # The setup code starts on the line after `<!-- runnable-setup:`.
    first, _, rest = comment.partition(SETUP)
    del first
    setup_lines = rest.split("\n")
    if setup_lines and not setup_lines[0].strip():
      setup_lines = setup_lines[1:]
      offset = 1
    else:
      offset = 0
    setup = "\n".join(setup_lines).rstrip()
    if not setup.strip():
      return None, "", 0, "`<!-- runnable-setup: -->` holds no code"
    return None, setup, comment_index + 1 + offset, None
  return None, "", 0, None


def extract(path, text):
  """All fenced code blocks of a Markdown text, as `Block`s."""
  lines = text.split("\n")
  blocks = []
  i = 0
  while i < len(lines):
    m = _FENCE.match(lines[i])
    if not m:
      i += 1
      continue
    indent, fence, lang = len(m.group(1)), m.group(2), m.group(3).lower()
    comment, comment_index = _comment_above(lines, i)
    skip, setup, setup_line, error = _parse_marker(comment, comment_index)
    start = i + 1
    i += 1
    body = []
    close = re.compile(r"^ {0,3}" + re.escape(fence[0]) +
                       "{%d,}\\s*$" % len(fence))
    while i < len(lines) and not close.match(lines[i]):
      line = lines[i]
      body.append(line[indent:] if line[:indent].strip() == "" else line)
      i += 1
    i += 1  # The closing fence.
    blocks.append(
        Block(path, start + 1, lang, "\n".join(body), skip, setup, setup_line,
              error))
  return blocks


def is_python(block):
  return block.lang in PYTHON_LANGS


def markdown_pages(root):
  """README.md and every page under docs/, as paths relative to `root`."""
  pages = ["README.md"]
  docs = os.path.join(root, "docs")
  for folder, _, files in sorted(os.walk(docs)):
    for name in sorted(files):
      if name.endswith(".md"):
        pages.append(os.path.relpath(os.path.join(folder, name), root))
  return pages


class PrintMismatch(AssertionError):
  pass


@contextlib.contextmanager
def expect_printed(expected, where):
  """Checks that the block inside prints exactly `expected` (one line)."""
  buffer = io.StringIO()
  with contextlib.redirect_stdout(buffer):
    yield
  got = buffer.getvalue().rstrip("\n")
  sys.stdout.write(buffer.getvalue())
  if got != expected:
    raise PrintMismatch("%s: printed %r, the page says %r" %
                        (where, got, expected))


def _with_print_checks(code, path, first_line):
  """Rewrites `print(...)  # VALUE` lines to check what they print."""
  out = []
  for n, line in enumerate(code.split("\n")):
    m = _PRINT_EXPECT.match(line)
    if m:
      where = "%s:%d" % (path, first_line + n)
      line = "%swith __expect_printed(%r, %r): %s" % (m.group(1), m.group(3),
                                                      where, m.group(2))
    out.append(line)
  return "\n".join(out)


def _compile(code, path, first_line):
  # Blank lines in front so that tracebacks give the page's line numbers.
  return compile("\n" * (first_line - 1) + code, path, "exec")


def run_page(root, page, out=sys.stdout):
  """Runs a page's Python blocks in one namespace; returns how many ran."""
  with open(os.path.join(root, page), encoding="utf-8") as f:
    blocks = [b for b in extract(page, f.read()) if is_python(b)]
  namespace = {"__name__": "__main__", "__expect_printed": expect_printed}
  exec(compile(PRELUDE, "<prelude>", "exec"), namespace)  # pylint: disable=exec-used
  ran = 0
  for block in blocks:
    if block.marker_error:
      raise ValueError("%s:%d: %s" % (page, block.line, block.marker_error))
    if block.skip_reason is not None:
      out.write("skipped %s:%d (not runnable: %s)\n" %
                (page, block.line, block.skip_reason))
      continue
    if block.setup:
      exec(_compile(block.setup, page, block.setup_line), namespace)  # pylint: disable=exec-used
    code = _with_print_checks(block.code, page, block.line)
    exec(_compile(code, page, block.line), namespace)  # pylint: disable=exec-used
    ran += 1
    out.write("ran %s:%d\n" % (page, block.line))
    out.flush()
  return ran


def main():
  parser = argparse.ArgumentParser(
      description=__doc__.split("\n", maxsplit=1)[0])
  parser.add_argument("pages", nargs="+", help="Markdown files.")
  parser.add_argument("--root", default=".", help="Repository root.")
  args = parser.parse_args()
  status = 0
  for page in args.pages:
    try:
      run_page(args.root, page)
    except Exception:  # pylint: disable=broad-except
      traceback.print_exc()
      print("FAILED: a Python block of %s" % page)
      status = 1
  sys.exit(status)


if __name__ == "__main__":
  main()
