-- scoped keys (dev.caravan.identity.Scope): what a key may do. NULL limits nothing, so every key issued before this
-- migration keeps doing what it did. allowed_models: model ids or globs (anthropic/*), comma-separated; allowed_apis:
-- API names (chat, messages, ...), comma-separated; expires_at: from then on the key is refused like a revoked one
ALTER TABLE api_keys ADD COLUMN allowed_models TEXT;
ALTER TABLE api_keys ADD COLUMN allowed_apis VARCHAR(200);
ALTER TABLE api_keys ADD COLUMN expires_at TIMESTAMP WITH TIME ZONE;
