"""User scenarios: editing a library scenario (``edit``), saving it to the workspace
(``store``) and sharing the exact view as a URL (``share``)."""
