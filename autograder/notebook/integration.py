"""A newsletter tool, as the lesson's integrations are: it knows its subscribers by
e-mail address only, and sends their events to the same tracker (the course's API
key) over HTTP, as a server-side integration does. The lesson's first reason for
identifying by e-mail is what then happens to these events.
"""

from __future__ import annotations

import urllib.request
from urllib.parse import urlencode

from ..errors import AutograderError
from ..site import COURSE_KEY, RUN_HEADER, SimulatedSite

EVENT = "Opened newsletter"


class IntegrationFailed(AutograderError):
    """The tracker did not take an integration's event."""


def send_events(site: SimulatedSite, run: str, emails: list[str], *, event: str = EVENT,
                timeout_s: float = 5.0) -> int:
    """Record ``event`` for each subscriber, by e-mail, at the site's tracker; return how many it took."""
    sent = 0
    for email in emails:
        query = urlencode({"_k": COURSE_KEY, "_p": email, "_n": event, "campaign": "spring-sale"})
        request = urllib.request.Request(f"{site.local_url}/trk/e?{query}", headers={RUN_HEADER: run})
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as answer:  # noqa: S310 - our own loopback
                sent += answer.status == 200
        except OSError as err:
            raise IntegrationFailed(f"the tracker refused the newsletter's event for {email}: {err}") from err
    return sent
