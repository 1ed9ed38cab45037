"""Prices: the Yahoo, cache and reference sources and their chain (``yahoo``), the on-disk
cache (``cache``) and the result type every source returns (``result``). The only package
that talks to the network."""
