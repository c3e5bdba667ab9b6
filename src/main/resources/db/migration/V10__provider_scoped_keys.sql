-- scoped keys, part 2 (dev.caravan.identity.Scope#providers): the providers that may serve a key's requests,
-- comma-separated provider ids (anthropic,openai); NULL limits nothing, so every key issued before keeps its reach.
ALTER TABLE api_keys ADD COLUMN allowed_providers VARCHAR(1000);
