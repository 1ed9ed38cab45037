"""The weekly review: append-only snapshot store (``store``), snapshots (``snapshot``),
week-over-week diff (``diff``), tables (``tables``) and the HTML report (``report``)."""
