"""The built documentation site (//docs:site): complete, linked, offline.

* Every public name (`__all__`) of snt, snt.nets, snt.custom_getters (and
  its bayes_by_backprop), snt.nest and snt.regularizers has an entry on its
  reference page: a heading with the anchor `sonnet.<path>` and, for a
  documented object, the first line of its docstring.
* Every Markdown page of docs/, README.md and CHANGES.md became a page.
* No page loads anything from the network (scripts, styles, images).
* Every relative link and anchor between the pages resolves.
"""

import collections
import functools
import html
import html.parser
import inspect
import os
import re
import types

import sonnet as snt
import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SITE = os.path.join(ROOT, "docs", "site")

# Namespace -> (its reference page, the path its entries are documented at).
NAMESPACES = [
    (snt, "reference/snt.html", "sonnet"),
    (snt.nets, "reference/nets.html", "sonnet.nets"),
    (snt.custom_getters, "reference/custom_getters.html",
     "sonnet.custom_getters"),
    (snt.custom_getters.bayes_by_backprop, "reference/custom_getters.html",
     "sonnet.custom_getters.bayes_by_backprop"),
    (snt.nest, "reference/nest.html", "sonnet.nest"),
    (snt.regularizers, "reference/regularizers.html", "sonnet.regularizers"),]

# Namespaces that are modules inside another: where their page is.
SUBMODULE_PAGES = {
    "sonnet.nets": "nets.html",
    "sonnet.custom_getters": "custom_getters.html",
    "sonnet.nest": "nest.html",
    "sonnet.regularizers": "regularizers.html",}


class _Page(html.parser.HTMLParser):
  """Ids (with their tag and text), links and external resources of a page."""

  def __init__(self):
    super().__init__(convert_charrefs=True)
    self.tags = collections.Counter()  # start tags, and "/tag" end tags
    self.ids = {}  # id -> [tag, text]
    self.links = []  # href of <a>
    self.resources = []  # src/href of <script>, <link>, <img>
    self.title = ""
    self.text = []
    self._open = []  # ids whose element is open, with its tag
    self._in_title = False

  def handle_starttag(self, tag, attrs):
    self.tags[tag] += 1
    attrs = dict(attrs)
    if "id" in attrs:
      self.ids[attrs["id"]] = [tag, ""]
      self._open.append((tag, attrs["id"]))
    if tag == "a" and attrs.get("href"):
      self.links.append(attrs["href"])
    if tag in ("script", "img") and attrs.get("src"):
      self.resources.append(attrs["src"])
    if tag == "link" and attrs.get("href"):
      self.resources.append(attrs["href"])
    if tag == "title":
      self._in_title = True

  def handle_endtag(self, tag):
    self.tags["/" + tag] += 1
    if self._open and self._open[-1][0] == tag:
      self._open.pop()
    if tag == "title":
      self._in_title = False

  def handle_data(self, data):
    for _, ident in self._open:
      self.ids[ident][1] += data
    if self._in_title:
      self.title += data
    self.text.append(data)


_HTML_TAGS = set("""
    a abbr b blockquote body br button caption code dd details div dl dt em
    footer form h1 h2 h3 h4 h5 h6 head header hr html i img input kbd label li
    link main meta nav ol option p pre script section select small span strong
    style sub summary sup svg path table tbody td textarea tfoot th thead title
    tr u ul
""".split())

_pages = {}


def parse(page):
  if page not in _pages:
    with open(os.path.join(SITE, page), encoding="utf-8") as f:
      parser = _Page()
      parser.feed(f.read())
      parser.text = re.sub(r"\s+", " ", "".join(parser.text))
    _pages[page] = parser
  return _pages[page]


def html_pages():
  for folder, _, files in os.walk(SITE):
    for name in files:
      if name.endswith(".html"):
        yield os.path.relpath(os.path.join(folder, name), SITE)


def _summary(obj):
  """The first line of an object's own docstring, as text, or None."""
  if isinstance(obj, (str, int, float, tuple, list, dict)):
    return None  # Constants: their docstring is their type's.
  doc = inspect.getdoc(obj)
  if not doc or (not isinstance(obj, types.ModuleType) and
                 doc == inspect.getdoc(type(obj)) and not inspect.isclass(obj)):
    return None
  line = doc.strip().split("\n", maxsplit=1)[0]
  return re.sub(r"\s+", " ", line.replace("`", "")).strip()


class ReferenceTest(tf.test.TestCase):

  def test_namespaces_are_the_ones_of_the_issue(self):
    self.assertCountEqual([path for _, _, path in NAMESPACES], [
        "sonnet", "sonnet.nets", "sonnet.custom_getters",
        "sonnet.custom_getters.bayes_by_backprop", "sonnet.nest",
        "sonnet.regularizers"])
    self.assertGreater(len(snt.__all__), 100)

  def test_every_public_name_has_an_entry(self):
    missing, no_doc, checked = [], [], 0
    for module, page, path in NAMESPACES:
      parsed = parse(page)
      for name in module.__all__:
        obj = getattr(module, name)
        full = "%s.%s" % (path, name)
        if isinstance(obj, types.ModuleType):
          # A namespace: an entry of its own on this page, or a link to its
          # page.
          target = SUBMODULE_PAGES.get(full)
          if full not in parsed.ids and target not in [
              l.split("#")[0] for l in parsed.links]:
            missing.append("%s (neither an entry nor a link to %s)" %
                           (full, target))
          continue
        entry = parsed.ids.get(full)
        if entry is None:
          missing.append("%s (no anchor on %s)" % (full, page))
          continue
        tag, text = entry
        if tag not in ("h2", "h3") or name not in text:
          missing.append("%s (anchor on a <%s> saying %r)" %
                         (full, tag, text[:60]))
          continue
        summary = _summary(obj)
        if summary and summary not in parsed.text:
          no_doc.append("%s: %r" % (full, summary))
        checked += 1
    self.assertEmpty(missing, "public names without a reference entry")
    self.assertEmpty(no_doc, "entries without their docstring")
    self.assertGreater(checked, 150)

  def test_members_from_private_bases_are_documented(self):
    # Shared code sits in bases outside the API (ConvND, ConvBase,
    # PublicVariableOptions, HiddenStateCore, ...): their public members are
    # documented on every public class that inherits them.
    public = {
        obj for module, _, _ in NAMESPACES[:3]
        for obj in map(functools.partial(getattr, module), module.__all__)
        if inspect.isclass(obj)}
    missing, checked = [], 0
    for module, page, path in NAMESPACES[:3]:
      parsed = parse(page)
      for name in module.__all__:
        cls = getattr(module, name)
        if not inspect.isclass(cls):
          continue
        for base in cls.__mro__[1:]:
          if base in public or not base.__module__.startswith("sonnet."):
            continue
          for member in vars(base):
            owner = next(c for c in cls.__mro__ if member in vars(c))
            between = cls.__mro__[1:cls.__mro__.index(base)]
            if (member.startswith("_") or owner is not base or
                any(c in public for c in between)):
              continue  # Private, overridden, or documented on a public base.
            if "%s.%s.%s" % (path, name, member) not in parsed.ids:
              missing.append("%s.%s.%s" % (path, name, member))
            checked += 1
    self.assertEmpty(missing)
    self.assertGreater(checked, 200)

  def test_linear_entry(self):
    parsed = parse("reference/snt.html")
    tag, text = parsed.ids["sonnet.Linear"]
    self.assertEqual(tag, "h2")
    self.assertIn("Linear", text)
    # Its signature, with the type hints, and its constructor's arguments
    # are documented. (One line, or one argument a line when a formatter such
    # as Black is installed for mkdocstrings to lay signatures out with.)
    self.assertRegex(
        parsed.text, r"Linear\( ?output_size: Union\[int, Callable\[\[\], "
        r"int\]\], use_bias: bool = True")


class SiteTest(tf.test.TestCase):

  def test_every_markdown_page_is_a_page(self):
    expected = {"readme.html", "changes.html"}
    docs = os.path.join(ROOT, "docs")
    for folder, _, files in os.walk(docs):
      for name in files:
        if name.endswith(".md"):
          md = os.path.relpath(os.path.join(folder, name), docs)
          expected.add(md[:-len(".md")] + ".html")
    self.assertGreater(len(expected), 20)
    self.assertEmpty(expected - set(html_pages()))

  def test_titles(self):
    self.assertEqual(parse("index.html").title, "Sonnet")
    self.assertEqual(parse("reference/snt.html").title, "snt - Sonnet")

  def test_no_stray_tags(self):
    # A placeholder like "linear_<i>" in a docstring must not become an
    # unclosed <i> that italicizes the rest of the page (site_hooks.py).
    stray = []
    for page in html_pages():
      tags = parse(page).tags
      for tag in ("i", "em", "b", "strong", "code", "a", "span"):
        if tags[tag] != tags["/" + tag]:
          stray.append("%s: %d <%s>, %d </%s>" %
                       (page, tags[tag], tag, tags["/" + tag], tag))
      unknown = [
          t for t in tags if not t.startswith("/") and t not in _HTML_TAGS]
      if unknown:
        stray.append("%s: unknown tags %s" % (page, sorted(unknown)))
    self.assertEmpty(stray)

  def test_nothing_is_loaded_from_the_network(self):
    external = []
    for page in html_pages():
      for url in parse(page).resources:
        if re.match(r"^([a-z]+:)?//", url):
          external.append("%s: %s" % (page, url))
    self.assertEmpty(external)

  def test_links_resolve(self):
    broken, checked = [], 0
    for page in html_pages():
      if page == "404.html":
        continue  # For a web server: links from the site's root.
      for href in parse(page).links:
        if re.match(r"^[a-z][a-z0-9+.-]*:", href):
          continue  # http(s), mailto: not part of the site.
        path, _, anchor = html.unescape(href).partition("#")
        target = (os.path.normpath(os.path.join(os.path.dirname(page), path))
                  if path else page)
        if target.endswith("/") or os.path.isdir(os.path.join(SITE, target)):
          target = os.path.join(target, "index.html")
        if not os.path.exists(os.path.join(SITE, target)):
          broken.append("%s -> %s" % (page, href))
          continue
        if anchor and target.endswith(".html") and (anchor
                                                    not in parse(target).ids):
          broken.append("%s -> %s (no such anchor)" % (page, href))
        checked += 1
    self.assertEmpty(broken)
    self.assertGreater(checked, 500)

  def test_repository_links_point_at_pages(self):
    readme = [l.split("#")[0] for l in parse("readme.html").links]
    self.assertIn("examples.html", readme)
    self.assertIn("index.html", readme)
    self.assertIn("changes.html", readme)
    index = [l.split("#")[0] for l in parse("index.html").links]
    self.assertIn("readme.html", index)
    self.assertIn("reference/snt.html", index)


if __name__ == "__main__":
  tf.test.main()
