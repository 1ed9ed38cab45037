"""Evidence: event studies of how listed holdings moved around policy events (``event_study``)."""
