-- Search index, step 2: the terms of each distinct whitespace-separated token of a batch
-- (`search_raw`, Arrow from Python: i, token, part: the first block of documents it is in).
-- A token gives none (a stop word, punctuation), one, or several terms ("north-korea's" ->
-- north, korea). Lower-cased, accents stripped, split on anything but letters and digits, stop
-- words dropped, Porter-stemmed: _search.sql treats queries the same way.
with
words as (
    select i, part, unnest(regexp_split_to_array(lower(strip_accents(token)), '[^\pL\pN]+')) as word
    from search_raw
),

kept as (
    select i, part, word
    from words
    where word <> '' and word not in (select word from search_stopwords)
)

select i, part, stem(word, 'porter') as term from kept;
