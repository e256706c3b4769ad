"""Signals members sends for the apps above it, which it must not import.

``organisation_deactivated`` is sent by ``services.organisation_deactivate`` inside its
transaction, after the organisation row is locked and before it is marked deactivated
(so while its last membership, if any, still exists and the actor may still act for it).
Arguments: ``organisation`` and ``actor``.

A receiver withdraws what the organisation still has open in its app, acting as ``actor``,
and returns what it withdrew as a dict of lists by kind, e.g. ``{"stands": [...]}``; the
organisers' notification lists them. A receiver that raises rolls the whole deactivation
back. research_needs withdraws answers and closes needs (``research_needs/signals.py``),
events withdraws stand applications (``events/signals.py``).
"""

from django.dispatch import Signal

organisation_deactivated = Signal()
