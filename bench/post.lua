-- wrk script: a small non-streamed OpenAI chat completion, the same bytes for every target.
-- BENCH_KEY and BENCH_MODEL come from the environment (bench/run.sh sets them).
-- done() prints one machine-readable WRKRESULT line that bench/run.sh parses.
local key = os.getenv("BENCH_KEY") or "bench"
local model = os.getenv("BENCH_MODEL") or "openai/gpt-5"

wrk.method = "POST"
wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"Say hello in one short sentence."}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKRESULT requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
