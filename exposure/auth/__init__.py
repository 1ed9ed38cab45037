"""Who is using the app and what they may do: identities, roles and permissions (no Streamlit).

Sign-in itself happens in the UI (:mod:`exposure.ui.auth`: ``st.login`` or a trusted proxy
header); this package turns what the identity provider or the proxy said into an
:class:`~exposure.auth.identity.Identity` with a role, and answers permission questions.
"""
