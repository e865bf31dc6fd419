-- gdelt_day(date_precision, event_date, published_date): the day GDELT files an event under:
-- the event's own date when the text gives the day, else the article's UTC publication day
-- (else whatever date the text gives). One rule for stg_story_events and the loads that find
-- which groups of fct_story_events to rebuild (_story_groups_of.sql).
create or replace macro gdelt_day(date_precision, event_date, published_date) as
    case
        when date_precision = 'day' and event_date is not null then event_date
        else coalesce(published_date, event_date)
    end;
