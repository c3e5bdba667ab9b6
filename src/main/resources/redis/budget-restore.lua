-- Puts back the reservations one instance holds and has not settled (dev.caravan.budget.RedisLedger) after Redis lost
-- them (a restart with nothing on disk, a flush, an eviction), seeding lost accounts from the usage records in the
-- same step, then sets the instance's marker again. Safe to repeat: a lease still present is not counted twice.
-- KEYS: per account the instance holds reservations on, its account then its leases (as in budget-reserve.lua);
--       last, the instance's marker
-- ARGV: now (ms), marker time to live (ms), number of accounts,
--       then per account: seed (nano-USD, -1 = unknown), time to live (ms, 0 = forever),
--       then per reservation: its account's number, its lease deadline (ms), its lease ("<request id>:<nano-USD>")
-- Returns {1, reservations put back}; {-1, account, ...} accounts missing, call again with seeds.
local now = tonumber(ARGV[1])
local accounts = tonumber(ARGV[3])

local function arg(i, n)
  return ARGV[3 + (i - 1) * 2 + n]
end

local missing = {-1}
for i = 1, accounts do
  if redis.call('EXISTS', KEYS[2 * i - 1]) == 0 and tonumber(arg(i, 1)) < 0 then
    missing[#missing + 1] = i
  end
end
if #missing > 1 then
  return missing
end

for i = 1, accounts do
  if redis.call('EXISTS', KEYS[2 * i - 1]) == 0 then
    -- leases that outlived their account (only the hash was evicted) still hold: count them from the start
    local reserved = 0
    for _, lease in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2 * i], '(' .. now, '+inf')) do
      reserved = reserved + tonumber(string.match(lease, ':(%d+)$'))
    end
    redis.call('HSET', KEYS[2 * i - 1], 'spent', tonumber(arg(i, 1)), 'reserved', reserved)
  end
end

local restored = 0
for r = 4 + 2 * accounts, #ARGV, 3 do
  local i = tonumber(ARGV[r])
  local deadline = tonumber(ARGV[r + 1])
  -- a lapsed lease stays lapsed; one Redis still has was never lost and is already in 'reserved'
  if deadline > now and redis.call('ZADD', KEYS[2 * i], 'NX', deadline, ARGV[r + 2]) == 1 then
    redis.call('HINCRBY', KEYS[2 * i - 1], 'reserved', tonumber(string.match(ARGV[r + 2], ':(%d+)$')))
    restored = restored + 1
  end
end

for i = 1, accounts do
  local ttl = tonumber(arg(i, 2))
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[2 * i - 1], ttl)
    redis.call('PEXPIRE', KEYS[2 * i], ttl)
  end
end
redis.call('SET', KEYS[#KEYS], '1', 'PX', tonumber(ARGV[2]))
return {1, restored}
