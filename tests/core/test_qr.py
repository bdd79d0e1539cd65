"""QR codes: the downloadable SVG is a document of its own (opens as an image, works in <img>)."""

from xml.etree import ElementTree

import segno

from dangjian.core import qr


def test_the_svg_file_is_a_standalone_svg_document_of_the_address():
    svg = qr.svg_file("http://example.test/open/abc/", title="甲社区")
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    size = segno.make("http://example.test/open/abc/", error="m").symbol_size(scale=8)
    assert (int(root.get("width")), int(root.get("height"))) == size
    assert root.find("{http://www.w3.org/2000/svg}title").text == "甲社区"
    # another address draws another code
    assert svg != qr.svg_file("http://example.test/open/abd/", title="甲社区")


def test_the_inline_svg_scales_with_its_box():
    svg = qr.svg_inline("http://example.test/open/abc/", title="甲社区")
    w, h = segno.make("http://example.test/open/abc/", error="m").symbol_size(scale=8)
    assert svg.startswith(f'<svg viewBox="0 0 {w} {h}" ')
