"""Parebrick DW: loaders, sample data and tooling for the contact-center warehouse."""

__version__ = "0.1.0"
