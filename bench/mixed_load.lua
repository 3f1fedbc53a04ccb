-- wrk: the long-run load's mix. Out of every 20 requests: 14 GET /posts, 2 GET /posts/1,
-- 3 POST /posts (each with a slug of its own), 1 POST /posts/1/comments.
--   wrk -s bench/mixed_load.lua URL -- [AUTHORIZATION_HEADER_VALUE]
-- Counts answers by status; done() prints "status COUNT" lines for the script that ran it.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

local counter = 0
local headers = {["Content-Type"] = "application/json"}
statuses = {}

function init(args)
  if args[1] and args[1] ~= "" then headers["Authorization"] = args[1] end
end

function request()
  counter = counter + 1
  local slot = counter % 20
  if slot < 14 then
    return wrk.format("GET", "/posts")
  elseif slot < 16 then
    return wrk.format("GET", "/posts/1")
  elseif slot < 19 then
    local body = '{"title":"Load post ' .. counter .. '","slug":"l' .. (thread_number or 1) .. "-" .. counter ..
        '","description":"Written by the long run"}'
    return wrk.format("POST", "/posts", headers, body)
  end
  return wrk.format("POST", "/posts/1/comments", headers, '{"comment_text":"load comment ' .. counter .. '"}')
end

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done()
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do totals[status] = (totals[status] or 0) + count end
  end
  for status, count in pairs(totals) do io.write(string.format("status %d %d\n", status, count)) end
end
