package dev.caravan.admin;

import dev.caravan.audit.AuditLog;
import dev.caravan.audit.AuditTarget;
import dev.caravan.identity.RateLimit;
import dev.caravan.keys.KeyStore;
import dev.caravan.keys.Project;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * {@code /v1/admin/projects}: groups of keys with a shared rate limit (and, through {@link BudgetsAdmin}, a shared
 * budget). A changed limit reaches every replica's request path at once.
 */
@Component("projectsAdmin")
public class ProjectsAdmin {

    private final KeyStore store;
    private final AuditLog audit;

    public ProjectsAdmin(KeyStore store, AuditLog audit) {
        this.store = store;
        this.audit = audit;
    }

    private static AuditTarget audited(Project project) {
        return AuditTarget.of("project", project.id(), ProjectView.of(project));
    }

    /**
     * {@code POST}: {@code {"name", "rateLimit"?, "logBodies"?, "cacheAnswers"?}}; {@code logBodies: true} keeps the
     * project's request and response bodies beside their usage records (capped, keys redacted), readable in the
     * request log's detail; {@code cacheAnswers: true} has its chat requests use the response cache unless one says
     * {@code cache: false}.
     */
    public void create(Exchange exchange) {
        AdminRequest request = AdminRequest.body(exchange, "name", "rateLimit", "logBodies", "cacheAnswers");
        String name = request.text("name", true);
        RateLimit limit = request.rateLimit("rateLimit");
        boolean logBodies = request.flag("logBodies", false);
        boolean cacheAnswers = request.flag("cacheAnswers", false);
        Project project = audit.change(exchange, "project.create",
                () -> store.createProject(name, limit == null ? RateLimit.NONE : limit, logBodies, cacheAnswers),
                ProjectsAdmin::audited);
        AdminResponse.write(exchange, 201, ProjectView.of(project));
    }

    public void list(Exchange exchange) {
        AdminResponse.list(exchange, store.projects().stream().map(ProjectView::of).toList());
    }

    public void get(Exchange exchange) {
        String id = AdminRequest.id(exchange);
        AdminResponse.ok(exchange, ProjectView.of(store.project(id)
                .orElseThrow(() -> AdminResponse.notFound("project", id))));
    }

    /**
     * {@code PATCH}: {@code {"name"?, "rateLimit"?, "logBodies"?, "cacheAnswers"?}}; {@code "rateLimit": null}
     * removes the limit.
     */
    public void update(Exchange exchange) {
        String id = AdminRequest.id(exchange);
        AdminRequest request = AdminRequest.body(exchange, "name", "rateLimit", "logBodies", "cacheAnswers");
        String name = request.text("name", false);
        RateLimit limit = request.rateLimit("rateLimit");
        Boolean logBodies = request.has("logBodies") ? request.flag("logBodies", false) : null;
        Boolean cacheAnswers = request.has("cacheAnswers") ? request.flag("cacheAnswers", false) : null;
        Project project = audit.change(exchange, "project.update",
                        () -> store.updateProject(id, name, limit, logBodies, cacheAnswers),
                        updated -> updated.map(p -> audited(p).changed(request.fields())).orElse(null))
                .orElseThrow(() -> AdminResponse.notFound("project", id));
        AdminResponse.ok(exchange, ProjectView.of(project));
    }

    /** @param rateLimit absent when the project has none */
    record ProjectView(String id, String name, RateLimit rateLimit, String createdAt, boolean logBodies,
                       boolean cacheAnswers) {

        static ProjectView of(Project project) {
            return new ProjectView(project.id(), project.name(),
                    project.rateLimit().limited() ? project.rateLimit() : null, project.createdAt().toString(),
                    project.logBodies(), project.cacheAnswers());
        }
    }
}
