"""Identify Lab: training notebooks and an autograder for Kissmetrics'
"Step 7 - Identifying Customers"."""

from .errors import AutograderError, BrowserNotFound, UnusableInput
from .site import SimulatedSite

__all__ = ["AutograderError", "BrowserNotFound", "UnusableInput", "SimulatedSite"]
