package dev.caravan.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.budget.Budget;
import dev.caravan.budget.BudgetBook;
import dev.caravan.identity.Caller;
import dev.caravan.identity.RateLimit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Projects and budgets through the admin API, and budgets as enforcement reads them ({@link BudgetBook}). */
class ProjectsAndBudgetsAdminTest extends AdminTestBase {

    @Autowired
    BudgetBook book;

    @Test
    void creates_lists_reads_and_changes_projects() throws Exception {
        HttpResponse<String> created = admin("POST", "/v1/admin/projects", "{\"name\":\"support bot\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode project = json(created.body());
        String id = project.path("id").asText();
        assertThat(id).matches("prj_[0-9A-Za-z]{20}");
        assertThat(project.path("name").asText()).isEqualTo("support bot");
        assertThat(project.has("rateLimit")).as("no limit unless given").isFalse();
        assertThat(project.path("createdAt").asText()).isNotBlank();

        HttpResponse<String> changed = admin("PATCH", "/v1/admin/projects/" + id, """
                {"name":"support","rateLimit":{"requestsPerMinute":30,"tokensPerMinute":9000}}""");
        assertThat(changed.statusCode()).isEqualTo(200);
        JsonNode read = json(admin("GET", "/v1/admin/projects/" + id, null).body());
        assertThat(read.path("name").asText()).isEqualTo("support");
        assertThat(read.path("rateLimit").path("requestsPerMinute").asLong()).isEqualTo(30);
        assertThat(read.path("rateLimit").path("tokensPerMinute").asLong()).isEqualTo(9000);
        assertThat(json(admin("GET", "/v1/admin/projects", null).body()).path("data").findValuesAsText("id"))
                .contains(id);

        assertThat(admin("PATCH", "/v1/admin/projects/" + id, "{\"rateLimit\":null}").statusCode()).isEqualTo(200);
        assertThat(json(admin("GET", "/v1/admin/projects/" + id, null).body()).has("rateLimit")).isFalse();
        assertThat(admin("GET", "/v1/admin/projects/prj_nope", null).statusCode()).isEqualTo(404);
    }

    @Test
    void budgets_set_through_the_api_are_the_ones_enforcement_reads() throws Exception {
        String project = json(admin("POST", "/v1/admin/projects", "{\"name\":\"p\"}").body()).path("id").asText();
        JsonNode key = json(admin("POST", "/v1/admin/keys", "{\"name\":\"k\",\"projectId\":\"" + project + "\"}")
                .body());
        String keyId = key.path("id").asText();
        String user = "user-" + UUID.randomUUID();
        Caller caller = new Caller(keyId, project, RateLimit.NONE, RateLimit.NONE);
        assertThat(book.budgetsFor(caller, user)).isEmpty();

        HttpResponse<String> created = admin("POST", "/v1/admin/budgets", """
                {"scope":"key","subject":"%s","limitUsd":25.5,"period":"daily","mode":"soft",
                 "alertThresholds":[100,50,80],"webhookUrl":"https://hooks.example.com/caravan","includeByok":true,
                 "onStoreOutage":"open"}"""
                .formatted(keyId));
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode budget = json(created.body());
        assertThat(budget.path("id").asText()).matches("bud_[0-9A-Za-z]{20}");
        assertThat(budget.path("limitUsd").decimalValue()).isEqualByComparingTo("25.5");
        assertThat(budget.path("alertThresholds").toString()).isEqualTo("[50,80,100]");
        assertThat(budget.path("onStoreOutage").asText()).isEqualTo("open");
        String projectBudget = json(admin("POST", "/v1/admin/budgets", """
                {"scope":"project","subject":"%s","limitUsd":100}""".formatted(project)).body()).path("id").asText();
        admin("POST", "/v1/admin/budgets", "{\"scope\":\"user\",\"subject\":\"" + user + "\",\"limitUsd\":0.1}");

        // the cache had "no budget" for all three: creating them must reach it at once
        List<Budget> budgets = book.budgetsFor(caller, user);
        assertThat(budgets).extracting(Budget::scope)
                .containsExactly(Budget.Scope.KEY, Budget.Scope.PROJECT, Budget.Scope.USER);
        Budget forKey = budgets.getFirst();
        assertThat(forKey.id()).isEqualTo(budget.path("id").asText());
        assertThat(forKey.limitUsd()).isEqualByComparingTo("25.5");
        assertThat(forKey.period()).isEqualTo(Budget.Period.DAILY);
        assertThat(forKey.mode()).isEqualTo(Budget.Mode.SOFT);
        assertThat(forKey.alertThresholds()).containsExactly(50, 80, 100);
        assertThat(forKey.webhookUrl()).isEqualTo("https://hooks.example.com/caravan");
        assertThat(forKey.includeByok()).isTrue();
        assertThat(forKey.onStoreOutage()).isEqualTo(Budget.OnStoreOutage.OPEN);
        Budget forProject = budgets.get(1);
        assertThat(forProject.period()).as("default period").isEqualTo(Budget.Period.MONTHLY);
        assertThat(forProject.mode()).as("default mode").isEqualTo(Budget.Mode.HARD);
        assertThat(forProject.alertThresholds()).isEmpty();
        assertThat(forProject.includeByok()).isFalse();
        assertThat(forProject.onStoreOutage()).as("default on a store outage").isEqualTo(Budget.OnStoreOutage.CLOSED);
        assertThat(budgets.get(2).limitUsd()).isEqualByComparingTo(new BigDecimal("0.1"));

        HttpResponse<String> patched = admin("PATCH", "/v1/admin/budgets/" + projectBudget,
                "{\"limitUsd\":250,\"mode\":\"soft\",\"webhookUrl\":null,\"onStoreOutage\":\"open\"}");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(json(patched.body()).path("limitUsd").toString()).isEqualTo("250");
        assertThat(book.budgetsFor(caller, user).get(1).limitUsd()).isEqualByComparingTo("250");
        assertThat(book.budgetsFor(caller, user).get(1).mode()).isEqualTo(Budget.Mode.SOFT);
        assertThat(book.budgetsFor(caller, user).get(1).onStoreOutage()).isEqualTo(Budget.OnStoreOutage.OPEN);

        JsonNode listed = json(admin("GET", "/v1/admin/budgets?scope=project&subject=" + project, null).body());
        assertThat(listed.path("data").findValuesAsText("id")).containsExactly(projectBudget);
        // the list carries each budget's spend in its current period (the dashboard draws it against the limit)
        assertThat(listed.path("data").get(0).path("spentUsd").decimalValue()).isEqualByComparingTo("0");
        assertThat(json(patched.body()).has("spentUsd")).isFalse();

        HttpResponse<String> deleted = admin("DELETE", "/v1/admin/budgets/" + projectBudget, null);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(json(deleted.body()).path("deleted").asBoolean()).isTrue();
        assertThat(book.budgetsFor(caller, user)).extracting(Budget::scope)
                .containsExactly(Budget.Scope.KEY, Budget.Scope.USER);
        assertThat(admin("GET", "/v1/admin/budgets/" + projectBudget, null).statusCode()).isEqualTo(404);
        assertThat(admin("DELETE", "/v1/admin/budgets/" + projectBudget, null).statusCode()).isEqualTo(404);
    }

    @Test
    void a_second_budget_for_the_same_subject_is_a_conflict() throws Exception {
        String body = "{\"scope\":\"user\",\"subject\":\"dup-" + UUID.randomUUID() + "\",\"limitUsd\":5}";
        String first = json(admin("POST", "/v1/admin/budgets", body).body()).path("id").asText();

        HttpResponse<String> second = admin("POST", "/v1/admin/budgets", body);

        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(json(second.body()).at("/error/message").asText()).contains(first);
        assertThat(json(second.body()).at("/error/param").asText()).isEqualTo("subject");
    }

    @Test
    void the_environment_key_can_have_a_budget() throws Exception {
        HttpResponse<String> created = admin("POST", "/v1/admin/budgets",
                "{\"scope\":\"key\",\"subject\":\"env\",\"limitUsd\":1000}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(book.budgetsFor(Caller.ENVIRONMENT, null)).extracting(Budget::subject).containsExactly("env");
        // other tests of this context call with the environment key
        admin("DELETE", "/v1/admin/budgets/" + json(created.body()).path("id").asText(), null);
    }
}
