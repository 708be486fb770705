"""Prevent programmes for young people at risk of involvement in serious and organised crime."""
