"""The research-needs pages, one module per area: needs (list, page, posting, managing,
"mine"), answers, conversations, attachments and moderation; what they share is in
common.py. research_needs/urls.py names each view."""
