"""Our own HTML handed to st.html as it is made.

st.html tidies a string before sending it: textwrap.dedent and strip over the whole text, ~40 µs for
the page's 2.7 KB of style sheets, on every view and for every card grid and table. Our HTML is made
without indentation or surrounding blanks, so that tidying never changes it. An object's _repr_html_
is taken as the HTML itself (st.html's documented way for objects), which skips it.
"""

from __future__ import annotations

import streamlit as st


class Markup:
    """HTML that st.html takes as it is."""

    __slots__ = ("body",)

    def __init__(self, body: str) -> None:
        self.body = body

    def _repr_html_(self) -> str:
        return self.body


def html(body: str) -> None:
    """Show HTML of our own (already escaped where it holds data) in one st.html element."""
    st.html(Markup(body))
