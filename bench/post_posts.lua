-- wrk: POST /posts, each request with a slug of its own (slugs are unique, 1 to 20 of a-z, 0-9, '-'),
-- with the bearer token the blog's write routes require (checked on every request, as in production).
--   wrk -s bench/post_posts.lua URL -- TOKEN ROUND
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
  if not args[1] or args[1] == "" then error("post_posts.lua: give the bearer token: wrk -s post_posts.lua URL -- TOKEN ROUND") end
  headers["Authorization"] = "Bearer " .. args[1]
  prefix = "r" .. (args[2] or "1") .. "t" .. (thread_number or 1) .. "-"
end

function request()
  counter = counter + 1
  local body = '{"title":"Benchmark post ' .. counter .. '","slug":"' .. prefix .. counter ..
      '","user_id":"344d117ea9f1","description":"Written by wrk"}'
  return wrk.format("POST", "/posts", headers, body)
end
