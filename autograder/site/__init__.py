"""The simulated world of the lesson: the Acme shop, its blog, and a
Kissmetrics-compatible library and tracker."""

from .hosts import BLOG_HOST, HOST_RESOLVER_RULES, RUN_HEADER, SHOP_HOST, TRACKER_HOST
from .people import Person, build_people, person_of
from .server import SimulatedSite
from .tracker_store import COURSE_KEY

__all__ = ["SimulatedSite", "Person", "build_people", "person_of", "COURSE_KEY", "SHOP_HOST", "BLOG_HOST",
           "TRACKER_HOST", "HOST_RESOLVER_RULES", "RUN_HEADER"]
