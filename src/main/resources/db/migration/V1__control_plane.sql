-- Caravan's control plane: projects, gateway keys, budgets and the usage record of every request.
-- Written once for both stores: H2 (in PostgreSQL mode, the embedded default) and PostgreSQL.
-- Money is NUMERIC USD with 10 decimals (a token of a cheap model costs fractions of a micro-dollar).

CREATE TABLE projects (
    id                  VARCHAR(64)  PRIMARY KEY,
    name                VARCHAR(200) NOT NULL,
    requests_per_minute BIGINT,
    tokens_per_minute   BIGINT,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

-- the secret is never stored: only its SHA-256 (hex) and a short prefix to tell keys apart in listings
CREATE TABLE api_keys (
    id                  VARCHAR(64)  PRIMARY KEY,
    name                VARCHAR(200),
    key_hash            CHAR(64)     NOT NULL UNIQUE,
    key_prefix          VARCHAR(16)  NOT NULL,
    project_id          VARCHAR(64)  REFERENCES projects (id),
    requests_per_minute BIGINT,
    tokens_per_minute   BIGINT,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at          TIMESTAMP WITH TIME ZONE
);

-- scope: key | project | user; subject: the key id, project id or user name; period: daily | weekly | monthly | none
-- mode: soft | hard; alert_thresholds: percentages, comma-separated ("50,80,100")
CREATE TABLE budgets (
    id               VARCHAR(64)    PRIMARY KEY,
    scope            VARCHAR(16)    NOT NULL,
    subject          VARCHAR(200)   NOT NULL,
    limit_usd        NUMERIC(20, 10) NOT NULL,
    period           VARCHAR(16)    NOT NULL,
    mode             VARCHAR(8)     NOT NULL,
    alert_thresholds VARCHAR(200),
    webhook_url      VARCHAR(2000),
    include_byok     BOOLEAN        NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    UNIQUE (scope, subject)
);

-- one row per request, served or not; outcome: success | error | cancelled (the client went away)
CREATE TABLE usage_records (
    id                 VARCHAR(48)    PRIMARY KEY,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    key_id             VARCHAR(64),
    project_id         VARCHAR(64),
    end_user           VARCHAR(200),
    requested_model    VARCHAR(200),
    served_model       VARCHAR(200),
    provider           VARCHAR(64),
    provider_model     VARCHAR(200),
    attempts           TEXT,
    input_tokens       BIGINT,
    output_tokens      BIGINT,
    cached_read_tokens BIGINT,
    cache_write_tokens BIGINT,
    reasoning_tokens   BIGINT,
    tokens_estimated   BOOLEAN        NOT NULL DEFAULT FALSE,
    cost_usd           NUMERIC(20, 10),
    is_byok            BOOLEAN        NOT NULL DEFAULT FALSE,
    streamed           BOOLEAN        NOT NULL,
    outcome            VARCHAR(16)    NOT NULL,
    http_status        INTEGER        NOT NULL,
    error_code         VARCHAR(100),
    finish_reason      VARCHAR(40),
    latency_ms         BIGINT,
    ttft_ms            BIGINT
);
CREATE INDEX usage_records_created ON usage_records (created_at);
CREATE INDEX usage_records_key ON usage_records (key_id, created_at);
CREATE INDEX usage_records_project ON usage_records (project_id, created_at);
CREATE INDEX usage_records_user ON usage_records (end_user, created_at);

-- a request's tags, one row each, so reports can group by tag in plain SQL on both stores
CREATE TABLE usage_tags (
    usage_id VARCHAR(48)  NOT NULL REFERENCES usage_records (id) ON DELETE CASCADE,
    tag      VARCHAR(200) NOT NULL,
    PRIMARY KEY (usage_id, tag)
);
