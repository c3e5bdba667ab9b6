package dev.caravan.audit;

import dev.caravan.canonical.Json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an admin change touched, and the settings it left there.
 *
 * @param type    {@code key}, {@code budget} or {@code project}
 * @param details the settings, field by field as the admin class chose them: never a secret
 */
public record AuditTarget(String type, String id, Map<String, Object> details) {

    public AuditTarget {
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** {@code view}'s fields (the admin API's answer, nulls left out) as the details. */
    @SuppressWarnings("unchecked")
    public static AuditTarget of(String type, String id, Object view) {
        return new AuditTarget(type, id, Json.convert(view, LinkedHashMap.class));
    }

    /** These details without {@code fields}: what the admin answer shows but the audit log must not keep. */
    public AuditTarget without(String... fields) {
        Map<String, Object> kept = new LinkedHashMap<>(details);
        for (String field : fields) {
            kept.remove(field);
        }
        return new AuditTarget(type, id, kept);
    }

    /** These details and {@code field}, unless {@code value} is null. */
    public AuditTarget with(String field, Object value) {
        if (value == null) {
            return this;
        }
        Map<String, Object> more = new LinkedHashMap<>(details);
        more.put(field, value);
        return new AuditTarget(type, id, more);
    }

    /** These details and {@code changed}: the fields the request set, so "what changed" needs no diff. */
    public AuditTarget changed(List<String> fields) {
        return with("changed", List.copyOf(fields));
    }
}
