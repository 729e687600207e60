-- wrk script for benchmarks/api_load.py: rotates citizen ids and sends the API key.
-- Paced per connection (exponential gaps, mean = connections / rate), so the offered load
-- is about RATE requests/s whatever the server does; done() prints JSON for the script.
local ids, key, gap_ms = {}, os.getenv("SOHOA_BENCH_KEY"), tonumber(os.getenv("SOHOA_BENCH_GAP_MS"))
for line in io.lines(os.getenv("SOHOA_BENCH_IDS")) do ids[#ids + 1] = line end
local counter = 0

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
  counter = math.random(#ids)
end

function delay()
  return math.floor(-math.log(1 - math.random()) * gap_ms)
end

function request()
  counter = counter % #ids + 1
  return wrk.format("GET", "/v1/citizens/" .. ids[counter] .. "/records?limit=20",
                    {["Authorization"] = "Bearer " .. key})
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
