"""Team features on the pages: saving scenarios with sharing and optimistic locking, and the
admins' roles panel.

Kept out of the page scripts so the pages stay thin; Streamlit only, the decisions are in the
core (:mod:`exposure.scenarios.store`, :mod:`exposure.auth`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from exposure.auth.admin import role_assignments, set_role
from exposure.auth.spaces import write_space
from exposure.errors import ExposureError
from exposure.model.catalog import Catalog
from exposure.scenarios.store import save_user_scenario, visible_scenarios
from exposure.storage.database import ConflictError
from exposure.storage.names import name_key
from exposure.ui import editor, versions
from exposure.ui.auth import current_user


def scenario_save_section(catalog: Catalog, new_id: str, replace: bool) -> None:
    """"Save as my scenario" (and "Share with the team") for the editor."""
    user = current_user()
    for doc in visible_scenarios(user=user):
        versions.note_seen("scenario", doc.space, doc.key, doc.version)
    allowed = user.can("scenario.write")
    shared: bool | None = None
    if allowed and not user.local:
        shared = st.checkbox("Share with the team", key="ed_share", value=False,
                             help="Shared scenarios appear in everyone's sidebar; unshared "
                                  "ones only in yours.")
    if not allowed:
        st.caption(f":material/lock: {user.role}s cannot save scenarios; download the YAML "
                   "or share the link instead.")
    if st.button("Save as my scenario", type="primary", key="ed_save", disabled=not allowed):
        try:
            to_save = editor.edited_scenario(catalog, new_id.strip())
            space = write_space(user, "scenario.write", shared=shared)
            key = name_key(to_save.id, "scenario id")
            doc = save_user_scenario(to_save, catalog, overwrite=replace, user=user,
                                     shared=shared,
                                     expected_version=versions.based_on("scenario", space, key))
        except ConflictError as exc:
            st.session_state["ed_conflict"] = (space, key)
            st.error(f"Not saved: {exc}")
        except (ExposureError, ValueError) as exc:
            st.error(f"Not saved: {str(exc).splitlines()[0]}")
        else:
            versions.saved("scenario", doc.space, doc.key, doc.version)
            where = "the team's sidebar" if doc.shared else "your sidebar"
            st.success(f"Saved '{to_save.id}' (version {doc.version}). It is now in the library "
                       f"and {where}.")
    conflict = st.session_state.get("ed_conflict")
    if conflict and st.button("Replace theirs with mine anyway (their version is kept)",
                              key="ed_take_latest"):
        versions.take_latest("scenario", *conflict)
        st.session_state.pop("ed_conflict", None)
        st.info("Press Save again to store your edit as the newest version.")


def roles_section() -> None:
    """Admins: who has which role (assignments made here; the allow-list still wins)."""
    user = current_user()
    if user.local or not user.can("roles.manage"):
        return
    with st.expander("Team: roles", icon=":material/admin_panel_settings:"):
        st.caption("Roles assigned here apply unless the configured allow-list names the "
                   "person; every change is in the audit log.")
        found = role_assignments()
        if found:
            st.dataframe(pd.DataFrame({"User": list(found),
                                       "Role": [str(r).capitalize() for r in found.values()]}),
                         hide_index=True, width="stretch", key="team_roles")
        c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
        email = c1.text_input("E-mail", key="team_role_user", max_chars=320)
        role = c2.selectbox("Role", ["viewer", "analyst", "admin", "none"], key="team_role")
        if c3.button("Set role", key="team_role_set", disabled=not email.strip()):
            try:
                set_role(email, None if role == "none" else role, user=user)
            except ExposureError as exc:
                st.error(f"Not changed: {exc}")
            else:
                st.success(f"{email.strip().lower()}: {role} (from their next page load)")
