-- Delete the mentions collected by _load_touch.sql, by rowid (no second pass over the table).
delete from mentions where rowid in (select mention_rowid from touched_mentions);
