package dev.caravan.accounting;

import dev.caravan.identity.Caller;
import dev.caravan.keys.Project;
import dev.caravan.keys.ProjectLookup;
import dev.caravan.usage.RequestLogProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Whether a request's bodies are kept: only when its caller's project turned it on ({@code logBodies}, admin API);
 * never for a key without a project. The project is read from {@link ProjectLookup}'s cache, so the request path
 * asks the database at most once per project and cache period.
 */
@Component
public class BodyLogging {

    /** Bodies are never kept: for meters made outside the Spring context. */
    static final BodyLogging OFF = new BodyLogging(null, 0);

    private final ProjectLookup projects;
    private final int maxBytes;

    BodyLogging(ProjectLookup projects, int maxBytes) {
        this.projects = projects;
        this.maxBytes = maxBytes;
    }

    @Autowired
    public BodyLogging(ProjectLookup projects, RequestLogProperties properties) {
        this(projects, properties.maxBytes());
    }

    /** A capture for {@code caller}'s request, or null when its bodies are not kept. */
    BodyCapture open(Caller caller) {
        if (projects == null || caller.projectId() == null) {
            return null;
        }
        boolean keep = projects.project(caller.projectId()).map(Project::logBodies).orElse(false);
        return keep ? new BodyCapture(maxBytes) : null;
    }
}
