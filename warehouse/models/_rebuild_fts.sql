-- (Re)build the BM25 index over articles: the fts index does not follow later writes, so
-- it is rebuilt after each load. Signature: create_fts_index(table, id column, text columns...,
-- stemmer='porter', stopwords='english', ..., overwrite=0).
pragma create_fts_index('articles', 'article_id', 'title', 'text', overwrite = 1);
