-- Lake parts on object storage, read through httpfs; the file's own columns only (the hive
-- `date` of the path is not added), rows in file-list order.
select * from read_parquet($files, hive_partitioning = false, union_by_name = false)
