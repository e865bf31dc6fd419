-- Search index: forget the documents of deleted articles (`search_dropped`: article_id).
-- Their postings stay behind, unreachable, until a rebuild.
delete from search_docs where article_id in (select article_id from search_dropped);
