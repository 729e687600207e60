-- wrk script for benchmarks/api_load.py: rotates citizen ids and sends the API key.
-- Open-loop pacing: the thread's connections draw send times from one Poisson arrival
-- process of mean gap GAP_MS (= 1000 / rate for one wrk thread), so the offered load is
-- RATE requests/s whatever the latency (a connection's wait is until the next free slot,
-- not a fixed gap after its response: that would lower the rate as latency grows). Only
-- when every connection is busy do slots fall behind: then the server is saturated.
-- done() prints JSON for the script. With SOHOA_BENCH_LOG set, every response appends
-- "<sent unix ms> <latency ms> <status>" to that file (the send time travels in the
-- X-Request-Id the server echoes back), for a per-second timeline of the tail.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } sohoa_timeval;
int gettimeofday(sohoa_timeval *tv, void *tz);
]]
local tv = ffi.new("sohoa_timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end
local ids, key, gap_ms = {}, os.getenv("SOHOA_BENCH_KEY"), tonumber(os.getenv("SOHOA_BENCH_GAP_MS"))
local next_slot = nil
for line in io.lines(os.getenv("SOHOA_BENCH_IDS")) do ids[#ids + 1] = line end
local counter = 0
local log_path, log = os.getenv("SOHOA_BENCH_LOG"), nil

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
  counter = math.random(#ids)
  if log_path and log_path ~= "" then
    log = io.open(log_path, "a")
    log:setvbuf("line")
  end
end

function delay()
  local now = now_ms()
  if next_slot == nil or next_slot < now - 1000 then next_slot = now end  -- no burst catch-up
  local slot = next_slot
  next_slot = next_slot + -math.log(1 - math.random()) * gap_ms
  return math.max(0, math.floor(slot - now))
end

function request()
  counter = counter % #ids + 1
  return wrk.format("GET", "/v1/citizens/" .. ids[counter] .. "/records?limit=20",
                    {["Authorization"] = "Bearer " .. key,
                     ["X-Request-Id"] = string.format("b%.3f", now_ms())})
end

if os.getenv("SOHOA_BENCH_LOG") and os.getenv("SOHOA_BENCH_LOG") ~= "" then
  function response(status, headers, body)
    local rid = headers["x-request-id"] or headers["X-Request-Id"] or ""
    local sent = tonumber(rid:sub(2))
    if sent and log then
      log:write(string.format("%.3f %.3f %d\n", sent, now_ms() - sent, status))
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "non2xx": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"mean_us": %.1f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
