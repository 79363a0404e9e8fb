"""Who may read what in the warehouse, declared as code and generated from the project's dictionaries.

The smart group's isolation comes first: the per-cabinet row policies (`row_policies`) are generated from
the cabinets dictionary (`cabinets`), printed as SQL for the server target and written as a users
configuration for the embedded engine, which applies row policies declared there to its one user.
"""
