"""MkDocs hooks (see mkdocs.yml): README.md and CHANGES.md as site pages.

The Markdown pages are written to read well on GitHub and in a checkout, so
they link to each other by their paths in the repository: README.md links
`docs/examples.md`, docs/index.md links `../README.md`. On the site the pages
of docs/ sit at the top, and README.md and CHANGES.md (which live outside
docs/) become `readme.md` and `changes.md`. These hooks add those two pages
and rewrite every relative link by the file it names in the repository:

* a page of docs/ -> that page;
* README.md, CHANGES.md -> readme.md, changes.md;
* any other file (LICENSE, a source file) -> its path as plain text, since the
  site does not carry it.

They also show docstring examples as code: the docstrings hold doctest lines
(`>>> ...` and the expected output, as the doctests run them) in their text,
which Markdown would read as prose (`[2, 3]` as a link). A run of lines that
starts with `>>>` becomes a `pycon` code block, on the pages and in the
reference generated from the docstrings alike. And a placeholder written
like a tag outside backquotes (`"linear_<i>"`, `wh<l>`) is shown as text,
not passed on as an unclosed HTML tag that would italicize the rest of the
page: any `<name>` whose `</name>` the text does not hold is escaped.
"""

import os
import posixpath
import re

from markdown import extensions
from markdown import preprocessors
from mkdocs import plugins
from mkdocs.structure.files import File

# Pages that live outside docs/: repository path -> path on the site.
OUTSIDE_PAGES = {"README.md": "readme.md", "CHANGES.md": "changes.md"}

_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^ *(`{3,}|~{3,})")


class _DoctestBlocks(preprocessors.Preprocessor):
  """Turns each run of lines starting with `>>>` into a pycon code block."""

  def run(self, lines):
    out, fence, i = [], None, 0
    while i < len(lines):
      line = lines[i]
      m = _FENCE.match(line)
      if fence or m:
        if fence is None:
          fence = m.group(1)
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
          fence = None
        out.append(line)
        i += 1
        continue
      stripped = line.lstrip()
      if not stripped.startswith(">>>"):
        out.append(line)
        i += 1
        continue
      indent = line[:len(line) - len(stripped)]
      block = []
      while (i < len(lines) and lines[i].strip() and
             lines[i].startswith(indent)):
        block.append(lines[i])
        i += 1
      if out and out[-1].strip():
        out.append("")
      out += [indent + "```pycon"] + block + [indent + "```", ""]
    return out


_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9_]*)>")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
_VOID_TAGS = {"br", "hr", "img", "wbr"}


class _LoneTags(preprocessors.Preprocessor):
  """Escapes `<name>` (outside code) when the text has no `</name>`."""

  def run(self, lines):
    text = "\n".join(lines)
    closed = set(re.findall(r"</([A-Za-z][A-Za-z0-9_]*)\s*>", text))

    def escape(segment):
      return _TAG.sub(
          lambda m: m.group(0) if (m.group(1) in closed or m.group(1).lower(
          ) in _VOID_TAGS) else "&lt;%s&gt;" % m.group(1), segment)

    out, fence = [], None
    for line in lines:
      m = _FENCE.match(line)
      if fence or m:
        if fence is None:
          fence = m.group(1)
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
          fence = None
        out.append(line)
        continue
      if line.startswith("    ") or "<" not in line:
        out.append(line)  # An indented code block, or nothing to do.
        continue
      pieces, last = [], 0
      for span in _CODE_SPAN.finditer(line):
        pieces.append(escape(line[last:span.start()]))
        pieces.append(span.group(0))
        last = span.end()
      pieces.append(escape(line[last:]))
      out.append("".join(pieces))
    return out


class DoctestBlocksExtension(extensions.Extension):

  def extendMarkdown(self, md):  # pylint: disable=invalid-name
    # After whitespace normalization (30), before fenced code blocks (25).
    md.preprocessors.register(_DoctestBlocks(md), "doctest_blocks", 29)
    md.preprocessors.register(_LoneTags(md), "lone_tags", 28)


@plugins.event_priority(100)  # Before mkdocstrings copies the extensions.
def on_config(config):
  config.markdown_extensions.append(DoctestBlocksExtension())
  return config


def _repo_root(config):
  return os.path.dirname(os.path.abspath(config["config_file_path"]))


def on_files(files, config):
  root = _repo_root(config)
  for repo_path, site_path in OUTSIDE_PAGES.items():
    files.append(
        File.generated(config, site_path,
                       abs_src_path=os.path.join(root, repo_path)))
  return files


def repo_path_of(src_uri):
  """The repository path of a site page (`examples.md` -> docs/examples.md)."""
  for repo_path, site_path in OUTSIDE_PAGES.items():
    if src_uri == site_path:
      return repo_path
  return posixpath.join("docs", src_uri)


def rewrite_link(target, page_repo_path, page_src_uri):
  """Returns (new target or None for plain text, repository path)."""
  if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/")):
    return target, None  # A URL, an anchor on this page, or site-absolute.
  path, _, anchor = target.partition("#")
  repo = posixpath.normpath(
      posixpath.join(posixpath.dirname(page_repo_path), path))
  if repo in OUTSIDE_PAGES:
    site = OUTSIDE_PAGES[repo]
  elif repo.startswith("docs/"):
    site = repo[len("docs/"):]
  else:
    return None, repo
  new = posixpath.relpath(site, posixpath.dirname(page_src_uri) or ".")
  return new + ("#" + anchor if anchor else ""), repo


def rewrite_links(markdown, page_repo_path, page_src_uri):
  """Rewrites the relative links of one page, leaving code blocks alone."""
  out, fence = [], None
  for line in markdown.split("\n"):
    m = _FENCE.match(line)
    if fence:
      if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
        fence = None
      out.append(line)
      continue
    if m:
      fence = m.group(1)
      out.append(line)
      continue

    def sub(match):
      text, target = match.group(1), match.group(2)
      new, repo = rewrite_link(target, page_repo_path, page_src_uri)
      if new is not None:
        return "[%s](%s)" % (text, new)
      if text.strip("`") == repo:
        return "`%s` (in the source tree)" % repo
      return "%s (`%s` in the source tree)" % (text, repo)

    out.append(_LINK.sub(sub, line))
  return "\n".join(out)


def on_page_markdown(markdown, page, config, files):
  del config, files  # Unused.
  src_uri = page.file.src_uri
  return rewrite_links(markdown, repo_path_of(src_uri), src_uri)
