"""A book of holdings: the portfolio frame and YAML format (``portfolio``), saved books
(``store``), broker imports (``importers``), symbol normalisation (``symbols``) and turning
holdings into market values (``market_value``)."""
