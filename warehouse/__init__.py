"""Storage: Arrow schemas (the contracts), the Parquet lake, the raw zone and the DuckDB warehouse.

No Prefect here; the flows call these functions.
"""
