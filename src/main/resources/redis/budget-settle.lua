-- Settles a request under its budgets (dev.caravan.budget.RedisLedger): releases its reservation on hard lines,
-- adds its real cost, and claims the alert thresholds the cost crossed (each once per budget and period).
-- KEYS: per budget line, its account then its leases, then the instance's marker, as in budget-reserve.lua
-- ARGV: request id, reserved (nano-USD), actual cost (nano-USD), marker time to live (ms),
--       then per line: limit (nano-USD), hard (1|0), time to live (ms, 0 = forever), alert thresholds ("50,80,100" or "")
-- Returns {1, line, threshold, spent, line, threshold, spent, ...} for the thresholds claimed;
--         {-2} the instance's marker is gone (as in budget-reserve.lua): nothing was changed.
local reserved = tonumber(ARGV[2])
local actual = tonumber(ARGV[3])
local marker = KEYS[#KEYS]
local claimed = {1}

local function arg(i, n)
  return ARGV[4 + (i - 1) * 4 + n]
end

-- the instance restores its other held reservations first, so that a budget seeded again counts them
if redis.call('EXISTS', marker) == 0 then
  return {-2}
end
redis.call('PEXPIRE', marker, tonumber(ARGV[4]))

for i = 1, (#KEYS - 1) / 2 do
  local account = KEYS[2 * i - 1]
  -- an account Redis no longer has (expired long after its period, or lost) is not recreated with this cost
  -- alone: the next admission seeds it from the usage records, which hold this cost too
  if redis.call('EXISTS', account) == 1 then
    -- a lease that lapsed was already taken off 'reserved' by budget-reserve.lua; never release twice
    if arg(i, 2) == '1' and redis.call('ZREM', KEYS[2 * i], ARGV[1] .. ':' .. reserved) == 1 then
      redis.call('HINCRBY', account, 'reserved', -reserved)
    end
    if actual > 0 then
      local spent = redis.call('HINCRBY', account, 'spent', actual)
      local limit = tonumber(arg(i, 1))
      for threshold in string.gmatch(arg(i, 4), '%d+') do
        if spent * 100 >= tonumber(threshold) * limit
            and redis.call('HSETNX', account, 'alert:' .. threshold, 1) == 1 then
          claimed[#claimed + 1] = i
          claimed[#claimed + 1] = tonumber(threshold)
          claimed[#claimed + 1] = spent
        end
      end
    end
    local ttl = tonumber(arg(i, 3))
    if ttl > 0 then
      redis.call('PEXPIRE', account, ttl)
    end
  end
end
return claimed
