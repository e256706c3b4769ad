"""Moved to ``members.services.competence`` (services live in the services package); this
name stays importable for code written against it before the move."""

from .services.competence import PROFILE_FIELDS, competence_profile_update

__all__ = ["PROFILE_FIELDS", "competence_profile_update"]
