"""axe-core (from the npm registry, installed by ``make setup``) run inside a real Chromium
over a page of ours: what WCAG 2.1 AA rules the page breaks, serious and critical only."""

from __future__ import annotations

import json
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}


def axe_source() -> str:
    if not AXE_JS.exists():
        raise AssertionError(f"axe-core is missing ({AXE_JS}): run `make setup` (it runs `npm ci`)")
    return AXE_JS.read_text(encoding="utf-8")


async def scan(browser, *, path: Path | None = None, html: str | None = None) -> list[dict]:
    """The serious or critical violations of ``path`` (a file) or ``html`` (a fragment in a page
    like the one it lands in), one dict per rule with its nodes' selectors."""
    # Our pages forbid every script they did not write; only the scan's own is let through.
    context = await browser.new_context(bypass_csp=True)
    try:
        page = await context.new_page()
        if path is not None:
            await page.goto(path.resolve().as_uri(), wait_until="load", timeout=20_000)
        else:
            await page.set_content(html, wait_until="load", timeout=20_000)
        await page.add_script_tag(content=axe_source())
        found = await page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
            ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5), count: v.nodes.length})))", TAGS)
    finally:
        await context.close()
    return [v for v in found if v["impact"] in SERIOUS]


def describe(violations: list[dict]) -> str:
    return json.dumps(violations, indent=1)
