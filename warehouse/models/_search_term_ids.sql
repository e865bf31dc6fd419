-- Search index, step 3: ids for the terms of a batch (`search_batch_terms`, Arrow from Python:
-- i, part, term); new terms get the next ids, block of documents by block (`part`: the first
-- block a term is in), in term order within a block. Returns (i, term_id).
create or replace temp table search_new_terms as
select
    term,
    (select next_term_id from search_meta) + row_number() over (order by part, term) - 1 as term_id
from (select term, min(part) as part from search_batch_terms group by term)
where term not in (select term from search_terms);

insert into search_terms select term, term_id from search_new_terms;

update search_meta set next_term_id = next_term_id + (select count(*) from search_new_terms);

drop table search_new_terms;

select batch.i, terms.term_id
from search_batch_terms as batch
inner join search_terms as terms using (term);
