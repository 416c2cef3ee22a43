"""Grading batches with nbgrader: workers, the gradebook, reports.

Every grading process (the coordinator and each worker) imports nbgrader, and
with it jsonschema, which imports ``rfc3987_syntax`` when it is installed
(JupyterLab's jupyter-events wants it) only to check "iri" formats. That module
builds its grammar on import: a second of CPU in every process, while nothing
here checks formats (nbformat and nbgrader validate without a format checker).
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # None: "import rfc3987_syntax" fails at once
