-- wrk script of bench/run.sh: coverage lookups GET /v1/devices/{imei}/coverage, one request line per subscriber.
--
--   wrk -t2 -c64 -d20s --latency -s bench/coverage.lua URL -- REQUESTS-FILE MODE [ZIPF-S]
--
-- REQUESTS-FILE (written by bench/benchtool.py requests): one request per line, "PATH<TAB>AUTHORIZATION", where
-- AUTHORIZATION is the whole header value ("Bearer eyJ…"), or empty for none. Line k is subscriber k of the seed
-- manifest: with an operator token every line carries the same header; with subscriber tokens each line carries
-- its own subscriber's token, for that subscriber's device.
-- MODE: uniform  every request picks a line uniformly at random;
--       zipf     P(line k) proportional to 1 / (k+1)^s (s = ZIPF-S, default 1.1, the load tool's default): the CDF
--                is computed once per thread in init() and each request binary-searches it, so the first lines
--                are the hottest, as in tools/LoadTest's ZipfSampler;
--       once     thread t of T takes lines t, t+T, t+2T, … in order and then starts again: every subscriber is
--                looked up once before any twice (the warm-up that activates every subscriber's grains).
-- Each thread prebuilds every request string in init(), so request() is a table lookup (wrk's SCRIPTING advice).
-- done() prints one line "wrk-json {…}" with the exact counts and percentiles (microseconds), which
-- bench/benchtool.py reads besides wrk's own text report.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
  -- Every thread learns the final count: setup() runs for all threads before any starts.
  for _, t in ipairs(threads) do
    t:set("nthreads", #threads)
  end
end

local requests = {}
local count = 0
local cdf = nil
local pick = nil
local next_index = 0

local function load_requests(file)
  local handle = assert(io.open(file, "r"), "cannot open " .. tostring(file))
  for line in handle:lines() do
    local path, auth = line:match("^([^\t]+)\t?(.*)$")
    if path then
      local headers = {}
      if auth ~= "" then
        headers["Authorization"] = auth
      end
      count = count + 1
      requests[count] = wrk.format("GET", path, headers)
    end
  end
  handle:close()
  assert(count > 0, "no requests in " .. file)
end

local function zipf_table(n, s)
  local t, sum = {}, 0.0
  for k = 1, n do
    sum = sum + 1.0 / ((k) ^ s)
    t[k] = sum
  end
  for k = 1, n do
    t[k] = t[k] / sum
  end
  t[n] = 1.0
  return t
end

function init(args)
  local file, mode, s = args[1], args[2] or "uniform", tonumber(args[3] or "1.1")
  load_requests(file)
  math.randomseed(os.time() * 7919 + (id or 1) * 104729)
  if mode == "uniform" then
    pick = function() return math.random(count) end
  elseif mode == "zipf" then
    cdf = zipf_table(count, s)
    pick = function()
      -- The first k whose cumulative probability exceeds u.
      local u, lo, hi = math.random(), 1, count
      while lo < hi do
        local mid = math.floor((lo + hi) / 2)
        if cdf[mid] > u then hi = mid else lo = mid + 1 end
      end
      return lo
    end
  elseif mode == "once" then
    local step = nthreads or 1
    next_index = (id or 1) - step
    pick = function()
      next_index = next_index + step
      if next_index > count then next_index = next_index - count end
      return next_index
    end
  else
    error("MODE must be uniform, zipf or once, not " .. tostring(mode))
  end
end

function request()
  return requests[pick()]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'wrk-json {"requests":%d,"durationUs":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
end
