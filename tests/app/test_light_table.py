"""The light first-screen tables: user text is shown literally, numbers as formatted."""

from __future__ import annotations

import re

import pandas as pd
from streamlit.testing.v1 import AppTest

from exposure.ui.light_table import (
    MONEY,
    escape,
    link,
    markdown_link,
    markdown_table,
    signed_percent,
    text_frame,
)
from tests.apptest_util import markdown_tables

HOSTILE = ["a|b", "$5 and $6", "[click](http://evil.example)", "<script>x</script>", "*bold* _i_",
           "two\nlines", "\\", ":red[alarm]"]


def test_every_markdown_character_in_a_cell_is_escaped() -> None:
    text = markdown_table(pd.DataFrame({"Name": HOSTILE}))
    body = text.splitlines()[2:]
    for line in body:
        inner = line[2:-2]
        assert not re.search(r"(?<!\\)[|$\[\]<>*_`]", inner.replace("\\\\", "")), line
    assert len(body) == len(HOSTILE)  # the line break did not start a new row


def test_a_light_table_reads_back_as_shown() -> None:
    frame = pd.DataFrame({"Holding": HOSTILE[:3], "Impact": [-12345.4, 999.6, float("nan")],
                          "Value change": [-3.04, 0.0, 12.25]})
    formats = {"Impact": MONEY, "Value change": signed_percent}

    def script(frame: object, formats: object) -> None:  # run by AppTest: builtins only
        from exposure.ui.light_table import light_table

        light_table(frame, formats)  # type: ignore[arg-type]

    at = AppTest.from_function(script, kwargs={"frame": frame, "formats": formats}).run()
    [shown] = markdown_tables(at)
    assert shown.equals(text_frame(frame, formats))
    assert list(shown["Impact"]) == ["-$12,345", "$1,000", ""]
    assert list(shown["Value change"]) == ["-3.0%", "+0.0%", "+12.2%"]
    assert list(shown["Holding"]) == HOSTILE[:3]
    assert escape("x") == "x"


def test_a_link_column_names_the_site_and_keeps_markdown_out_of_the_address() -> None:
    assert link("https://www.sec.gov/a/b?x=1#f") == r"[sec\.gov](https://www.sec.gov/a/b?x=1#f)"
    # characters that would end the link, start LaTeX, end a cell or open HTML are encoded
    assert link("https://ex.com/a)(b|c$d<e>") == r"[ex\.com](https://ex.com/a%29%28b%7Cc%24d%3Ce%3E)"
    for text in ["javascript:alert(1)", "ftp://ex.com/x", "see https://ex.com", "", "[x](http://y)"]:
        assert link(text) == escape(text)  # not an http(s) address: shown as text


def test_a_light_table_with_links_reads_back_as_shown() -> None:
    frame = pd.DataFrame({"Field": ["China share", "Data centre|DC"],
                          "Source": ["https://www.sec.gov/x)y", "javascript:alert(1)"]})

    def script(frame: object) -> None:  # run by AppTest: builtins only
        from exposure.ui.light_table import LINK, light_table

        light_table(frame, {"Source": LINK})  # type: ignore[arg-type]

    at = AppTest.from_function(script, kwargs={"frame": frame}).run()
    [shown] = markdown_tables(at)
    assert list(shown["Field"]) == ["China share", "Data centre|DC"]
    assert list(shown["Source"]) == ["[sec.gov](https://www.sec.gov/x%29y)", "javascript:alert(1)"]


def test_a_titled_link_shows_its_title_literally() -> None:
    title = "Deal: 1:5: ratio, $5 and $6 [draft]"
    text = markdown_link(title, "https://ex.com/a|b")
    assert text == "[" + escape(title) + "](https://ex.com/a%7Cb)"
    assert not re.search(r":\w+:", text) and "$5 and $6" not in text
    assert markdown_link(title, "javascript:alert(1)") == escape(title)
