-- Search index: empty it before a full rebuild (ids keep counting up).
delete from search_docs;
delete from search_postings;
delete from search_postings_recent;
