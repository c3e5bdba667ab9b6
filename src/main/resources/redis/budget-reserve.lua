-- Admits a request under all its budgets at once, or under none (dev.caravan.budget.RedisLedger).
-- KEYS: per budget line, its account (a hash: spent, reserved, alert:<pct>) then its leases (a sorted set of
--       "<request id>:<nano-USD>" scored by the lease deadline), i.e. KEYS[2i-1], KEYS[2i]; last, the calling
--       instance's marker (see budget-restore.lua)
-- ARGV: request id, now (ms), lease deadline (ms), worst case (nano-USD),
--       then per line: limit (nano-USD), hard (1|0), seed (nano-USD, -1 = unknown), time to live (ms, 0 = forever)
-- Returns {1} admitted; {0, line, spent, reserved} refused; {-1, line, ...} accounts missing, call again with seeds;
--         {-2} the instance's marker is gone: Redis may have lost its reservations, restore them and call again.
local now = tonumber(ARGV[2])
local worst = tonumber(ARGV[4])
local lines = (#KEYS - 1) / 2
local marker = KEYS[#KEYS]

-- checked before anything is seeded: an account seeded now, without this instance's held reservations, would admit
-- against a budget that is in fact partly held
if redis.call('EXISTS', marker) == 0 then
  return {-2}
end
-- the marker lives as long as a lease: once it lapses unrefreshed, every reservation it stood for has lapsed too
redis.call('PEXPIRE', marker, tonumber(ARGV[3]) - now)

local function arg(i, n)
  return ARGV[4 + (i - 1) * 4 + n]
end

local function keep(i)
  local ttl = tonumber(arg(i, 4))
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[2 * i - 1], ttl)
    redis.call('PEXPIRE', KEYS[2 * i], ttl)
  end
end

local missing = {-1}
for i = 1, lines do
  if redis.call('EXISTS', KEYS[2 * i - 1]) == 0 then
    local seed = tonumber(arg(i, 3))
    if seed < 0 then
      missing[#missing + 1] = i
    else
      redis.call('HSET', KEYS[2 * i - 1], 'spent', seed, 'reserved', 0)
      keep(i)
    end
  end
end
if #missing > 1 then
  return missing
end

for i = 1, lines do
  local account = KEYS[2 * i - 1]
  local hard = arg(i, 2) == '1'
  if hard then
    -- reservations of requests that never settled (an instance that died mid-request) lapse at their deadline
    local lapsed = redis.call('ZRANGEBYSCORE', KEYS[2 * i], '-inf', now)
    if #lapsed > 0 then
      local sum = 0
      for _, lease in ipairs(lapsed) do
        sum = sum + tonumber(string.match(lease, ':(%d+)$'))
      end
      redis.call('ZREMRANGEBYSCORE', KEYS[2 * i], '-inf', now)
      redis.call('HINCRBY', account, 'reserved', -sum)
    end
  end
  local spent = tonumber(redis.call('HGET', account, 'spent') or '0')
  local reserved = tonumber(redis.call('HGET', account, 'reserved') or '0')
  local limit = tonumber(arg(i, 1))
  if (hard and spent + reserved + worst > limit) or (not hard and spent >= limit) then
    return {0, i, spent, reserved}
  end
end

for i = 1, lines do
  if arg(i, 2) == '1' then
    redis.call('HINCRBY', KEYS[2 * i - 1], 'reserved', worst)
    redis.call('ZADD', KEYS[2 * i], tonumber(ARGV[3]), ARGV[1] .. ':' .. worst)
    keep(i)
  end
end
return {1}
