"""Cross-cutting tests run over one golden example of every module."""
