-- Search index: move the postings of recent small loads into search_postings, in term order,
-- so row-group statistics keep pruning; called when search_postings_recent grows large.
insert into search_postings
select term_id, docid, tf from search_postings_recent order by term_id, docid;

delete from search_postings_recent;
