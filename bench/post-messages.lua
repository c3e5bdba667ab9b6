-- wrk script: a small non-streamed Anthropic Messages request, the same bytes for every target (bench/run.sh's
-- Messages rows). BENCH_KEY and BENCH_MODEL come from the environment (bench/run.sh sets them); the key goes in
-- x-api-key, as Anthropic's SDKs send it. done() prints the same WRKRESULT line as bench/post.lua.
local key = os.getenv("BENCH_KEY") or "bench"
local model = os.getenv("BENCH_MODEL") or "anthropic/claude-sonnet-4.6"

wrk.method = "POST"
wrk.body = '{"model":"' .. model .. '","max_tokens":256,'
  .. '"messages":[{"role":"user","content":"Say hello in one short sentence."}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-api-key"] = key
wrk.headers["anthropic-version"] = "2023-06-01"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKRESULT requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
