-- The object store of a lake on S3, for DuckDB's httpfs reads. Values are bound as variables
-- (a CREATE SECRET takes no parameters); the secret is temporary: it lives with the connection.
set variable newsetl_s3_key_id = $key_id;
set variable newsetl_s3_secret = $secret;
set variable newsetl_s3_region = $region;
set variable newsetl_s3_endpoint = $endpoint;
set variable newsetl_s3_url_style = $url_style;
set variable newsetl_s3_use_ssl = $use_ssl;
create or replace temporary secret newsetl_lake (
    type s3,
    key_id getvariable('newsetl_s3_key_id'),
    secret getvariable('newsetl_s3_secret'),
    region getvariable('newsetl_s3_region'),
    endpoint getvariable('newsetl_s3_endpoint'),
    url_style getvariable('newsetl_s3_url_style'),
    use_ssl getvariable('newsetl_s3_use_ssl')
);
