-- The request log (GET /v1/admin/requests, GET /v1/requests) reads usage records newest first, a page at a time, by
-- keyset on (created_at, id): each index below is led by what a filter (or a key's scope) fixes and ends in
-- (created_at, id), so a page is one backward walk from the cursor that stops after the page, however deep it is.
-- The (key_id, created_at) and (project_id, created_at) indexes of V1 are replaced by ones that end in id as well
-- (budgets' spend sums by key or project over a period use them as before); status and cost classes (5xx, min_cost)
-- are ranges and are filtered on the way. On PostgreSQL each CREATE INDEX holds off writes while it builds; usage
-- writes wait (or go to the spool) meanwhile, so migrate a large table at a quiet time.
DROP INDEX usage_records_created;
CREATE INDEX usage_records_time ON usage_records (created_at, id);
DROP INDEX usage_records_key;
CREATE INDEX usage_records_key_time ON usage_records (key_id, created_at, id);
DROP INDEX usage_records_project;
CREATE INDEX usage_records_project_time ON usage_records (project_id, created_at, id);
CREATE INDEX usage_records_requested_model_time ON usage_records (requested_model, created_at, id);
CREATE INDEX usage_records_served_model_time ON usage_records (served_model, created_at, id);
CREATE INDEX usage_records_provider_time ON usage_records (provider, created_at, id);
CREATE INDEX usage_records_status_time ON usage_records (http_status, created_at, id);
