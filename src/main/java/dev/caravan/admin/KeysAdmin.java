package dev.caravan.admin;

import dev.caravan.audit.AuditLog;
import dev.caravan.audit.AuditTarget;
import dev.caravan.error.GatewayException;
import dev.caravan.identity.RateLimit;
import dev.caravan.identity.Scope;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.IssuedKey;
import dev.caravan.keys.KeyStore;
import dev.caravan.routing.ProviderRegistry;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * {@code /v1/admin/keys}: gateway keys. The secret is in the answer to the create call and nowhere else, ever: the
 * database holds its SHA-256 and its first characters. A revoked key stays listed (usage records name it) and is
 * refused on every replica within a second.
 */
@Component("keysAdmin")
public class KeysAdmin {

    private final KeyStore store;
    private final AuditLog audit;
    private final ProviderRegistry providers;

    public KeysAdmin(KeyStore store, AuditLog audit, ProviderRegistry providers) {
        this.store = store;
        this.audit = audit;
        this.providers = providers;
    }

    /** A key in the audit log: its settings, not its prefix (a piece of the secret) and never the secret. */
    private static AuditTarget audited(ApiKey key) {
        return AuditTarget.of("key", key.id(), KeyView.of(key, null)).without("prefix");
    }

    /**
     * {@code POST}: {@code {"name", "projectId"?, "rateLimit"?, "models"?, "providers"?, "apis"?, "expiresAt"?}}. The scope is set
     * here once: narrowing a key later would leave clients holding a credential that changed meaning under them, so
     * a different scope is a new key.
     */
    public void create(Exchange exchange) {
        AdminRequest request = AdminRequest.body(exchange, "name", "projectId", "rateLimit", "models", "providers",
                "apis", "expiresAt");
        String name = request.text("name", true);
        String projectId = request.text("projectId", false);
        RateLimit limit = request.rateLimit("rateLimit");
        Scope scope = scope(request);
        if (projectId != null && store.project(projectId).isEmpty()) {
            throw GatewayException.invalid("'projectId': no project has the id '" + projectId + "'.",
                    "projectId");
        }
        IssuedKey issued = audit.change(exchange, "key.create",
                () -> store.issueKey(name, projectId, limit == null ? RateLimit.NONE : limit, scope),
                created -> audited(created.key()));
        AdminResponse.write(exchange, 201, KeyView.of(issued.key(), issued.secret()));
    }

    private Scope scope(AdminRequest request) {
        List<String> models = request.strings("models");
        List<String> apis = request.strings("apis");
        Instant expiresAt = request.futureInstant("expiresAt", Instant.now());
        Scope scope;
        try {
            scope = Scope.of(models, apis, expiresAt).withProviders(request.strings("providers"));
        } catch (Scope.Invalid e) {
            throw GatewayException.invalid(e.getMessage(), e.part());
        }
        if (scope.providers() != null) {
            for (String provider : scope.providers()) {
                String refused = providers.notAProvider(provider);
                if (refused != null) {
                    throw GatewayException.invalid("'providers': " + refused, "providers");
                }
            }
        }
        return scope;
    }

    /** {@code GET}, optionally {@code ?projectId=}. */
    public void list(Exchange exchange) {
        AdminResponse.list(exchange, store.keys(AdminRequest.query(exchange, "projectId")).stream()
                .map(key -> KeyView.of(key, null)).toList());
    }

    public void get(Exchange exchange) {
        String id = AdminRequest.id(exchange);
        AdminResponse.ok(exchange, KeyView.of(store.key(id).orElseThrow(() -> AdminResponse.notFound("key", id)),
                null));
    }

    /** {@code PATCH}: {@code {"name"?, "rateLimit"?}}; {@code "rateLimit": null} removes the limit. */
    public void update(Exchange exchange) {
        String id = AdminRequest.id(exchange);
        AdminRequest request = AdminRequest.body(exchange, "name", "rateLimit");
        String name = request.text("name", false);
        RateLimit limit = request.rateLimit("rateLimit");
        ApiKey key = audit.change(exchange, "key.update", () -> store.updateKey(id, name, limit),
                        updated -> updated.map(k -> audited(k).changed(request.fields())).orElse(null))
                .orElseThrow(() -> AdminResponse.notFound("key", id));
        AdminResponse.ok(exchange, KeyView.of(key, null));
    }

    /** {@code DELETE}: revokes the key; it stays listed with {@code revokedAt}. */
    public void revoke(Exchange exchange) {
        String id = AdminRequest.id(exchange);
        ApiKey revoked = audit.change(exchange, "key.revoke", () -> store.revoke(id),
                        key -> key.map(KeysAdmin::audited).orElse(null))
                .orElseThrow(() -> AdminResponse.notFound("key", id));
        AdminResponse.ok(exchange, KeyView.of(revoked, null));
    }

    /**
     * @param prefix    the secret's first characters, to tell keys apart
     * @param rateLimit absent when the key has none of its own
     * @param revokedAt absent while the key is active
     * @param models    the model ids and globs it may use; absent when any
     * @param providers the providers that may serve it; absent when any
     * @param apis      the APIs it may call; absent when any
     * @param expiresAt when it stops being accepted; absent when never
     * @param secret    the key itself: only in the answer to the create call
     */
    record KeyView(String id, String name, String prefix, String projectId, RateLimit rateLimit, String createdAt,
                   String revokedAt, List<String> models, Collection<String> providers, Collection<String> apis,
                   String expiresAt, String secret) {

        static KeyView of(ApiKey key, String secret) {
            Scope scope = key.scope();
            return new KeyView(key.id(), key.name(), key.prefix(), key.projectId(),
                    key.rateLimit().limited() ? key.rateLimit() : null, key.createdAt().toString(),
                    key.revokedAt() == null ? null : key.revokedAt().toString(), scope.models(), scope.providers(),
                    scope.apis(),
                    scope.expiresAt() == null ? null : scope.expiresAt().toString(), secret);
        }

        @Override
        public String toString() {
            return "KeyView[" + id + "]";
        }
    }
}
