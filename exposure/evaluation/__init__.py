"""The one evaluation of a book: :func:`~exposure.evaluation.book.evaluate_book` turns (book,
catalog, scenario set, case, look-through switch, prices) into an immutable
:class:`~exposure.evaluation.result.BookEvaluation` that every page, command, the risk
simulation, snapshots and the report read (``book``, ``result``, ``reconcile``)."""
