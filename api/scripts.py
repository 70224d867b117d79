"""Lua scripts for the run lifecycle: each state change that touches more than one key is one atomic step.

The requeue script derives run and lock keys from the entries it moves, so the queue needs a single Redis
(or a cluster with every ``P:*`` key in one hash slot); the checkpointer has the same constraint.
"""

from __future__ import annotations

# KEYS: lock   ARGV: run_id
RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# KEYS: lock   ARGV: run_id, ttl_ms
EXTEND_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""

# KEYS: run, inflight, lock, lease, queue   ARGV: entry, worker_id, now, lock_ttl_ms, run_id, busy_error_json, ttl_s
# -> HGETALL of the claimed run, or a status string when the entry is skipped.
# A worker without a lease (stalled, not yet re-registered) takes nothing: the entry goes back to the head of the
# queue. Otherwise a reaper would requeue what it just claimed, and the run would be claimed a third time.
CLAIM = """
if redis.call('EXISTS', KEYS[4]) == 0 then
  redis.call('LREM', KEYS[2], 1, ARGV[1])
  redis.call('RPUSH', KEYS[5], ARGV[1])
  return 'no_lease'
end
local st = redis.call('HGET', KEYS[1], 'status')
if not st then
  redis.call('LREM', KEYS[2], 1, ARGV[1])
  return 'gone'
end
if st ~= 'pending' then
  redis.call('LREM', KEYS[2], 1, ARGV[1])
  return st
end
local holder = redis.call('GET', KEYS[3])
if holder and holder ~= ARGV[5] then
  redis.call('HSET', KEYS[1], 'status', 'error', 'updated_at', ARGV[3], 'error', ARGV[6])
  redis.call('LREM', KEYS[2], 1, ARGV[1])
  return 'busy'
end
redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[7])
redis.call('HINCRBY', KEYS[1], 'attempt', 1)
redis.call('HSET', KEYS[1], 'status', 'running', 'worker', ARGV[2], 'updated_at', ARGV[3])
return redis.call('HGETALL', KEYS[1])
"""

# KEYS: run, thread, lock, inflight, events, done
# ARGV: worker_id, attempt, entry, run_id, status, now, result_json, thread_status, values_json,
#       interrupts_json, error_json, ttl_s, end_json
# Fenced: a worker that lost its lease (and whose run was requeued) changes nothing.
FINISH = """
local owner = redis.call('HMGET', KEYS[1], 'worker', 'attempt')
if owner[1] ~= ARGV[1] or owner[2] ~= ARGV[2] then
  redis.call('LREM', KEYS[4], 1, ARGV[3])
  return 0
end
redis.call('HSET', KEYS[1], 'status', ARGV[5], 'updated_at', ARGV[6], 'result', ARGV[7], 'error', ARGV[11])
redis.call('HDEL', KEYS[1], 'cancel')
redis.call('EXPIRE', KEYS[1], ARGV[12])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[2], 'status', ARGV[8], 'updated_at', ARGV[6], 'values', ARGV[9],
             'interrupts', ARGV[10])
  redis.call('EXPIRE', KEYS[2], ARGV[12])
end
if redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end
redis.call('LREM', KEYS[4], 1, ARGV[3])
redis.call('XADD', KEYS[5], 'MAXLEN', '~', '10000', '*', 'e', 'end', 'd', ARGV[13])
redis.call('EXPIRE', KEYS[5], ARGV[12])
redis.call('XADD', KEYS[6], '*', 's', ARGV[5], 'r', ARGV[7])
redis.call('EXPIRE', KEYS[6], ARGV[12])
return 1
"""

# KEYS: run, queue, lock, thread, events, done
# ARGV: entry, run_id, now, thread_status, end_json, ttl_s
# -> 'interrupted' (was pending: cancelled here), 'cancelling' (running: the worker stops at its next step),
#    the terminal status, or false when the run does not exist.
CANCEL = """
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return false end
if st == 'pending' then
  redis.call('LREM', KEYS[2], 0, ARGV[1])
  redis.call('HSET', KEYS[1], 'status', 'interrupted', 'updated_at', ARGV[3], 'result', '{}')
  if redis.call('GET', KEYS[3]) == ARGV[2] then
    redis.call('DEL', KEYS[3])
    if redis.call('EXISTS', KEYS[4]) == 1 then
      redis.call('HSET', KEYS[4], 'status', ARGV[4], 'updated_at', ARGV[3])
    end
  end
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', '10000', '*', 'e', 'end', 'd', ARGV[5])
  redis.call('EXPIRE', KEYS[5], ARGV[6])
  redis.call('XADD', KEYS[6], '*', 's', 'interrupted', 'r', '{}')
  redis.call('EXPIRE', KEYS[6], ARGV[6])
  return 'interrupted'
end
if st == 'running' then
  redis.call('HSET', KEYS[1], 'cancel', '1')
  return 'cancelling'
end
return st
"""

# KEYS: lease, inflight, queue, workers   ARGV: worker_id, prefix, pending_lock_ttl_ms, now, ttl_s
# Hands a dead worker's claimed runs back to the queue (next in line), keeping their thread locks alive.
REQUEUE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local n = 0
while true do
  local e = redis.call('LMOVE', KEYS[2], KEYS[3], 'RIGHT', 'RIGHT')
  if not e then break end
  local sp = string.find(e, ' ', 1, true)
  if sp then
    local rid = string.sub(e, 1, sp - 1)
    local tid = string.sub(e, sp + 1)
    local rk = ARGV[2] .. ':run:' .. rid
    if redis.call('HGET', rk, 'status') == 'running' then
      redis.call('HSET', rk, 'status', 'pending', 'updated_at', ARGV[4])
    end
    local lk = ARGV[2] .. ':thread:' .. tid .. ':lock'
    if redis.call('GET', lk) == rid then redis.call('PEXPIRE', lk, ARGV[3]) end
  end
  n = n + 1
end
if n > 0 then redis.call('EXPIRE', KEYS[3], ARGV[5]) end
redis.call('SREM', KEYS[4], ARGV[1])
return n
"""

# KEYS: thread, tenant_threads   ARGV: ttl_s, score, tid, field1, value1, ...   -> 1 created, 0 exists
CREATE_THREAD = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
"""

# KEYS: lock, thread, run, thread_runs, queue, tenant_threads
# ARGV: run_id, tenant, lock_ttl_ms, ttl_s, score, now, entry, field1, value1, ...
# A new-input run in one step: 'busy' if the thread is held, 'interrupted' if it is parked at an interrupt,
# 'not_found' if it is not the tenant's, else the run is recorded and queued ('ok').
ENQUEUE_INPUT = """
if redis.call('HGET', KEYS[2], 'tenant') ~= ARGV[2] then return 'not_found' end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'busy' end
if redis.call('HGET', KEYS[2], 'status') == 'interrupted' then return 'interrupted' end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
for i = 8, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[3], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
redis.call('EXPIRE', KEYS[4], ARGV[4])
redis.call('HSET', KEYS[2], 'status', 'busy', 'updated_at', ARGV[6], 'last_run_id', ARGV[1])
redis.call('LPUSH', KEYS[5], ARGV[7])
redis.call('EXPIRE', KEYS[5], ARGV[4])
redis.call('EXPIRE', KEYS[6], ARGV[4])
return 'ok'
"""

# KEYS: run, inflight, queue   ARGV: entry, worker_id, now, ttl_s
# A worker that lost its lease gives back a run it still owns (not yet re-claimed elsewhere): next in line.
ABANDON = """
redis.call('LREM', KEYS[2], 1, ARGV[1])
local owner = redis.call('HMGET', KEYS[1], 'worker', 'status')
if owner[1] ~= ARGV[2] or owner[2] ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'pending', 'updated_at', ARGV[3])
redis.call('RPUSH', KEYS[3], ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[4])
return 1
"""
