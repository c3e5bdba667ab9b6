package dev.caravan.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.caravan.e2e.GatewayTestBase;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Identity-provider tokens over real sockets: a real OIDC provider ({@code mock-oauth2-server}: discovery documents,
 * key sets, RS256-signed tokens) on a local port, the gateway on another, the provider simulator behind it. Issuers:
 * {@code corp} (azp mapped to a project), {@code rotating} (its key set replaced mid-test), a Kubernetes-shaped one
 * (its key set named directly, no discovery), two on a second provider that is shut down mid-test, and
 * {@code scoped}, whose tokens may use only some models and APIs, and {@code vendor-bound}, whose tokens only one
 * provider may serve.
 */
class IdentityProviderTokensTest extends GatewayTestBase {

    private static final String ADMIN_KEY = "cvn-test-admin-key-oidc-5566778899";
    private static final String AUDIENCE = "caravan";
    private static final String KUBERNETES_ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** The project corp's client {@code billing-app} is mapped to, by name. */
    private static final String BILLING = "billing-" + RUN;
    private static final String NAMESPACE = "team-" + RUN;

    /** Once set, the key set the provider publishes for {@code rotating} instead of its own. */
    private static final AtomicReference<String> ROTATED_KEYS = new AtomicReference<>();
    private static final MockOAuth2Server IDP = started(new Route() {
        @Override
        public boolean match(OAuth2HttpRequest request) {
            return ROTATED_KEYS.get() != null && request.getUrl().encodedPath().equals("/rotating/jwks");
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), 200, ROTATED_KEYS.get(),
                    null);
        }
    });
    private static final MockOAuth2Server FLAKY_IDP = started();

    @DynamicPropertySource
    static void issuers(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
        // the provider's first answers come from a cold JVM on a busy machine
        registry.add("caravan.auth.oidc.fetch-timeout", () -> "30s");
        String corp = "caravan.auth.oidc.issuers[0].";
        registry.add(corp + "name", () -> "corp");
        registry.add(corp + "issuer", () -> IDP.issuerUrl("corp").toString());
        registry.add(corp + "audiences[0]", () -> AUDIENCE);
        registry.add(corp + "project-claim", () -> "azp");
        registry.add(corp + "projects[0].value", () -> "billing-app");
        registry.add(corp + "projects[0].project", () -> BILLING);
        String rotating = "caravan.auth.oidc.issuers[1].";
        registry.add(rotating + "name", () -> "rotating");
        registry.add(rotating + "issuer", () -> IDP.issuerUrl("rotating").toString());
        registry.add(rotating + "audiences[0]", () -> AUDIENCE);
        registry.add(rotating + "project-claim", () -> "azp");
        String kubernetes = "caravan.auth.oidc.issuers[2].";
        registry.add(kubernetes + "name", () -> "cluster");
        registry.add(kubernetes + "issuer", () -> KUBERNETES_ISSUER);
        registry.add(kubernetes + "jwks-uri", () -> IDP.jwksUrl("k8s").toString());
        registry.add(kubernetes + "audiences[0]", () -> AUDIENCE);
        registry.add(kubernetes + "project-claim", () -> "kubernetes.io/namespace");
        registry.add(kubernetes + "user-claim", () -> "kubernetes.io/serviceaccount/name");
        for (int i = 0; i < 2; i++) {
            String flaky = "caravan.auth.oidc.issuers[" + (3 + i) + "].";
            String id = i == 0 ? "flaky" : "flaky-unseen";
            registry.add(flaky + "name", () -> id);
            registry.add(flaky + "issuer", () -> FLAKY_IDP.issuerUrl(id).toString());
            registry.add(flaky + "audiences[0]", () -> AUDIENCE);
            registry.add(flaky + "project-claim", () -> "azp");
        }
        String scoped = "caravan.auth.oidc.issuers[5].";
        registry.add(scoped + "name", () -> "scoped");
        registry.add(scoped + "issuer", () -> IDP.issuerUrl("scoped").toString());
        registry.add(scoped + "audiences[0]", () -> AUDIENCE);
        registry.add(scoped + "project-claim", () -> "azp");
        registry.add(scoped + "models[0]", () -> "openai/gpt-5*");
        registry.add(scoped + "apis[0]", () -> "chat");
        registry.add(scoped + "apis[1]", () -> "models");
        String vendorBound = "caravan.auth.oidc.issuers[6].";
        registry.add(vendorBound + "name", () -> "vendor-bound");
        registry.add(vendorBound + "issuer", () -> IDP.issuerUrl("vendor-bound").toString());
        registry.add(vendorBound + "audiences[0]", () -> AUDIENCE);
        registry.add(vendorBound + "project-claim", () -> "azp");
        registry.add(vendorBound + "providers[0]", () -> "anthropic");
    }

    @AfterAll
    static void stopProviders() {
        IDP.shutdown();
    }

    @BeforeEach
    void forgetProviderRequests() {
        requestsTo(IDP);
    }

    @Test
    void a_token_from_a_discovered_issuer_is_served_as_its_mapped_project_and_user() throws Exception {
        String project = project(BILLING);
        String token = corpToken("alice-" + RUN, "billing-app", List.of(AUDIENCE), 3600);

        HttpResponse<String> answer = send(token);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(paths(requestsTo(IDP))).as("discovery first, then the key set it names")
                .containsExactly("/corp/.well-known/openid-configuration", "/corp/jwks");
        JsonNode generation = generation(answer, token);
        assertThat(generation.path("project_id").asText()).isEqualTo(project);
        assertThat(generation.path("user").asText()).isEqualTo("alice-" + RUN);
        assertThat(generation.path("key_id").asText()).isEqualTo("oidc:corp");

        // x-api-key and the Anthropic shape as well: the same credential on every inbound API
        HttpResponse<String> messages = http.send(HttpRequest.newBuilder(uri("/v1/messages"))
                .header("x-api-key", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"openai/gpt-5-mini","max_tokens":50,"messages":[{"role":"user","content":"Hi"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(messages.statusCode()).as(messages.body()).isEqualTo(200);
        assertThat(get("/v1/models", token).statusCode()).isEqualTo(200);
        assertThat(requestsTo(IDP)).as("the key set is cached: no fetch per request").isEmpty();
    }

    @Test
    void the_mapped_projects_budget_and_the_mapped_users_budget_refuse_like_a_keys() throws Exception {
        String project = project(BILLING);
        String bob = "bob-" + UUID.randomUUID();
        String carol = "carol-" + UUID.randomUUID();
        String bobToken = corpToken(bob, "billing-app", List.of(AUDIENCE), 3600);
        String carolToken = corpToken(carol, "billing-app", List.of(AUDIENCE), 3600);
        assertThat(send(bobToken).statusCode()).isEqualTo(200);

        admin("POST", "/v1/admin/budgets", """
                {"scope":"user","subject":"%s","limitUsd":0.0000001,"mode":"hard"}""".formatted(bob));
        HttpResponse<String> overUser = send(bobToken);
        assertThat(overUser.statusCode()).as(overUser.body()).isEqualTo(402);
        assertThat(json(overUser.body()).path("error").path("code").asText()).isEqualTo("budget_exceeded");
        // a request cannot name another user to dodge the token's user budget
        HttpResponse<String> dodging = http.send(post("/v1/chat/completions", """
                {"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"Hi"}],
                 "providerOptions":{"gateway":{"user":"someone-else"}}}""")
                .setHeader("Authorization", "Bearer " + bobToken).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(dodging.statusCode()).isEqualTo(402);
        assertThat(send(carolToken).statusCode()).as("another user of the project").isEqualTo(200);

        admin("POST", "/v1/admin/budgets", """
                {"scope":"project","subject":"%s","limitUsd":0.0000001,"mode":"hard"}""".formatted(project));
        HttpResponse<String> overProject = send(carolToken);
        assertThat(overProject.statusCode()).as(overProject.body()).isEqualTo(402);
        assertThat(json(overProject.body()).path("error").path("code").asText()).isEqualTo("budget_exceeded");
        assertThat(send(GATEWAY_KEY_TOKEN).statusCode()).as("the environment key is in no project").isEqualTo(200);
    }

    @Test
    void bad_tokens_are_a_401_in_each_endpoints_error_shape_and_reach_no_provider() throws Exception {
        project(BILLING);
        String valid = corpToken("dave", "billing-app", List.of(AUDIENCE), 3600);
        String other = corpToken("erin", "billing-app", List.of(AUDIENCE), 3600);
        String[] parts = valid.split("\\.");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("not a JWT", "eyJub3QganNvbg.eyJhIjoxfQ.c2ln");
        cases.put("signature", parts[0] + "." + parts[1] + "." + other.split("\\.")[2]);
        cases.put("expired", corpToken("dave", "billing-app", List.of(AUDIENCE), -3600));
        cases.put("audience", corpToken("dave", "billing-app", List.of("someone-else"), 3600));
        cases.put("issuer", IDP.issueToken("stranger", "billing-app",
                new DefaultOAuth2TokenCallback("stranger", "dave", "JWT", List.of(AUDIENCE),
                        Map.of("azp", "billing-app"), 3600)).serialize());
        cases.put("unmapped", corpToken("dave", "unknown-app", List.of(AUDIENCE), 3600));
        cases.put("hmac", hmacToken(IDP.issuerUrl("corp").toString()));
        cases.put("unsigned", parts[0].replace(parts[0], "eyJhbGciOiJub25lIn0") + "." + parts[1] + ".");
        cases.put("huge", "eyJ" + "A".repeat(7000) + ".eyJ9.c2ln");
        Map<String, String> messages = Map.of(
                "not a JWT", "not a well-formed signed JWT",
                "signature", "signature does not verify",
                "expired", "Expired JWT",
                "audience", "aud claim rejected",
                "issuer", "issuer is not one this gateway trusts",
                "unmapped", "maps to no project",
                "hmac", "HS256",
                "unsigned", "Invalid gateway key",
                "huge", "longer than this gateway accepts");
        SIMULATOR.reset();

        for (var bad : cases.entrySet()) {
            HttpResponse<String> openAi = send(bad.getValue());
            assertThat(openAi.statusCode()).as(bad.getKey() + ": " + openAi.body()).isEqualTo(401);
            JsonNode error = json(openAi.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("authentication_error");
            assertThat(error.path("message").asText()).as(bad.getKey()).contains(messages.get(bad.getKey()));

            HttpResponse<String> anthropic = http.send(HttpRequest.newBuilder(uri("/v1/messages"))
                    .header("x-api-key", bad.getValue()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"model":"openai/gpt-5-mini","max_tokens":5,"messages":[{"role":"user","content":"x"}]}"""))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anthropic.statusCode()).as(bad.getKey()).isEqualTo(401);
            JsonNode body = json(anthropic.body());
            assertThat(body.path("type").asText()).isEqualTo("error");
            assertThat(body.path("error").path("type").asText()).isEqualTo("authentication_error");
            assertThat(anthropic.body()).as("no token echoed").doesNotContain(bad.getValue());
        }
        assertThat(SIMULATOR.requests()).as("no bad token reached a provider").isEmpty();
        assertThat(send(valid).statusCode()).isEqualTo(200);
    }

    @Test
    void a_rotated_key_is_fetched_once_and_a_token_checked_before_stays_accepted_until_it_expires() throws Exception {
        String app = "rotating-app-" + RUN;
        project(app);
        String before = IDP.issueToken("rotating", app, new DefaultOAuth2TokenCallback("rotating", "frank", "JWT",
                List.of(AUDIENCE), Map.of("azp", app), 3600)).serialize();
        assertThat(send(before).statusCode()).isEqualTo(200);
        assertThat(paths(requestsTo(IDP))).containsExactly("/rotating/.well-known/openid-configuration",
                "/rotating/jwks");

        // the provider rotates: its key set now holds only a new key, which signs the tokens from now on
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rotated-" + RUN).generate();
        ROTATED_KEYS.set(new JWKSet(rotated.toPublicJWK()).toString());
        String after = signed(rotated, IDP.issuerUrl("rotating").toString(), "grace", app, Instant.now().plusSeconds(600));

        assertThat(send(after).statusCode()).as("an unknown kid fetches the key set again").isEqualTo(200);
        assertThat(paths(requestsTo(IDP))).containsExactly("/rotating/jwks");
        assertThat(send(before).statusCode()).as("checked once, remembered until its exp: no re-verification")
                .isEqualTo(200);

        String madeUp = signed(new RSAKeyGenerator(2048).keyID("made-up").generate(),
                IDP.issuerUrl("rotating").toString(), "mallory", app, Instant.now().plusSeconds(600));
        HttpResponse<String> refused = send(madeUp);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(json(refused.body()).path("error").path("message").asText()).contains("signing key");
        assertThat(requestsTo(IDP)).as("refreshes are rate-limited: a made-up kid does not reach the provider")
                .isEmpty();
    }

    @Test
    void a_kubernetes_service_account_token_is_served_as_its_namespaces_project() throws Exception {
        String project = project(NAMESPACE);
        String token = kubernetesToken(NAMESPACE, "report-writer", List.of(AUDIENCE));

        HttpResponse<String> answer = send(token);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(paths(requestsTo(IDP))).as("the configured key set, no discovery").containsExactly("/k8s/jwks");
        JsonNode generation = generation(answer, token);
        assertThat(generation.path("project_id").asText()).isEqualTo(project);
        assertThat(generation.path("user").asText()).isEqualTo("report-writer");
        assertThat(generation.path("key_id").asText()).isEqualTo("oidc:cluster");

        HttpResponse<String> noProject = send(kubernetesToken("no-such-namespace-" + RUN, "x", List.of(AUDIENCE)));
        assertThat(noProject.statusCode()).isEqualTo(401);
        assertThat(json(noProject.body()).path("error").path("message").asText())
                .contains("maps to project 'no-such-namespace-" + RUN + "'");
        assertThat(send(kubernetesToken(NAMESPACE, "report-writer", List.of("https://kubernetes.default.svc")))
                .statusCode()).as("the API server's own audience is not the gateway's").isEqualTo(401);
    }

    @Test
    void an_issuers_scope_limits_its_tokens_models_and_apis() throws Exception {
        project(BILLING);
        // no claim mapping on this issuer: azp names the project itself
        String token = IDP.issueToken("scoped", BILLING, new DefaultOAuth2TokenCallback("scoped", "frank",
                "JWT", List.of(AUDIENCE), Map.of("azp", BILLING), 3600)).serialize();

        HttpResponse<String> allowed = send(token);
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        HttpResponse<String> otherModel = http.send(post("/v1/chat/completions",
                simpleRequest("anthropic/claude-haiku-4.5", false)).setHeader("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(otherModel.statusCode()).isEqualTo(403);
        assertThat(json(otherModel.body()).at("/error/code").asText()).isEqualTo("permission_denied");
        HttpResponse<String> otherApi = http.send(HttpRequest.newBuilder(uri("/v1/messages"))
                .header("x-api-key", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"openai/gpt-5-mini","max_tokens":50,"messages":[{"role":"user","content":"Hi"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(otherApi.statusCode()).isEqualTo(403);
        assertThat(json(otherApi.body()).at("/error/type").asText()).isEqualTo("permission_error");
        assertThat(json(get("/v1/models", token).body()).path("data").findValuesAsText("id"))
                .containsExactlyInAnyOrder("openai/gpt-5", "openai/gpt-5-mini");
        // the gateway key is not scoped (corp's tokens are not used here: another test watches corp's first fetch)
        assertThat(json(get("/v1/models", GATEWAY_KEY).body()).path("data").size()).isGreaterThan(2);
    }

    @Test
    void an_issuers_providers_limit_what_its_tokens_are_served_by() throws Exception {
        project(BILLING);
        String token = IDP.issueToken("vendor-bound", BILLING, new DefaultOAuth2TokenCallback("vendor-bound",
                "grace", "JWT", List.of(AUDIENCE), Map.of("azp", BILLING), 3600)).serialize();

        HttpResponse<String> anthropic = http.send(post("/v1/chat/completions",
                simpleRequest("anthropic/claude-haiku-4.5", false)).setHeader("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(200);
        int served = SIMULATOR.requests().size();
        HttpResponse<String> openai = send(token);
        assertThat(openai.statusCode()).isEqualTo(403);
        assertThat(json(openai.body()).at("/error/code").asText()).isEqualTo("permission_denied");
        assertThat(json(openai.body()).at("/error/message").asText()).contains("anthropic");
        assertThat(SIMULATOR.requests()).hasSize(served);
        assertThat(json(get("/v1/models", token).body()).path("data").findValuesAsText("id"))
                .allMatch(id -> id.startsWith("anthropic/")).contains("anthropic/claude-haiku-4.5");
    }

    @Test
    void with_its_issuer_down_keys_and_cached_key_sets_keep_working_and_an_unseen_issuer_is_a_503() throws Exception {
        String app = "flaky-app-" + RUN;
        project(app);
        String first = flakyToken("flaky", "gina", app);
        String second = flakyToken("flaky", "hank", app);
        String unseen = flakyToken("flaky-unseen", "ivan", app);
        assertThat(send(first).statusCode()).isEqualTo(200);

        FLAKY_IDP.shutdown();

        assertThat(send(second).statusCode()).as("a new token, verified with the cached keys").isEqualTo(200);
        assertThat(send(GATEWAY_KEY_TOKEN).statusCode()).isEqualTo(200);
        HttpResponse<String> unavailable = send(unseen);
        assertThat(unavailable.statusCode()).as(unavailable.body()).isEqualTo(503);
        assertThat(json(unavailable.body()).path("error").path("code").asText())
                .isEqualTo("identity_provider_unavailable");
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static final String GATEWAY_KEY_TOKEN = GATEWAY_KEY;

    private static MockOAuth2Server started(Route... routes) {
        MockOAuth2Server server = new MockOAuth2Server(new OAuth2Config(), routes);
        server.start();
        return server;
    }

    private static String corpToken(String subject, String azp, List<String> audience, long expirySeconds) {
        return IDP.issueToken("corp", azp, new DefaultOAuth2TokenCallback("corp", subject, "JWT", audience,
                Map.of("azp", azp), expirySeconds)).serialize();
    }

    private static String flakyToken(String issuer, String subject, String azp) {
        return FLAKY_IDP.issueToken(issuer, azp, new DefaultOAuth2TokenCallback(issuer, subject, "JWT",
                List.of(AUDIENCE), Map.of("azp", azp), 3600)).serialize();
    }

    /** A projected service-account token as the kubelet mounts it, signed by the cluster's key ({@code k8s}). */
    private static String kubernetesToken(String namespace, String serviceAccount, List<String> audience) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", KUBERNETES_ISSUER);
        claims.put("aud", audience);
        claims.put("sub", "system:serviceaccount:" + namespace + ":" + serviceAccount);
        claims.put("iat", now);
        claims.put("nbf", now);
        claims.put("exp", now + 3600);
        claims.put("kubernetes.io", Map.of("namespace", namespace,
                "serviceaccount", Map.of("name", serviceAccount, "uid", UUID.randomUUID().toString()),
                "pod", Map.of("name", serviceAccount + "-7d4b9c-x2x1z", "uid", UUID.randomUUID().toString())));
        return IDP.getConfig().getTokenProvider().jwt(claims, Duration.ofHours(1), "k8s").serialize();
    }

    private static String signed(RSAKey key, String issuer, String subject, String azp, Instant expiry)
            throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), new JWTClaimsSet.Builder().issuer(issuer).subject(subject)
                .audience(AUDIENCE).claim("azp", azp).issueTime(new Date()).expirationTime(Date.from(expiry)).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** HS256 with a secret: never accepted, whatever it is signed with (a public key published as a secret). */
    private static String hmacToken(String issuer) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("corp").build(),
                new JWTClaimsSet.Builder().issuer(issuer).subject("dave").audience(AUDIENCE).claim("azp", "billing-app")
                        .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new MACSigner("a-shared-secret-of-at-least-256-bits-0123456789"));
        return jwt.serialize();
    }

    /**
     * The requests the provider received since the last call. Each was recorded before it was answered, so those
     * behind a response the gateway already acted on are all there; the short wait only ends the listing.
     */
    private static List<RecordedRequest> requestsTo(MockOAuth2Server server) {
        List<RecordedRequest> requests = new ArrayList<>();
        while (true) {
            try {
                requests.add(server.takeRequest(20, TimeUnit.MILLISECONDS));
            } catch (RuntimeException noMore) {
                return requests;
            }
        }
    }

    private static List<String> paths(List<RecordedRequest> requests) {
        return requests.stream().map(RecordedRequest::getPath).toList();
    }

    private HttpResponse<String> send(String credential) throws IOException, InterruptedException {
        return http.send(post("/v1/chat/completions", simpleRequest("openai/gpt-5-mini", false))
                .setHeader("Authorization", "Bearer " + credential).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String credential) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + credential)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The usage record of an answered request, read back through the same credential once it is written. */
    private JsonNode generation(HttpResponse<String> answer, String credential) {
        String id = answer.headers().firstValue("x-caravan-generation-id").orElseThrow();
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> read = get("/v1/generation?id=" + id, credential);
            return read.statusCode() == 200 ? json(read.body()).path("data") : null;
        }, node -> node != null);
    }

    /** Creates a project of that name and returns its id (once per name: names map tokens to projects). */
    private String project(String name) throws IOException, InterruptedException {
        JsonNode listed = admin("GET", "/v1/admin/projects", null);
        for (JsonNode project : listed.path("data")) {
            if (project.path("name").asText().equals(name)) {
                return project.path("id").asText();
            }
        }
        return admin("POST", "/v1/admin/projects", "{\"name\":\"" + name + "\"}").path("id").asText();
    }

    private JsonNode admin(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + ADMIN_KEY)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 201);
        return json(response.body());
    }
}
