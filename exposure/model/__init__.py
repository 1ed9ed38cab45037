"""The exposure model: data schema and catalog (``schema``, ``catalog``, ``linkfiles``), the
engine's maths (``engine``), Monte Carlo over scenario ranges (``uncertainty``) and the one
evaluation every page and command reads (``analysis``)."""
