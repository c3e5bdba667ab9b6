package dev.caravan.identity;

/**
 * Who is calling, as the gateway key says: set on the exchange by the authenticate step once the key is checked,
 * read by accounting, budgets and rate limits. Never holds the key itself.
 *
 * @param keyId        the key's id ({@code key_…}), or {@link #ENVIRONMENT_KEY_ID} for {@code AI_GATEWAY_API_KEY}
 * @param projectId    the key's project, or null
 * @param keyLimit     the key's own rate limit ({@link RateLimit#NONE} when it has none)
 * @param projectLimit the project's rate limit, shared by its keys ({@link RateLimit#NONE} when none)
 */
public record Caller(String keyId, String projectId, RateLimit keyLimit, RateLimit projectLimit) {

    public static final String PROPERTY = "caravanCaller";
    public static final String ENVIRONMENT_KEY_ID = "env";
    /** The holder of {@code AI_GATEWAY_API_KEY} or a key listed in {@code caravan.auth.key-hashes}. */
    public static final Caller ENVIRONMENT = new Caller(ENVIRONMENT_KEY_ID, null, RateLimit.NONE, RateLimit.NONE);

    public Caller {
        keyLimit = keyLimit == null ? RateLimit.NONE : keyLimit;
        projectLimit = projectLimit == null ? RateLimit.NONE : projectLimit;
    }
}
