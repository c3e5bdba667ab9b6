package dev.caravan.auth.oidc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one issuer's verified claims name a project and a user: pure functions over the claims map. A token is never
 * served without a project (no "anonymous" caller), and a claim whose values map to two projects is refused rather
 * than one picked by the order an identity provider happened to list groups in.
 */
record ClaimMapping(List<String> projectPath, Map<String, String> projects, List<String> userPath) {

    /** The longest user name recorded ({@code usage_records.end_user}). */
    static final int MAX_USER_LENGTH = 200;

    static ClaimMapping of(OidcProperties.Issuer issuer) {
        Map<String, String> projects = new LinkedHashMap<>();
        issuer.projects().forEach(m -> projects.put(m.value(), m.project().strip()));
        return new ClaimMapping(path(issuer.projectClaim()), Map.copyOf(projects),
                issuer.userClaim().isEmpty() ? List.of() : path(issuer.userClaim()));
    }

    /** The project id or name the claims stand for; a {@link Refusal} saying why when there is not exactly one. */
    String project(Map<String, Object> claims) throws Refusal {
        String claim = String.join("/", projectPath);
        List<String> values = values(at(claims, projectPath));
        if (values.isEmpty()) {
            throw new Refusal("The token has no '" + claim + "' claim, which names the caller's project.");
        }
        Set<String> mapped = new LinkedHashSet<>();
        for (String value : values) {
            String project = projects.isEmpty() ? value : projects.get(value);
            if (project != null) {
                mapped.add(project);
            }
        }
        if (mapped.isEmpty()) {
            throw new Refusal("The token's '" + claim + "' claim maps to no project of this gateway.");
        }
        if (mapped.size() > 1) {
            throw new Refusal("The token's '" + claim + "' claim maps to more than one project.");
        }
        return mapped.iterator().next();
    }

    /** The end user the claims name, or null when no user claim is configured or the token has none. */
    String user(Map<String, Object> claims) {
        if (userPath.isEmpty()) {
            return null;
        }
        List<String> values = values(at(claims, userPath));
        if (values.size() != 1) {
            return null;
        }
        String user = values.getFirst();
        return user.length() > MAX_USER_LENGTH ? user.substring(0, MAX_USER_LENGTH) : user;
    }

    /** {@code kubernetes.io/serviceaccount/name}: claim names split on '/', since they may contain dots. */
    static List<String> path(String claim) {
        return List.of(claim.strip().split("/"));
    }

    private static Object at(Map<String, Object> claims, List<String> path) {
        Object node = claims;
        for (String name : path) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(name);
        }
        return node;
    }

    /** A claim's text values: a string, number or boolean is one, an array of them several; objects are none. */
    private static List<String> values(Object claim) {
        List<String> values = new ArrayList<>();
        if (claim instanceof Collection<?> many) {
            many.forEach(v -> addScalar(values, v));
        } else {
            addScalar(values, claim);
        }
        return values;
    }

    private static void addScalar(List<String> values, Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            String text = value.toString();
            if (!text.isBlank()) {
                values.add(text);
            }
        }
    }

    /** A token refused for what its claims say (or lack); the message is for the client. */
    static final class Refusal extends Exception {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }
}
