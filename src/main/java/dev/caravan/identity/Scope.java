package dev.caravan.identity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a key (or an issuer's tokens) may do: which models, served by which providers, which APIs, until when. Each part is optional; an absent
 * part limits nothing ({@link #NONE} limits nothing at all). Built once when a key is read and cached with it, so the
 * request path pays one precompiled regex match per model it would use, not a parse.
 *
 * <p>Model patterns are catalog ids ({@code openai/gpt-5}) or globs where {@code *} stands for any characters
 * ({@code anthropic/*}, {@code openai/gpt-5*}). They match catalog models only: a {@code tier/<name>} is allowed when
 * every model of its chain is, so a tier can never reach a model its caller may not name directly.
 *
 * <p>Providers are the gateway's provider ids ({@code anthropic}, {@code openai}): a model is served only by those
 * (its other providers are left out of the plan), and a model none of them serves is refused. That is the part for a
 * team whose data may reach some vendors only, whichever model it asks for.
 */
public final class Scope {

    /** The APIs a scope can name, as the API routes call themselves ({@code caravanApi}). */
    public static final Set<String> APIS = Set.of("chat", "messages", "responses", "ai-sdk", "embeddings", "images",
            "models", "routing", "usage");
    public static final Scope NONE = new Scope(null, null, null, null);

    private static final Pattern PROVIDER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern MODEL_GLOB = Pattern.compile("[a-z0-9.*_-]+/[A-Za-z0-9.*_:-]+");
    private static final int MAX_PATTERNS = 100;
    private static final int MAX_PATTERN_LENGTH = 200;

    private final List<String> models;
    private final Set<String> providers;
    private final Set<String> apis;
    private final Instant expiresAt;
    private final Pattern modelMatcher;

    private Scope(List<String> models, Set<String> providers, Set<String> apis, Instant expiresAt) {
        this.models = models;
        this.providers = providers;
        this.apis = apis;
        this.expiresAt = expiresAt;
        this.modelMatcher = models == null ? null : Pattern.compile(models.stream().map(Scope::regex)
                .collect(Collectors.joining("|")));
    }

    /**
     * A scope of these parts, each null for "no limit". Throws {@link Invalid} naming the part ({@code models},
     * {@code apis}) and what is wrong with it: an empty list, a pattern that is not {@code creator/model} with
     * optional {@code *}, a tier, an unknown API.
     */
    public static Scope of(List<String> models, List<String> apis, Instant expiresAt) {
        return models == null && apis == null && expiresAt == null ? NONE
                : new Scope(models == null ? null : checkModels(models), null, apis == null ? null : checkApis(apis),
                        expiresAt);
    }

    /**
     * This scope limited to {@code providers} as well (null: no limit). Throws {@link Invalid} for {@code providers}
     * when the list is empty or holds something that is not a provider id; whether each provider exists is for the
     * caller to check against its registry.
     */
    public Scope withProviders(List<String> providers) {
        if (providers == null) {
            return this;
        }
        if (providers.isEmpty() || providers.size() > MAX_PATTERNS) {
            throw new Invalid("providers", "'providers' must list 1 to " + MAX_PATTERNS + " provider ids "
                    + "(leave it out to allow every provider).");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String name : providers) {
            String id = name == null ? "" : name.strip();
            if (!PROVIDER.matcher(id).matches()) {
                throw new Invalid("providers", "'providers': '" + shorten(id) + "' is not a provider id such as "
                        + "anthropic or openai.");
            }
            ids.add(id);
        }
        return new Scope(models, Collections.unmodifiableSet(ids), apis, expiresAt);
    }

    /** The providers that may serve its requests, in the order given; null when any may. */
    public Set<String> providers() {
        return providers;
    }

    /** Whether the provider {@code id} may serve its requests. */
    public boolean allowsProvider(String id) {
        return providers == null || providers.contains(id);
    }

    /** The model patterns, in the order given; null when any model is allowed. */
    public List<String> models() {
        return models;
    }

    /** The APIs allowed; null when any is. */
    public Set<String> apis() {
        return apis;
    }

    /** When the credential stops being accepted; null when never. */
    public Instant expiresAt() {
        return expiresAt;
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Whether {@code api} may be called; an API route that names none ({@code null}) only by an unlimited scope. */
    public boolean allowsApi(String api) {
        return apis == null || api != null && apis.contains(api);
    }

    /** Whether the catalog model {@code id} may be used. */
    public boolean allowsModel(String id) {
        return modelMatcher == null || modelMatcher.matcher(id).matches();
    }

    /** Limits the models it may use (the model listing is filtered, each request's models checked). */
    public boolean limitsModels() {
        return models != null || providers != null;
    }

    /** Whether it may use the model {@code id}, which {@code servedBy} (provider ids) serve: for listings. */
    public boolean allowsModel(String id, Collection<String> servedBy) {
        return allowsModel(id) && (providers == null || servedBy.stream().anyMatch(providers::contains));
    }

    private static List<String> checkModels(List<String> patterns) {
        if (patterns.isEmpty() || patterns.size() > MAX_PATTERNS) {
            throw new Invalid("models", "'models' must list 1 to " + MAX_PATTERNS + " model ids or globs "
                    + "(leave it out to allow every model).");
        }
        Set<String> distinct = new LinkedHashSet<>();
        for (String pattern : patterns) {
            String p = pattern == null ? "" : pattern.strip();
            if (p.length() > MAX_PATTERN_LENGTH || !MODEL_GLOB.matcher(p).matches()) {
                throw new Invalid("models", "'models': '" + shorten(p) + "' is not a model id or glob: write "
                        + "creator/model, with * for any characters (anthropic/*, openai/gpt-5*).");
            }
            if (p.startsWith("tier/")) {
                throw new Invalid("models", "'models': '" + p + "' names a tier; list the models instead: a tier "
                        + "is allowed when every model of its chain is.");
            }
            distinct.add(p);
        }
        return List.copyOf(distinct);
    }

    private static Set<String> checkApis(List<String> names) {
        if (names.isEmpty()) {
            throw new Invalid("apis", "'apis' must list at least one API (leave it out to allow every API): "
                    + String.join(", ", new TreeSet<>(APIS)) + ".");
        }
        Set<String> apis = new LinkedHashSet<>();
        for (String name : names) {
            String api = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
            if (!APIS.contains(api)) {
                throw new Invalid("apis", "'apis': '" + shorten(name == null ? "" : name) + "' is not an API of "
                        + "this gateway; one of " + String.join(", ", new TreeSet<>(APIS)) + ".");
            }
            apis.add(api);
        }
        // in the order given, as the key listing shows them
        return Collections.unmodifiableSet(apis);
    }

    /** A glob as a regex: {@code *} is any characters, everything else itself. */
    private static String regex(String glob) {
        List<String> parts = new ArrayList<>();
        for (String literal : glob.split("\\*", -1)) {
            parts.add(literal.isEmpty() ? "" : Pattern.quote(literal));
        }
        return "(?:" + String.join(".*", parts) + ")";
    }

    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Scope s && Objects.equals(models, s.models) && Objects.equals(providers, s.providers)
                && Objects.equals(apis, s.apis) && Objects.equals(expiresAt, s.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(models, providers, apis, expiresAt);
    }

    @Override
    public String toString() {
        return "Scope[models=" + models + ", providers=" + providers + ", apis=" + apis + ", expiresAt=" + expiresAt
                + "]";
    }

    /** A scope that cannot be: {@link #part} names the part, the message says why (client-safe). */
    public static final class Invalid extends IllegalArgumentException {

        private final String part;

        Invalid(String part, String message) {
            super(message);
            this.part = part;
        }

        public String part() {
            return part;
        }
    }
}
