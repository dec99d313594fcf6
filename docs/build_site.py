r"""Builds the documentation site: `mkdocs build --strict` into a folder.

    python docs/build_site.py --config mkdocs.yml --site_dir /tmp/site

Run by `bazel build //docs:site` (see docs/site.bzl) from the workspace root.
Any warning (a broken link, a docstring MkDocs cannot render, a page missing
from the navigation) fails the build and is printed; a clean build prints
nothing.
"""

import argparse
import os
import subprocess
import sys


def main():
  parser = argparse.ArgumentParser(
      description=__doc__.split("\n", maxsplit=1)[0])
  parser.add_argument("--config", required=True, help="mkdocs.yml")
  parser.add_argument("--site_dir", required=True, help="Output folder.")
  args = parser.parse_args()

  try:
    import mkdocs  # pylint: disable=import-outside-toplevel,unused-import
    import mkdocstrings  # pylint: disable=import-outside-toplevel,unused-import
  except ImportError as e:
    sys.exit("build_site: %s. The site needs the packages in "
             "docs/requirements.txt, which ./configure installs into .venv; "
             "with your own interpreter: %s -m pip install -r "
             "docs/requirements.txt" % (e, sys.executable))

  env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
  command = [
      sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
      "--config-file", args.config, "--site-dir",
      os.path.abspath(args.site_dir)]
  proc = subprocess.run(command, env=env, stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True, check=False)
  if proc.returncode != 0:
    sys.stderr.write(proc.stdout)
    sys.exit("build_site: mkdocs build failed (exit status %d)." %
             proc.returncode)
  if not os.path.exists(os.path.join(args.site_dir, "index.html")):
    sys.stderr.write(proc.stdout)
    sys.exit("build_site: mkdocs wrote no index.html.")


if __name__ == "__main__":
  main()
