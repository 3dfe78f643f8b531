"""HTML is built in one place (genoassoc.report.markup): text and attribute values are escaped there and
nowhere else, so no renderer can forget to."""

import re
from pathlib import Path

from genoassoc.report.markup import Markup, element, join, text

PACKAGE = Path(__file__).resolve().parents[2] / "genoassoc"


def test_text_and_attributes_are_escaped_and_markup_is_kept():
    payload = '<img src=x onerror="alert(1)">'
    cell = element("td", payload, class_=payload)
    assert cell == ('<td class="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;">'
                    "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</td>")
    assert element("tr", cell, element("td", None)) == f"<tr>{cell}<td></td></tr>"
    assert element("img", alt="a & b", src="data:x") == '<img alt="a &amp; b" src="data:x">'
    assert element("td", colspan=3, data_kind=None) == '<td colspan="3"></td>'
    assert join(["x<y", element("br"), "z"]) == "x&lt;y<br>z"
    assert join(["a", "b"], separator=element("br")) == "a<br>b"
    assert isinstance(join([]), Markup) and text(None) == "" and text(Markup("<b>")) == "<b>"


def test_no_other_module_escapes_or_writes_tags_around_data():
    for path in PACKAGE.rglob("*.py"):
        if path.name == "markup.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert "html.escape" not in source and "import html\n" not in source, path
        # a tag written by hand around an f-string field would bypass the escaping
        tag_around_field = r"""f["'][^"'\n]*<(td|th|tr|p|li|a|h[1-6]|caption|figure|table)\b[^"'\n]*\{"""
        assert not re.search(tag_around_field, source), path
