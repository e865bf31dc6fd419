-- Warehouse (issue 7): an incremental BM25 index over articles.title + text. DuckDB's fts
-- index must be rebuilt over every article after each load (about 8 CPU-minutes at a million
-- articles); this one is updated for the articles a load touched (warehouse/search.py). Words
-- are split, lower-cased, accent-stripped, stop-worded and Porter-stemmed (the fts extension's
-- stem()).

drop schema if exists fts_main_articles cascade;  -- the fts index of 001-era warehouses

create table search_docs (
    docid        bigint,      -- dense, assigned in load order, never reused
    article_id   varchar,
    doc_len      integer,     -- indexed terms (stop words excluded)
    content_hash ubigint      -- hash(title, text) when indexed: unchanged articles are skipped
);

-- Terms (stemmed words) and their ids, assigned in the order they are first seen.
create table search_terms (
    term    varchar,
    term_id integer
);

-- Postings: one row per (term, document). They are appended in term order, so DuckDB's
-- row-group min/max statistics skip everything but the query's terms; postings of small loads
-- wait unsorted in search_postings_recent until there are enough to append in order.
create table search_postings (
    term_id integer,
    docid   bigint,
    tf      integer
);

create table search_postings_recent (
    term_id integer,
    docid   bigint,
    tf      integer
);

create table search_stopwords (word varchar);

insert into search_stopwords values
    ('a'), ('about'), ('above'), ('after'), ('again'), ('against'), ('all'), ('am'), ('an'),
    ('and'), ('any'), ('are'), ('as'), ('at'), ('be'), ('because'), ('been'), ('before'),
    ('being'), ('below'), ('between'), ('both'), ('but'), ('by'), ('can'), ('could'), ('did'),
    ('do'), ('does'), ('doing'), ('down'), ('during'), ('each'), ('few'), ('for'), ('from'),
    ('further'), ('had'), ('has'), ('have'), ('having'), ('he'), ('her'), ('here'), ('hers'),
    ('herself'), ('him'), ('himself'), ('his'), ('how'), ('i'), ('if'), ('in'), ('into'),
    ('is'), ('it'), ('its'), ('itself'), ('just'), ('me'), ('more'), ('most'), ('my'),
    ('myself'), ('no'), ('nor'), ('not'), ('now'), ('of'), ('off'), ('on'), ('once'), ('only'),
    ('or'), ('other'), ('our'), ('ours'), ('ourselves'), ('out'), ('over'), ('own'), ('same'),
    ('she'), ('should'), ('so'), ('some'), ('such'), ('than'), ('that'), ('the'), ('their'),
    ('theirs'), ('them'), ('themselves'), ('then'), ('there'), ('these'), ('they'), ('this'),
    ('those'), ('through'), ('to'), ('too'), ('under'), ('until'), ('up'), ('very'), ('was'),
    ('we'), ('were'), ('what'), ('when'), ('where'), ('which'), ('while'), ('who'), ('whom'),
    ('why'), ('will'), ('with'), ('would'), ('you'), ('your'), ('yours'), ('yourself'),
    ('yourselves'), ('s'), ('t'), ('said'), ('also');

-- Warehouses loaded before this migration: index every article at the next load.
insert into model_refresh_queue select 'search_index' where exists (select 1 from articles);

-- Ids handed out so far. Document ids are never reused: postings of replaced documents stay
-- behind, unreachable, until a rebuild.
create table search_meta (next_docid bigint, next_term_id integer);
insert into search_meta values (1, 1);
