"""GAIN information exchange: requests between agencies, their answers as shares, and "is this person known to you?"."""
