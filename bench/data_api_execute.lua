-- wrk: the RDS Data API's ExecuteStatement (POST /Execute), the 20-row page of the blog's posts.
--   wrk -s bench/data_api_execute.lua URL
wrk.method = "POST"
wrk.path = "/Execute"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"resourceArn":"arn:aws:rds:us-east-1:123456789012:cluster:bench",' ..
    '"secretArn":"arn:aws:secretsmanager:us-east-1:123456789012:secret:bench",' ..
    '"sql":"SELECT id, user_id, title, slug, description, hits, created_at, updated_at FROM posts ORDER BY id LIMIT 20"}'
