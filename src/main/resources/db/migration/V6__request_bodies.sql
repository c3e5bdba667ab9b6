-- Request bodies, kept only for projects that turn it on (projects.log_bodies), each capped at
-- caravan.request-log.body-max-bytes and with anything shaped like a key replaced by "[redacted]". One row per usage
-- record that has them, written in the same batch (dev.caravan.usage.UsageStore); read by GET /v1/admin/requests/{id}.
-- request_body: the request as the gateway read it (JSON); response_body: the answer's text as it was assembled
-- (content, reasoning and tool-call arguments), for a stream and a whole answer alike; *_truncated: cut at the cap.
ALTER TABLE projects ADD COLUMN log_bodies BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE request_bodies (
    usage_id           VARCHAR(48) PRIMARY KEY,
    request_body       TEXT,
    request_truncated  BOOLEAN     NOT NULL DEFAULT FALSE,
    response_body      TEXT,
    response_truncated BOOLEAN     NOT NULL DEFAULT FALSE
);
