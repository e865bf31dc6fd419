-- Append rows known to be new ({table} from warehouse.schemas; `insert_source`: an Arrow
-- table from warehouse.db): children of articles whose old children were just deleted. Their
-- keys hash the article id (mentions, events), so they cannot collide with another article's.
insert into {table} by name select * from insert_source;
