-- Report: the tables and views the warehouse has (a section whose relations are missing says so).
select table_name
from information_schema.tables
where table_schema = 'main'
order by table_name
