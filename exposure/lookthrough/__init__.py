"""Look-through: funds into constituents, stakes and compute contracts (``maths``), effective
exposure per entity (``entities``), the look-through evaluation (``analysis``) and issuer
holdings files (``fund_import``, ``fund_store``)."""
