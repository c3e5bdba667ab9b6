-- The audit log: one row per admin change that was applied (a key issued, changed or revoked; a budget set, changed
-- or deleted; a project created or changed), written in the same transaction as the change, so a change is never
-- without its row nor a row without its change. Read by GET /v1/admin/audit (dev.caravan.audit).
-- actor: who, as the gateway knows it ("admin-key:" and a fingerprint of the admin key's hash); actor_label: what the
-- caller said of itself in x-caravan-actor, unverified; source_address: the client's address as the server saw it
-- (behind a proxy, with server.forward-headers-strategy set, the forwarded one); details: JSON of the change's
-- settings, chosen field by field so that no secret (a key, a webhook URL's path or query) is ever in it.
-- V9, not the free V5 or V7: a database that ran V8 would refuse an older version as out of order.
CREATE TABLE audit_log (
    id             VARCHAR(48)              PRIMARY KEY,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    actor          VARCHAR(100)             NOT NULL,
    actor_label    VARCHAR(100),
    source_address VARCHAR(64),
    user_agent     VARCHAR(200),
    action         VARCHAR(40)              NOT NULL,
    target_type    VARCHAR(20)              NOT NULL,
    target_id      VARCHAR(200)             NOT NULL,
    details        TEXT                     NOT NULL
);

CREATE INDEX audit_log_created ON audit_log (created_at, id);
CREATE INDEX audit_log_action ON audit_log (action, created_at, id);
CREATE INDEX audit_log_target ON audit_log (target_id, created_at, id);
CREATE INDEX audit_log_actor ON audit_log (actor, created_at, id);
