"""Pure transforms: bytes and text in, frozen dataclasses out.

No Prefect, DuckDB, network, environment reads or clocks (a `now` is passed in when needed).
Same input, same output.
"""
