"""Protect: the public fraud and cyber crime self-assessment, its anonymous responses and local alerts."""
