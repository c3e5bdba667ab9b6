package dev.caravan.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.audit.AuditActor;
import dev.caravan.audit.AuditLog;
import dev.caravan.audit.AuditTarget;
import dev.caravan.identity.RateLimit;
import dev.caravan.identity.Scope;
import dev.caravan.keys.IssuedKey;
import dev.caravan.keys.KeyHash;
import dev.caravan.keys.KeyStore;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The audit log over the admin API: every applied change is a row with who, when and from where, read back through
 * {@code GET /v1/admin/audit}; refused changes leave none; no secret is ever in it.
 */
class AuditLogTest extends AdminTestBase {

    private static final String FINGERPRINT = "admin-key:" + KeyHash.sha256(ADMIN_KEY).substring(0, 8);

    @Autowired
    AuditLog audit;
    @Autowired
    KeyStore keys;
    @Autowired
    CamelContext camel;

    /** An admin call that says who it is, as an operator's script would. */
    private HttpResponse<String> adminAs(String label, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("x-caravan-actor", label)
                .header("User-Agent", "ops-script/1.0")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode auditPage(String query) throws IOException, InterruptedException {
        HttpResponse<String> page = admin("GET", "/v1/admin/audit?" + query, null);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        return json(page.body());
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void a_keys_life_is_three_rows_with_who_when_and_from_where_and_never_its_secret() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        HttpResponse<String> created = adminAs("alice@example.com", "POST", "/v1/admin/keys", """
                {"name":"billing bot","models":["anthropic/*"],"apis":["chat"],
                 "rateLimit":{"requestsPerMinute":60}}""");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode key = json(created.body());
        String id = key.path("id").asText();
        String secret = key.path("secret").asText();
        assertThat(adminAs("alice@example.com", "PATCH", "/v1/admin/keys/" + id, "{\"name\":\"billing\"}")
                .statusCode()).isEqualTo(200);
        assertThat(adminAs("bob", "DELETE", "/v1/admin/keys/" + id, null).statusCode()).isEqualTo(200);

        HttpResponse<String> page = admin("GET", "/v1/admin/audit?target_id=" + id, null);
        assertThat(page.body()).doesNotContain(secret).doesNotContain(key.path("prefix").asText());
        JsonNode rows = json(page.body()).path("data");
        assertThat(rows.findValuesAsText("action")).containsExactly("key.revoke", "key.update", "key.create");
        JsonNode create = rows.get(2);
        assertThat(create.path("id").asText()).matches("aud_[0-9A-Za-z]{20}");
        assertThat(create.path("actor").asText()).isEqualTo(FINGERPRINT);
        assertThat(create.path("actor_label").asText()).isEqualTo("alice@example.com");
        assertThat(create.path("source_address").asText()).isEqualTo("127.0.0.1");
        assertThat(create.path("user_agent").asText()).isEqualTo("ops-script/1.0");
        assertThat(create.path("target_type").asText()).isEqualTo("key");
        assertThat(Instant.parse(create.path("created_at").asText())).isAfter(before).isBefore(Instant.now());
        JsonNode details = create.path("details");
        assertThat(details.path("name").asText()).isEqualTo("billing bot");
        assertThat(details.path("models").toString()).isEqualTo("[\"anthropic/*\"]");
        assertThat(details.path("rateLimit").path("requestsPerMinute").asLong()).isEqualTo(60);
        assertThat(details.has("secret")).isFalse();
        assertThat(details.has("prefix")).isFalse();
        assertThat(rows.get(1).path("details").path("changed").toString()).isEqualTo("[\"name\"]");
        assertThat(rows.get(1).path("details").path("name").asText()).isEqualTo("billing");
        assertThat(rows.get(0).path("actor_label").asText()).isEqualTo("bob");
        assertThat(rows.get(0).path("details").path("revokedAt").asText()).isNotBlank();
        assertThat(json(page.body()).path("next_cursor").isNull()).isTrue();
    }

    @Test
    void a_budget_webhook_is_kept_as_its_host_since_its_path_is_often_its_credential() throws Exception {
        String project = json(admin("POST", "/v1/admin/projects", "{\"name\":\"audited\"}").body()).path("id")
                .asText();
        JsonNode budget = json(admin("POST", "/v1/admin/budgets", """
                {"scope":"project","subject":"%s","limitUsd":100,
                 "webhookUrl":"https://hooks.example.com/services/T000/B000/XXXXSECRETXXXX?token=abc"}"""
                .formatted(project)).body());
        String id = budget.path("id").asText();
        assertThat(admin("PATCH", "/v1/admin/budgets/" + id, "{\"limitUsd\":250,\"mode\":\"soft\"}").statusCode())
                .isEqualTo(200);
        assertThat(admin("DELETE", "/v1/admin/budgets/" + id, null).statusCode()).isEqualTo(200);

        HttpResponse<String> page = admin("GET", "/v1/admin/audit?target_id=" + id, null);
        assertThat(page.body()).doesNotContain("XXXXSECRETXXXX").doesNotContain("token=abc");
        JsonNode rows = json(page.body()).path("data");
        assertThat(rows.findValuesAsText("action")).containsExactly("budget.delete", "budget.update",
                "budget.create");
        assertThat(rows.findValuesAsText("webhookHost")).containsOnly("hooks.example.com").hasSize(3);
        JsonNode update = rows.get(1).path("details");
        assertThat(update.path("limitUsd").decimalValue()).isEqualByComparingTo("250");
        assertThat(update.path("changed").toString()).isEqualTo("[\"limitUsd\",\"mode\"]");
        assertThat(rows.get(2).path("details").path("subject").asText()).isEqualTo(project);

        JsonNode projectRows = auditPage("target_id=" + project).path("data");
        assertThat(projectRows.findValuesAsText("action")).containsExactly("project.create");
        assertThat(projectRows.get(0).path("details").path("name").asText()).isEqualTo("audited");
        assertThat(admin("PATCH", "/v1/admin/projects/" + project, "{\"logBodies\":true}").statusCode())
                .isEqualTo(200);
        assertThat(auditPage("target_id=" + project + "&action=project.update").path("data").get(0)
                .path("details").path("logBodies").asBoolean()).isTrue();
    }

    @Test
    void a_refused_change_leaves_no_row() throws Exception {
        String label = "refused-" + UUID.randomUUID();
        assertThat(adminAs(label, "PATCH", "/v1/admin/keys/key_nope", "{\"name\":\"x\"}").statusCode())
                .isEqualTo(404);
        assertThat(adminAs(label, "DELETE", "/v1/admin/budgets/bud_nope", null).statusCode()).isEqualTo(404);
        assertThat(adminAs(label, "POST", "/v1/admin/keys", "{\"name\":\"x\",\"limit_usd\":1}").statusCode())
                .isEqualTo(400);
        HttpResponse<String> wrongKey = send("POST", "/v1/admin/keys", "{\"name\":\"x\"}", "not-the-admin-key");
        assertThat(wrongKey.statusCode()).isEqualTo(401);
        assertThat(auditPage("actor=" + q(label)).path("data")).isEmpty();
        assertThat(auditPage("target_id=key_nope").path("data")).isEmpty();
    }

    @Test
    void a_change_and_its_row_commit_together_or_not_at_all() throws Exception {
        Exchange exchange = new DefaultExchange(camel);
        // what no HTTP client sends but a raw socket could: a label forging a second line in a log viewer
        exchange.getIn().setHeader(AuditActor.LABEL_HEADER, "ops\r\n2026-12-04 admin-key:root \u0007" + "x".repeat(200));
        AuditActor.capture(exchange, "admin-key:test");
        String name = "rolled back " + UUID.randomUUID();
        assertThatThrownBy(() -> audit.change(exchange, "key.create",
                () -> keys.issueKey(name, null, RateLimit.NONE, Scope.NONE),
                issued -> {
                    throw new IllegalStateException("the audit row could not be written");
                })).isInstanceOf(IllegalStateException.class);
        assertThat(keys.keys(null)).extracting(k -> k.name()).doesNotContain(name);

        IssuedKey kept = audit.change(exchange, "key.create",
                () -> keys.issueKey(name, null, RateLimit.NONE, Scope.NONE),
                issued -> new AuditTarget("key", issued.key().id(), java.util.Map.of()));
        assertThat(keys.key(kept.key().id())).isPresent();
        JsonNode row = auditPage("target_id=" + kept.key().id()).path("data").get(0);
        assertThat(row.path("actor").asText()).isEqualTo("admin-key:test");
        assertThat(row.path("actor_label").asText()).startsWith("ops2026-12-04 admin-key:root x").hasSize(100);
        assertThat(row.has("source_address")).as("no socket, no address").isFalse();
    }

    @Test
    void an_admin_change_needs_a_verified_actor() {
        Exchange unchecked = new DefaultExchange(camel);
        assertThatThrownBy(() -> audit.change(unchecked, "key.create", () -> "x", x -> null))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void pages_newest_first_by_cursor_and_filters_by_actor_action_and_time() throws Exception {
        String label = "pager-" + UUID.randomUUID();
        Instant start = Instant.now().minusSeconds(1);
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(json(adminAs(label, "POST", "/v1/admin/projects", "{\"name\":\"p" + i + "\"}").body())
                    .path("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = auditPage("actor=" + q(label) + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            seen.addAll(page.path("data").findValuesAsText("target_id"));
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(made.reversed());

        assertThat(auditPage("actor=" + q(FINGERPRINT) + "&action=project.create&from=" + q(start.toString()))
                .path("data").findValuesAsText("target_id")).containsAll(made);
        assertThat(auditPage("actor=" + q(label) + "&to=" + q(start.toString())).path("data")).isEmpty();
        assertThat(auditPage("actor=" + q(label) + "&action=key.create").path("data")).isEmpty();
    }

    @Test
    void bad_queries_are_a_400_naming_the_parameter_and_the_log_needs_the_admin_key() throws Exception {
        HttpResponse<String> unknown = admin("GET", "/v1/admin/audit?target=x", null);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown.body()).path("error").path("param").asText()).isEqualTo("target");
        HttpResponse<String> cursor = admin("GET", "/v1/admin/audit?cursor=bm9wZQ", null);
        assertThat(cursor.statusCode()).isEqualTo(400);
        assertThat(json(cursor.body()).path("error").path("param").asText()).isEqualTo("cursor");
        assertThat(admin("GET", "/v1/admin/audit?limit=501", null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/v1/admin/audit", null, GATEWAY_KEY).statusCode()).isEqualTo(401);
    }
}
