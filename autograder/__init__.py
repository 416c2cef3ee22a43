"""Identify Lab: training notebooks and an autograder for Kissmetrics'
"Step 7 - Identifying Customers"."""

from .errors import AutograderError, BrowserNotFound, UnusableInput

__all__ = ["AutograderError", "BrowserNotFound", "UnusableInput", "SimulatedSite"]


def __getattr__(name: str):
    # Lazy: learner kernels import small parts of the package and should not pay for the web server.
    if name == "SimulatedSite":
        from .site import SimulatedSite

        return SimulatedSite
    raise AttributeError(name)
