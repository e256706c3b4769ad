-- wrk script of bench/wrk.py: at the end, wrk's figures as one JSON line (times in µs),
-- with the 95th percentile that wrk's own --latency table leaves out.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "\nBENCH-JSON {\"requests\": %d, \"duration_us\": %d, \"bytes\": %d, " ..
    "\"connect\": %d, \"read\": %d, \"write\": %d, \"status\": %d, \"timeout\": %d, " ..
    "\"p50_us\": %d, \"p95_us\": %d, \"p99_us\": %d, \"max_us\": %d}\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
