"""Learner content that tries to run in the instructor's pages, and a page opener that
tells whether it did: every attack calls ``window.__pwned(name)`` or sets the title."""

from __future__ import annotations

import base64

import nbformat

# A 2x2 red PNG: small, and its pixels are checked once it renders.
PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a730000001049444154789c63f8cfc000440c"
    "100a001fee03fd8b5f14d40000000049454e44ae426082")).decode()
PWN = "window.__pwned && window.__pwned"
SCRIPT = f"<script>document.title = 'pwned'; {PWN}('script')</script>"
ONERROR = f"\"><img src=x onerror=\"{PWN}('onerror')\">"
SVG = (f"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10' onload=\"{PWN}('svg-onload')\">"
       f"<script>{PWN}('svg-script')</script><rect width='10' height='10' fill='red'/></svg>")
MARKDOWN = (f"# Hello\n\nSome **bold** text, a [good link](https://example.org) and a "
            f"[bad link](javascript:{PWN}('link')).\n\n{SCRIPT}\n\n<img src=x onerror=\"{PWN}('md-img')\">\n\n"
            f"<iframe srcdoc=\"<script>parent.__pwned('iframe')</script>\"></iframe>\n\n"
            f"| a | b |\n|---|---|\n| 1 | 2 |\n\n![attached](attachment:evil.svg) ![pixel](attachment:pixel.png)\n")


def hostile_outputs() -> list:
    return [
        nbformat.v4.new_output("display_data", data={
            "text/html": f"{SCRIPT}{ONERROR}<b>bold</b><table><tr><td>cell</td></tr></table>"
                         f"<a href=\"javascript:{PWN}('html-link')\">x</a>"
                         f"<div onmouseover=\"{PWN}('hover')\" style=\"position:fixed;inset:0\">cover</div>",
            "text/plain": "<IPython.core.display.HTML object>"}),
        nbformat.v4.new_output("display_data", data={"application/javascript": f"{PWN}('javascript')",
                                                     "text/plain": "<IPython.core.display.Javascript object>"}),
        nbformat.v4.new_output("display_data", data={"image/svg+xml": SVG, "text/plain": "<SVG>"}),
        nbformat.v4.new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Image>"},
                               metadata={"image/png": {"width": f"2 onerror={PWN}('width')"}}),
        nbformat.v4.new_output("display_data", data={"text/html": f"<p>isolated</p>{SCRIPT}"},
                               metadata={"text/html": {"isolated": True}}),
        nbformat.v4.new_output("display_data", data={"text/markdown": f"markdown output {SCRIPT}"}),
        nbformat.v4.new_output("stream", name="stdout", text=SCRIPT + ONERROR),
        nbformat.v4.new_output("error", ename="ValueError", evalue=SCRIPT, traceback=[SCRIPT, ONERROR]),
    ]


def hostile_notebook() -> nbformat.NotebookNode:
    markdown = nbformat.v4.new_markdown_cell(MARKDOWN)
    markdown.attachments = {"evil.svg": {"image/svg+xml": base64.b64encode(SVG.encode()).decode()},
                            "pixel.png": {"image/png": PIXEL}}
    return nbformat.v4.new_notebook(
        cells=[markdown, nbformat.v4.new_markdown_cell(f"plain markdown {SCRIPT}\n\n![gone](attachment:gone.png)"),
               nbformat.v4.new_code_cell("show()", outputs=hostile_outputs(), execution_count=1),
               nbformat.v4.new_raw_cell(SCRIPT + ONERROR)],
        metadata={"widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
                  "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


async def open_page(browser, path) -> dict:
    """Opens ``path`` from disk as an instructor would; says what ran and what rendered."""
    context = await browser.new_context()
    try:
        await context.add_init_script("window.__calls = []; window.__pwned = name => window.__calls.push(name);")
        page = await context.new_page()
        await page.goto(path.resolve().as_uri(), wait_until="load", timeout=20_000)
        await page.wait_for_timeout(300)  # image errors and SVG loads fire after load
        # A script the page itself adds now: the page's Content-Security-Policy decides whether it runs.
        await page.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.__inserted = true'; document.body.append(s); }""")
        return await page.evaluate("""() => ({
            calls: window.__calls, title: document.title, inserted: window.__inserted === true,
            images: [...document.images].map(i => ({src: i.src.slice(0, 40), width: i.naturalWidth}))})""")
    finally:
        await context.close()
