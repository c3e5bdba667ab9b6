package dev.caravan.controlplane;

/**
 * Something an admin changed that the caches of every replica must forget: a key (created, updated, revoked), a
 * project (its rate limit) or a budget. Travels between replicas as {@code "<kind> <id>"}.
 *
 * @param kind what changed
 * @param id   the key's or project's id, or {@link #ALL} for every one of that kind (budgets are always forgotten
 *             together: they are few and rarely change)
 */
public record Change(Kind kind, String id) {

    public static final String ALL = "*";

    public enum Kind { KEY, PROJECT, BUDGETS }

    public static Change key(String id) {
        return new Change(Kind.KEY, id);
    }

    public static Change project(String id) {
        return new Change(Kind.PROJECT, id);
    }

    public static Change budgets() {
        return new Change(Kind.BUDGETS, ALL);
    }

    /** Whether this change concerns the key, project or budget {@code id} of its kind. */
    public boolean concerns(String id) {
        return ALL.equals(this.id) || this.id.equals(id);
    }

    String encode() {
        return kind.name() + " " + id;
    }

    /** The change a message announces, or null for one this version does not understand. */
    static Change decode(String message) {
        int space = message.indexOf(' ');
        if (space < 0) {
            return null;
        }
        try {
            return new Change(Kind.valueOf(message.substring(0, space)), message.substring(space + 1));
        } catch (IllegalArgumentException unknownKind) {
            return null;
        }
    }
}
