-- wrk script of bench/bench_registrations.py: every member posts once. Each request carries
-- one member's session cookie and CSRF token, read from a file with one "session-key csrf"
-- line per member; wrk opens one connection per member and sends each line's POST once.
-- Arguments (after --): the file, the path, the session and the CSRF cookie names.
-- At the end one line "BENCH-ONCE {json}": the answers by status, the time from the first
-- request sent to the last answer received (µs, on the monotonic clock) and how many were
-- sent. The run stops as soon as every member has an answer.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]
local clock = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + math.floor(tonumber(clock.tv_nsec) / 1000)
end

local posts = {}
local reserved, sent, answered = 0, 0, 0
local first_sent_us, last_answer_us = 0, 0
local statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local file, path, session_name, csrf_name = args[1], args[2], args[3], args[4]
  for line in io.lines(file) do
    local key, csrf = line:match("^(%S+)%s+(%S+)$")
    if key then
      table.insert(posts, wrk.format("POST", path, {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["Cookie"] = session_name .. "=" .. key .. "; " .. csrf_name .. "=" .. csrf,
      }, "csrfmiddlewaretoken=" .. csrf .. "&dietary_needs="))
    end
  end
end

-- wrk asks delay() before every request of a connection, its first one too: each member's
-- POST is handed out once; a connection asking again after that waits beyond the run.
function delay()
  if reserved >= #posts then
    return 3600000
  end
  reserved = reserved + 1
  return 0
end

function request()
  -- wrk asks the first thread for one request before the run, to check it: that one is
  -- never sent, and no delay() came before it.
  if reserved == 0 then
    return posts[1]
  end
  sent = sent + 1
  if sent == 1 then
    first_sent_us = now_us()
  end
  return posts[sent]
end

local function report()
  local parts = {}
  for status, count in pairs(statuses) do
    table.insert(parts, string.format("\"%d\": %d", status, count))
  end
  return string.format(
    "BENCH-ONCE {\"sent\": %d, \"answered\": %d, \"first_sent_us\": %d, " ..
    "\"last_answer_us\": %d, \"statuses\": {%s}}",
    sent, answered, first_sent_us, last_answer_us, table.concat(parts, ", "))
end

function response(status, headers, body)
  answered = answered + 1
  last_answer_us = now_us()
  statuses[status] = (statuses[status] or 0) + 1
  if answered >= #posts then
    -- wrk's main thread would sleep out the whole duration: report and end the process.
    io.write("\n" .. report() .. "\n")
    io.stdout:flush()
    os.exit(0)
  end
end

-- Only reached when some member got no answer before the duration ran out.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "\nBENCH-UNFINISHED {\"requests\": %d, \"connect\": %d, \"read\": %d, \"write\": %d, " ..
    "\"status\": %d, \"timeout\": %d}\n",
    summary.requests, e.connect, e.read, e.write, e.status, e.timeout))
  for _, thread in ipairs(threads) do
    io.write(string.format("BENCH-THREAD sent %s answered %s\n",
      tostring(thread:get("sent")), tostring(thread:get("answered"))))
  end
end
