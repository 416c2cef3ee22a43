"""A synthetic class: learner submissions made from the released notebook and a
catalogue of realistic behaviours (several correct styles, each classic
mistake, broken and hostile notebooks). Used by the demo and the benchmark."""

from __future__ import annotations

import json
import random
from pathlib import Path

import nbformat

SNIPPETS = {
    "if-guard": "if (window.acme.customer) {\n  _kmq.push(['identify', window.acme.customer.email]);\n}",
    "optional-chaining": "const email = window.acme?.customer?.email;\nif (email) _kmq.push(['identify', email]);",
    "function-push": "_kmq.push(function () {\n  if (window.acme.customer) KM.identify(window.acme.customer.email);\n});",
    "with-bonus": ("if (window.acme.justLoggedOut) { _kmq.push(['clearIdentity']); }\n"
                   "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"),
    "constant-customer": "_kmq.push(['identify', 'customer']);",
    "display-name": "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.name]); }",
    "customer-id": "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.id]); }",
    "no-guard": "_kmq.push(['identify', window.acme.customer.email]);",
    "km-directly": "if (window.acme.customer) { KM.identify(window.acme.customer.email); }",
    "clears-where-unknown": ("if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }\n"
                             "else { _kmq.push(['identify', '']); }"),
    "writes-km-ai": ("if (window.acme.customer) { document.cookie = 'km_ai=' + "
                     "encodeURIComponent(window.acme.customer.email) + '; path=/; domain=.acme.test'; }"),
    "no-identify": "// I will do this later",
    "js-syntax-error": "if (window.acme.customer { _kmq.push(['identify', window.acme.customer.email]); }",
    "js-endless-loop": "while (true) {}",
}

PERSON_ID = {
    "parses-cookies": '''    if not isinstance(cookie_header, str):
        return None
    for part in cookie_header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip() == "km_ai":
            return unquote(value.strip()) or None
    return None''',
    "uses-a-regex": '''    import re
    if not isinstance(cookie_header, str):
        return None
    found = re.search(r"(?:^|;)\\s*km_ai=([^;]*)", cookie_header)
    return unquote(found.group(1).strip()) or None if found else None''',
    "naive-split": '''    return unquote(cookie_header.split("km_ai=")[1].split(";")[0])''',
    "forgets-to-decode": '''    for part in (cookie_header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "km_ai":
            return value
    return None''',
    "python-endless-loop": '''    while True:
        pass''',
    "missing-module": '''    import cookie_helpers_from_my_laptop
    return cookie_helpers_from_my_laptop.km_ai(cookie_header)''',
}

QUIZ = {
    "right": 'same_id_for_many = "a"\ncan_be_undone = False\ncookie_name = "km_ai"\nbest_identifier = "b"\n'
             'person_or_account = "c"',
    "thinks-it-can-be-undone": 'same_id_for_many = "a"\ncan_be_undone = True\ncookie_name = "km_ai"\nbest_identifier = "b"\n'
                               'person_or_account = "c"',
    "names-km-ni": 'same_id_for_many = "c"\ncan_be_undone = False\ncookie_name = "km_ni"\nbest_identifier = "a"\n'
                   'person_or_account = "a"',
}

FIRST = ("ada", "alan", "grace", "linus", "margaret", "dennis", "barbara", "ken", "frances", "edsger", "radia",
         "tim", "hedy", "john", "katherine", "donald", "sophie", "guido", "anita", "bjarne")
LAST = ("lovelace", "turing", "hopper", "torvalds", "hamilton", "ritchie", "liskov", "thompson", "allen",
        "dijkstra", "perlman", "berners_lee", "lamarr", "backus", "johnson", "knuth", "wilson", "van_rossum")


def _set_cell(nb, grade_id: str, source: str) -> None:
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
            return
    raise KeyError(grade_id)


def answered(release_nb, *, snippet: str, person_id_body: str, quiz: str):
    nb = nbformat.from_dict(json.loads(json.dumps(release_nb)))
    _set_cell(nb, "identify_snippet", f"%%identify_snippet\n{snippet}")
    _set_cell(nb, "person_id", f"from urllib.parse import unquote\n\n\ndef person_id(cookie_header):\n{person_id_body}")
    _set_cell(nb, "quiz", quiz)
    return nb


def oddities(release_nb) -> dict[str, bytes]:
    """Notebooks broken or hostile in the ways real batches are."""
    good = dict(snippet=SNIPPETS["if-guard"], person_id_body=PERSON_ID["parses-cookies"], quiz=QUIZ["right"])
    edited = answered(release_nb, **dict(good, person_id_body=PERSON_ID["forgets-to-decode"]))
    _set_cell(edited, "test_person_id_hidden", "assert True  # trust me")
    deleted = answered(release_nb, **good)
    deleted.cells = [c for c in deleted.cells if not c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    tampering = answered(release_nb, **dict(good, snippet=SNIPPETS["constant-customer"]))
    position = next(i for i, c in enumerate(tampering.cells)
                    if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "identify_snippet")
    tampering.cells.insert(position + 1, nbformat.v4.new_code_cell(  # a cell of their own, before the checks
        "import autograder.notebook.grading as g\ng.assert_check = lambda *args, **kwargs: None"))
    duplicated = answered(release_nb, **good)
    for cell in duplicated.cells:
        cell["id"] = "copy-paste"
    return {
        "edited-test-cell": nbformat.writes(edited).encode(),
        "deleted-test-cells": nbformat.writes(deleted).encode(),
        "monkeypatches-the-checks": nbformat.writes(tampering).encode(),
        "duplicated-cell-ids": json.dumps(duplicated).encode(),
        "unanswered": nbformat.writes(release_nb).encode(),
        "empty-file": b"",
        "corrupt-json": b'{"cells": [{"cell_type": "code", "source": "print(1)"',
    }


def in_own_words(snippet: str, learner: str, number: int) -> str:
    """The same behaviour as a learner would write it: their own comment, and one of a few
    styles (as given, inside a function expression, with double quotes or else inside a block),
    so that no two learners' snippets are the same text, nor the same code (``checks.same_code``)."""
    comment = f"// {learner.replace('_', ' ').title()}: identify the customer"
    style = number % 3
    if style == 1:
        body = "\n".join(f"  {line}" if line else line for line in snippet.splitlines())
        return f"{comment}\n(function () {{\n{body}\n}})();"
    if style == 2 and "'" in snippet and '"' not in snippet:
        return f'{comment}\n{snippet.replace(chr(39), chr(34))}'
    if style == 2:  # nothing to quote otherwise: inside a block
        return f"{comment}\n{{\n{snippet}\n}}"
    return f"{comment}\n{snippet}"


def in_own_layout(snippet: str, learner: str, number: int) -> str:
    """The same code in the learner's own comments and layout (as a class pastes the lesson's
    line): no two texts alike, yet the same tokens as the snippet (``checks.same_code``)."""
    who = learner.replace("_", " ").title()
    style = number % 3
    if style == 1:
        lines = "\n".join(f"\t{line}" if line else line for line in snippet.splitlines())
        return f"/* {who}, step 7 */\n\n{lines}\n"
    if style == 2:
        return f"{snippet}  // {who}: done"
    return f"// {who}: identify the customer\n{snippet}"


def synthesize_class(release_notebook: Path, folder: Path, *, size: int = 36, seed: int = 2026,
                     include_oddities: bool = True, snippets: list[str] | None = None,
                     own_words: bool = False, own_layout: bool = False) -> dict[str, str]:
    """Write ``size`` learner notebooks into ``folder``; return learner -> behaviour.
    ``snippets`` narrows the snippet behaviours used (default: all of SNIPPETS); with
    ``own_words`` every learner writes their behaviour in their own words (``in_own_words``),
    as in a real class, where verdicts of one snippet are rarely reused for another; with
    ``own_layout`` in their own comments and layout only (``in_own_layout``)."""
    rng = random.Random(seed)
    release_nb = nbformat.read(str(release_notebook), as_version=4)
    folder.mkdir(parents=True, exist_ok=True)
    behaviours: dict[str, str] = {}
    names = [f"{first}_{last}" for first in FIRST for last in LAST]
    rng.shuffle(names)
    made = 0
    if include_oddities:
        for (kind, data), learner in zip(oddities(release_nb).items(), names):
            (folder / f"{learner}.ipynb").write_bytes(data)
            behaviours[learner] = kind
            made += 1
    snippet_names, person_names = list(snippets or SNIPPETS), list(PERSON_ID)
    for number, learner in enumerate(names[made:size]):
        # Most learners get the Python parts right; every snippet behaviour appears.
        snippet = snippet_names[number % len(snippet_names)]
        person = rng.choice(person_names[:2]) if rng.random() < 0.7 else rng.choice(person_names)
        quiz = "right" if rng.random() < 0.75 else rng.choice(list(QUIZ))
        code = SNIPPETS[snippet]
        if own_words:
            code = in_own_words(code, learner, number)
        elif own_layout:
            code = in_own_layout(code, learner, number)
        nb = answered(release_nb, snippet=code, person_id_body=PERSON_ID[person], quiz=QUIZ[quiz])
        nbformat.write(nb, str(folder / f"{learner}.ipynb"))
        behaviours[learner] = f"snippet {snippet}, person_id {person}, quiz {quiz}"
    return behaviours
