package dev.caravan.keys;

import dev.caravan.controlplane.Change;
import dev.caravan.controlplane.ChangeFeed;
import dev.caravan.controlplane.ControlPlaneProperties;
import dev.caravan.controlplane.Ids;
import dev.caravan.controlplane.RequestPathJdbc;
import dev.caravan.identity.Caller;
import dev.caravan.identity.RateLimit;
import dev.caravan.identity.Scope;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Projects and gateway keys in the database ({@code projects}, {@code api_keys}). Every write announces itself on the
 * {@link ChangeFeed} once committed, so no replica keeps serving what it cached before.
 */
@Component
public class KeyStore {

    private static final String KEY_COLUMNS =
            "id, name, key_prefix, project_id, requests_per_minute, tokens_per_minute, created_at, revoked_at, "
                    + "allowed_models, allowed_apis, expires_at, allowed_providers";
    private static final String PROJECT_COLUMNS =
            "id, name, requests_per_minute, tokens_per_minute, created_at, log_bodies, cache_answers";

    private final JdbcClient jdbc;
    /** For {@link #callerByHash}, which a request waits on: with the request path's statement timeout. */
    private final JdbcClient lookups;
    private final ChangeFeed changes;

    public KeyStore(JdbcClient jdbc, JdbcTemplate shared, ControlPlaneProperties properties, ChangeFeed changes) {
        this.jdbc = jdbc;
        this.lookups = RequestPathJdbc.client(shared, properties.queryTimeout());
        this.changes = changes;
    }

    public Project createProject(String name, RateLimit limit) {
        return createProject(name, limit, false, false);
    }

    public Project createProject(String name, RateLimit limit, boolean logBodies, boolean cacheAnswers) {
        Project project = new Project(Ids.of("prj"), name, limit, now(), logBodies, cacheAnswers);
        jdbc.sql("INSERT INTO projects (" + PROJECT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(project.id(), name, limit.requestsPerMinute(), limit.tokensPerMinute(),
                        timestamp(project.createdAt()), logBodies, cacheAnswers)
                .update();
        // a token mapped to this project's name may have been refused (and that cached) before it existed
        changes.announce(Change.project(project.id()));
        return project;
    }

    public List<Project> projects() {
        return jdbc.sql("SELECT " + PROJECT_COLUMNS + " FROM projects ORDER BY created_at, id")
                .query(KeyStore::project).list();
    }

    public Optional<Project> project(String id) {
        return jdbc.sql("SELECT " + PROJECT_COLUMNS + " FROM projects WHERE id = ?").param(id)
                .query(KeyStore::project).optional();
    }

    /**
     * The project a token's claim names, read on the request path: the one with id {@code reference}, else the only
     * one named so; empty when there is none, or when several share that name (a token must not pick one at random).
     */
    public Optional<Project> projectByReference(String reference) {
        List<Project> found = lookups.sql("SELECT " + PROJECT_COLUMNS + " FROM projects WHERE id = ? OR name = ?")
                .params(reference, reference).query(KeyStore::project).list();
        return found.stream().filter(p -> p.id().equals(reference)).findFirst()
                .or(() -> found.size() == 1 ? Optional.of(found.getFirst()) : Optional.empty());
    }

    /** Changes what is not null: the name, the rate limit as a whole ({@link RateLimit#NONE} removes it). */
    public Optional<Project> updateProject(String id, String name, RateLimit limit) {
        return updateProject(id, name, limit, null, null);
    }

    /**
     * As {@link #updateProject(String, String, RateLimit)}, and turns the keeping of bodies and the response cache on
     * or off, each if not null.
     */
    public Optional<Project> updateProject(String id, String name, RateLimit limit, Boolean logBodies,
                                           Boolean cacheAnswers) {
        if (logBodies != null && jdbc.sql("UPDATE projects SET log_bodies = ? WHERE id = ?").params(logBodies, id)
                .update() == 0) {
            return Optional.empty();
        }
        if (cacheAnswers != null && jdbc.sql("UPDATE projects SET cache_answers = ? WHERE id = ?")
                .params(cacheAnswers, id).update() == 0) {
            return Optional.empty();
        }
        if (!update("projects", id, name, limit)) {
            return Optional.empty();
        }
        changes.announce(Change.project(id));
        return project(id);
    }

    /** A new key; its secret is in the answer and nowhere else, the database gets its hash. */
    public IssuedKey issueKey(String name, String projectId, RateLimit limit, Scope scope) {
        String secret = KeySecrets.newSecret();
        ApiKey key = new ApiKey(Ids.of("key"), name, KeySecrets.displayPrefix(secret), projectId, limit, now(), null,
                scope);
        jdbc.sql("INSERT INTO api_keys (" + KEY_COLUMNS + ", key_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(key.id(), name, key.prefix(), projectId, limit.requestsPerMinute(), limit.tokensPerMinute(),
                        timestamp(key.createdAt()), null, joined(scope.models()), joined(scope.apis()),
                        scope.expiresAt() == null ? null : timestamp(scope.expiresAt()), joined(scope.providers()),
                        KeyHash.sha256(secret))
                .update();
        return new IssuedKey(key, secret);
    }

    /** Every key, revoked ones included, oldest first; only {@code projectId}'s when it is not null. */
    public List<ApiKey> keys(String projectId) {
        String order = " ORDER BY created_at, id";
        return projectId == null
                ? jdbc.sql("SELECT " + KEY_COLUMNS + " FROM api_keys" + order).query(KeyStore::key).list()
                : jdbc.sql("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE project_id = ?" + order).param(projectId)
                        .query(KeyStore::key).list();
    }

    public Optional<ApiKey> key(String id) {
        return jdbc.sql("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE id = ?").param(id)
                .query(KeyStore::key).optional();
    }

    /** Changes what is not null: the name, the rate limit as a whole ({@link RateLimit#NONE} removes it). */
    public Optional<ApiKey> updateKey(String id, String name, RateLimit limit) {
        if (!update("api_keys", id, name, limit)) {
            return Optional.empty();
        }
        changes.announce(Change.key(id));
        return key(id);
    }

    /** Revokes the key for good (revoking it again changes nothing); the row stays for usage records to name. */
    public Optional<ApiKey> revoke(String id) {
        jdbc.sql("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                .params(timestamp(now()), id).update();
        Optional<ApiKey> key = key(id);
        key.ifPresent(k -> changes.announce(Change.key(id)));
        return key;
    }

    /**
     * Who an active key's hash stands for, with its own and its project's rate limits; empty if none or revoked.
     * The hash is bound as a string, which the PostgreSQL driver sends as varchar and the server casts to the
     * column's CHAR(64), so the unique index answers (0.07 ms here at 100,000 keys). Bound as text it would not: the
     * column would be cast instead, and every lookup would scan the table (60 ms).
     */
    public Optional<Caller> callerByHash(String hash) {
        return lookups.sql("SELECT k.id, k.project_id, k.requests_per_minute, k.tokens_per_minute, "
                        + "k.allowed_models, k.allowed_apis, k.expires_at, k.allowed_providers, "
                        + "p.requests_per_minute AS project_rpm, p.tokens_per_minute AS project_tpm "
                        + "FROM api_keys k LEFT JOIN projects p ON p.id = k.project_id "
                        + "WHERE k.key_hash = ? AND k.revoked_at IS NULL")
                .param(hash)
                // the scope is compiled here, once per cache load of the key, never per request
                .query((rs, row) -> new Caller(rs.getString("id"), rs.getString("project_id"),
                        limit(rs, "requests_per_minute", "tokens_per_minute"), limit(rs, "project_rpm", "project_tpm"),
                        null, scope(rs)))
                .optional();
    }

    /** Sets the name and the rate limit of a project or key where not null; false if there is no such row. */
    private boolean update(String table, String id, String name, RateLimit limit) {
        List<String> sets = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        if (name != null) {
            sets.add("name = ?");
            values.add(name);
        }
        if (limit != null) {
            sets.add("requests_per_minute = ?");
            values.add(limit.requestsPerMinute());
            sets.add("tokens_per_minute = ?");
            values.add(limit.tokensPerMinute());
        }
        if (sets.isEmpty()) {
            return jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE id = ?").param(id).query(Long.class).single() > 0;
        }
        values.add(id);
        return jdbc.sql("UPDATE " + table + " SET " + String.join(", ", sets) + " WHERE id = ?").params(values)
                .update() > 0;
    }

    private static Project project(ResultSet rs, int row) throws SQLException {
        return new Project(rs.getString("id"), rs.getString("name"),
                limit(rs, "requests_per_minute", "tokens_per_minute"), instant(rs, "created_at"),
                rs.getBoolean("log_bodies"), rs.getBoolean("cache_answers"));
    }

    private static ApiKey key(ResultSet rs, int row) throws SQLException {
        return new ApiKey(rs.getString("id"), rs.getString("name"), rs.getString("key_prefix"),
                rs.getString("project_id"), limit(rs, "requests_per_minute", "tokens_per_minute"),
                instant(rs, "created_at"), instant(rs, "revoked_at"), scope(rs));
    }

    /** Stored as written by {@link #issueKey}, which took it from a valid {@link Scope}, so it reads back as one. */
    private static Scope scope(ResultSet rs) throws SQLException {
        return Scope.of(split(rs.getString("allowed_models")), split(rs.getString("allowed_apis")),
                instant(rs, "expires_at")).withProviders(split(rs.getString("allowed_providers")));
    }

    /** Model patterns, provider ids and API names hold no commas (a {@link Scope} refuses them), so a comma separates them. */
    private static String joined(Collection<String> values) {
        return values == null ? null : String.join(",", values);
    }

    private static List<String> split(String joined) {
        return joined == null ? null : List.of(joined.split(","));
    }

    private static RateLimit limit(ResultSet rs, String requests, String tokens) throws SQLException {
        RateLimit limit = new RateLimit(rs.getObject(requests, Long.class), rs.getObject(tokens, Long.class));
        return limit.limited() ? limit : RateLimit.NONE;
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** Microseconds: what both databases keep, so a value reads back equal to what was written. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
