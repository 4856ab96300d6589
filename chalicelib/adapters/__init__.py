"""Adapters to the outside world: mail, blobs, queue, PDF.

Each one has a local implementation (one machine) and an AWS one with the same interface.
They take all configuration through their constructors; bootstrap.py chooses and builds them.
"""
