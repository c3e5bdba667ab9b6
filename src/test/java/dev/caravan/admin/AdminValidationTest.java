package dev.caravan.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Every malformed admin request gets a 400 whose {@code param} names the field, and changes nothing. */
class AdminValidationTest extends AdminTestBase {

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "POST  | /v1/admin/projects | {}                                                      | name",
            "POST  | /v1/admin/projects | {\"name\":\"\"}                                         | name",
            "POST  | /v1/admin/projects | {\"name\":42}                                           | name",
            "POST  | /v1/admin/projects | {\"name\":\"p\",\"rateLimit\":5}                        | rateLimit",
            "POST  | /v1/admin/projects | {\"name\":\"p\",\"rateLimit\":{\"requestsPerMinute\":0}} | rateLimit.requestsPerMinute",
            "POST  | /v1/admin/projects | {\"name\":\"p\",\"rateLimit\":{\"tokensPerMinute\":1.5}} | rateLimit.tokensPerMinute",
            "POST  | /v1/admin/projects | {\"name\":\"p\",\"rateLimit\":{\"rpm\":5}}              | rateLimit.rpm",
            "POST  | /v1/admin/keys     | {\"projectId\":\"prj_x\"}                               | name",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"projectId\":\"prj_nope\"}             | projectId",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"secret\":\"cvn_mine\"}                | secret",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"models\":\"anthropic/*\"}        | models",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"models\":[]}                     | models",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"models\":[42]}                   | models",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"models\":[\"gpt-5\"]}            | models",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"models\":[\"openai/gpt-[5]\"]}   | models",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"models\":[\"openai/gpt 5\"]}     | models",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"models\":[\"openai/a,b\"]}       | models",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"models\":[\"tier/draft\"]}       | models",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"apis\":[\"speech\"]}         | apis",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"apis\":[]}                       | apis",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"apis\":\"chat\"}                 | apis",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"expiresAt\":\"2020-01-01T00:00:00Z\"} | expiresAt",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"expiresAt\":\"tomorrow\"}        | expiresAt",
            "POST  | /v1/admin/keys     | {\"name\":\"k\",\"expiresAt\":1893456000}          | expiresAt",
            "PATCH | /v1/admin/keys/key_x | {\"models\":[\"anthropic/*\"]}                     | models",
            "POST  | /v1/admin/budgets  | {\"subject\":\"u\",\"limitUsd\":1}                      | scope",
            "POST  | /v1/admin/budgets  | {\"scope\":\"team\",\"subject\":\"u\",\"limitUsd\":1}   | scope",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"limitUsd\":1}                     | subject",
            "POST  | /v1/admin/budgets  | {\"scope\":\"key\",\"subject\":\"key_nope\",\"limitUsd\":1} | subject",
            "POST  | /v1/admin/budgets  | {\"scope\":\"project\",\"subject\":\"prj_nope\",\"limitUsd\":1} | subject",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\"}                  | limitUsd",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":-1}  | limitUsd",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":\"5\"} | limitUsd",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":0.00000000001} | limitUsd",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limit_usd\":5}  | limit_usd",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"period\":\"yearly\"} | period",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"mode\":\"strict\"} | mode",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"alertThresholds\":[50,50]} | alertThresholds",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"alertThresholds\":[0]} | alertThresholds",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"alertThresholds\":\"50\"} | alertThresholds",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"webhookUrl\":\"ftp://x/y\"} | webhookUrl",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"webhookUrl\":\"/relative\"} | webhookUrl",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"webhookUrl\":\"http://127.0.0.1:8080/hook\"} | webhookUrl",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"webhookUrl\":\"http://localhost/hook\"} | webhookUrl",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"webhookUrl\":\"http://169.254.169.254/latest/meta-data\"} | webhookUrl",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"webhookUrl\":\"http://10.1.2.3/hook\"} | webhookUrl",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"webhookUrl\":\"http://[::1]/hook\"} | webhookUrl",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"webhookUrl\":\"http://[fd00::1]/hook\"} | webhookUrl",
            "POST  | /v1/admin/budgets  | {\"scope\":\"user\",\"subject\":\"u\",\"limitUsd\":1,\"includeByok\":\"yes\"} | includeByok",
            "GET   | /v1/admin/budgets?scope=team |                                               | scope",
    })
    void refuses_with_a_400_naming_the_field(String method, String path, String body, String field)
            throws Exception {
        int projectsBefore = count("/v1/admin/projects");
        int keysBefore = count("/v1/admin/keys");
        int budgetsBefore = count("/v1/admin/budgets");

        HttpResponse<String> response = admin(method, path, body);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo(field);
        assertThat(error.path("message").asText()).contains(field);
        assertThat(count("/v1/admin/projects")).isEqualTo(projectsBefore);
        assertThat(count("/v1/admin/keys")).isEqualTo(keysBefore);
        assertThat(count("/v1/admin/budgets")).isEqualTo(budgetsBefore);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "not json     | {\"name\":",
            "not object   | [1,2]",
            "empty        | ~~"})
    void refuses_a_body_that_is_not_a_json_object(String name, String body) throws Exception {
        HttpResponse<String> response = admin("POST", "/v1/admin/projects", body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"scope\":\"key\"}            | scope",
            "{\"subject\":\"someone-else\"} | subject",
            "{\"limitUsd\":null}            | limitUsd"})
    void a_budget_keeps_its_scope_and_subject_and_its_limit(String patch, String field) throws Exception {
        String id = json(admin("POST", "/v1/admin/budgets",
                "{\"scope\":\"user\",\"subject\":\"patch-" + field + "\",\"limitUsd\":3}").body()).path("id").asText();

        HttpResponse<String> response = admin("PATCH", "/v1/admin/budgets/" + id, patch);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/param").asText()).isEqualTo(field);
        assertThat(json(admin("GET", "/v1/admin/budgets/" + id, null).body()).path("limitUsd").asInt()).isEqualTo(3);
    }

    private int count(String path) throws Exception {
        return json(admin("GET", path, null).body()).path("data").size();
    }
}
