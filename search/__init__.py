"""Querying a 先例 index."""
