"""The library as an embedding developer meets it: ``help()`` explains what a reply holds."""

from __future__ import annotations

import dataclasses
import pydoc


from bot import Reply


def test_help_of_reply_explains_every_field() -> None:
    shown = pydoc.render_doc(Reply, renderer=pydoc.plaintext)
    described = shown.split("Methods defined here", 1)[0].split("\n |  \n", 1)[1]  # after the signature
    assert [f.name for f in dataclasses.fields(Reply) if f"``{f.name}``" not in described] == []
