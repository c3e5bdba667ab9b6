package dev.caravan.identity;

/**
 * Who is calling, as the gateway key or identity-provider token says: set on the exchange by the authenticate step
 * once the credential is checked, read by accounting, budgets and rate limits. Never holds the credential itself.
 *
 * @param keyId        the key's id ({@code key_…}), {@link #ENVIRONMENT_KEY_ID} for {@code AI_GATEWAY_API_KEY}, or
 *                     {@code oidc:<issuer name>} for a token of a trusted issuer
 * @param projectId    the key's project (a token's mapped project), or null
 * @param keyLimit     the key's own rate limit ({@link RateLimit#NONE} when it has none)
 * @param projectLimit the project's rate limit, shared by its keys ({@link RateLimit#NONE} when none)
 * @param user         the end user a token names (its mapped user claim), or null: a key names none, so a key's
 *                     request may say which user it is for
 * @param scope        what the credential may do: models, APIs, expiry ({@link Scope#NONE}: anything)
 */
public record Caller(String keyId, String projectId, RateLimit keyLimit, RateLimit projectLimit, String user,
                     Scope scope) {

    public static final String PROPERTY = "caravanCaller";
    public static final String ENVIRONMENT_KEY_ID = "env";
    /** The holder of {@code AI_GATEWAY_API_KEY} or a key listed in {@code caravan.auth.key-hashes}. */
    public static final Caller ENVIRONMENT = new Caller(ENVIRONMENT_KEY_ID, null, RateLimit.NONE, RateLimit.NONE);

    public Caller {
        keyLimit = keyLimit == null ? RateLimit.NONE : keyLimit;
        projectLimit = projectLimit == null ? RateLimit.NONE : projectLimit;
        scope = scope == null ? Scope.NONE : scope;
    }

    /** An unscoped caller: limited by rate limits and budgets only. */
    public Caller(String keyId, String projectId, RateLimit keyLimit, RateLimit projectLimit, String user) {
        this(keyId, projectId, keyLimit, projectLimit, user, Scope.NONE);
    }

    /** A key's caller: keys name no user. */
    public Caller(String keyId, String projectId, RateLimit keyLimit, RateLimit projectLimit) {
        this(keyId, projectId, keyLimit, projectLimit, null);
    }
}
