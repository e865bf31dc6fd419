-- Every publication day there is (for a full rebuild of the incremental models).
insert into refresh_days
select distinct coalesce(published_date, date '0001-01-01') from stg_articles;
