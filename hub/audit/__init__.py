"""Audit: verify the log's hash chains, replay a case as of a time, list reads of personal data."""
