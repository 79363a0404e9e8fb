"""A local double of the Omnichat HTTP API (`_cms__sources.yml`), serving the chats `parebrick generate` wrote.

The loaders pull from it exactly as they would from the real API; `start_server` runs it in a thread for
tests.
"""

from parebrick.omnichat.server import ChatStore, OmnichatError, Faults, start_server

__all__ = ["ChatStore", "Faults", "OmnichatError", "start_server"]
