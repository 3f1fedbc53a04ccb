-- wrk: POST /posts, each request with a slug of its own (slugs are unique, 1 to 20 of a-z, 0-9, '-').
--   wrk -s bench/post_posts.lua URL -- ROUND
-- ROUND (a number) keeps the slugs of later rounds on the same database apart from earlier ones.
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local prefix
local counter = 0
local headers = {["Content-Type"] = "application/json"}

function init(args)
  prefix = "r" .. (args[1] or "1") .. "t" .. (thread_number or 1) .. "-"
end

function request()
  counter = counter + 1
  local body = '{"title":"Benchmark post ' .. counter .. '","slug":"' .. prefix .. counter ..
      '","user_id":"344d117ea9f1","description":"Written by wrk"}'
  return wrk.format("POST", "/posts", headers, body)
end
