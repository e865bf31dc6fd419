-- Search index, step 4: store a batch's postings (`search_batch_postings`, Arrow from Python,
-- already in term order) in {postings} (search_postings for big batches, search_postings_recent
-- for small ones) and its documents (`search_batch_docs`: docid, doc_len).
insert into {postings} select term_id, docid, tf from search_batch_postings;

insert into search_docs
select new_docs.docid, new_docs.article_id, coalesce(lengths.doc_len, 0), new_docs.content_hash
from search_new_docs as new_docs
left join search_batch_docs as lengths using (docid);
