"""Prepare: intimidation of victims, witnesses and communities, and partner surveys."""
