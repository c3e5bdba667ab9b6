-- A project's requests use the gateway's response cache (dev.caravan.cache.ResponseCache) without asking for it per
-- request; a request's own providerOptions.gateway.cache (true or false) still wins. Off unless turned on.
ALTER TABLE projects ADD COLUMN cache_answers BOOLEAN NOT NULL DEFAULT FALSE;
