"""Every Python block of README.md and docs/**/*.md runs, or says why not.

One test per page runs the page's blocks in a fresh Python process (see
docs/code_blocks.py for the rules: prelude, `# VALUE` after a print,
`<!-- not-runnable: REASON -->`, `<!-- runnable-setup: ... -->`).
"""

import os
import subprocess
import sys
import traceback

from absl.testing import parameterized
import tensorflow as tf

from docs import code_blocks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = code_blocks.markdown_pages(ROOT)


def _python_blocks(page):
  with open(os.path.join(ROOT, page), encoding="utf-8") as f:
    return [
        b for b in code_blocks.extract(page, f.read())
        if code_blocks.is_python(b)]


class ExtractTest(tf.test.TestCase):
  """The rules themselves, on a made-up page."""

  PAGE = "\n".join([
      "# Title",  # 1
      "",  # 2
      "```python",  # 3
      "x = 1",  # 4
      "print(x + 1)  # 2",  # 5
      "```",  # 6
      "<!-- not-runnable: needs a GPU -->",  # 7
      "```python",  # 8
      "y = gpu_only()",  # 9
      "```",  # 10
      "<!-- runnable-setup:",  # 11
      "z = 3",  # 12
      "-->",  # 13
      "",  # 14
      "```py",  # 15
      "print(z)  # 3",  # 16
      "```",  # 17
      "```sh",  # 18
      "bazel test //...",  # 19
      "```",  # 20
      "<!-- not-runnable: -->",  # 21
      "```python",  # 22
      "pass",  # 23
      "```",  # 24
  ])

  def test_blocks(self):
    blocks = code_blocks.extract("page.md", self.PAGE)
    self.assertEqual([(b.line, b.lang) for b in blocks], [(4, "python"),
                                                          (9, "python"),
                                                          (16, "py"),
                                                          (19, "sh"),
                                                          (23, "python")])
    self.assertEqual(blocks[0].code, "x = 1\nprint(x + 1)  # 2")
    self.assertIsNone(blocks[0].skip_reason)
    self.assertEqual(blocks[1].skip_reason, "needs a GPU")
    self.assertEqual((blocks[2].setup, blocks[2].setup_line), ("z = 3", 12))
    self.assertFalse(code_blocks.is_python(blocks[3]))
    self.assertIn("needs a reason", blocks[4].marker_error)

  def test_print_comment_is_checked(self):
    folder = self.create_tempdir()
    folder.create_file("good.md", "```python\nprint(1 + 1)  # 2\n```\n")
    folder.create_file("bad.md", "```python\nprint(1 + 2)  # 2\n```\n")
    folder.create_file("prose.md",
                       "```python\nprint(1 + 2)  # not a value\n```\n")
    self.assertEqual(code_blocks.run_page(folder.full_path, "good.md"), 1)
    self.assertEqual(code_blocks.run_page(folder.full_path, "prose.md"), 1)
    with self.assertRaisesRegex(code_blocks.PrintMismatch,
                                r"bad.md:2: printed '3', the page says '2'"):
      code_blocks.run_page(folder.full_path, "bad.md")

  def test_traceback_names_the_page_line(self):
    folder = self.create_tempdir()
    folder.create_file("err.md", "Text.\n\n```python\nok = 1\nundefined\n```\n")
    try:
      code_blocks.run_page(folder.full_path, "err.md")
    except NameError as e:
      frames = [
          f for f in traceback.extract_tb(e.__traceback__)
          if f.filename == "err.md"]
    else:
      self.fail("no NameError")
    self.assertEqual([f.lineno for f in frames], [5])


class PagesTest(parameterized.TestCase):

  def test_the_pages_are_found(self):
    self.assertIn("README.md", PAGES)
    self.assertIn("docs/index.md", PAGES)
    self.assertIn("docs/modules/basic.md", PAGES)
    blocks = _python_blocks("README.md")
    self.assertNotEmpty(blocks)
    self.assertIn("snt.Sequential", blocks[0].code)

  def test_markers_have_reasons(self):
    errors = []
    for page in PAGES:
      for block in _python_blocks(page):
        if block.marker_error:
          errors.append("%s:%d: %s" % (page, block.line, block.marker_error))
    self.assertEmpty(errors)

  @parameterized.named_parameters(
      (page.replace("/", "_").replace(".", "_"), page) for page in PAGES)
  def test_page(self, page):
    blocks = _python_blocks(page)
    runnable = [b for b in blocks if b.skip_reason is None]
    if not runnable:
      self.skipTest("%s has no runnable Python block" % page)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [ROOT] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env.pop("SONNET_TEST_TF1_BEHAVIOR", None)
    proc = subprocess.run([
        sys.executable,
        os.path.join(ROOT, "docs", "code_blocks.py"), "--root", ROOT, page],
                          cwd=self.create_tempdir().full_path, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=240, check=False)
    self.assertEqual(proc.returncode, 0,
                     "%s:\n%s" % (page, proc.stdout[-6000:]))
    ran = [
        line for line in proc.stdout.splitlines()
        if line.startswith("ran %s:" % page)]
    self.assertEqual(ran, ["ran %s:%d" % (page, b.line) for b in runnable])


if __name__ == "__main__":
  tf.test.main()
